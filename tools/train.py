"""Train a model from a config with MMEngine's Runner.

``detplug train``, run from a clone: the code and the arguments are in
plugins/commands/train.py (``tools/train.py -h``).

    python tools/train.py configs/faster_rcnn/faster_rcnn_r18_neon.py [--resume | --resume-or-start]
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('train', 'tools/train.py')
