# Faster R-CNN R50-FPN laid out exactly as torchvision's fasterrcnn_resnet50_fpn, so
# its weights load through tools/convert_torchvision.py: frozen BatchNorm and stem +
# stage 1, P2-P6 (P6 by max pool), rounded anchors 32-512 px with torchvision's
# input-derived strides, RoIAlign (aligned=False) on P2-P5, 2 x 1024-d FCs, 90 classes.
_base_ = './faster_rcnn_fpn_heads.py'
model = dict(backbone=dict(type='ResNet', depth=50, out_indices=(0, 1, 2, 3), frozen_stages=1,
                           norm_cfg=dict(type='BN', requires_grad=False), norm_eval=True))
