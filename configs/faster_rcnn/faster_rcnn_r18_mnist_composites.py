# The default Faster R-CNN on the ten digit classes of the composite images.
_base_ = ['../_base_/models/faster_rcnn_r18.py', '../_base_/datasets/mnist_composites_det.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
model = dict(roi_head=dict(bbox_head=dict(num_classes=10)))
