"""The plugin's tests run against an installed detplug and the repository's NEON
data tool (this example lives inside the detplug repository)."""
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.registry import init_default_scope

HERE = osp.dirname(osp.dirname(osp.abspath(__file__)))
DETPLUG = osp.dirname(osp.dirname(HERE))


@pytest.fixture(autouse=True, scope='session')
def _scope():
    init_default_scope('plugins')


@pytest.fixture(scope='session')
def neon_root(tmp_path_factory):
    out = tmp_path_factory.mktemp('neon_trees')
    subprocess.run([sys.executable, osp.join(DETPLUG, 'tools', 'prepare_neon.py'), '--out',
                    str(out), '--cache', osp.join(DETPLUG, '.cache')], check=True, cwd=DETPLUG,
                   capture_output=True)
    return str(out)
