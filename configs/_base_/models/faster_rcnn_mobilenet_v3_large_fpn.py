# torchvision's fasterrcnn_mobilenet_v3_large_fpn: MobileNetV3-Large (BatchNorm eps 1e-5,
# as torchvision builds it for detection), an FPN on its blocks 13 and 16 (both at stride
# 32, 160 and 960 channels) plus a max-pooled level, 15 anchors per cell (sides 32-512
# px x 3 ratios on every level), RoIs pooled from the first level only, proposals
# scoring below 0.05 dropped.
_base_ = './faster_rcnn_fpn_heads.py'
model = dict(
    backbone=dict(type='MobileNetV3', arch='large', out_indices=(13, 16), bn_eps=1e-5),
    neck=dict(in_channels=[160, 960], num_outs=3),
    rpn_head=dict(
        anchor_generator=dict(strides=[32, 32, 64], sizes=[[32, 64, 128, 256, 512]] * 3),
        test_proposals=dict(score_thr=0.05)),
    roi_head=dict(roi_extractor=dict(featmap_strides=[32])))
