"""The ``detplug`` command (``pip install .``): one subcommand per tool.

    detplug train faster_rcnn_r18_neon [--time-budget 20] [--cfg-options k=v ...]
    detplug test CONFIG CHECKPOINT [--precision bf16] [--backend openvino]
    detplug infer | convert | export | benchmark | browse | print-config | list-configs

A CONFIG is a file or a packaged config's name (``plugins/packaged_configs.py``).
Each subcommand is a module here with ``add_arguments(parser)`` and ``main(args)``; the
scripts of a clone (``tools/train.py``, ``tools/test.py``, ...) run the same modules
through ``run_tool``, so both take the same arguments and print the same lines. Bad input
ends in one line and exit status 1 either way (``plugins.cli.run``).
"""
import argparse
import importlib
import sys
from typing import List, Optional

from plugins.cli import run

COMMANDS = {'train': 'train', 'test': 'test', 'infer': 'infer', 'convert': 'convert',
            'export': 'export', 'benchmark': 'benchmark', 'browse': 'browse',
            'print-config': 'print_config', 'list-configs': 'list_configs'}


def command(name: str):
    return importlib.import_module(f'{__name__}.{COMMANDS[name]}')


def describe(parser: argparse.ArgumentParser, module) -> argparse.ArgumentParser:
    """``parser`` with ``module``'s docstring and arguments."""
    parser.description = module.__doc__
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    module.add_arguments(parser)
    return parser


def main(argv: Optional[List[str]] = None) -> None:
    """The ``detplug`` console entry point."""
    parser = argparse.ArgumentParser(prog='detplug', description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    subcommands = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')
    for name in COMMANDS:
        module = command(name)
        describe(subcommands.add_parser(name, help=module.__doc__.splitlines()[0]), module)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    run(lambda: command(args.command).main(args))


def run_tool(name: str, prog: str) -> None:
    """One subcommand as a script of its own (``tools/*.py``)."""
    module = command(name)
    args = describe(argparse.ArgumentParser(prog=prog), module).parse_args()
    run(lambda: module.main(args))
