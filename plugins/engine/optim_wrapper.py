"""An optimizer wrapper that never applies a step from a NaN or infinite loss or gradient.

MMEngine's ``OptimWrapper`` back-propagates whatever loss it gets and steps on
whatever gradients that gives: one non-finite value turns every weight into NaN and
every later checkpoint with them. A finite loss is not enough (at lr 1e2 the loss
stayed at 1.5e32 while the gradient norm was NaN). This wrapper checks the loss
before the backward pass and the gradient norm before the step and, by config,
stops the run with a message naming the iteration (the checkpoints already written
hold the last good weights) or skips the batch (logged and counted; too many skips
in a row still stop the run). Either way the BatchNorm statistics that batch's
forward pass moved are put back, so nothing of it survives.
"""
import contextlib
import math
from typing import Dict, Optional

import torch
from torch.nn.modules.batchnorm import _BatchNorm
from mmengine.logging import MessageHub, print_log
from mmengine.optim import OptimWrapper

from plugins.errors import ConfigError, NonFiniteLossError
from plugins.registry import OPTIM_WRAPPERS


class NonFiniteGuard:
    """The guard, mixed in before an MMEngine optimizer wrapper class (this one and
    ``BF16OptimWrapper``): ``guard`` in ``__init__``, ``save_batchnorm`` as the forward
    pass begins; ``update_params`` checks the loss and the gradient norm."""

    def guard(self, on_nonfinite: str, max_skips_in_a_row: int) -> None:
        if on_nonfinite not in ('stop', 'skip'):
            raise ConfigError(f"optim_wrapper.on_nonfinite must be 'stop' or 'skip', "
                              f'got {on_nonfinite!r}')
        self.on_nonfinite, self.max_skips_in_a_row = on_nonfinite, max_skips_in_a_row
        self.skipped, self.skipped_in_a_row = 0, 0
        self._bn_saved = []  # (buffer, its copy from before the forward pass)

    def save_batchnorm(self, model) -> None:
        """BatchNorm statistics saved before the forward pass, to undo a bad batch."""
        self._bn_saved = [(buf, buf.clone()) for m in model.modules()
                          if isinstance(m, _BatchNorm) for buf in m.buffers()]

    def update_params(self, loss: torch.Tensor, step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        if not bool(torch.isfinite(loss).all()):
            return self._refuse(f'the loss is {loss.item()}', 'losses')
        self.backward(self.scale_loss(loss))
        if self.should_update():
            grads = [p.grad for group in self.optimizer.param_groups for p in group['params']
                     if p.grad is not None]
            norm = float(torch.nn.utils.get_total_norm(grads)) if grads else 0.0
            if not math.isfinite(norm):
                return self._refuse(f'the gradient norm is {norm}', 'gradients')
            self.step(**(step_kwargs or {}))
            self.zero_grad(**(zero_kwargs or {}))
        self.skipped_in_a_row = 0

    def _refuse(self, what: str, kind: str) -> None:
        """No step for this batch: its gradients and BatchNorm statistics are undone,
        then the run stops or goes on by ``on_nonfinite``."""
        for buf, saved in self._bn_saved:
            buf.copy_(saved)
        self.zero_grad()
        iteration = MessageHub.get_current_instance().get_info('iter', -1) + 1
        self.skipped_in_a_row += 1
        if self.on_nonfinite == 'stop' or self.skipped_in_a_row > self.max_skips_in_a_row:
            why, other = ('', "set optim_wrapper.on_nonfinite='skip'") \
                if self.on_nonfinite == 'stop' else \
                (f' ({self.skipped_in_a_row} non-finite {kind} in a row)',
                 'raise optim_wrapper.max_skips_in_a_row')
            raise NonFiniteLossError(
                f'{what} at iteration {iteration}{why}: training stopped before that step, '
                'so the weights and the checkpoints already written are intact; lower the '
                f'learning rate or check the data, or {other}')
        self.skipped += 1
        print_log(f'{what} at iteration {iteration}: step skipped ({self.skipped} skipped so '
                  'far)', logger='current', level=30)


@OPTIM_WRAPPERS.register_module()
class FiniteLossOptimWrapper(NonFiniteGuard, OptimWrapper):
    """Args:
        optimizer, accumulative_counts, clip_grad: as MMEngine's ``OptimWrapper``.
        on_nonfinite: ``'stop'`` (raise ``NonFiniteLossError``) or ``'skip'`` (no
            backward, no step for that batch).
        max_skips_in_a_row: with ``'skip'``, stop after this many consecutive skips.
    """

    def __init__(self, optimizer, accumulative_counts: int = 1, clip_grad: Optional[dict] = None,
                 on_nonfinite: str = 'stop', max_skips_in_a_row: int = 20):
        super().__init__(optimizer, accumulative_counts, clip_grad)
        self.guard(on_nonfinite, max_skips_in_a_row)

    @contextlib.contextmanager
    def optim_context(self, model):
        self.save_batchnorm(model)
        with super().optim_context(model):
            yield
