# FCOS R50-FPN laid out exactly as torchvision's fcos_resnet50_fpn, so its weights load
# through tools/convert_torchvision.py: its body (r50_fpn_p3_p7.py), one point per cell
# (a square prior of 8-128 px, the level's stride, for centre sampling and the size
# ranges), 4-conv towers with GroupNorm 32, 90 sigmoid classes and centre-ness.
_base_ = './r50_fpn_p3_p7.py'
model = dict(
    bbox_head=dict(
        type='FCOSHead', num_classes=90, in_channels=256,
        point_generator=dict(type='AnchorGenerator', strides=[8, 16, 32, 64, 128],
                             ratios=[1.0], sizes=[[8], [16], [32], [64], [128]],
                             round_base=True, strides_from_input=True)))
