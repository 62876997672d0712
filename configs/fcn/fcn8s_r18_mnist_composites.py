# FCN-8s: FCN-16s plus the stride-8 map's scores.
_base_ = ['./fcn32s_r18_mnist_composites.py']
model = dict(decode_head=dict(in_index=[0, 1, 2], in_channels=[64, 128, 256],
                              strides=[8, 16, 32]))
