"""Print the config that runs: the file with its bases, ``--cfg-options`` and the
loading rules applied (``plugins.config.load_config``, the loader every tool uses).

    python tools/print_config.py CONFIG [--cfg-options k=v ...] [--out FILE.py]
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from mmengine.config import DictAction  # noqa: E402

from plugins.cli import run  # noqa: E402
from plugins.config import load_config  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument('--work-dir', help='as tools/train.py takes it')
    parser.add_argument('--out', help='also write the config to this .py file')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    print(cfg.pretty_text)
    if args.out:
        cfg.dump(args.out)


if __name__ == '__main__':
    run(main)
