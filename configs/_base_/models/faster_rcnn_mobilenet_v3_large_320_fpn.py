# torchvision's fasterrcnn_mobilenet_v3_large_320_fpn: the _fpn model for 320 px inputs,
# 150 proposals per image at test time (its test pipeline: coco_val_320.py).
_base_ = './faster_rcnn_mobilenet_v3_large_fpn.py'
model = dict(rpn_head=dict(test_proposals=dict(nms_pre=150, max_per_img=150)))
