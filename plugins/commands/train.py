"""Train a model from a config with MMEngine's Runner.

    detplug train faster_rcnn_r18_neon [--resume | --resume-or-start] [--time-budget MINUTES]
"""
import argparse

from plugins.cli import add_common_args, load_config
from plugins.engine.checkpoint_loading import checkpoint_to_resume
from plugins.engine.time_budget import fit_to_budget
from plugins.engine.training_run import train


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_args(parser)
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help='resume from this checkpoint, or from the newest one in the work '
                        'dir that loads and is finite (others are skipped, with a warning); '
                        'an error when there is none')
    parser.add_argument('--time-budget', type=float, metavar='MINUTES',
                        help='train as many iterations as fit (at most the config\'s '
                        'max_iters): a few steps are timed first (plugins/engine/time_budget.py)')
    parser.add_argument('--resume-or-start', action='store_true',
                        help='as --resume, but start from iteration 0 when there is nothing '
                        'to resume from')


def main(args) -> None:
    cfg = load_config(args)
    if args.resume == 'auto' or args.resume_or_start:
        cfg.load_from = checkpoint_to_resume(cfg.work_dir, args.resume_or_start)
        cfg.resume = cfg.load_from is not None
    elif args.resume is not None:  # a bad file: safe_load's one line, from the Runner's load
        cfg.resume, cfg.load_from = True, args.resume
    if args.time_budget is not None:
        fit_to_budget(cfg, args.time_budget)
    train(cfg)  # the work dir locked; SIGINT / SIGTERM end in one line

