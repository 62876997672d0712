# FCN-16s: FCN-32s plus the stride-16 map's scores, fused after a learned x2 upsampling.
_base_ = ['./fcn32s_r18_mnist_composites.py']
model = dict(decode_head=dict(in_index=[1, 2], in_channels=[128, 256], strides=[16, 32]))
