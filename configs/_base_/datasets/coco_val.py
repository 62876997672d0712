# COCO val2017 for testing converted torchvision detectors with no edits: COCO in
# data/coco/ (annotations/instances_val2017.json, val2017/*.jpg), images at torchvision's
# detection size (shorter side 800, longer at most 1333). The labels are the json's 80
# categories in id order: convert with `tools/convert_torchvision.py SRC DST --coco80`.
dataset_type = 'CocoDetDataset'
data_root = 'data/coco/'
ann_file = 'annotations/instances_val2017.json'
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale=(1333, 800), keep_ratio=True),
    dict(type='PackDetInputs'),
]
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file=ann_file,
                 data_prefix=dict(img='val2017/'), test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric')  # scores its dataset's json
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
