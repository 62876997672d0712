# RetinaNet for small objects from scratch on a CPU: the body of r18_fpn_p3_p6.py, 9
# anchors per cell (16-25 px at P3 up to 128-203 px at P6: 3 sizes an octave apart x 3
# ratios), 4-conv towers of 64 channels with GroupNorm (normalised heads train from
# scratch), one class.
_base_ = './r18_fpn_p3_p6.py'
model = dict(
    bbox_head=dict(
        type='RetinaHead', num_classes=1, in_channels=64, feat_channels=64,
        norm_cfg=dict(type='GN', num_groups=16),
        anchor_generator=dict(type='AnchorGenerator', strides=[8, 16, 32, 64],
                              ratios=[0.5, 1.0, 2.0], scales=[2, 2.52, 3.17], center_offset=0.5),
        test_cfg=dict(score_thr=0.05, nms_pre=1000, iou_threshold=0.4, max_per_img=200)))
