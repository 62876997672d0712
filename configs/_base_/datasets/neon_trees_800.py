# The NEON data tested at torchvision's detection size: shorter side 800, longer at
# most 1333 (GeneralizedRCNNTransform's rule), for torchvision's converted detectors.
_base_ = './neon_trees.py'
resize_800 = [
    dict(type='LoadImage'), dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale=(1333, 800), keep_ratio=True), dict(type='PackDetInputs')]
val_dataloader = dict(dataset=dict(pipeline=resize_800))
test_dataloader = val_dataloader
