# The default detector with Fast R-CNN's quantised RoIPool instead of RoIAlign.
_base_ = './faster_rcnn_r18_neon.py'
model = dict(roi_head=dict(roi_extractor=dict(roi_layer=dict(type='RoIPool'))))
