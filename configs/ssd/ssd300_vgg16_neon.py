# SSD300 on the NEON tree crowns, trained from scratch: BatchNorm after every VGG conv
# (the paper's VGG has none and needs ImageNet weights), one class.
_base_ = ['../_base_/models/ssd300_vgg16.py', '../_base_/datasets/neon_trees_ssd.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
model = dict(backbone=dict(norm_cfg=dict(type='BN')), bbox_head=dict(num_classes=1))
