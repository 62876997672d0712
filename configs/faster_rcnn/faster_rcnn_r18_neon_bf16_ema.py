# The default tree detector with an exponential moving average of its weights
# (docs/training.md "EMA"): validation, test and the checkpoints' ``state_dict`` use
# the average; the raw weights are kept under ``ema_state_dict``. Warm-up: the average's
# momentum is max(0.004, 10 / (10 + step)), so early on it follows the weights closely
# and from step 2,490 on it averages over the last ~250 steps.
_base_ = './faster_rcnn_r18_neon_bf16.py'
custom_hooks = _base_.custom_hooks + [
    dict(type='EMAHook', ema_type='MomentumAnnealingEMA', momentum=0.004, gamma=10)]
