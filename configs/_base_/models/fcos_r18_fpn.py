# FCOS for small objects from scratch on a CPU: the body of r18_fpn_p3_p6.py, one point
# per cell (a square prior of 8-64 px: the level's stride), so the levels regress
# largest point-to-side distances of 0-64, 64-128, 128-256 and 256+ px; 4-conv towers
# of 64 channels with GroupNorm 16, one class.
_base_ = './r18_fpn_p3_p6.py'
model = dict(
    bbox_head=dict(
        type='FCOSHead', num_classes=1, in_channels=64, feat_channels=64,
        norm_cfg=dict(type='GN', num_groups=16),
        point_generator=dict(type='AnchorGenerator', strides=[8, 16, 32, 64], ratios=[1.0],
                             sizes=[[8], [16], [32], [64]]),
        test_cfg=dict(score_thr=0.05, nms_pre=1000, iou_threshold=0.4, max_per_img=200)))
