# torchvision's fcn_resnet101 on Pascal VOC 2012 val (mIoU), with its
# converted weights:
#   tools/convert_torchvision.py torchvision://fcn_resnet101 tv.pth
#   tools/test.py configs/fcn/fcn_r101_d8_voc.py tv.pth
_base_ = ['../_base_/models/fcn_r101_d8.py', '../_base_/datasets/voc12_val.py',
          '../_base_/default_runtime.py']
