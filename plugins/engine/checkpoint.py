"""Checkpoints that load with ``torch.load(weights_only=True)`` and are never half-written.

MMEngine 0.10.7 pickles its ``HistoryBuffer`` objects (and numpy values) into
the ``message_hub`` entry, which torch >= 2.6 refuses to load with
``weights_only=True``. ``SafeCheckpointHook`` rewrites that entry as plain
lists, dicts and numbers before saving and rebuilds the buffers after loading;
it then checks that nothing but tensors and plain Python types is left, so no
global beyond torch's own safe set is ever needed, and refuses to save weights or
optimizer state that hold NaN or infinity (``non_finite``).

``AtomicLocalBackend`` (file backend ``atomic_local``) writes to a temporary
file in the same folder, fsyncs it and renames it over the target, so a kill
at any moment leaves either the old file or the complete new one.
"""
from collections import OrderedDict

import numpy as np
import torch
from mmengine.fileio import LocalBackend, register_backend
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer, print_log
from mmengine.model import BaseTTAModel, is_model_wrapper

from plugins.engine.checkpoint_checks import check_resume, check_weights, listed, non_finite
from plugins.errors import CheckpointError
from plugins.registry import HOOKS
from plugins.utils.fileio import atomic_write

_BUFFER_TAG = '__history_buffer__'
_PLAIN = (str, int, float, bool, type(None), torch.Tensor, torch.Size, torch.dtype, torch.device)


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """Local files written atomically (temp file + fsync + rename)."""

    def put(self, obj: bytes, filepath) -> None:
        try:
            atomic_write(obj, str(filepath))
        except OSError as e:  # a full disk, a read-only or vanished folder
            raise CheckpointError(f'{filepath}: cannot be written ({e.strerror or e}); the '
                                  'checkpoints already written are untouched') from None

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)  # last_checkpoint: the same one-line error


def to_plain(value, path: str = 'checkpoint'):
    """Return ``value`` with numpy values and HistoryBuffers turned into plain types.

    Raises TypeError naming the key path of anything else that is not a tensor
    or a plain Python type.
    """
    if isinstance(value, HistoryBuffer):
        log, count = value.data
        return {_BUFFER_TAG: True, 'log': log.tolist(), 'count': count.tolist(),
                'max_length': value.max_length}
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        items = ((k, to_plain(v, f'{path}.{k}')) for k, v in value.items())
        return OrderedDict(items) if isinstance(value, OrderedDict) else dict(items)
    if isinstance(value, (list, tuple)):
        return type(value)(to_plain(v, f'{path}[{i}]') for i, v in enumerate(value))
    raise TypeError(f'{path}: a {type(value).__name__} cannot be stored in a weights_only '
                    'checkpoint; store plain types or tensors')


def _rebuild_buffers(log_scalars: dict) -> dict:
    return {k: HistoryBuffer(v['log'], v['count'], v['max_length'])
            if isinstance(v, dict) and v.get(_BUFFER_TAG) else v for k, v in log_scalars.items()}


@HOOKS.register_module()
class SafeCheckpointHook(Hook):
    """Keep checkpoints loadable with ``weights_only=True`` (see module docstring).

    Args:
        strict_load: a checkpoint loaded with ``load_from`` must fit the model exactly
            (``tools/test.py`` sets it); else tensors of another shape are skipped and
            listed (fine-tuning into a new head).
    """
    priority = 'VERY_LOW'  # after hooks that add to the checkpoint (EMA, ...)

    def __init__(self, strict_load: bool = False):
        self.strict_load = strict_load

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = non_finite(checkpoint.get('state_dict', {}), 'state_dict') + \
            non_finite(checkpoint.get('optimizer', {}), 'optimizer')
        if bad:
            raise CheckpointError(
                f'not saving the checkpoint of iteration {runner.iter}: {len(bad)} tensors '
                f'hold NaN or infinity ({listed(bad)})'
                '; the checkpoints already written are untouched')
        plain = to_plain(checkpoint)
        checkpoint.clear()
        checkpoint.update(plain)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if getattr(runner, '_resume', False):
            check_resume(checkpoint, runner.max_iters, runner.max_epochs,
                         runner.cfg.get('load_from') or 'the checkpoint')
        hub = checkpoint.get('message_hub')
        if isinstance(hub, dict) and 'log_scalars' in hub:
            hub['log_scalars'] = _rebuild_buffers(hub['log_scalars'])
        model = getattr(runner, 'model', None)
        if model is not None:
            if is_model_wrapper(model) or isinstance(model, BaseTTAModel):
                model = model.module  # as MMEngine's load_state_dict unwraps them
            fit_state_dict(model, checkpoint.get('state_dict', checkpoint), self.strict_load,
                           runner.cfg.get('load_from') or 'the checkpoint')


def fit_state_dict(model, state_dict: dict, strict: bool = False,
                   source: str = 'the checkpoint') -> list:
    """Check ``state_dict`` against ``model`` before it is loaded.

    ``strict`` (testing, inference, export): any tensor of another shape, missing or
    unexpected is a CheckpointError naming the first few. Otherwise (fine-tuning with
    ``load_from``): the tensors of another shape are removed from ``state_dict`` (the
    model keeps its own initialisation there) and listed in one logged line. Returns
    the removed keys."""
    own = model.state_dict()
    dropped = [k for k, v in state_dict.items()
               if k in own and hasattr(v, 'shape') and v.shape != own[k].shape]
    shapes = [f'{k} {tuple(state_dict[k].shape)} -> {tuple(own[k].shape)}' for k in dropped]
    if strict:
        parts = [f'{len(dropped)} tensors of another shape ({listed(shapes)})'] if dropped else []
        for what, keys in (('missing', [k for k in own if k not in state_dict]),
                           ('unexpected', [k for k in state_dict if k not in own])):
            if keys:
                parts.append(f'{len(keys)} {what} ({listed(keys)})')
        if parts:
            raise CheckpointError(f"{source} does not fit the config's model: "
                                  f'{"; ".join(parts)}')
        check_weights(own, state_dict, source)
        return []
    if dropped:
        print_log(f'checkpoint: {len(dropped)} tensors not loaded, their shapes differ from '
                  f'the model (kept as initialised): {", ".join(shapes)}', logger='current',
                  level=30)
    for k in dropped:
        del state_dict[k]
    return dropped
