# torchvision's Faster R-CNN less its backbone (faster_rcnn_r50_fpn.py and the MobileNetV3
# ones add it): inputs normalised and padded to 32, an FPN of 256 channels (P6 by max
# pool), rounded anchors with torchvision's input-derived strides, 1000 proposals at
# test time, RoIAlign (aligned=False) mapped by box size, two 1024-d FCs, 90 classes.
model = dict(
    type='TwoStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    neck=dict(type='FPN', in_channels=[256, 512, 1024, 2048], out_channels=256, num_outs=5),
    rpn_head=dict(
        type='RPNHead', in_channels=256, feat_channels=256,
        anchor_generator=dict(type='AnchorGenerator', strides=[4, 8, 16, 32, 64], scales=[8],
                              ratios=[0.5, 1.0, 2.0], round_base=True, strides_from_input=True),
        bbox_coder=dict(type='DeltaXYWHBBoxCoder'),
        assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.0),
        sampler=dict(type='RandomSampler', num=256, pos_fraction=0.5),
        train_proposals=dict(nms_pre=2000, iou_threshold=0.7, max_per_img=2000, min_size=1e-3),
        test_proposals=dict(nms_pre=1000, iou_threshold=0.7, max_per_img=1000, min_size=1e-3)),
    roi_head=dict(
        type='StandardRoIHead',
        roi_extractor=dict(type='RoIExtractor', featmap_strides=[4, 8, 16, 32],
                           roi_layer=dict(type='RoIAlign', output_size=7, aligned=False)),
        bbox_head=dict(type='BBoxHead', num_classes=90, in_channels=256, fc_channels=1024,
                       loss_bbox=dict(type='SmoothL1Loss', beta=1 / 9),
                       test_cfg=dict(score_thr=0.05, iou_threshold=0.5, max_per_img=100,
                                     min_size=1e-2)),
        assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5,
                      match_low_quality=False),
        sampler=dict(type='RandomSampler', num=512, pos_fraction=0.25)))
