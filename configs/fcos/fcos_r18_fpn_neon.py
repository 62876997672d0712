# FCOS on the NEON tree crowns from scratch, beside the default Faster R-CNN and
# RetinaNet: same data, schedule and runtime (docs/one_stage.md).
_base_ = ['../_base_/models/fcos_r18_fpn.py', '../_base_/datasets/neon_trees.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
