"""What the benchmarks share: the real images they time on, the alternating timing
loop (every contender on the same image in turn, in one process, so they share the
machine's state), and the peak memory of a child process."""
import glob
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
NEON = osp.join(ROOT, 'data', 'neon_trees')


def neon_images(data: str, count: int, size: int) -> list:
    """The first ``count`` prepared NEON images (val first, then train tiles) as BGR
    arrays resized to ``size`` x ``size``."""
    import cv2
    files = sorted(glob.glob(osp.join(data, 'val', '*.png')) +
                   glob.glob(osp.join(data, 'train', '*.png')))[:count]
    if not files:
        sys.exit(f'error: {data}: no images; run tools/prepare_neon.py --out {data}')
    return [cv2.resize(cv2.imread(f), (size, size)) for f in files]


def alternate(contenders: Dict[str, Callable], items: Sequence, passes: int = 1,
              settle: Optional[Dict[str, Callable]] = None
              ) -> Tuple[Dict[str, List[float]], Dict[str, list]]:
    """``passes`` passes over ``items``, each item through every contender in turn, under
    no_grad -> (seconds per call, outputs per call) for each contender's name.
    ``settle``: per name, an untimed call on the same item right before the timed one, so
    each contender is timed in its steady state: a call that directly follows another
    model's ran up to 0.3 s slower (Faster R-CNN on OpenVINO after torchvision's OpenVINO
    model, 2026-12-06), whichever contender came next."""
    times = {name: [] for name in contenders}
    outputs = {name: [] for name in contenders}
    with torch.no_grad():
        for _ in range(passes):
            for item in items:
                for name, fn in contenders.items():
                    if settle:
                        settle[name](item)
                    start = time.perf_counter()
                    outputs[name].append(fn(item))
                    times[name].append(time.perf_counter() - start)
    return times, outputs


def medians(times: Dict[str, List[float]]) -> Dict[str, float]:
    return {name: statistics.median(t) for name, t in times.items()}


def run_child(cmd: list, log=subprocess.DEVNULL) -> Tuple[int, float, float]:
    """Run ``cmd`` in the repository root -> (exit status, wall seconds, its peak RSS MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(proc.pid, 0)
    return status, time.perf_counter() - start, usage.ru_maxrss / 1024


def tool(name: str) -> list:
    """The command line start of ``tools/<name>`` run with this interpreter."""
    return [sys.executable, osp.join(ROOT, 'tools', name)]
