"""Read the memory series MemoryMonitorHook logged during a run and check its growth.

    python tools/analysis/memory_series.py WORK_DIR [--warmup 1] [--bound-mb 100]

Prints each sample (iteration, main process MB, loader workers MB, total), then the
growth of the total from the first sample after ``--warmup`` samples to the largest
later one; exits 1 when that growth exceeds ``--bound-mb``.
"""
import argparse
import glob
import os.path as osp
import re
import sys

LINE = re.compile(r'memory: (\d+) MB main \+ (\d+) MB workers at iteration (\d+)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir')
    parser.add_argument('--warmup', type=int, default=1, help='samples left out at the start')
    parser.add_argument('--bound-mb', type=float, default=100.0)
    args = parser.parse_args()
    series = [(int(it), int(main_mb), int(workers)) for path in
              sorted(glob.glob(osp.join(args.work_dir, '*', '*.log')))
              for main_mb, workers, it in LINE.findall(open(path).read())]
    if len(series) <= args.warmup:
        sys.exit(f'error: {args.work_dir}: fewer than {args.warmup + 1} memory samples in its logs')
    print('iteration  main_MB  workers_MB  total_MB')
    for it, main_mb, workers in series:
        print(f'{it:9d} {main_mb:8d} {workers:11d} {main_mb + workers:9d}')
    totals = [m + w for _, m, w in series[args.warmup:]]
    growth = max(totals) - totals[0]
    verdict = 'within' if growth <= args.bound_mb else 'EXCEEDS'
    print(f'growth after warm-up: {growth:+.0f} MB (from {totals[0]} MB at iteration '
          f'{series[args.warmup][0]}), {verdict} the bound of {args.bound_mb:.0f} MB')
    sys.exit(0 if growth <= args.bound_mb else 1)


if __name__ == '__main__':
    main()
