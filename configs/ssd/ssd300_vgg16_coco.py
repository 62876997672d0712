# torchvision's ssd300_vgg16 on COCO val2017 (300 x 300 input), with its converted weights:
#   tools/convert_torchvision.py torchvision://ssd300_vgg16 tv.pth --coco80
#   tools/test.py configs/ssd/ssd300_vgg16_coco.py tv.pth
_base_ = ['../_base_/models/ssd300_vgg16.py', '../_base_/datasets/coco_val_ssd300.py',
          '../_base_/default_runtime.py']
model = dict(bbox_head=dict(num_classes=80))
