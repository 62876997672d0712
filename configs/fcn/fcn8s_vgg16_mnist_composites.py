# FCN-8s on the FCN paper's encoder, VGG16 (at a quarter of its width, BatchNorm
# after each conv, fc6/fc7 of 512 channels: from scratch on a CPU): pool3, pool4, fc7.
_base_ = ['../_base_/models/fcn_skip.py', '../_base_/datasets/mnist_composites_seg.py',
          '../_base_/schedules/cpu_budget_seg.py', '../_base_/default_runtime.py']
model = dict(
    backbone=dict(type='VGG', base_channels=16, fc_channels=512, out_indices=(2, 3, 5),
                  norm_cfg=dict(type='BN')),
    decode_head=dict(in_index=[0, 1, 2], in_channels=[64, 128, 512], strides=[8, 16, 32]))
