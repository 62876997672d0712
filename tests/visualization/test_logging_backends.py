"""W&B (offline) and MLflow (a folder as the store) as vis backends, from the configs
(both in the test extras: a missing one fails here)."""
import glob
import os.path as osp

from mmengine.runner import Runner

from tests.conftest import ROOT, shrink_schedule, use_data


def test_wandb_offline_and_mlflow_file_store_get_losses_metrics_and_images(request, tmp_path):
    cfg = use_data(osp.join(ROOT, 'configs', 'faster_rcnn', 'faster_rcnn_r18_neon_wandb.py'),
                   request)
    mlflow_cfg = use_data(osp.join(ROOT, 'configs', 'faster_rcnn',
                                   'faster_rcnn_r18_neon_mlflow.py'), request)
    cfg.visualizer.vis_backends.append(mlflow_cfg.visualizer.vis_backends[-1])
    cfg.work_dir = str(tmp_path)
    shrink_schedule(cfg, 2)
    cfg.train_cfg.val_interval = 2
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.visualization.interval = 1
    Runner.from_cfg(cfg).train()
    vis_data = glob.glob(str(tmp_path / '*' / 'vis_data'))[0]
    assert glob.glob(osp.join(vis_data, 'wandb', 'offline-run-*', 'run-*.wandb'))
    runs = glob.glob(osp.join(vis_data, '*', '*', 'metrics'))  # <experiment>/<run>/metrics
    assert len(runs) == 1, runs
    assert osp.isfile(osp.join(runs[0], 'loss')) and osp.isfile(osp.join(runs[0], 'coco', 'AP50'))
    run = osp.dirname(runs[0])
    assert glob.glob(osp.join(run, 'artifacts', 'val_OSBS_029_2.png'))
    assert glob.glob(osp.join(run, 'artifacts', 'config.py'))
