# Runtime shared by every config: registries scope, hooks, logging, checkpoints.
default_scope = 'plugins'

default_hooks = dict(
    # the ETA follows the last 20 iterations; the loss is also logged at iterations 1, 5, 10
    timer=dict(type='RecentETATimerHook'),
    logger=dict(type='EarlyLoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # atomic_local: a checkpoint file is either complete or absent, never half-written;
    # RotatingCheckpointHook: the oldest one is removed only after the new one is saved
    checkpoint=dict(type='RotatingCheckpointHook', by_epoch=False, interval=200, max_keep_ckpts=2,
                    backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # every 50th validation image drawn to the vis backends; test images with --show-dir
    visualization=dict(type='DetVisualizationHook', interval=50))
# SafeCheckpointHook: only plain types in checkpoints, so they load with
# torch.load(weights_only=True); RNGStateHook: generator states saved and restored on
# resume (exact resume); ProgressBarHook: a progress bar with ETA over the test set;
# MemoryMonitorHook: resident memory (process + loader workers) logged every 100 iterations;
# DataConsistencyHook: model classes, datasets and evaluators agree, checked at the start;
# RerunValidationHook: a validation a signal cut short runs again on resume
custom_hooks = [dict(type='SafeCheckpointHook'), dict(type='RNGStateHook'),
                dict(type='ProgressBarHook'), dict(type='MemoryMonitorHook', interval=100),
                dict(type='DataConsistencyHook'), dict(type='RerunValidationHook')]

env_cfg = dict(cudnn_benchmark=False,
               mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
               dist_cfg=dict(backend='gloo'))
visualizer = dict(type='DetLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
