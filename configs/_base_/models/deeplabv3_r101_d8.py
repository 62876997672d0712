# torchvision's deeplabv3_resnet101: deeplabv3_r50_d8.py on ResNet-101.
_base_ = './deeplabv3_r50_d8.py'
model = dict(backbone=dict(depth=101))
