# Add to a config's _base_ list (after default_runtime.py) to log losses, metrics and
# the validation images to TensorBoard as well: tensorboard --logdir WORK_DIR
visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
                                dict(type='TensorboardVisBackend')])
