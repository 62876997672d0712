# SSD512 on the NEON tree crowns from scratch: the 300 recipe with 512 x 512 inputs
# (the 400 px tiles upscaled, so crowns span more cells).
_base_ = ['../_base_/models/ssd512_vgg16.py', '../_base_/datasets/neon_trees_ssd.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
model = dict(backbone=dict(norm_cfg=dict(type='BN')), bbox_head=dict(num_classes=1))
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImage'), dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='PhotoMetricDistortion'), dict(type='Expand', ratio_range=(1, 2)),
    dict(type='MinIoURandomCrop'), dict(type='Resize', scale=(512, 512), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'), dict(type='RandomRot90'),
    dict(type='PackDetInputs')]))
val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImage'), dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale=(512, 512), keep_ratio=False), dict(type='PackDetInputs')]))
test_dataloader = val_dataloader
