# Half-width ResNet-18 at output stride 8 (stages 3 and 4 dilated 2 and 4, first
# blocks halved) with an auxiliary FCN head on stage 3: the atrous encoder of the
# dilated-FCN and DeepLabV3 configs on the composite digits. 11 classes.
norm_cfg = dict(type='BN')
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=8),
    backbone=dict(type='ResNet', depth=18, base_channels=32, strides=(1, 2, 1, 1),
                  dilations=(1, 1, 2, 4), contract_dilation=True, out_indices=(2, 3)),
    auxiliary_head=dict(type='FCNHead', in_channels=128, channels=64, num_classes=11,
                        in_index=0, loss_decode=dict(type='CrossEntropyLoss', ignore_index=255,
                                                     loss_weight=0.4)))
