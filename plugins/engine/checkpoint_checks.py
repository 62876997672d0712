"""What a loaded checkpoint's contents must be before they are used. A checkpoint that
unpickles safely (``checkpoint_loading.safe_load``) can still hold values that would
quietly give wrong results or hang: every weight NaN (0 detections, exit 0), weights
cast to int8 (detections from destroyed weights), class names that are not names,
``meta.iter = 10**12`` (MMEngine's resume advances the dataloader that many steps),
optimizer state that turns the weights NaN one step after resuming, and a
``meta.config`` that MMEngine's ``Runner.resume`` runs as a Python config file.

- ``check_weights``: for testing, inference and export (strict loads), every floating
  tensor finite and stored as floating point wherever the model's is.
- ``checked_dataset_meta``: class names a list of short printable strings without
  markup (else ignored, one warning); used where the checkpoint's meta names classes.
- ``check_resume``: ``meta.iter`` / ``meta.epoch`` non-negative integers within the
  schedule, the optimizer state finite; ``meta.config`` removed unread.
"""
from typing import Optional

import torch
from mmengine.logging import print_log

from plugins.errors import CheckpointError

MAX_NAME = 100  # characters in a class name


def non_finite(value, path: str) -> list:
    """Key paths of the floating-point tensors in ``value`` that hold NaN or infinity."""
    if isinstance(value, torch.Tensor):
        return [path] if value.is_floating_point() and not torch.isfinite(value).all() else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in non_finite(v, f'{path}.{k}')]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in non_finite(v, f'{path}[{i}]')]
    return []


def listed(keys: list) -> str:
    """The first three of ``keys``, then ', ...' if there are more."""
    return f'{", ".join(keys[:3])}{", ..." if len(keys) > 3 else ""}'


def check_weights(own: dict, state: dict, source: str) -> None:
    """``state`` (the checkpoint's weights, already of ``own``'s keys and shapes) holds
    finite floating tensors where ``own`` (the model's state dict) has floating ones."""
    bad = [k for k, v in state.items() if non_finite(v, k)]
    if bad:
        raise CheckpointError(f'{source}: {len(bad)} tensors hold NaN or infinity '
                              f'({listed(bad)}); not usable weights')
    cast = [f'{k} ({v.dtype})' for k, v in state.items()
            if torch.is_tensor(v) and k in own and own[k].is_floating_point()
            and not v.is_floating_point()]
    if cast:
        raise CheckpointError(f'{source}: {len(cast)} weights are not floating point '
                              f'({listed(cast)}); the model needs floating weights there')


def checked_dataset_meta(meta, source: str) -> Optional[dict]:
    """``meta`` (a checkpoint's ``dataset_meta``) if its ``classes`` are a list of short
    printable names without ``<`` / ``>``; else None, with one warning."""
    if meta is None:
        return None
    classes = meta.get('classes') if isinstance(meta, dict) else None
    ok = isinstance(classes, (list, tuple)) and all(
        isinstance(c, str) and 0 < len(c) <= MAX_NAME and c.isprintable()
        and not set(c) & set('<>') for c in classes)
    if not ok:
        print_log(f'{source}: meta.dataset_meta ignored: its classes must be a list of '
                  f'printable names of at most {MAX_NAME} characters without < or >, got '
                  f'{str(classes)[:60]!r}',
                  logger='current', level=30)
        return None
    return meta


def check_resume(checkpoint: dict, max_iters: Optional[int], max_epochs: Optional[int],
                 source: str) -> None:
    """The checkpoint can be resumed into a schedule of ``max_iters`` / ``max_epochs``."""
    meta = checkpoint.get('meta')
    if not isinstance(meta, dict):
        raise CheckpointError(f'{source}: no "meta" entry, not a training checkpoint')
    if meta.pop('config', None) is not None:  # Runner.resume would execute it
        print_log(f'{source}: meta.config ignored (MMEngine would run it as Python)',
                  logger='current', level=30)
    for key, limit in (('iter', max_iters), ('epoch', max_epochs)):
        value = meta.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise CheckpointError(f'{source}: meta.{key} must be a non-negative integer, got '
                                  f'{value!r}')
        if limit is not None and value > limit:
            raise CheckpointError(f'{source}: meta.{key} {value} is past this schedule\'s '
                                  f'{limit}; raise train_cfg.max_{key}s to go on from it')
    bad = non_finite(checkpoint.get('optimizer', {}), 'optimizer')
    if bad:
        raise CheckpointError(f'{source}: {len(bad)} optimizer state tensors hold NaN or '
                              f'infinity ({listed(bad)}); resuming would turn the weights NaN')
