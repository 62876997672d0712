"""Resident memory of the process and its workers, sampled by the hook."""
import subprocess
import sys
import time
from types import SimpleNamespace

from mmengine.logging import MMLogger

from plugins.engine import MemoryMonitorHook, resident_mb


def test_counts_a_child_process_memory():
    own, before = resident_mb()
    child = subprocess.Popen([sys.executable, '-c', 'x = bytearray(80_000_000); x[::4096] = '
                              'b"1" * len(x[::4096]); import time; time.sleep(30)'])
    try:
        for _ in range(100):  # until the child has touched its 80 MB
            time.sleep(0.1)
            if resident_mb()[1] - before > 70:
                break
        assert own > 50 and resident_mb()[1] - before > 70
    finally:
        child.kill()
        child.wait()


def test_samples_every_interval():
    hook = MemoryMonitorHook(interval=2)
    runner = SimpleNamespace(iter=0, logger=MMLogger.get_instance('mem_test'))
    for i in range(5):
        runner.iter = i
        hook.after_train_iter(runner, i)
    assert [s[0] for s in hook.series] == [2, 4] and hook.series[0][1] > 0
