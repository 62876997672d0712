# Faster R-CNN R50-FPN laid out as torchvision's fasterrcnn_resnet50_fpn_v2 (Li et al.'s
# recipe): trainable BatchNorm in the backbone, BatchNorm after every FPN conv, two RPN
# convs, and a box head of 4 convs (256, BatchNorm) and one 1024-d FC.
_base_ = './faster_rcnn_r50_fpn.py'
model = dict(
    backbone=dict(norm_cfg=dict(type='BN'), norm_eval=False),
    neck=dict(norm_cfg=dict(type='BN')),
    rpn_head=dict(num_convs=2),
    roi_head=dict(bbox_head=dict(num_convs=4, norm_cfg=dict(type='BN'), num_fcs=1)))
