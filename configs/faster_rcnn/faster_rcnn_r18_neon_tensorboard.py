# The default tree detector, also logging losses, metrics and the drawn validation
# images to TensorBoard: tensorboard --logdir work_dirs/faster_rcnn_r18_neon_tensorboard
# (the same two lines turn TensorBoard on in any config)
_base_ = './faster_rcnn_r18_neon.py'
visualizer = dict(vis_backends=[dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')])
