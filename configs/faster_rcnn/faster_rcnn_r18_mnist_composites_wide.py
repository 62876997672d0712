# The single-level detector (one stride-8 map) on digits of 12-160 px, its anchors
# widened to the FPN config's 16-128 px, so the two differ only in the feature pyramid.
_base_ = ['../_base_/models/faster_rcnn_r18.py', '../_base_/datasets/mnist_composites_wide_det.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
model = dict(rpn_head=dict(anchor_generator=dict(scales=[2, 4, 8, 16])),
             roi_head=dict(bbox_head=dict(num_classes=10)))
