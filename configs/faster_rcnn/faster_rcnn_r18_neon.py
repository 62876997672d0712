# The default tree-crown detector: see the bases for each choice.
_base_ = ['../_base_/models/faster_rcnn_r18.py', '../_base_/datasets/neon_trees.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
