"""Export a detector's or segmentor's network to ONNX (any input size) and check the

``detplug export``, run from a clone: the code and the arguments are in
plugins/commands/export.py (``tools/deployment/export.py -h``).

    python tools/deployment/export.py CONFIG CHECKPOINT --image IMAGE --out DIR \
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('export', 'tools/deployment/export.py')
