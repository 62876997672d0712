# The one-stage tree detectors' body, from scratch on a CPU: the default detector's
# half-width ResNet-18, C3-C5 into a 64-channel FPN with P6 by a stride-2 conv on C5
# (P3-P6, strides 8-64), inputs padded to a multiple of 64.
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=64),
    backbone=dict(type='ResNet', depth=18, base_channels=32, out_indices=(1, 2, 3),
                  norm_cfg=dict(type='BN')),
    neck=dict(type='FPN', in_channels=[64, 128, 256], out_channels=64, num_outs=4,
              add_extra_convs='on_input'))
