"""After each validation, log how many detections per image pass a score threshold:
a quick check of score calibration (too many means a low threshold floods the
output; zero means the model is not yet confident)."""
from mmengine.hooks import Hook

from plugins.registry import HOOKS


@HOOKS.register_module()
class DetectionCountHook(Hook):
    """Args:
        score_thr: detections at or above this score are counted.
    """

    def __init__(self, score_thr: float = 0.5):
        self.score_thr = score_thr

    def before_val_epoch(self, runner) -> None:
        self.images, self.detections = 0, 0

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        for sample in outputs:
            self.images += 1
            self.detections += int((sample.pred_instances.scores >= self.score_thr).sum())

    def after_val_epoch(self, runner, metrics=None) -> None:
        mean = self.detections / max(self.images, 1)
        runner.message_hub.update_scalar('val/dets_per_img', mean)
        runner.logger.info(f'detections per image with score >= {self.score_thr}: {mean:.2f}')
