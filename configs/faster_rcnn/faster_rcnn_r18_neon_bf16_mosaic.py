# The default tree detector trained on mosaics of four tiles half of the time (at native
# resolution, 400 x 400 like the tiles), then the base's augmentations (docs/training.md).
_base_ = './faster_rcnn_r18_neon_bf16.py'
train_dataloader = dict(dataset=dict(
    _delete_=True, type='MixImageDataset',
    dataset=dict(type='CocoDetDataset', data_root={{_base_.data_root}}, ann_file='train.json',
                 data_prefix=dict(img=''), filter_empty_gt=True,
                 pipeline=_base_.train_pipeline[:2]),  # LoadImage, LoadAnnotations
    pipeline=[dict(type='Mosaic', img_scale=(400, 400), prob=0.5),
              *_base_.train_pipeline[2:]]))
