# Light FPN for small objects from scratch on a CPU: ResNet-18 at half width, all four
# stages into a 64-channel FPN (P2-P5, strides 4-32), one 16-128 px anchor size per
# level, RoIs up to ~56 px pooled from P2, 56-112 px from P3 (canonical scale 112).
_base_ = './faster_rcnn_r18.py'
model = dict(
    backbone=dict(num_stages=4, strides=(1, 2, 2, 2), dilations=(1, 1, 1, 1),
                  out_indices=(0, 1, 2, 3)),
    neck=dict(type='FPN', in_channels=[32, 64, 128, 256], out_channels=64, num_outs=4),
    rpn_head=dict(in_channels=64, feat_channels=64,
                  anchor_generator=dict(strides=[4, 8, 16, 32], scales=[4])),
    roi_head=dict(roi_extractor=dict(featmap_strides=[4, 8, 16, 32], canonical_scale=112),
                  bbox_head=dict(in_channels=64)))
