# RetinaNet R50-FPN laid out as torchvision's retinanet_resnet50_fpn_v2 (Li et al.'s
# recipe): P6 from C5 instead of P5, GroupNorm (32 groups) after every tower conv.
# torchvision trains v2 with a GIoU box loss, which detplug's RetinaHead lacks yet
# (loss_bbox is on deltas); inference is the same model.
_base_ = './retinanet_r50_fpn.py'
model = dict(neck=dict(add_extra_convs='on_input'),
             bbox_head=dict(norm_cfg=dict(type='GN', num_groups=32)))
