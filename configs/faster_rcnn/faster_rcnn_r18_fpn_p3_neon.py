# FPN from P3: the half-width ResNet-18 with all four stages undilated (strides 8-32
# at stages 2-4), a 128-channel FPN P3-P5, anchors of 2 sizes per level (16-128 px),
# RoIs below 56 px (most crowns) pooled from P3. Cheaper than the default's dilated
# stride-8 stage 3; on OSBS_029 it scores lower, and gains most from --tta
# (docs/multi_scale.md).
_base_ = './faster_rcnn_r18_neon.py'
model = dict(
    backbone=dict(num_stages=4, strides=(1, 2, 2, 2), dilations=(1, 1, 1, 1),
                  out_indices=(1, 2, 3)),
    neck=dict(type='FPN', in_channels=[64, 128, 256], out_channels=128, num_outs=3),
    rpn_head=dict(anchor_generator=dict(strides=[8, 16, 32], scales=[2, 4])),
    roi_head=dict(roi_extractor=dict(featmap_strides=[8, 16, 32], canonical_scale=56)))
