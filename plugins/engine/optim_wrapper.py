"""An optimizer wrapper that never applies a step from a NaN or infinite loss.

MMEngine's ``OptimWrapper`` back-propagates whatever loss it gets: one non-finite
loss turns every weight into NaN and every later checkpoint with them. This one
checks the loss first and, by config, stops the run with a message naming the
iteration (the checkpoints already written hold the last good weights) or skips
the batch (logged and counted; too many skips in a row still stop the run).
"""
from typing import Dict, Optional

import torch
from mmengine.logging import MessageHub, print_log
from mmengine.optim import OptimWrapper

from plugins.errors import ConfigError, NonFiniteLossError
from plugins.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class FiniteLossOptimWrapper(OptimWrapper):
    """Args:
        optimizer, accumulative_counts, clip_grad: as MMEngine's ``OptimWrapper``.
        on_nonfinite: ``'stop'`` (raise ``NonFiniteLossError``) or ``'skip'`` (no
            backward, no step for that batch).
        max_skips_in_a_row: with ``'skip'``, stop after this many consecutive skips.
    """

    def __init__(self, optimizer, accumulative_counts: int = 1, clip_grad: Optional[dict] = None,
                 on_nonfinite: str = 'stop', max_skips_in_a_row: int = 20):
        super().__init__(optimizer, accumulative_counts, clip_grad)
        if on_nonfinite not in ('stop', 'skip'):
            raise ConfigError(f"optim_wrapper.on_nonfinite must be 'stop' or 'skip', "
                              f'got {on_nonfinite!r}')
        self.on_nonfinite, self.max_skips_in_a_row = on_nonfinite, max_skips_in_a_row
        self.skipped, self.skipped_in_a_row = 0, 0

    def update_params(self, loss: torch.Tensor, step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        if bool(torch.isfinite(loss).all()):
            self.skipped_in_a_row = 0
            return super().update_params(loss, step_kwargs, zero_kwargs)
        iteration = MessageHub.get_current_instance().get_info('iter', -1) + 1
        self.skipped_in_a_row += 1
        if self.on_nonfinite == 'stop' or self.skipped_in_a_row > self.max_skips_in_a_row:
            why = '' if self.on_nonfinite == 'stop' else \
                f' ({self.skipped_in_a_row} non-finite losses in a row)'
            raise NonFiniteLossError(
                f'the loss is {loss.item()} at iteration {iteration}{why}: training stopped '
                'before that step, so the weights and the checkpoints already written are '
                'intact; lower the learning rate or check the data, or set '
                "optim_wrapper.on_nonfinite='skip'")
        self.skipped += 1
        self.zero_grad()
        print_log(f'the loss is {loss.item()} at iteration {iteration}: step skipped '
                  f'({self.skipped} skipped so far)', logger='current', level=30)
