# The tree-crown detector with a feature pyramid instead of one stride-8 map.
_base_ = ['../_base_/models/faster_rcnn_r18_fpn.py', '../_base_/datasets/neon_trees.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
