# Mask R-CNN R50-FPN laid out as torchvision's maskrcnn_resnet50_fpn: the Faster R-CNN
# of faster_rcnn_r50_fpn.py plus a mask branch: RoIAlign (aligned=False) 14 x 14 on
# P2-P5, 4 x 256 3x3 convs, a 2x2 transposed conv to 28 x 28, one mask per class.
_base_ = './faster_rcnn_r50_fpn.py'
model = dict(roi_head=dict(
    mask_roi_extractor=dict(type='RoIExtractor', featmap_strides=[4, 8, 16, 32],
                            roi_layer=dict(type='RoIAlign', output_size=14, aligned=False)),
    mask_head=dict(type='MaskHead', num_classes=90, in_channels=256)))
