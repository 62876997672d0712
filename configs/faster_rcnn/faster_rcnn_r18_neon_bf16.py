# The default tree detector trained in bf16 mixed precision (autocast forward on the
# data's device, fp32 master weights, the same NaN guard): plugins/engine/precision.py.
_base_ = './faster_rcnn_r18_neon.py'
optim_wrapper = dict(type='BF16OptimWrapper')
# bf16 and the faster RoIAlign backward (0.36 s/iter against fp32's 0.48) fit 3,000
# iterations into the main job's 30 minutes; the cosine schedule follows max_iters.
train_cfg = dict(max_iters=3000)
