import subprocess
import sys

from tests.conftest import ROOT


def _run(tmp_path, rows, *args):
    folder = tmp_path / '20260101_000000'
    folder.mkdir(exist_ok=True)
    (folder / '20260101_000000.log').write_text('\n'.join(
        f'11/25 15:25:14 - mmengine - INFO - memory: {m} MB main + {w} MB workers at iteration {i}'
        for i, m, w in rows))
    return subprocess.run([sys.executable, f'{ROOT}/tools/analysis/memory_series.py', str(tmp_path),
                           *args], capture_output=True, text=True)


def test_growth_after_warmup_is_checked_against_the_bound(tmp_path):
    out = _run(tmp_path, [(100, 900, 500), (200, 1000, 500), (300, 1030, 505)], '--bound-mb', '50')
    assert out.returncode == 0 and 'growth after warm-up: +35 MB' in out.stdout
    out = _run(tmp_path, [(100, 900, 500), (200, 1000, 500), (300, 1080, 505)], '--bound-mb', '50')
    assert out.returncode == 1 and 'EXCEEDS the bound of 50 MB' in out.stdout
