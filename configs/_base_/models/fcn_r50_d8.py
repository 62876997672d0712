# Dilated FCN on ResNet-50, laid out as torchvision's fcn_resnet50 (its weights load
# through tools/convert_torchvision.py): a 3x3 conv head, 2048 -> 512 -> classes.
_base_ = './segmentor_r50_d8.py'
model = dict(decode_head=dict(type='FCNHead', in_channels=2048, channels=512, num_classes=21,
                              in_index=1, norm_cfg={{_base_.norm_cfg}}))
