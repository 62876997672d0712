# The default tree detector, also logging config, losses, metrics and the drawn
# validation images to MLflow. With no tracking_uri the store is a folder, the work
# dir's vis_data/ (mlflow ui --backend-store-uri file://$PWD/<that folder>); set
# tracking_uri='http://host:5000' for a tracking server (docs/training.md).
# pip install '.[mlflow]'.
_base_ = './faster_rcnn_r18_neon.py'
visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
                                dict(type='MLflowVisBackend', exp_name='detplug')])
