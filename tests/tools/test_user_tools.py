"""The tools around the models, run as a user runs them on a (tiny) trained checkpoint:
infer, learning curve plot, dataset browser, FLOPs, benchmark, ONNX export."""
import json
import os
import re
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from tests.conftest import ROOT, TINY, data_args, run_tool


def _config(run):
    return str(run / 'faster_rcnn_r18_neon.py')  # the config the Runner dumped


def test_infer_on_a_folder_and_on_a_video(tiny_run, neon_root, tmp_path):
    ckpt = str(tiny_run / 'iter_4.pth')
    out = run_tool('infer.py', _config(tiny_run), ckpt, f'{neon_root}/val', '--out-dir',
                   str(tmp_path / 'images'), '--score-thr', '0')
    assert out.returncode == 0, out.stderr[-2000:]
    entries = json.load(open(tmp_path / 'images' / 'predictions.json'))
    assert [osp.basename(e['file']) for e in entries] == ['OSBS_029.png']
    assert entries[0]['height'] == entries[0]['width'] == 400
    dets = entries[0]['detections']
    assert dets and all(d['class'] == 'Tree' and len(d['bbox']) == 4 for d in dets)
    assert cv2.imread(str(tmp_path / 'images' / 'vis' / 'OSBS_029.png')).shape == (400, 400, 3)

    video = _pan_video(neon_root, tmp_path)
    out = run_tool('infer.py', _config(tiny_run), ckpt, video, '--out-dir', str(tmp_path / 'v'))
    assert out.returncode == 0, out.stderr[-2000:]
    entries = json.load(open(tmp_path / 'v' / 'predictions.json'))
    assert [e['frame'] for e in entries] == [0, 1, 2, 3]
    drawn = cv2.VideoCapture(str(tmp_path / 'v' / 'pan.mp4'))
    assert drawn.get(cv2.CAP_PROP_FRAME_COUNT) == 4 and drawn.read()[1].shape == (128, 160, 3)


def _pan_video(neon_root, folder) -> str:
    """A 4-frame 160x128 video panning over OSBS_029."""
    image = cv2.imread(f'{neon_root}/val/OSBS_029.png')
    video = str(folder / 'pan.mp4')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'mp4v'), 5, (160, 128))
    for i in range(4):
        writer.write(np.ascontiguousarray(image[i * 40:i * 40 + 128, i * 40:i * 40 + 160]))
    writer.release()
    return video


