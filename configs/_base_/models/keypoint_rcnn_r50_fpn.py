# Keypoint R-CNN R50-FPN laid out as torchvision's keypointrcnn_resnet50_fpn: the Faster
# R-CNN of faster_rcnn_r50_fpn.py for one class (person) plus a keypoint branch:
# RoIAlign (aligned=False) 14 x 14 on P2-P5, 8 x 512 3x3 convs, a 4x4 transposed conv and
# a bilinear x2 to 56 x 56 heatmaps, one per keypoint (COCO's 17).
_base_ = './faster_rcnn_r50_fpn.py'
model = dict(roi_head=dict(
    bbox_head=dict(num_classes=1),
    keypoint_roi_extractor=dict(type='RoIExtractor', featmap_strides=[4, 8, 16, 32],
                                roi_layer=dict(type='RoIAlign', output_size=14, aligned=False)),
    keypoint_head=dict(type='KeypointHead', num_keypoints=17, in_channels=256)))
