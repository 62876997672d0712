"""Run a trained model on an image, a folder of images or a video file.

    detplug infer CONFIG CHECKPOINT INPUT --out-dir DIR [--score-thr 0.3]
                  [--slice SIZE [--overlap 0.2] [--full-image]]

Writes, under DIR: the drawn images (``vis/<name>``; for a video, ``<name>.mp4``
with every frame drawn) and ``predictions.json``: one entry per image or frame
with ``file`` (and ``frame``), ``height``, ``width`` and, for a detector,
``detections`` [{``bbox`` x1 y1 x2 y2 in pixels, ``score``, ``label``, ``class``, and for
Mask R-CNN ``mask``: COCO RLE at the image's size}] above --score-thr, or, for a
segmentor, ``label_map`` (a PNG of class indices under ``label_maps/``).
Detectors also give ``predictions.csv`` (DeepForest's columns: image_path, xmin, ymin,
xmax, ymax, label, score) and, for each raster (.tif), ``<name>.geojson``: the boxes as
polygons in the raster's CRS (pixel coordinates and a warning without one).

In a folder, only regular files with an image extension are read (others skipped,
logged); an image of the folder that cannot be read is skipped, logged and listed in
``predictions.json`` with its ``error``, and the run then ends with exit code 1 after
writing the others' results.

``--slice SIZE``: images of any size, predicted through windows (docs/large_images.md);
GeoTIFFs are read window by window. Images over ``DRAW_MAX_PIXELS`` are not drawn, and
their masks are written as RLE of a crop with its ``mask_box``.
"""
import argparse
import csv
import io
import json
import os
import os.path as osp

import cv2
import mmcv
import numpy as np
import torch
from mmengine.utils import ProgressBar

from plugins.apis import inference, init_model, sliced_inference
from plugins.cli import add_precision_args, add_slice_args
from plugins.errors import DataError
from plugins.inference.geo import CSV_HEADER, class_name, csv_rows, to_geojson
from plugins.inference.slicing import check_slicing
from plugins.packaged_configs import resolve
from plugins.inference.sources import RASTER_EXTS, open_image
from plugins.structures.masks import encode_rle, paste_crops
from plugins.utils.fileio import atomic_write
from plugins.visualization import DetLocalVisualizer

IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv')


DRAW_MAX_PIXELS = 40_000_000  # LoadImage's default max_pixels


def describe(sample, model, args, name: str) -> dict:
    """The JSON fields of one prediction (a label map is written as a PNG)."""
    if 'pred_sem_seg' in sample:
        path = osp.join('label_maps', osp.splitext(name)[0] + '.png')
        mmcv.imwrite(sample.pred_sem_seg.data[0].numpy().astype('uint8'),
                     osp.join(args.out_dir, path))
        return dict(label_map=path)
    classes = model.dataset_meta.get('classes')
    pred = sample.pred_instances
    pred = pred[pred.scores > args.score_thr]
    masks = encode_rle(pred.masks) if 'masks' in pred else [None] * len(pred)
    if 'mask_crops' in pred:  # too large to paste: each mask as RLE of its crop
        masks = [dict(mask_box=[x0, y0, x0 + c.shape[1], y0 + c.shape[0]],
                      mask=encode_rle(torch.from_numpy(c)[None])[0])
                 for c, (x0, y0) in zip(pred.mask_crops, pred.mask_origins.tolist())]
    else:
        masks = [None if m is None else dict(mask=m) for m in masks]
    return dict(detections=[
        dict(bbox=[round(float(v), 2) for v in box], score=round(float(score), 4),
             label=int(label), **{'class': class_name(classes, int(label))}, **(mask or {}))
        for box, score, label, mask in zip(pred.bboxes, pred.scores, pred.labels, masks)])


def frames(video):
    """(index, BGR frame) of an opened ``cv2.VideoCapture``."""
    index = 0
    while True:
        ok, frame = video.read()
        if not ok:
            break
        yield index, frame
        index += 1


def run_video(model, visualizer, path, args):
    """Every frame predicted and drawn into DIR/<name>.mp4; its JSON entries."""
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise FileNotFoundError(f'{path}: cannot open the video')
    fps, count = capture.get(cv2.CAP_PROP_FPS) or 25, int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    out_video = osp.join(args.out_dir, osp.splitext(osp.basename(path))[0] + '.mp4')
    entries, writer, bar = [], None, ProgressBar(count)
    try:  # released however the loop ends, so the frames written so far stay a playable file
        for index, frame in frames(capture):
            sample, name = inference(model, [frame])[0], f'{osp.basename(path)}_{index:06d}'
            entries.append(dict(file=path, frame=index, height=frame.shape[0],
                                width=frame.shape[1], **describe(sample, model, args, name)))
            drawn = visualizer.draw(frame[..., ::-1], sample, False, args.score_thr)[..., ::-1]
            if writer is None:
                os.makedirs(args.out_dir, exist_ok=True)
                writer = cv2.VideoWriter(out_video, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                                         (drawn.shape[1], drawn.shape[0]))
            writer.write(np.ascontiguousarray(drawn))
            bar.update()
    finally:
        capture.release()
        if writer is not None:
            writer.release()
    if writer is None:
        raise FileNotFoundError(f'{path}: no frame could be read from the video')
    return entries


