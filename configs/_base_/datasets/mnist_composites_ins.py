# The digit composites as COCO instance segmentation: boxes and exact masks in
# training, box and mask AP in testing.
_base_ = './mnist_composites_det.py'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True, with_mask=True),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackDetInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_evaluator = dict(iou_types=('bbox', 'segm'))
test_evaluator = val_evaluator
