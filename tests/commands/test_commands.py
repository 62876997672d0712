"""The ``detplug`` command: subcommands over the same code as tools/*.py."""
import os.path as osp
import shutil
import subprocess
import sys

import pytest

from plugins.commands import COMMANDS, main
from tests.conftest import ROOT, run_tool


def test_every_subcommand_is_listed(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(['-h'])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)


def test_list_configs_filters_by_pattern(capsys):
    main(['list-configs', '*neon_bf16_e*'])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ['faster_rcnn_r18_neon_bf16_early_stop',
                                                   'faster_rcnn_r18_neon_bf16_ema']
    assert lines[1].split()[1] == 'faster_rcnn/faster_rcnn_r18_neon_bf16_ema.py'
    with pytest.raises(SystemExit, match='error: nothing_like_this: no packaged config'):
        main(['list-configs', 'nothing_like_this'])


def test_a_bad_config_name_is_one_line():
    with pytest.raises(SystemExit, match=r'error: faster_rcnn_r18_neo: .*did you mean'):
        main(['print-config', 'faster_rcnn_r18_neo'])


def test_the_tool_and_the_subcommand_print_the_same_config(capsys):
    args = ['faster_rcnn_r18_neon', '--cfg-options', 'train_cfg.max_iters=5']
    main(['print-config', *args])
    ours = capsys.readouterr().out
    tool = run_tool('print_config.py', *args)
    assert tool.returncode == 0, tool.stderr
    assert tool.stdout == ours and 'max_iters=5' in ours


def test_the_console_script_is_installed():
    """``pip install`` (editable or not) puts ``detplug`` beside the interpreter."""
    script = osp.join(osp.dirname(sys.executable), 'detplug')
    script = script if osp.exists(script) else shutil.which('detplug')
    assert script, 'no detplug console script: pip install -e . again'
    out = subprocess.run([script, 'list-configs', 'fcn8s*'], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0 and out.stdout.split()[:1] == ['fcn8s_r18_mnist_composites']
