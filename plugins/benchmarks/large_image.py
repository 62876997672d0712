"""A 10,000 x 10,000 px GeoTIFF through ``tools/infer.py --slice``: wall time, s per
megapixel and the peak memory of the inference process, per precision, against plain
inference of window-sized crops measured in the same run (the peer: what the same
pixels cost without slicing, reading and merging).

    python tools/benchmark.py large-image CONFIG CKPT [--side 10000] [--slice 800]
        [--overlap 0.1] [--precision fp32 bf16] [--work-dir work_dirs/large_image]

The mosaic: the large NEON YELL image mirrored out to ``--side`` (georeferenced in UTM,
tiled 512 x 512), written once.
"""
import os
import os.path as osp
import sys
import time

import numpy as np

from plugins.benchmarks.common import ROOT, run_child, tool
from plugins.engine.precision import PRECISIONS


def add_arguments(parser) -> None:
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--side', type=int, default=10000)
    parser.add_argument('--slice', type=int, default=800)
    parser.add_argument('--overlap', type=float, default=0.1)
    parser.add_argument('--slice-batch', type=int, default=2)
    parser.add_argument('--precision', nargs='+', choices=PRECISIONS, default=['fp32', 'bf16'])
    parser.add_argument('--work-dir', default='work_dirs/large_image')


def write_mosaic(path: str, side: int) -> None:
    import cv2
    import rasterio
    from rasterio.transform import from_origin

    from plugins.datasets.neon_trees import TRAIN_STEMS, source_folder
    folder = source_folder(None, osp.join(ROOT, '.cache'))
    rgb = cv2.imread(osp.join(folder, TRAIN_STEMS[0] + '.png'))[..., ::-1]
    h, w = rgb.shape[:2]
    with rasterio.open(path, 'w', driver='GTiff', width=side, height=side, count=3,
                       dtype='uint8', crs='EPSG:32612', tiled=True, blockxsize=512,
                       blockysize=512, transform=from_origin(528000, 4978000, 0.1, 0.1)) as dst:
        for y in range(0, side, 1024):  # one band of rows at a time
            rows = np.arange(y, min(y + 1024, side))
            ys = np.abs((rows // h) % 2 * (h - 1) - rows % h)  # mirrored
            xs = np.abs((np.arange(side) // w) % 2 * (w - 1) - np.arange(side) % w)
            band = rgb[ys][:, xs]
            dst.write(band.transpose(2, 0, 1),
                      window=rasterio.windows.Window(0, y, side, len(rows)))


def peer_s_per_mpx(config: str, ckpt: str, precision: str, size: int, mosaic: str) -> float:
    """Plain inference of 8 window-sized crops of the mosaic, s per Mpx."""
    from plugins.apis import inference, init_model
    from plugins.inference import open_image
    model = init_model(config, ckpt, precision=precision)
    source = open_image(mosaic)
    origins = [(x, y) for x in (0, 3000) for y in (0, 2000, 4000, 6000)
               if x + size <= source.width and y + size <= source.height] or [(0, 0)]
    crops = [source.read(x, y, x + size, y + size) for x, y in origins]
    inference(model, crops[:1])  # warm-up
    start = time.perf_counter()
    for crop in crops:
        inference(model, [crop])
    return (time.perf_counter() - start) / (len(crops) * size * size / 1e6)


def sliced_run(config, ckpt, precision, mosaic, args) -> dict:
    out_dir = osp.join(args.work_dir, f'infer_{precision}')
    cmd = tool('infer.py') + [config, ckpt, mosaic, '--out-dir', out_dir, '--slice',
                              str(args.slice), '--overlap', str(args.overlap), '--slice-batch',
                              str(args.slice_batch), '--precision', precision]
    with open(out_dir + '.log', 'w') as log:
        status, wall, rss = run_child(cmd, log)
    if status != 0:
        sys.exit(f'error: {" ".join(cmd)} failed; see {out_dir}.log')
    rows = sum(1 for _ in open(osp.join(out_dir, 'predictions.csv'))) - 1
    return dict(wall=wall, rss_mb=rss, boxes=rows)


def main(args) -> None:
    os.makedirs(args.work_dir, exist_ok=True)
    mosaic = osp.join(args.work_dir, f'mosaic_{args.side}.tif')
    if not osp.isfile(mosaic):
        write_mosaic(mosaic, args.side)
    mpx = args.side ** 2 / 1e6
    print('| precision | wall s | s/Mpx | peak RSS MB | boxes > 0.3 | plain crops s/Mpx (peer) '
          '| sliced / plain |\n' + '| --- ' * 7 + '|')
    for precision in args.precision:
        run = sliced_run(args.config, args.checkpoint, precision, mosaic, args)
        peer = peer_s_per_mpx(args.config, args.checkpoint, precision, args.slice, mosaic)
        print(f'| {precision} | {run["wall"]:.1f} | {run["wall"] / mpx:.3f} | '
              f'{run["rss_mb"]:.0f} | {run["boxes"]} | {peer:.3f} | '
              f'{run["wall"] / mpx / peer:.2f} |', flush=True)
