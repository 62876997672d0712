# The CPU schedule for segmentation from scratch: AdamW at 4e-3. At 1e-3 the composite
# digits (4% of the pixels) stayed unlearnt for hundreds of iterations: on one batch
# trained repeatedly, 1e-3 first predicted any digit pixel after ~80 steps, 4e-3
# after ~30, with 91% of them right by step 100.
_base_ = './cpu_budget.py'
optim_wrapper = dict(optimizer=dict(lr=4e-3))
