# FCN-32s on a half-width ResNet-18 (stages at strides 8, 16, 32: 64, 128, 256
# channels): scores from the stride-32 map, one learned x32 upsampling.
_base_ = ['../_base_/models/fcn_skip.py', '../_base_/datasets/mnist_composites_seg.py',
          '../_base_/schedules/cpu_budget_seg.py', '../_base_/default_runtime.py']
model = dict(backbone=dict(type='ResNet', depth=18, base_channels=32, out_indices=(1, 2, 3)))
