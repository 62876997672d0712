from .mobilenet import MobileNetV2, MobileNetV3
from .resnet import ResNet
from .ssd_vgg import SSDVGG
from .vgg import VGG

__all__ = ['MobileNetV2', 'MobileNetV3', 'ResNet', 'SSDVGG', 'VGG']
