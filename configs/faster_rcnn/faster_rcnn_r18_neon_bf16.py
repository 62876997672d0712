# The default tree detector trained in bf16 mixed precision (autocast forward on the
# data's device, fp32 master weights, the same NaN guard): plugins/engine/precision.py.
_base_ = './faster_rcnn_r18_neon.py'
optim_wrapper = dict(type='BF16OptimWrapper')
