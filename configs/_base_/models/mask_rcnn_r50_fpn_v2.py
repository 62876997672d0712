# Mask R-CNN R50-FPN laid out as torchvision's maskrcnn_resnet50_fpn_v2: the v2 Faster
# R-CNN (faster_rcnn_r50_fpn_v2.py) plus mask_rcnn_r50_fpn.py's mask branch with
# BatchNorm after each of its 4 convs.
_base_ = './faster_rcnn_r50_fpn_v2.py'
model = dict(roi_head=dict(
    mask_roi_extractor=dict(type='RoIExtractor', featmap_strides=[4, 8, 16, 32],
                            roi_layer=dict(type='RoIAlign', output_size=14, aligned=False)),
    mask_head=dict(type='MaskHead', num_classes=90, in_channels=256, norm_cfg=dict(type='BN'))))
