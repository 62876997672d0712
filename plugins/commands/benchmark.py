"""Every benchmark: speed and memory against a peer measured in the same run.

    detplug benchmark SUBCOMMAND [args]      (SUBCOMMAND -h for each one's arguments)

    config                 training and inference speed of any config
    vs-torchvision         detplug at each precision against torchvision, one table
    train-vs-torchvision   the default detector and torchvision's trained the same way
    train-precision        fp32 against bf16 training
    large-image            a 10,000 px GeoTIFF through sliced inference

The code is in ``plugins/benchmarks/``; docs/performance.md has the figures.
"""
import argparse

from plugins.benchmarks import SUBCOMMANDS, benchmark
from plugins.commands import describe


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest='benchmark', required=True, metavar='SUBCOMMAND')
    for name in SUBCOMMANDS:
        module = benchmark(name)
        describe(commands.add_parser(name, help=module.__doc__.splitlines()[0]), module)


def main(args) -> None:
    benchmark(args.benchmark).main(args)
