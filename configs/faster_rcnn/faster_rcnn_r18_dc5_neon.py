# DC5: all four ResNet-18 stages, the last one dilated instead of strided (stride 16).
_base_ = './faster_rcnn_r18_neon.py'
model = dict(
    backbone=dict(num_stages=4, strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2), out_indices=(3,)),
    rpn_head=dict(in_channels=256, feat_channels=256,
                  anchor_generator=dict(strides=[16], scales=[1, 2, 4])),
    roi_head=dict(roi_extractor=dict(featmap_strides=[16]), bbox_head=dict(in_channels=256)))
