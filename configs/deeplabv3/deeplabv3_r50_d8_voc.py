# torchvision's deeplabv3_resnet50 on Pascal VOC 2012 val (mIoU), with its
# converted weights:
#   tools/convert_torchvision.py torchvision://deeplabv3_resnet50 tv.pth
#   tools/test.py configs/deeplabv3/deeplabv3_r50_d8_voc.py tv.pth
_base_ = ['../_base_/models/deeplabv3_r50_d8.py', '../_base_/datasets/voc12_val.py',
          '../_base_/default_runtime.py']
