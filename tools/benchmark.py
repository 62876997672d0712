"""Every benchmark, one command: ``python tools/benchmark.py SUBCOMMAND [args]``
(``SUBCOMMAND -h`` for each one's arguments; the code is in ``plugins/benchmarks/``).

    config                 training and inference speed of any config
    vs-torchvision         detplug at each precision against torchvision, one table
    train-vs-torchvision   the default detector and torchvision's trained the same way
    train-precision        fp32 against bf16 training
    large-image            a 10,000 px GeoTIFF through sliced inference
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.benchmarks import SUBCOMMANDS, benchmark  # noqa: E402
from plugins.cli import run  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', required=True, metavar='SUBCOMMAND')
    for name in SUBCOMMANDS:
        module = benchmark(name)
        sub = commands.add_parser(name, help=module.__doc__.splitlines()[0],
                                  description=module.__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(sub)
    args = parser.parse_args()
    benchmark(args.command).main(args)


if __name__ == '__main__':
    run(main)
