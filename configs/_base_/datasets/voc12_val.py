# Pascal VOC 2012 val for testing converted torchvision segmentation models with no
# edits: VOCdevkit in data/VOCdevkit/VOC2012/ (JPEGImages, SegmentationClass,
# ImageSets/Segmentation/val.txt), torchvision's resize rule (shorter side 520), the
# 21 VOC classes (255: boundaries, ignored); mIoU at the original size (the label map is
# loaded after the resize).
dataset_type = 'SegDataset'
data_root = 'data/VOCdevkit/VOC2012/'
metainfo = dict(
    classes=('background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat',
             'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant',
             'sheep', 'sofa', 'train', 'tvmonitor'),
    palette=[(0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
             (0, 128, 128), (128, 128, 128), (64, 0, 0), (192, 0, 0), (64, 128, 0),
             (192, 128, 0), (64, 0, 128), (192, 0, 128), (64, 128, 128), (192, 128, 128),
             (0, 64, 0), (128, 64, 0), (0, 192, 0), (128, 192, 0), (0, 64, 128)])
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='Resize', scale=(4096, 520), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=False, with_label=False, with_seg=True),
    dict(type='PackSegInputs'),
]
val_dataloader = dict(
    batch_size=1, num_workers=2, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, metainfo=metainfo, test_mode=True,
                 ann_file='ImageSets/Segmentation/val.txt', img_suffix='.jpg',
                 data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric')
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
