# Skip-connection FCN for the composite digits (11 classes), trained from scratch. The
# head here is FCN-32s on a 256-channel stride-32 map; a leaf config gives the
# backbone and, for 16s / 8s, the finer maps.
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_size_divisor=32),
    decode_head=dict(type='FCNSkipHead', num_classes=11, in_index=[-1], in_channels=[256],
                     strides=[32]))
