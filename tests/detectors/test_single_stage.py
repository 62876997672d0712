import torch
from mmengine.config import ConfigDict

from plugins.registry import MODELS
from tests.conftest import make_sample


def tiny_ssd():
    return MODELS.build(ConfigDict(
        type='SingleStageDetector',
        data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0., 0, 0], std=[255., 255, 255]),
        backbone=dict(type='ResNet', depth=18, base_channels=8, num_stages=2, out_indices=(0, 1)),
        bbox_head=dict(type='SSDHead', num_classes=2, in_channels=[8, 16],
                       prior_generator=dict(type='SSDPriorGenerator', input_size=(64, 64),
                                            steps=[4, 8], ratios=[[2], [2]],
                                            scales=[0.2, 0.4, 0.6]))))


def _batch(samples):
    return dict(inputs=[torch.randint(0, 255, (3, 64, 64), dtype=torch.uint8) for _ in samples],
                data_samples=samples)


def test_loss_and_rescaled_predictions():
    model = tiny_ssd()
    data = model.data_preprocessor(_batch([make_sample([[8., 8, 30, 30]], [1]), make_sample([])]),
                                   True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_bbox'} and losses['loss_bbox'] > 0
    model.eval()
    sample = make_sample([])
    sample.set_metainfo(dict(scale_factor=(0.5, 0.5), ori_shape=(128, 128)))
    with torch.no_grad():
        (out,) = model.test_step(_batch([sample]))
    pred = out.pred_instances
    assert len(pred) > 0 and pred.bboxes.max() <= 128 and pred.bboxes.max() > 64  # back to 128 px
    raw = model(model.data_preprocessor(_batch([make_sample([])]))['inputs'], mode='tensor')
    assert len(raw) == 2 and len(raw[0]) == 2
