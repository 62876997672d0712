"""What ``tools/train.py`` and ``tools/test.py`` share: config loading and one-line errors."""
import argparse
import ast
import os.path as osp
import sys

import torch
from mmengine.config import Config, DictAction

from plugins.engine.config_rules import apply_config_rules
from plugins.engine.distributed import init_cpu_process_group, leave_process_group
from plugins.errors import ConfigError, DataError, ERRORS
from plugins.registry import check_config


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config entries, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='distributed launch (tools/dist_train.sh sets pytorch)')


def syntax_error(path: str, error: SyntaxError) -> str:
    """'FILE, line N: what' for a config file that does not parse (or one of its bases)."""
    try:
        ast.parse(open(path).read(), path)
    except SyntaxError as own:
        return f'{path}, line {own.lineno}: syntax error: {own.msg}'
    return f'a base config of {path}, line {error.lineno}: syntax error: {error.msg}'


def load_config(args) -> Config:
    """The config with its overrides and ``config_rules`` applied, every ``type=`` entry
    checked (``check_config``)."""
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'{args.config}: config file not found')
    try:
        cfg = Config.fromfile(args.config)
    except SyntaxError as e:  # MMEngine's carries no file name
        raise ConfigError(syntax_error(args.config, e)) from None
    apply_config_rules(cfg, args.cfg_options)  # merges the options
    check_config(cfg._cfg_dict.to_dict())
    cfg.launcher = args.launcher
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        init_cpu_process_group(cfg)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    return cfg


def run(main) -> None:
    """Run ``main()``; bad input ends in one line on stderr and exit status 1."""
    try:
        main()
    except DataError as e:
        # from a DataLoader worker the message carries the worker's traceback: keep its last line
        last = str(e).strip().splitlines()[-1]
        sys.exit(f'error: {last.split("DataError: ", 1)[-1]}')
    except ConfigError as e:
        sys.exit(f'error: in the config: {e}')
    except (FileNotFoundError, *ERRORS) as e:
        sys.exit(f'error: {e}')
    finally:
        leave_process_group()
