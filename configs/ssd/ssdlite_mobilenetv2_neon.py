# A light SSD for the CPU: MobileNetV2 (strides 8, 16, 32), depthwise-separable
# predictors, default boxes 5-40% of the side, the tree data at its native 400 px
# with the Faster R-CNN recipe's augmentations.
_base_ = ['../_base_/datasets/neon_trees.py', '../_base_/schedules/cpu_budget.py',
          '../_base_/default_runtime.py']
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    backbone=dict(type='MobileNetV2', out_indices=(6, 13, 17)),
    bbox_head=dict(
        type='SSDHead', num_classes=1, in_channels=[32, 96, 320], separable=True,
        prior_generator=dict(type='SSDPriorGenerator', input_size=(416, 416), steps=[8, 16, 32],
                             ratios=[[2], [2], [2]], scales=[0.05, 0.1, 0.2, 0.4])))
