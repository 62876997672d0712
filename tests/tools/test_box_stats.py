import json
import subprocess
import sys

from tests.conftest import ROOT


def run(*args):
    return subprocess.run([sys.executable, f'{ROOT}/tools/analysis/box_stats.py', *args],
                          capture_output=True, text=True)


def test_box_stats_and_suggested_anchors(tmp_path):
    coco = dict(images=[dict(id=1, file_name='a.png', width=100, height=100)],
                categories=[dict(id=1, name='cell')],
                annotations=[dict(id=i, image_id=1, category_id=1, bbox=[0, 0, s, s])
                             for i, s in enumerate((16, 32, 32, 64), 1)])
    path = tmp_path / 'a.json'
    path.write_text(json.dumps(coco))
    out = run(str(path), '--stride', '16')
    assert out.returncode == 0, out.stderr
    assert 'boxes per class: cell=4' in out.stdout
    assert 'percentiles 5/25/50/75/95: 18.4 / 28.0 / 32.0 / 40.0 / 59.2' in out.stdout
    assert 'AnchorGenerator(strides=[16], scales=[1, 2, 4], ratios=[0.5, 1.0, 2.0])' in out.stdout
    bad = run(str(tmp_path / 'absent.json'))
    assert bad.returncode == 1 and bad.stderr.strip().endswith('annotation file not found')
