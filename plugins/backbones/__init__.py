from .mobilenet import MobileNetV2, MobileNetV3
from .resnet import ResNet
from .ssdlite_mobilenet_v3 import SSDLiteMobileNetV3
from .ssd_vgg import SSDVGG
from .vgg import VGG

__all__ = ['MobileNetV2', 'MobileNetV3', 'ResNet', 'SSDLiteMobileNetV3', 'SSDVGG', 'VGG']
