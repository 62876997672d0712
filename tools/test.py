"""Evaluate a checkpoint with MMEngine's Runner and print the metrics.

``detplug test``, run from a clone: the code and the arguments are in
plugins/commands/test.py (``tools/test.py -h``).

    python tools/test.py CONFIG CHECKPOINT [--out dets.json] [--show-dir vis/] [--tta]
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('test', 'tools/test.py')
