# torchvision's one-stage detectors' body (RetinaNet v1, FCOS): ResNet-50 with frozen
# BatchNorm and frozen stem + stage 1, an FPN on C3-C5 with P6 and P7 by stride-2 convs
# on P5 (ReLU before P7), inputs normalised and padded to a multiple of 32.
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='ResNet', depth=50, out_indices=(1, 2, 3), frozen_stages=1,
                  norm_cfg=dict(type='BN', requires_grad=False), norm_eval=True),
    neck=dict(type='FPN', in_channels=[512, 1024, 2048], out_channels=256, num_outs=5,
              add_extra_convs='on_output'))