def test_infer_interrupted_mid_video_keeps_the_frames_drawn(tiny_run, neon_root, tmp_path,
                                                            monkeypatch):
    """Stopped at the third frame (Ctrl-C here), the video written so far is closed and
    plays: its two frames are not lost, even while the exception (and so the function's
    frame, as in an interactive session) is still held."""
    from plugins.commands import infer
    model = infer.init_model(_config(tiny_run), str(tiny_run / 'iter_4.pth'))
    visualizer = infer.DetLocalVisualizer(name='interrupted')
    calls, predict = [], infer.inference

    def stop_at_the_third(model, inputs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return predict(model, inputs)
    monkeypatch.setattr(infer, 'inference', stop_at_the_third)
    args = SimpleNamespace(out_dir=str(tmp_path / 'v'), score_thr=0.3)
    with pytest.raises(KeyboardInterrupt) as stopped:
        infer.run_video(model, visualizer, _pan_video(neon_root, tmp_path), args)
    drawn = cv2.VideoCapture(str(tmp_path / 'v' / 'pan.mp4'))
    assert drawn.get(cv2.CAP_PROP_FRAME_COUNT) == 2 and drawn.read()[1].shape == (128, 160, 3)
    assert stopped.traceback  # held to here


def test_infer_names_a_missing_input(tiny_run, tmp_path):
    out = run_tool('infer.py', _config(tiny_run), str(tiny_run / 'iter_4.pth'),
                   str(tmp_path / 'nope.png'), '--out-dir', str(tmp_path))
    assert out.returncode == 1
    assert out.stderr.strip() == f'error: {tmp_path}/nope.png: no such image, folder or video'


def test_learning_curve_plot(tiny_run, tmp_path):
    out = run_tool('analysis/learning_curve.py', str(tiny_run), '--every', '1', '--plot',
                   str(tmp_path / 'curves.png'))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines()[-1].split()[0] == '4'  # the last training row
    assert cv2.imread(str(tmp_path / 'curves.png')).shape[2] == 3


def test_browse_dataset_draws_the_pipeline_output(neon_root, tmp_path):
    out = run_tool('analysis/browse_dataset.py', 'configs/faster_rcnn/faster_rcnn_r18_neon.py',
                   '--out-dir', str(tmp_path), '--num', '2', '--cfg-options', *data_args(neon_root))
    assert out.returncode == 0, out.stderr[-2000:]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and files[0].startswith('0000_')
    drawn = cv2.imread(str(tmp_path / files[0]))
    # box edges in the ground-truth colour (lime, antialiased): pure greens that the
    # aerial photo itself does not have
    b, g, r = (drawn[..., i].astype(int) for i in range(3))
    assert ((g > 200) & (r < 80) & (b < 80)).sum() > 100


def test_get_flops_counts_the_whole_test_path():
    out = run_tool('analysis/get_flops.py', 'configs/faster_rcnn/faster_rcnn_r18_neon.py',
                   '--shape', '128', '128')
    assert out.returncode == 0, out.stderr[-2000:]
    lines = dict(line.split(': ', 1) for line in out.stdout.splitlines() if ': ' in line)
    assert lines['input'] == '1x3x128x128'
    assert float(lines['flops'].split('(')[1].split()[0]) > 0.1  # GFLOPs
    assert int(lines['params'].split('(')[1].rstrip(')').replace(',', '')) > 1_000_000


def test_benchmark_prints_train_and_inference_speed(neon_root):
    out = run_tool('benchmark.py', 'config', 'configs/faster_rcnn/faster_rcnn_r18_neon.py',
                   '--iters', '2', '--warmup', '1', '--cfg-options', *TINY, *data_args(neon_root))
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    assert 's/iter at batch 2' in text and 's/image' in text and 'peak RSS' in text


def test_benchmark_agreement_of_precisions_on_a_checkpoint(tiny_run, neon_root):
    """fp32 twice on the same weights: every box is found again with its score; the
    yardsticks (the same on noisy images; the convolutions rounded to 8 or 16 bits) move
    the scores, 16-bit rounding less than 8-bit."""
    out = run_tool('benchmark.py', 'config', _config(tiny_run), '--checkpoint',
                   str(tiny_run / 'iter_4.pth'), '--skip-train', '--iters', '2', '--warmup', '1',
                   '--precision', 'fp32', 'fp32', '--noise-yardstick',
                   '--rounding-yardstick', '8', '16', '--cfg-options', *data_args(neon_root))
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(t for t in out.stdout.splitlines() if 'agreement with torch fp32' in t)
    assert line.split(': ', 1)[1].startswith('100.0% of ') and 'max score diff 0.00e+00' in line
    line = next(t for t in out.stdout.splitlines() if t.startswith('  yardstick: torch fp32'))
    diff = float(re.search(r'of \d+ boxes \(max score diff ([\d.e+-]+)\)', line)[1])
    assert 0 < diff < 0.5, line
    rounded = [float(re.search(r'of \d+ boxes \(max score diff ([\d.e+-]+)\)', t)[1])
               for t in out.stdout.splitlines() if t.startswith('    weights and inputs: ')]
    assert len(rounded) == 2 and 0 < rounded[1] < rounded[0] < 0.5, out.stdout


def test_export_tool_checks_three_sizes(tiny_run, neon_root, tmp_path):
    out = run_tool('deployment/export.py', _config(tiny_run), str(tiny_run / 'iter_4.pth'),
                   '--image', f'{neon_root}/val/OSBS_029.png', '--out', str(tmp_path / 'm'),
                   '--backend', 'openvino', '--sizes', '192x192', '160x224', '256x128')
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()[-3:]
    assert [line.split(':')[0] for line in lines] == [
        'openvino fp32 192x192', 'openvino fp32 160x224', 'openvino fp32 256x128']
    for line in lines:
        matched, total = line.split(': ')[1].split(' boxes')[0].split('/')
        assert matched == total and int(total) > 0, line
        diffs = [float(d.split()[-1]) for d in line.split('per part: ')[1].split(', ')]
        assert len(diffs) == 2 and max(diffs) < 1e-4, line
    assert sorted(os.listdir(tmp_path / 'm')) == ['network.onnx', 'roi_head.bbox_head.onnx']


def test_ap_by_size_ranks_by_box_side(tmp_path):
    """A thin 10 x 100 box (side 31.6) and a 60 x 60 one; only the first is found."""
    gt = dict(images=[dict(id=1, file_name='a.png', width=200, height=200)],
              annotations=[dict(id=1, image_id=1, category_id=1, bbox=[5, 5, 10, 100], area=50),
                           dict(id=2, image_id=1, category_id=1, bbox=[100, 100, 60, 60],
                                area=50)],  # areas as a mask's pixel count would give
              categories=[dict(id=1, name='x')])
    (tmp_path / 'gt.json').write_text(json.dumps(gt))
    (tmp_path / 'dets.json').write_text(json.dumps(
        [dict(image_id=1, category_id=1, bbox=[5, 5, 10, 100], score=0.9)]))
    out = run_tool('analysis/ap_by_size.py', str(tmp_path / 'dets.json'),
                   str(tmp_path / 'gt.json'), '--sides', '48')
    assert out.returncode == 0, out.stderr[-1500:]
    rows = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines()[1:]}
    assert rows['0-48'] == ['px', '1', '1.000', '1.000']
    assert rows['48-inf'] == ['px', '1', '0.000', '0.000'] and rows['all'][0] == '2'


def test_deepforest_example_csv_imports_and_trains(neon_root, tmp_path):
    """The deepforest wheel's example.csv -> COCO (tools/convert_annotations.py) -> 4
    training iterations and a validation on it."""
    import shutil

    from plugins.datasets.neon_trees import TRAIN_STEMS, source_folder
    from plugins.utils.wheel_data import fetch_from_wheel
    csv_dir = fetch_from_wheel('deepforest==2.1.0', ['deepforest/data/example.csv'],
                               osp.join(ROOT, '.cache', 'deepforest_csv'))
    image = TRAIN_STEMS[1] + '.png'  # the image example.csv annotates
    shutil.copy(osp.join(source_folder(None, osp.join(ROOT, '.cache')), image), tmp_path / image)
    out = run_tool('convert_annotations.py', 'csv', osp.join(csv_dir, 'example.csv'), '--images',
                   str(tmp_path), '--out', str(tmp_path / 'example.json'))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("1 images (0 without objects), 79 boxes, classes ['Tree']")
    out = run_tool('train.py', osp.join(ROOT, 'configs', 'faster_rcnn', 'faster_rcnn_r18_neon.py'),
                   '--work-dir', str(tmp_path / 'work'), '--cfg-options', *TINY,
                   *data_args(tmp_path), 'train_cfg.max_iters=4', 'train_cfg.val_interval=4',
                   *[f'{split}_dataloader.dataset.ann_file=example.json'
                     for split in ('train', 'val', 'test')])
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'coco/AP50' in (out.stdout + out.stderr)
