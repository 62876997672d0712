# RetinaNet R50-FPN laid out as torchvision's retinanet_resnet50_fpn_v2 (Li et al.'s
# recipe): P6 from C5 instead of P5, GroupNorm (32 groups) after every tower conv, and
# a GIoU loss on the decoded boxes.
_base_ = './retinanet_r50_fpn.py'
model = dict(neck=dict(add_extra_convs='on_input'),
             bbox_head=dict(norm_cfg=dict(type='GN', num_groups=32), reg_decoded_bbox=True,
                            loss_bbox=dict(type='GIoULoss')))
