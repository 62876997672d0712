import json
import os.path as osp
import subprocess
import sys

from tests.conftest import ROOT


def test_merges_resumed_runs_and_places_validation_rows(tmp_path):
    for stamp, rows in [('20260101_000000', [dict(step=50, loss=2.0, loss_cls=1.5)]),
                        ('20260101_010000', [dict(step=100, loss=1.0, loss_cls=0.5),
                                             {'coco/AP50': 0.25, 'step': 100}])]:
        folder = tmp_path / stamp / 'vis_data'
        folder.mkdir(parents=True)
        (folder / 'scalars.json').write_text('\n'.join(json.dumps(r) for r in rows))
    out = subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'analysis', 'learning_curve.py'),
                          str(tmp_path), '--every', '50'], capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0].split() == ['iter', 'loss', 'loss_cls', 'coco/AP50']
    assert lines[1].split() == ['50', '2.0000', '1.5000']
    assert lines[2].split() == ['100', '1.0000', '0.5000', '0.2500']
