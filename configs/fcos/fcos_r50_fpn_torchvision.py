# torchvision's fcos_resnet50_fpn in detplug on the NEON data (1 class): fine-tune its
# converted COCO weights with load_from (tools/convert_torchvision.py, see
# docs/published_weights.md); the 90-class logits are skipped, the rest loads.
_base_ = ['../_base_/models/fcos_r50_fpn.py', '../_base_/datasets/neon_trees_800.py',
          '../_base_/schedules/cpu_budget.py', '../_base_/default_runtime.py']
train_dataloader = dict(batch_size=2)
model = dict(bbox_head=dict(num_classes=1))
