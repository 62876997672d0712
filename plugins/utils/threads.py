"""Spreading a single-threaded CPU kernel over the torch threads: torchvision's CPU
``nms`` runs on one thread, so the work is cut into independent parts (groups of
boxes) and each part runs in its own Python thread (torch and torchvision ops release
the GIL)."""
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List, Sequence

import torch

_POOLS = {}


def in_threads(fn: Callable, parts: Sequence) -> List:
    """``[fn(part) for part in parts]``, the parts spread over ``torch.get_num_threads()``
    Python threads (one pool per thread count, kept for the process)."""
    threads = min(torch.get_num_threads(), len(parts))
    if threads <= 1:
        return [fn(part) for part in parts]
    if threads not in _POOLS:
        _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix='detplug')
    return list(_POOLS[threads].map(fn, parts))
