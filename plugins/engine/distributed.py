"""Distributed runs on machines without GPUs, where MMEngine 0.10.7 assumes CUDA.

``init_cpu_process_group``: MMEngine's pytorch launcher calls ``torch.cuda.set_device``
first, and wraps the model in DDP with ``device_ids=[LOCAL_RANK]``; both fail on the
CPU. Joining torchrun's group here first (gloo) makes the Runner use it as it is, and
the wrapper is given no device.

``leave_process_group``: free the group, and so join gloo's worker threads, before the
interpreter exits. ``destroy_process_group`` alone does not free it: the model wrapper
and the Runner still hold it, in reference cycles that only the garbage collector
breaks. Left to interpreter teardown, a worker thread that drops the last reference to
a finished collective needs the GIL to free its tensors, finds the interpreter
finalizing, and the process aborts ("terminate called without an active exception")
after its work is done: about one distributed run in five on 2 cores.
"""
import gc

import torch.distributed as dist
from mmengine.config import Config


def init_cpu_process_group(cfg: Config) -> None:
    if not dist.is_initialized():
        backend = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('backend', 'gloo')
        dist.init_process_group(backend='gloo' if backend == 'nccl' else backend)
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None,
                                     broadcast_buffers=False,
                                     find_unused_parameters=cfg.get('find_unused_parameters',
                                                                    False))


def leave_process_group() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
        gc.collect()
