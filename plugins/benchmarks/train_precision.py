"""Training in fp32 against bf16: the same config, seed and iterations, one after the other.

    python tools/benchmark.py train-precision [CONFIG ...] [--iters 300] [--seed 0]
        [--work-dir D]

Each config is trained twice with ``tools/train.py`` (``optim_wrapper.type``
FiniteLossOptimWrapper, then BF16OptimWrapper; the same arguments otherwise,
``randomness.seed`` from ``--seed``), validated once at the end. Prints per run the
median s/iter from MMEngine's log (data loading included, as in a real run), the peak
resident memory of the training process, and the final AP / AP50 (detection) or mIoU
(segmentation); then bf16's speed-up. Defaults: the default detector, SSD300 and FCN-8s.
"""
import json
import os
import os.path as osp
import statistics
import sys

from plugins.benchmarks.common import ROOT, run_child, tool

CONFIGS = ['configs/faster_rcnn/faster_rcnn_r18_neon.py', 'configs/ssd/ssd300_vgg16_neon.py',
           'configs/fcn/fcn8s_r18_mnist_composites.py']
WRAPPERS = dict(fp32='FiniteLossOptimWrapper', bf16='BF16OptimWrapper')
METRICS = ('coco/AP', 'coco/AP50', 'seg/mIoU')


def add_arguments(parser) -> None:
    parser.add_argument('configs', nargs='*', default=CONFIGS)
    parser.add_argument('--iters', type=int, default=300)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', 'train_precision'))


def train(config: str, wrapper: str, iters: int, seed: int, work_dir: str) -> dict:
    """Run tools/train.py; its s/iter, peak RSS (MB) and final metrics."""
    cmd = tool('train.py') + [
        config, '--work-dir', work_dir, '--cfg-options', f'train_cfg.max_iters={iters}',
        f'train_cfg.val_interval={iters}', f'optim_wrapper.type={wrapper}',
        f'randomness.seed={seed}']
    with open(work_dir + '.log', 'w') as log:
        status, _, rss = run_child(cmd, log)
    if status:
        sys.exit(f'error: {" ".join(cmd)} failed; see {work_dir}.log')
    runs = sorted(d for d in os.listdir(work_dir)  # this run's timestamp folder, not older ones
                  if osp.isfile(osp.join(work_dir, d, 'vis_data', 'scalars.json')))
    with open(osp.join(work_dir, runs[-1], 'vis_data', 'scalars.json')) as f:
        records = [json.loads(line) for line in f]
    times = [r['time'] for r in records if 'time' in r and 'loss' in r]
    if not times:
        sys.exit(f'error: {config}: no training iteration logged in {iters} (below the '
                 "config's default_hooks.logger.interval)")
    final = [r for r in records if any(m in r for m in METRICS)][-1]
    return dict(s_iter=statistics.median(times), rss=rss,
                **{m: final[m] for m in METRICS if m in final})


def main(args) -> None:
    for config in args.configs:
        if not osp.isfile(osp.join(ROOT, config)):
            sys.exit(f'error: {config}: config file not found')
    print(f'{args.iters} iterations each, seed {args.seed}')
    for config in args.configs:
        runs = {}
        for precision, wrapper in WRAPPERS.items():
            work_dir = osp.join(args.work_dir, osp.splitext(osp.basename(config))[0], precision)
            os.makedirs(work_dir, exist_ok=True)
            runs[precision] = r = train(config, wrapper, args.iters, args.seed, work_dir)
            metrics = '  '.join(f'{m} {r[m]:.4f}' for m in METRICS if m in r)
            print(f'{config} {precision}: {r["s_iter"]:.3f} s/iter  peak RSS {r["rss"]:.0f} MB  '
                  f'{metrics}', flush=True)
        print(f'{config}: bf16 speed-up {runs["fp32"]["s_iter"] / runs["bf16"]["s_iter"]:.2f}x',
              flush=True)
