# The default tree detector, also logging config, losses, metrics and the drawn
# validation images to Weights & Biases, offline: the run is written under the work
# dir's vis_data/wandb/ and uploaded later with `wandb sync` (docs/training.md).
# pip install '.[wandb]'; drop mode='offline' to log to a W&B server directly.
_base_ = './faster_rcnn_r18_neon.py'
visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
                                dict(type='WandbVisBackend', init_kwargs=dict(mode='offline'))])
