# The default tree detector, stopped once validation AP50 has not risen by 0.005 over
# the best for 3 validations in a row (1,500 iterations at val_interval 500), the best
# checkpoint kept beside the last ones as best_coco_AP50_iter_N.pth (docs/training.md).
_base_ = './faster_rcnn_r18_neon_bf16.py'
default_hooks = dict(checkpoint=dict(save_best='coco/AP50', rule='greater'))
custom_hooks = _base_.custom_hooks + [
    dict(type='EarlyStoppingHook', monitor='coco/AP50', rule='greater', min_delta=0.005,
         patience=3)]
