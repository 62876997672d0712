# The RPN alone: the FPN tree detector without its RoI head. Testing reports
# proposal recall AR@100/300/1000, and `tools/test.py ... --out FILE` writes the
# proposals as the file Fast R-CNN reads (configs/fast_rcnn/).
_base_ = '../faster_rcnn/faster_rcnn_r18_fpn_neon.py'
model = dict(roi_head=None, rpn_head=dict(test_proposals=dict(max_per_img=1000)))
val_evaluator = dict(proposal_nums=(100, 300, 1000))
test_evaluator = val_evaluator
