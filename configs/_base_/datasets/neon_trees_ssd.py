# NEON tree crowns for SSD: the SSD paper's photometric distortion, zoom out (at most
# 2x: the crowns are small already) and min-IoU crops, then a fixed 300 x 300 input.
_base_ = './neon_trees.py'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='PhotoMetricDistortion'),
    dict(type='Expand', ratio_range=(1, 2)),
    dict(type='MinIoURandomCrop'),
    dict(type='Resize', scale=(300, 300), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomRot90'),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale=(300, 300), keep_ratio=False),
    dict(type='PackDetInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
