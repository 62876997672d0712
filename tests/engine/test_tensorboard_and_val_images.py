"""From config: TensorBoard logging (faster_rcnn_r18_neon_tensorboard.py), validation
images drawn to the vis backends, and the test progress bar."""
import glob
import os.path as osp

from mmengine.runner import Runner

from tests.conftest import ROOT, shrink_schedule, use_data


def test_tensorboard_events_and_validation_images(request, tmp_path, capsys):
    cfg = use_data(osp.join(ROOT, 'configs', 'faster_rcnn', 'faster_rcnn_r18_neon_tensorboard.py'),
                   request)
    cfg.work_dir = str(tmp_path)
    shrink_schedule(cfg, 2)
    cfg.train_cfg.val_interval = 2
    cfg.default_hooks.visualization.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    vis_data = glob.glob(str(tmp_path / '*' / 'vis_data'))[0]
    assert glob.glob(osp.join(vis_data, 'events.out.tfevents.*'))  # TensorBoard's file
    assert osp.exists(osp.join(vis_data, 'vis_image', 'val_OSBS_029_2.png'))  # iteration 2
    capsys.readouterr()
    runner.test()
    assert '1/1, ' in capsys.readouterr().out  # the progress bar reached the end
