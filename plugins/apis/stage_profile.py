"""Where inference time goes: wall time per stage of a detector or segmentor.

    with StageProfile(model) as prof:
        model.test_step(batch)
    prof.report()   # {'preprocess': s, 'backbone': s, ..., 'NMS': s, 'other': s, 'total': s}

Stages are the model's parts, timed by forward hooks: the data preprocessor, backbone,
neck, RPN convs, RoI extraction, box head FCs, dense head convs, decode head; ``NMS``
is every ``batched_nms`` call of ``postprocess.multiclass_nms``; ``other`` is the
rest of the step (anchors, box decoding, top-k, thresholds, rescaling).
"""
import time
from collections import defaultdict

from plugins.task_modules import postprocess

STAGES = (('preprocess', 'data_preprocessor'), ('backbone', 'backbone'), ('neck', 'neck'),
          ('RPN convs', 'rpn_head'), ('RoI extraction', 'roi_head.roi_extractor'),
          ('box head', 'roi_head.bbox_head'), ('dense head convs', 'bbox_head'),
          ('decode head', 'decode_head'))


class StageProfile:
    def __init__(self, model):
        self.model, self.seconds, self.handles, self.steps = model, defaultdict(float), [], 0

    def _module(self, path):
        module = self.model
        for name in path.split('.'):
            module = getattr(module, name, None)
        return module

    def __enter__(self):
        for stage, path in STAGES:
            module = self._module(path)
            if module is None:
                continue
            start = {}
            self.handles.append(module.register_forward_pre_hook(
                lambda m, a, s=start: s.__setitem__('t', time.perf_counter())))
            self.handles.append(module.register_forward_hook(
                lambda m, a, o, s=start, k=stage: self._add(k, time.perf_counter() - s['t'])))
        self.nms, self.t0 = postprocess.batched_nms, time.perf_counter()

        def timed_nms(*args):
            start = time.perf_counter()
            keep = self.nms(*args)
            self._add('NMS', time.perf_counter() - start)
            return keep
        postprocess.batched_nms = timed_nms
        return self

    def _add(self, stage, seconds):
        self.seconds[stage] += seconds

    def __exit__(self, *exc):
        self.seconds['total'] += time.perf_counter() - self.t0
        postprocess.batched_nms = self.nms
        for h in self.handles:
            h.remove()

    def report(self, steps: int = 1) -> dict:
        """Seconds per step of each stage, 'other' and 'total'."""
        parts = {k: v / steps for k, v in self.seconds.items() if k != 'total'}
        total = self.seconds['total'] / steps
        return {**parts, 'other': max(total - sum(parts.values()), 0.0), 'total': total}
