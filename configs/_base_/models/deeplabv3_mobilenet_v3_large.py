# torchvision's deeplabv3_mobilenet_v3_large: an ASPP head (rates 12, 24, 36) on the final
# conv, an auxiliary FCN head on block 4 (40 -> 10 channels, loss weight 0.4).
_base_ = './mobilenet_v3_large_d16.py'
model = dict(
    decode_head=dict(type='ASPPHead', in_channels=960, num_classes=21, in_index=1,
                     dilations=(12, 24, 36)),
    auxiliary_head=dict(type='FCNHead', in_channels=40, channels=10, num_classes=21, in_index=0,
                        loss_decode=dict(type='CrossEntropyLoss', ignore_index=255,
                                         loss_weight=0.4)))
