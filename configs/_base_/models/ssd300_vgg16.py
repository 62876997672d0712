# SSD300 laid out as torchvision's ssd300_vgg16 (and the paper), so its weights load
# through tools/convert_torchvision.py: atrous VGG16 without norm layers, six maps
# (38, 19, 10, 5, 3, 1 cells), 4 or 6 default boxes per cell, 90 COCO classes.
# Pixels minus torchvision's mean (its 0-1 mean x 255), std 1: the paper's VGG input.
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[122.99925, 116.9991, 103.9992],
                           std=[1.0, 1.0, 1.0], bgr_to_rgb=True),
    backbone=dict(type='SSDVGG', input_size=300),
    bbox_head=dict(
        type='SSDHead', num_classes=90, in_channels=[512, 1024, 512, 256, 256, 256],
        prior_generator=dict(type='SSDPriorGenerator', input_size=(300, 300),
                             steps=[8, 16, 32, 64, 100, 300],
                             ratios=[[2], [2, 3], [2, 3], [2, 3], [2], [2]],
                             scales=[0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05])))
