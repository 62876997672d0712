# torchvision's lraspp_mobilenet_v3_large: the LR-ASPP head (128 channels) on block 4
# and the final conv.
_base_ = './mobilenet_v3_large_d16.py'
model = dict(decode_head=dict(type='LRASPPHead', in_channels=(40, 960), channels=128,
                              num_classes=21, in_index=(0, 1)))
