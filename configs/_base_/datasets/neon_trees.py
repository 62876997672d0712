# NEON tree crowns (tools/prepare_neon.py): 400 px tiles of two YELL images for
# training, OSBS_029 (another site) for validation and test. Native resolution
# (0.1 m/px, trees ~30 px); training adds the 8 flips/rotations, scale and colour jitter.
# Both pipelines work at the images' own size times scale_factor (a top-level
# scale_factor = 2.0 in a leaf config upsamples training and testing alike).
dataset_type = 'CocoDetDataset'
data_root = 'data/neon_trees/'

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='RandomRescale', ratio_range=(0.8, 1.25), scale_factor=1.0),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomRot90'),
    dict(type='ColorJitter'),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale_factor=1.0, keep_ratio=True),
    dict(type='PackDetInputs'),
]
train_dataloader = dict(
    batch_size=4, num_workers=1, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='train.json',
                 data_prefix=dict(img=''), filter_empty_gt=True, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='val.json',
                 data_prefix=dict(img=''), test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric')  # scores its dataset's json
test_evaluator = val_evaluator

# tools/test.py --tta: each image at 3 scales, unflipped and flipped, merged by NMS
# with box voting (plain NMS added no AP; see docs/multi_scale.md).
tta_model = dict(type='DetTTAModel', test_cfg=dict(iou_threshold=0.5, max_per_img=200),
                 box_voting=True)
tta_pipeline = [
    dict(type='LoadImage'),
    dict(type='TestTimeAug', transforms=[
        [dict(type='Resize', scale_factor=s, keep_ratio=True) for s in (0.8, 1.0, 1.25)],
        [dict(type='RandomFlip', prob=p, direction='horizontal') for p in (0.0, 1.0)],
        [dict(type='PackDetInputs')]]),
]
