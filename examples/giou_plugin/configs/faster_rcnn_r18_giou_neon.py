# detplug's default tree detector whose box head is trained with the plugin's DIoU loss
# on decoded boxes, plus the plugin's hook: the plugin is imported by name
# (custom_imports); nothing in detplug changes.
_base_ = '../../../configs/faster_rcnn/faster_rcnn_r18_neon.py'
custom_imports = dict(imports=['detplug_giou'], allow_failed_imports=False)
model = dict(roi_head=dict(bbox_head=dict(reg_decoded_bbox=True,
                                          loss_bbox=dict(type='DIoULoss', loss_weight=10.0))))
# a list replaces the base's whole list: detplug's runtime hooks, then the plugin's
custom_hooks = [dict(type='SafeCheckpointHook'), dict(type='RNGStateHook'),
                dict(type='ProgressBarHook'), dict(type='MemoryMonitorHook', interval=100),
                dict(type='DataConsistencyHook'),
                dict(type='DetectionCountHook', score_thr=0.5)]
