"""Checks, when a run starts, that the model, the datasets and the evaluators agree,
so that a config mistake stops the run in one line instead of training or scoring
the wrong thing:
- every head with ``num_classes`` (box heads, decode heads) has as many classes as
  the datasets (``len(metainfo['classes'])``);
- a COCO evaluator's json describes the images of the dataset it scores (the same
  ids, with the same file names and sizes).
"""
import os.path as osp

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from plugins.errors import ConfigError
from plugins.registry import HOOKS


def _loops(runner):
    for name in ('train', 'val', 'test'):
        loop = getattr(runner, f'_{name}_loop', None)
        if loop is not None and not isinstance(loop, dict) and hasattr(loop, 'dataloader'):
            yield name, loop


def check_num_classes(model, dataset, where: str) -> None:
    classes = dataset.metainfo.get('classes')
    if not classes:
        return
    for name, module in model.named_modules():
        num = getattr(module, 'num_classes', None)
        if isinstance(num, int) and num != len(classes):
            raise ConfigError(f'model.{name}.num_classes is {num} but {where} has '
                              f'{len(classes)} classes {tuple(classes)}: set num_classes='
                              f'{len(classes)}')


def check_evaluator_images(metric, dataset, where: str) -> None:
    if getattr(metric, 'ann_file', None) is None or not hasattr(dataset, 'get_data_info'):
        return  # no json of its own: it scores its dataset's
    coco = metric.coco
    for info in map(dataset.get_data_info, range(len(dataset))):
        img = coco.imgs.get(info['img_id'])
        ours = (osp.basename(info['img_path']), info['width'], info['height'])
        theirs = None if img is None else (osp.basename(img['file_name']), img['width'],
                                           img['height'])
        if theirs != ours:
            raise ConfigError(f'the evaluator of {where} scores other images than its dataset '
                              f'({dataset.ann_file}): image id {info["img_id"]} is '
                              f'{ours[0]} {ours[1]}x{ours[2]} in the dataset but '
                              f'{"absent" if theirs is None else "%s %sx%s" % theirs} in the '
                              "evaluator's json: set its ann_file to the dataset's")


@HOOKS.register_module()
class DataConsistencyHook(Hook):
    """Runs the checks above in ``before_run`` (the loops and datasets are built)."""
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        for name, loop in _loops(runner):
            dataset = loop.dataloader.dataset
            check_num_classes(model, dataset, f'{name}_dataloader')
            for metric in getattr(getattr(loop, 'evaluator', None), 'metrics', []):
                check_evaluator_images(metric, dataset, f'{name}_dataloader')
