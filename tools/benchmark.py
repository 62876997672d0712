"""Every benchmark, one command:

    python tools/benchmark.py SUBCOMMAND [args]      (SUBCOMMAND -h: its arguments)

``detplug benchmark``, run from a clone: the code and the arguments are in
plugins/commands/benchmark.py (``tools/benchmark.py -h``).
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('benchmark', 'tools/benchmark.py')
