"""Train a model from a config with MMEngine's Runner.

    python tools/train.py configs/faster_rcnn/faster_rcnn_r18_neon.py [--resume | --resume-or-start]
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.cli import add_common_args, load_config, run  # noqa: E402
from plugins.engine.checkpoint_loading import checkpoint_to_resume  # noqa: E402
from plugins.engine.training_run import train  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description='Train a detector or segmentor')
    add_common_args(parser)
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help='resume from this checkpoint, or from the newest one in the work '
                        'dir that loads and is finite (others are skipped, with a warning); '
                        'an error when there is none')
    parser.add_argument('--resume-or-start', action='store_true',
                        help='as --resume, but start from iteration 0 when there is nothing '
                        'to resume from')
    args = parser.parse_args()
    cfg = load_config(args)
    if args.resume == 'auto' or args.resume_or_start:
        cfg.load_from = checkpoint_to_resume(cfg.work_dir, args.resume_or_start)
        cfg.resume = cfg.load_from is not None
    elif args.resume is not None:  # a bad file: safe_load's one line, from the Runner's load
        cfg.resume, cfg.load_from = True, args.resume
    train(cfg)  # the work dir locked; SIGINT / SIGTERM end in one line


if __name__ == '__main__':
    run(main)
