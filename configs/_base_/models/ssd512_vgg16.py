# SSD512 as in the paper: one more extra layer (seven maps: 64, 32, 16, 8, 4, 2, 1
# cells) and smaller default boxes (4% to 90% of the side).
_base_ = './ssd300_vgg16.py'
model = dict(
    backbone=dict(input_size=512),
    bbox_head=dict(
        in_channels=[512, 1024, 512, 256, 256, 256, 256],
        prior_generator=dict(input_size=(512, 512), steps=[8, 16, 32, 64, 128, 256, 512],
                             ratios=[[2], [2, 3], [2, 3], [2, 3], [2, 3], [2], [2]],
                             scales=[0.04, 0.1, 0.26, 0.42, 0.58, 0.74, 0.9, 1.06])))
