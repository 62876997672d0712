"""Run a trained model on an image, a folder of images or a video file.

``detplug infer``, run from a clone: the code and the arguments are in
plugins/commands/infer.py (``tools/infer.py -h``).

    python tools/infer.py CONFIG CHECKPOINT INPUT --out-dir DIR [--score-thr 0.3]
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('infer', 'tools/infer.py')
