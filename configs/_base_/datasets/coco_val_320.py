# COCO val2017 at torchvision's 320 px detection size (shorter side 320, longer at most 640).
_base_ = './coco_val.py'
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale=(640, 320), keep_ratio=True),
    dict(type='PackDetInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
