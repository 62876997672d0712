# Fast R-CNN: the FPN tree detector's RoI head on proposals read from files (made by
# the RPN config's `tools/test.py --out`, or any method writing that format); no
# RPN in the model. Proposals only follow rotations, so training drops resize/flip.
_base_ = '../faster_rcnn/faster_rcnn_r18_fpn_neon.py'
model = dict(rpn_head=None)
train_dataloader = dict(dataset=dict(proposal_file='proposals/train.json', pipeline=[
    dict(type='LoadImage'), dict(type='LoadAnnotations', with_bbox=True, with_label=True),
    dict(type='RandomRot90'), dict(type='ColorJitter'), dict(type='PackDetInputs')]))
val_dataloader = dict(dataset=dict(proposal_file='proposals/val.json'))
test_dataloader = val_dataloader
