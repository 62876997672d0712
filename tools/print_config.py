"""Print the config that runs: the file with its bases, ``--cfg-options`` and the

``detplug print-config``, run from a clone: the code and the arguments are in
plugins/commands/print_config.py (``tools/print_config.py -h``).

    python tools/print_config.py CONFIG [--cfg-options k=v ...] [--out FILE.py]
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('print-config', 'tools/print_config.py')
