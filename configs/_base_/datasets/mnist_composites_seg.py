# MNIST digits on aerial photos (tools/make_composites.py), as semantic segmentation:
# 11 classes (background + digits 0-9), 128 px images. No flips: a mirrored digit is
# another shape. The test pipeline loads the label map after any resize, so metrics
# are taken at the original size.
dataset_type = 'SegDataset'
data_root = 'data/mnist_composites/'
metainfo = dict(classes=('background', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
                palette=[(0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128),
                         (128, 0, 128), (0, 128, 128), (128, 128, 128), (64, 0, 0),
                         (192, 0, 0), (64, 128, 0)])
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=False, with_label=False, with_seg=True),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadAnnotations', with_bbox=False, with_label=False, with_seg=True),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=8, num_workers=1, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, metainfo=metainfo,
                 data_prefix=dict(img_path='images/train', seg_map_path='labels/train'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, metainfo=metainfo, test_mode=True,
                 data_prefix=dict(img_path='images/val', seg_map_path='labels/val'),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric')
test_evaluator = val_evaluator
