# Image-pyramid variant of the FPN tree detector: each training image at one of four
# scales (x0.8 to x1.4), and `tools/test.py --tta` tests at three scales x flips.
_base_ = './faster_rcnn_r18_fpn_neon.py'
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImage'), dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='RandomChoiceResize', scales=[(320, 320), (400, 400), (480, 480), (560, 560)],
         keep_ratio=True),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'), dict(type='RandomRot90'),
    dict(type='ColorJitter'), dict(type='PackDetInputs')]))
