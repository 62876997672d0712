# torchvision's fasterrcnn_resnet50_fpn in detplug on the NEON data (1 class): fine-tune
# its converted COCO weights with load_from (tools/convert_torchvision.py, see
# docs/published_weights.md); the 91-class box predictor is skipped, the rest loads.
_base_ = ['../_base_/models/faster_rcnn_r50_fpn.py', '../_base_/datasets/neon_trees.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
resize_800 = [  # torchvision's test resize: shorter side 800, longer at most 1333
    dict(type='LoadImage'), dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='Resize', scale=(1333, 800), keep_ratio=True), dict(type='PackDetInputs')]
val_dataloader = dict(dataset=dict(pipeline=resize_800))
test_dataloader = val_dataloader
train_dataloader = dict(batch_size=2)
model = dict(roi_head=dict(bbox_head=dict(num_classes=1)))
