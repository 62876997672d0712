"""Print a training run's learning curve (losses and validation metrics by
iteration) and, with --plot, draw it to a PNG.

Reads the ``vis_data/scalars.json`` files MMEngine's LocalVisBackend writes in each
timestamped folder of a work dir (a resumed run has several; they are merged).

    python tools/analysis/learning_curve.py work_dirs/main [--every 250] [--plot curves.png]
"""
import argparse
import glob
import json
import os.path as osp


def read_scalars(work_dir: str):
    train, val = {}, {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        last_train_iter = 0
        for line in open(path):
            row = json.loads(line)
            if 'loss' in row:
                train[row['step']] = row
                last_train_iter = row['step']
            elif any(k.startswith('coco/') for k in row):
                val[last_train_iter] = row
    if not train:
        raise SystemExit(f'error: {work_dir}: no vis_data/scalars.json with training losses')
    return train, val


def plot(train: dict, val: dict, metric: str, out: str) -> None:
    """Losses (left panel, log scale) and the validation metric (right) against iterations."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    steps = sorted(train)
    fig, (ax_loss, ax_val) = plt.subplots(1, 2, figsize=(11, 4))
    for key in [k for k in train[steps[0]] if k.startswith('loss')]:
        ax_loss.plot(steps, [train[s].get(key) for s in steps], label=key, lw=1)
    ax_loss.set(xlabel='iteration', ylabel='loss', yscale='log', title='training losses')
    ax_loss.legend(fontsize=8)
    val_steps = sorted(s for s in val if metric in val[s])
    ax_val.plot(val_steps, [val[s][metric] for s in val_steps], 'o-')
    ax_val.set(xlabel='iteration', ylabel=metric, title=f'validation {metric}')
    ax_val.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir')
    parser.add_argument('--every', type=int, default=250, help='print every N iterations')
    parser.add_argument('--metric', default='coco/AP50')
    parser.add_argument('--plot', help='also draw the losses and the metric to this PNG')
    args = parser.parse_args()
    train, val = read_scalars(args.work_dir)
    if args.plot:
        plot(train, val, args.metric, args.plot)
    loss_keys = [k for k in next(iter(train.values())) if k.startswith('loss')]
    print('iter ' + ' '.join(f'{k:>13}' for k in loss_keys) + f' {args.metric:>10}')
    for step in sorted(train):
        if step % args.every and step != max(train):
            continue
        metric = f'{val[step][args.metric]:10.4f}' if step in val else ' ' * 10
        print(f'{step:4d} ' + ' '.join(f'{train[step][k]:13.4f}' for k in loss_keys) + ' ' + metric)


if __name__ == '__main__':
    main()
