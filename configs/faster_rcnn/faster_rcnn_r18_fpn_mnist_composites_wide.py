# The light FPN (P2-P5, one 16-128 px anchor size per level) on digits of 12-160 px.
_base_ = ['../_base_/models/faster_rcnn_r18_fpn.py',
          '../_base_/datasets/mnist_composites_wide_det.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
model = dict(roi_head=dict(bbox_head=dict(num_classes=10)))
