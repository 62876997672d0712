# RetinaNet for small objects from scratch on a CPU: the tree detector's half-width
# ResNet-18, all four stages into a 64-channel FPN (P2-P5, strides 4-32), 9 anchors
# per cell (16-25 px at P2 up to 128-203 px at P5: 3 sizes an octave apart x 3
# ratios), 4-conv towers of 64 channels with GroupNorm (normalised heads train from
# scratch), one class.
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='ResNet', depth=18, base_channels=32, out_indices=(0, 1, 2, 3),
                  norm_cfg=dict(type='BN')),
    neck=dict(type='FPN', in_channels=[32, 64, 128, 256], out_channels=64, num_outs=4),
    bbox_head=dict(
        type='RetinaHead', num_classes=1, in_channels=64, feat_channels=64,
        norm_cfg=dict(type='GN', num_groups=16),
        anchor_generator=dict(type='AnchorGenerator', strides=[4, 8, 16, 32],
                              ratios=[0.5, 1.0, 2.0], scales=[4, 5.04, 6.35], center_offset=0.5),
        test_cfg=dict(score_thr=0.05, nms_pre=1000, iou_threshold=0.4, max_per_img=200)))
