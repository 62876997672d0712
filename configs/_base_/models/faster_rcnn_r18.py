# Faster R-CNN for small objects trained from scratch on a CPU: ResNet-18 at half
# width (32 base channels) to stage 3, that stage dilated (one stride-8 map, so a
# 30 px crown spans ~4x4 cells), anchors 16-64 px, 128 RoIs per image into a
# 512-d two-FC box head, BatchNorm trained from scratch.
model = dict(
    type='TwoStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='ResNet', depth=18, base_channels=32, num_stages=3, strides=(1, 2, 1),
                  dilations=(1, 1, 2), out_indices=(2,), norm_cfg=dict(type='BN')),
    rpn_head=dict(
        type='RPNHead', in_channels=128, feat_channels=128,
        anchor_generator=dict(type='AnchorGenerator', strides=[8], scales=[2, 4, 8],
                              ratios=[0.5, 1.0, 2.0], center_offset=0.5),
        bbox_coder=dict(type='DeltaXYWHBBoxCoder'),
        assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.3),
        sampler=dict(type='RandomSampler', num=256, pos_fraction=0.5),
        train_proposals=dict(nms_pre=2000, iou_threshold=0.7, max_per_img=500, min_size=2),
        test_proposals=dict(nms_pre=1000, iou_threshold=0.7, max_per_img=300, min_size=2)),
    roi_head=dict(
        type='StandardRoIHead',
        roi_extractor=dict(type='RoIExtractor', featmap_strides=[8],
                           roi_layer=dict(type='RoIAlign', output_size=7)),
        bbox_head=dict(type='BBoxHead', num_classes=1, in_channels=128, fc_channels=512,
                       test_cfg=dict(score_thr=0.05, iou_threshold=0.4, max_per_img=200,
                                     min_size=1e-2)),
        assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5, min_pos_iou=0.5,
                      match_low_quality=False),
        sampler=dict(type='RandomSampler', num=128, pos_fraction=0.25)))
