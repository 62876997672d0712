# SSDLite320 laid out as torchvision's ssdlite320_mobilenet_v3_large, so its weights load
# through tools/convert_torchvision.py: MobileNetV3-Large with the reduced tail and 4 extra
# blocks (6 maps, 20 ... 1 cells at 320 px), depthwise-separable predictors, 6 default
# boxes per cell (ratios 2 and 3, sizes 0.2-0.95 of the side), 90 COCO classes.
# Pixels to [-1, 1] (mean and std 127.5).
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3,
                           bgr_to_rgb=True),
    backbone=dict(type='SSDLiteMobileNetV3'),
    bbox_head=dict(
        type='SSDHead', num_classes=90, in_channels=[672, 480, 512, 256, 256, 128],
        separable=True, norm_cfg=dict(type='BN', eps=0.001, momentum=0.03),
        prior_generator=dict(type='SSDPriorGenerator', input_size=(320, 320),
                             steps=[16, 32, 64, 320 / 3, 160, 320], ratios=[[2, 3]] * 6,
                             min_ratio=0.2, max_ratio=0.95),
        test_cfg=dict(score_thr=0.001, nms_pre=300, iou_threshold=0.55, max_per_img=300)))
