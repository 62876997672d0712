# The RPN alone of the default single-level tree detector (one stride-8 map): the same
# proposal recall test as rpn_r18_fpn_neon.py, so the two RPNs compare on one footing.
_base_ = '../faster_rcnn/faster_rcnn_r18_neon.py'
model = dict(roi_head=None, rpn_head=dict(test_proposals=dict(max_per_img=1000)))
val_evaluator = dict(proposal_nums=(100, 300, 1000))
test_evaluator = val_evaluator
