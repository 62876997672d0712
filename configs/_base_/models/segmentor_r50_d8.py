# What torchvision's fcn_resnet50 and deeplabv3_resnet50 share: ResNet-50 at output
# stride 8 (stages 3 and 4 dilated 2 and 4, their first blocks 1 and 2) and an
# auxiliary FCN head on stage 3 (1024 -> 256, loss weight 0.4); 21 Pascal VOC
# classes. The decode head comes from fcn_r50_d8.py or deeplabv3_r50_d8.py.
norm_cfg = dict(type='BN')
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(type='ResNet', depth=50, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                  contract_dilation=True, out_indices=(2, 3), norm_cfg=norm_cfg),
    auxiliary_head=dict(type='FCNHead', in_channels=1024, channels=256, num_classes=21,
                        in_index=0, norm_cfg=norm_cfg,
                        loss_decode=dict(type='CrossEntropyLoss', ignore_index=255,
                                         loss_weight=0.4)))
