# torchvision's deeplabv3_mobilenet_v3_large on Pascal VOC 2012 val (mIoU), with its
# converted weights:
#   tools/convert_torchvision.py torchvision://deeplabv3_mobilenet_v3_large tv.pth
#   tools/test.py configs/deeplabv3/deeplabv3_mobilenet_v3_large_voc.py tv.pth
_base_ = ['../_base_/models/deeplabv3_mobilenet_v3_large.py', '../_base_/datasets/voc12_val.py',
          '../_base_/default_runtime.py']
