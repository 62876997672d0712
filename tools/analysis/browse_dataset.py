"""Write a dataset's images as the model sees them: through the config's pipeline.

``detplug browse``, run from a clone: the code and the arguments are in
plugins/commands/browse.py (``tools/analysis/browse_dataset.py -h``).

    python tools/analysis/browse_dataset.py CONFIG --out-dir DIR [--split train] [--num 20]
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('browse', 'tools/analysis/browse_dataset.py')
