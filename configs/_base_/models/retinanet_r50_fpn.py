# RetinaNet R50-FPN laid out exactly as torchvision's retinanet_resnet50_fpn, so its
# weights load through tools/convert_torchvision.py: frozen BatchNorm and stem + stage
# 1, an FPN on C3-C5 with P6 and P7 by stride-2 convs on P5, 9 rounded anchors per
# cell (3 sizes an octave apart x 3 ratios) with torchvision's input-derived strides,
# 4-conv towers, 90 sigmoid classes.
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='ResNet', depth=50, out_indices=(1, 2, 3), frozen_stages=1,
                  norm_cfg=dict(type='BN', requires_grad=False), norm_eval=True),
    neck=dict(type='FPN', in_channels=[512, 1024, 2048], out_channels=256, num_outs=5,
              add_extra_convs='on_output'),
    bbox_head=dict(
        type='RetinaHead', num_classes=90, in_channels=256,
        anchor_generator=dict(  # int(s * 2 ** (k / 3)) for k = 0, 1, 2, as torchvision
            type='AnchorGenerator', strides=[8, 16, 32, 64, 128], ratios=[0.5, 1.0, 2.0],
            sizes=[[32, 40, 50], [64, 80, 101], [128, 161, 203], [256, 322, 406],
                   [512, 645, 812]], round_base=True, strides_from_input=True)))
