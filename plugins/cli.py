"""What ``tools/train.py`` and ``tools/test.py`` share: config loading and one-line errors."""
import argparse
import sys

import torch
from mmengine.config import Config, DictAction

from plugins import config
from plugins.deploy.runtimes import BACKENDS
from plugins.engine.precision import PRECISIONS
from plugins.engine.distributed import init_cpu_process_group, leave_process_group
from plugins.engine.training_run import Interrupted
from plugins.errors import ConfigError, DataError, ERRORS


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config entries, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='distributed launch (tools/dist_train.sh sets pytorch)')


def add_slice_args(parser: argparse.ArgumentParser) -> None:
    """Sliced inference (plugins/inference/slicing.py), for tools/test.py and tools/infer.py."""
    group = parser.add_argument_group('sliced inference (large images)')
    group.add_argument('--slice', type=int, metavar='SIZE',
                       help='predict through SIZE x SIZE windows, merged across the seams')
    group.add_argument('--overlap', type=float, default=0.2,
                       help='overlap of neighbouring windows, a fraction of SIZE (default 0.2)')
    group.add_argument('--slice-batch', type=int, default=4, help='windows per forward')
    group.add_argument('--full-image', action='store_true',
                       help='also one pass over the whole image shrunk to SIZE, merged in '
                       '(objects larger than a window)')
    group.add_argument('--box-voting', action='store_true',
                       help='merged boxes as the score-weighted mean of the boxes they suppress')


def add_precision_args(parser: argparse.ArgumentParser) -> None:
    """``--precision`` and ``--backend`` (plugins/engine/precision.py, plugins/deploy/)."""
    parser.add_argument('--precision', choices=PRECISIONS, default='fp32',
                        help='inference precision (bf16: fused, channels_last, autocast on '
                        'torch; int8: --backend openvino or onnxruntime)')
    parser.add_argument('--backend', choices=BACKENDS, default='torch',
                        help="where the network runs; detplug's pre- and post-processing "
                        'around it either way (onnxruntime, openvino: pip install them)')


def load_config(args) -> Config:
    """``plugins.config.load_config`` on the parsed arguments, then the launcher."""
    cfg = config.load_config(args.config, args.cfg_options, args.work_dir)
    cfg.launcher = args.launcher
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        init_cpu_process_group(cfg)
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
    except Interrupted as e:
        print(e, file=sys.stderr)
        sys.exit(e.status)
    finally:
        leave_process_group()
