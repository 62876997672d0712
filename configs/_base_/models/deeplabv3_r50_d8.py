# DeepLabV3 on ResNet-50, laid out as torchvision's deeplabv3_resnet50: an ASPP head
# (1x1 branch, rates 12, 24, 36, image pooling; 256 channels).
_base_ = './segmentor_r50_d8.py'
model = dict(decode_head=dict(type='ASPPHead', in_channels=2048, num_classes=21, in_index=1,
                              dilations=(12, 24, 36), norm_cfg={{_base_.norm_cfg}}))
