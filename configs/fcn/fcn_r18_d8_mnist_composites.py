# Dilated FCN head (two 3x3 convs, input concatenated) on the output-stride-8 encoder.
_base_ = ['../_base_/models/r18_d8.py', '../_base_/datasets/mnist_composites_seg.py',
          '../_base_/schedules/cpu_budget_seg.py', '../_base_/default_runtime.py']
model = dict(decode_head=dict(type='FCNHead', in_channels=256, channels=128, num_classes=11,
                              in_index=1, num_convs=2, concat_input=True))
