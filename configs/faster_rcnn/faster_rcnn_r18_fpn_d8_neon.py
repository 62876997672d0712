# A two-level FPN on the default detector's own backbone: P2 (stride 4) from stage 1,
# P3 (stride 8) from the dilated stage 3, P4 by max pool; one anchor size per level
# (16, 32, 64 px, as the default's three sizes on one map). RoIs below 56 px (most
# crowns) are pooled from P2.
_base_ = './faster_rcnn_r18_neon.py'
model = dict(
    backbone=dict(out_indices=(0, 2)),
    neck=dict(type='FPN', in_channels=[32, 128], out_channels=128, num_outs=3),
    rpn_head=dict(anchor_generator=dict(strides=[4, 8, 16], scales=[4])),
    roi_head=dict(roi_extractor=dict(featmap_strides=[4, 8, 16], canonical_scale=112)))
