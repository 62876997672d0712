# What torchvision's lraspp_mobilenet_v3_large and deeplabv3_mobilenet_v3_large share:
# MobileNetV3-Large with its last stage dilated (output stride 16), returning block 4
# (stride 8, 40 channels) and the final conv (960 channels); 21 Pascal VOC classes.
# The decode head comes from lraspp_mobilenet_v3_large.py or deeplabv3_mobilenet_v3_large.py.
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(type='MobileNetV3', arch='large', dilated=True, out_indices=(4, 16)))
