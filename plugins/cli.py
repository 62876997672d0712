"""What ``tools/train.py`` and ``tools/test.py`` share: config loading and one-line errors."""
import argparse
import difflib
import os.path as osp
import re
import sys

from mmengine.config import Config, DictAction

from plugins import registry as registries
from plugins.datasets.coco import DataError
from plugins.engine.checkpoint_loading import CheckpointError
from plugins.engine.optim_wrapper import NonFiniteLossError

_UNKNOWN = re.compile(r"'?(\S+) is not in the (?:(\w+)::)?([\w ]+) registry")


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config entries, e.g. train_cfg.max_iters=100')


def load_config(args) -> Config:
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'{args.config}: config file not found')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    return cfg


def suggest(name: str, registry_name: str) -> str:
    """' (did you mean X?)' for a misspelt type, searching detplug's registry and its parent."""
    for reg in vars(registries).values():
        if isinstance(reg, registries.Registry) and reg.scope == 'plugins' \
                and reg.name == registry_name:
            reg.import_from_location()
            names = list(reg.module_dict) + list(reg.parent.module_dict if reg.parent else [])
            close = difflib.get_close_matches(name, names, n=3)
            return f' (did you mean {" or ".join(close)}?)' if close else ''
    return ''


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
    except KeyError as e:
        match = _UNKNOWN.search(str(e))
        if not match:
            raise
        name, registry_name = match.group(1), match.group(3)
        sys.exit(f'error: unknown type "{name}" in the config: no such {registry_name} is '
                 f'registered{suggest(name, registry_name)}')
