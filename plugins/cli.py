"""What ``tools/train.py`` and ``tools/test.py`` share: config loading and one-line errors."""
import argparse
import difflib
import gc
import inspect
import os.path as osp
import re
import sys

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction

from plugins import registry as registries
from plugins.datasets.coco import DataError
from plugins.engine.checkpoint_loading import CheckpointError
from plugins.engine.optim_wrapper import NonFiniteLossError

_UNKNOWN = re.compile(r"'?(\S+) is not in the (?:(\w+)::)?([\w ]+) registry")
_BAD_KEY = re.compile(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'")
_MISSING_KEY = re.compile(r"(\w+)\.__init__\(\) missing \d+ required \w+ arguments?: (.+)")


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config entries, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='distributed launch (tools/dist_train.sh sets pytorch)')


def load_config(args) -> Config:
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'{args.config}: config file not found')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        init_cpu_process_group(cfg)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    return cfg


def init_cpu_process_group(cfg: Config) -> None:
    """Join torchrun's process group on a machine without GPUs. MMEngine 0.10.7's
    pytorch launcher calls ``torch.cuda.set_device`` first, and wraps the model in
    DDP with ``device_ids=[LOCAL_RANK]``; both fail on the CPU. Once the group
    exists the Runner uses it as it is, and the wrapper is given no device."""
    if not dist.is_initialized():
        backend = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('backend', 'gloo')
        dist.init_process_group(backend='gloo' if backend == 'nccl' else backend)
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None,
                                     broadcast_buffers=False,
                                     find_unused_parameters=cfg.get('find_unused_parameters',
                                                                    False))


def _registered():
    """(registry name, {type name: class}) of each detplug registry, its parent's included."""
    for reg in vars(registries).values():
        if isinstance(reg, registries.Registry) and reg.scope == 'plugins':
            reg.import_from_location()
            yield reg.name, {**(reg.parent.module_dict if reg.parent else {}), **reg.module_dict}


def suggest(name: str, registry_name: str) -> str:
    """' (did you mean X?)' for a misspelt type, searching detplug's registry and its parent."""
    for reg_name, types in _registered():
        if reg_name == registry_name:
            close = difflib.get_close_matches(name, list(types), n=3)
            return f' (did you mean {" or ".join(close)}?)' if close else ''
    return ''


def suggest_key(class_name: str, key: str) -> str:
    """' (did you mean X?)' among the constructor arguments of ``class_name``."""
    cls = next((types[class_name] for _, types in _registered() if class_name in types), None)
    if cls is None:
        return ''
    names = list(inspect.signature(cls.__init__).parameters)
    close = difflib.get_close_matches(key, names, n=2)
    return f' (did you mean {" or ".join(close)}?)' if close else ''


def config_error(e: TypeError) -> str:
    """One line for an unknown or missing key of a config component, else ''."""
    bad, missing = _BAD_KEY.search(str(e)), _MISSING_KEY.search(str(e))
    if bad:
        return (f'error: unknown key "{bad.group(2)}" for {bad.group(1)} in the config'
                f'{suggest_key(*bad.groups())}')
    if missing:
        return f'error: {missing.group(1)} needs {missing.group(2)} in the config'
    return ''


def leave_process_group() -> None:
    """Free the process group, and so join gloo's worker threads, before the interpreter
    exits. ``destroy_process_group`` alone does not free it: the model wrapper and the
    Runner still hold it, in reference cycles that only the garbage collector breaks. Left
    to interpreter teardown, a worker thread that drops the last reference to a finished
    collective needs the GIL to free its tensors, finds the interpreter finalizing, and
    the process aborts ("terminate called without an active exception") after its work
    is done: about one distributed run in five on 2 cores."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
        gc.collect()


def run(main) -> None:
    """Run ``main()``; bad input ends in one line on stderr and exit status 1."""
    try:
        main()
    except DataError as e:
        # from a DataLoader worker the message carries the worker's traceback: keep its last line
        last = str(e).strip().splitlines()[-1]
        sys.exit(f'error: {last.split("DataError: ", 1)[-1]}')
    except (FileNotFoundError, CheckpointError, NonFiniteLossError) as e:
        sys.exit(f'error: {e}')
    except registries.ConfigError as e:
        sys.exit(f'error: in the config: {e}')
    except TypeError as e:
        line = config_error(e)
        if not line:
            raise
        sys.exit(line)
    except KeyError as e:
        match = _UNKNOWN.search(str(e))
        if not match:
            raise
        name, registry_name = match.group(1), match.group(3)
        sys.exit(f'error: unknown type "{name}" in the config: no such {registry_name} is '
                 f'registered{suggest(name, registry_name)}')
    finally:
        leave_process_group()
