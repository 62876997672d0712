# DeepLabV3 on the output-stride-8 encoder: ASPP rates 3, 6, 9 (a 128 px image gives a
# 16-cell map; the paper's 12, 24, 36 would sample mostly padding) with Dice added to
# the cross-entropy.
_base_ = ['../_base_/models/r18_d8.py', '../_base_/datasets/mnist_composites_seg.py',
          '../_base_/schedules/cpu_budget_seg.py', '../_base_/default_runtime.py']
model = dict(decode_head=dict(
    type='ASPPHead', in_channels=256, channels=128, num_classes=11, in_index=1,
    dilations=(3, 6, 9),
    loss_decode=[dict(type='CrossEntropyLoss', ignore_index=255),
                 dict(type='DiceLoss', loss_weight=0.5)]))
