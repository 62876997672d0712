"""Print a training run's learning curve: losses and validation metrics by iteration.

Reads the ``vis_data/scalars.json`` files MMEngine's LocalVisBackend writes in each
timestamped folder of a work dir (a resumed run has several; they are merged).

    python tools/analysis/learning_curve.py work_dirs/main [--every 250]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir')
    parser.add_argument('--every', type=int, default=250, help='print every N iterations')
    parser.add_argument('--metric', default='coco/AP50')
    args = parser.parse_args()
    train, val = read_scalars(args.work_dir)
    loss_keys = [k for k in next(iter(train.values())) if k.startswith('loss')]
    print('iter ' + ' '.join(f'{k:>13}' for k in loss_keys) + f' {args.metric:>10}')
    for step in sorted(train):
        if step % args.every and step != max(train):
            continue
        metric = f'{val[step][args.metric]:10.4f}' if step in val else ' ' * 10
        print(f'{step:4d} ' + ' '.join(f'{train[step][k]:13.4f}' for k in loss_keys) + ' ' + metric)


if __name__ == '__main__':
    main()
