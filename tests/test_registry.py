from mmengine.registry import MODELS as ROOT_MODELS

from plugins.registry import DATASETS, HOOKS, METRICS, MODELS, TASK_UTILS, TRANSFORMS, VISUALIZERS


def test_children_of_mmengine_roots_with_locations():
    assert MODELS.parent is ROOT_MODELS
    for reg in (MODELS, TASK_UTILS, DATASETS, TRANSFORMS, METRICS, HOOKS, VISUALIZERS):
        assert reg.scope == 'plugins'
        assert reg._locations, reg.name


def test_components_found_by_name_without_imports():
    for reg, name in [(MODELS, 'TwoStageDetector'), (MODELS, 'RPNHead'), (MODELS, 'RoIPool'),
                      (TASK_UTILS, 'MaxIoUAssigner'), (DATASETS, 'CocoDetDataset'),
                      (TRANSFORMS, 'PackDetInputs'), (TRANSFORMS, 'RandomFlip'),
                      (METRICS, 'CocoMetric'), (HOOKS, 'SafeCheckpointHook'),
                      (VISUALIZERS, 'DetLocalVisualizer')]:
        assert reg.get(name) is not None, name