def predict(model, path, args):
    """(sample, height, width) of one image file, sliced with ``--slice``."""
    if not args.slice:
        sample = inference(model, [path])[0]
        return sample, *sample.ori_shape[:2]
    sample = sliced_inference(model, path, args.slice, args.overlap, args.slice_batch,
                              args.full_image, args.box_voting, progress=True)
    height, width = sample.ori_shape[:2]
    pred = sample.get('pred_instances')
    if pred is not None and 'mask_crops' in pred and height * width <= DRAW_MAX_PIXELS:
        pred.masks = paste_crops(pred.mask_crops, pred.mask_origins, (height, width))
        del pred.mask_crops, pred.mask_origins
    return sample, height, width


def run_images(model, visualizer, paths, args):
    """Each image predicted and drawn into DIR/vis/; their JSON entries, CSV rows and,
    for rasters, GeoJSON files."""
    entries, rows, bar = [], [], ProgressBar(len(paths))
    classes = model.dataset_meta.get('classes')
    for path in paths:
        try:
            sample, height, width = predict(model, path, args)
        except DataError as e:  # one unreadable file of several: the others still get predicted
            if len(paths) == 1:
                raise
            print(f'\nskipped: {e}')
            entries.append(dict(file=path, error=str(e)))
            bar.update()
            continue
        name = osp.basename(path)
        entries.append(dict(file=path, height=height, width=width,
                            **describe(sample, model, args, name)))
        if 'pred_instances' in sample:
            pred = sample.pred_instances
            pred = pred[pred.scores > args.score_thr]
            rows += csv_rows(pred, path, classes)
            if path.lower().endswith(RASTER_EXTS):
                geojson = to_geojson(pred, open_image(path), classes)
                atomic_write(json.dumps(geojson).encode(),
                             osp.join(args.out_dir, osp.splitext(name)[0] + '.geojson'))
        if height * width <= DRAW_MAX_PIXELS:
            image = mmcv.imread(path, channel_order='rgb')
            visualizer.add_datasample(name, image, sample, draw_gt=False,
                                      score_thr=args.score_thr,
                                      out_file=osp.join(args.out_dir, 'vis', name))
        else:
            print(f'\n{path}: {width}x{height} px, over {DRAW_MAX_PIXELS / 1e6:.0f} Mpx: '
                  'not drawn')
        bar.update()
    if rows:
        text = io.StringIO()
        csv.writer(text).writerows([CSV_HEADER, *rows])
        atomic_write(text.getvalue().encode(), osp.join(args.out_dir, 'predictions.csv'))
    return entries


def input_images(path: str):
    """The image files to predict: ``path``, or a folder's regular files with an image
    extension (a FIFO, sub-folder or dangling link named ``x.png`` is skipped, logged)."""
    if osp.isdir(path):
        named = sorted(osp.join(path, f) for f in os.listdir(path)
                       if f.lower().endswith(IMAGE_EXTS))
        images = [f for f in named if osp.isfile(f)]  # regular files (links followed)
        if len(images) < len(named):
            print(f'{path}: skipped {len(named) - len(images)} entries that are not regular '
                  f'files: {", ".join(osp.basename(f) for f in named if f not in images)[:200]}')
        if not images:
            raise FileNotFoundError(f'{path}: no {"/".join(IMAGE_EXTS)} image in the folder')
        return images
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such image, folder or video')
    return [path]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('input', help='an image, a folder of images or a video file')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--score-thr', type=float, default=0.3)
    add_precision_args(parser)
    add_slice_args(parser)


def main(args) -> None:
    args.config = resolve(args.config)  # a path or a packaged config's name
    if args.slice:
        check_slicing(args.slice, args.overlap)
    images = input_images(args.input)
    model = init_model(args.config, args.checkpoint, precision=args.precision,
                       backend=args.backend)
    visualizer = DetLocalVisualizer(name='infer')
    visualizer.dataset_meta = model.dataset_meta
    if args.input.lower().endswith(VIDEO_EXTS):
        entries = run_video(model, visualizer, args.input, args)
    else:
        entries = run_images(model, visualizer, images, args)
    out = osp.join(args.out_dir, 'predictions.json')
    atomic_write(json.dumps(entries, indent=1).encode(), out)
    failed = [e for e in entries if 'error' in e]
    print(f'\n{len(entries) - len(failed)} predictions -> {out}')
    if failed:
        raise DataError(f'{len(failed)} of {len(entries)} images could not be read (first: '
                        f'{failed[0]["error"]}); the others\' predictions are in {out}')

