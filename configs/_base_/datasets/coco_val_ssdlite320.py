# COCO val2017 at torchvision's SSDLite320 input: every image resized to 320 x 320.
_base_ = './coco_val.py'
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale=(320, 320), keep_ratio=False),
    dict(type='PackDetInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
