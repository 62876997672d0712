# RetinaNet R50-FPN laid out exactly as torchvision's retinanet_resnet50_fpn, so its
# weights load through tools/convert_torchvision.py: its body (r50_fpn_p3_p7.py), 9
# rounded anchors per cell (3 sizes an octave apart x 3 ratios) with torchvision's
# input-derived strides, 4-conv towers, 90 sigmoid classes.
_base_ = './r50_fpn_p3_p7.py'
model = dict(
    bbox_head=dict(
        type='RetinaHead', num_classes=90, in_channels=256,
        anchor_generator=dict(  # int(s * 2 ** (k / 3)) for k = 0, 1, 2, as torchvision
            type='AnchorGenerator', strides=[8, 16, 32, 64, 128], ratios=[0.5, 1.0, 2.0],
            sizes=[[32, 40, 50], [64, 80, 101], [128, 161, 203], [256, 322, 406],
                   [512, 645, 812]], round_base=True, strides_from_input=True)))
