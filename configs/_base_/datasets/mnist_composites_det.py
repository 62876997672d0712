# MNIST digits on aerial photos (tools/make_composites.py) as COCO detection:
# categories '0'-'9' (ids 1-10), 128 px images, exact boxes. No flips: a mirrored
# digit is another shape.
dataset_type = 'CocoDetDataset'
data_root = 'data/mnist_composites/'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='PackDetInputs'),
]
train_dataloader = dict(
    batch_size=8, num_workers=1, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='train.json',
                 data_prefix=dict(img=''), filter_empty_gt=True, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='val.json',
                 data_prefix=dict(img=''), test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric')  # scores its dataset's json
test_evaluator = val_evaluator

# tools/test.py --tta: each image at 3 scales (no flips), merged by per-class NMS with
# box voting.
tta_model = dict(type='DetTTAModel', test_cfg=dict(iou_threshold=0.5, max_per_img=200),
                 box_voting=True)
tta_pipeline = [
    dict(type='LoadImage'),
    dict(type='TestTimeAug', transforms=[
        [dict(type='Resize', scale_factor=s, keep_ratio=True) for s in (0.8, 1.0, 1.25)],
        [dict(type='PackDetInputs')]]),
]
