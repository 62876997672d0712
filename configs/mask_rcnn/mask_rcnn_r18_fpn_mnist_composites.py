# Mask R-CNN from scratch on the digit composites: the light FPN detector plus a mask
# branch (RoIAlign 14 x 14 from P2-P5, 4 x 64-channel convs, 28 x 28 masks per class).
_base_ = ['../_base_/models/faster_rcnn_r18_fpn.py', '../_base_/datasets/mnist_composites_ins.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
model = dict(roi_head=dict(
    bbox_head=dict(num_classes=10),
    mask_roi_extractor=dict(type='RoIExtractor', featmap_strides=[4, 8, 16, 32],
                            canonical_scale=112, roi_layer=dict(type='RoIAlign', output_size=14)),
    mask_head=dict(type='MaskHead', num_classes=10, in_channels=64, conv_channels=64)))
