"""List the packaged configs, usable by name wherever a config is asked for.

    detplug list-configs [PATTERN]

One line each: the name and the file (``plugins/packaged_configs.py``). A config of
yours can start from one with ``_base_ = 'detplug::NAME'``.
"""
import argparse
import fnmatch

from plugins.packaged_configs import names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('pattern', nargs='?', default='*',
                        help='only names matching this shell pattern, e.g. "*neon*"')


def main(args) -> None:
    found = {n: p for n, p in names().items() if fnmatch.fnmatch(n, args.pattern)}
    width = max((len(n) for n in found), default=0)
    for name, path in found.items():
        print(f'{name:<{width}}  {path.parent.name}/{path.name}')
    if not found:
        raise FileNotFoundError(f'{args.pattern}: no packaged config matches')
