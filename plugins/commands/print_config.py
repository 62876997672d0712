"""Print the config that runs: the file with its bases, ``--cfg-options`` and the
loading rules applied (``plugins.config.load_config``, the loader every tool uses).

    detplug print-config CONFIG [--cfg-options k=v ...] [--out FILE.py]
"""
import argparse

from mmengine.config import DictAction

from plugins.config import load_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument('--work-dir', help='as tools/train.py takes it')
    parser.add_argument('--out', help='also write the config to this .py file')


def main(args) -> None:
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    print(cfg.pretty_text)
    if args.out:
        cfg.dump(args.out)

