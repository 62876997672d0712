# torchvision's fcn_resnet101: fcn_r50_d8.py on ResNet-101.
_base_ = './fcn_r50_d8.py'
model = dict(backbone=dict(depth=101))
