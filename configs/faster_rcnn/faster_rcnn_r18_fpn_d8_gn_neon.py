# The two-level FPN on the dilated backbone with GroupNorm after every FPN conv, as
# from-scratch training recommends (He et al., 2019). On OSBS_029 it scored like the
# plain form (AP 0.096 vs 0.100; docs/multi_scale.md).
_base_ = './faster_rcnn_r18_fpn_d8_neon.py'
model = dict(neck=dict(norm_cfg=dict(type='GN', num_groups=32)))
