import pytest
import torch
from mmengine.config import Config

from plugins.registry import MODELS
from tests.conftest import ROOT, make_sample


@pytest.fixture(scope='module')
def model():
    cfg = Config.fromfile(f'{ROOT}/configs/faster_rcnn/faster_rcnn_r18_neon.py')
    cfg.model.backbone.base_channels = 8
    for key in ('rpn_head.in_channels', 'rpn_head.feat_channels', 'roi_head.bbox_head.in_channels'):
        cfg.merge_from_dict({f'model.{key}': 32})
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def _batch(boxes_per_image):
    samples = [make_sample(b, shape=(64, 64)) for b in boxes_per_image]
    return dict(inputs=[torch.randint(0, 255, (3, 64, 64), dtype=torch.uint8)
                        for _ in samples], data_samples=samples)


def test_loss_mode_with_empty_and_one_box(model):
    model.train()
    data = model.data_preprocessor(_batch([[], [[10., 10, 40, 40]]]), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls', 'loss_bbox'}
    sum(losses.values()).backward()


def test_predict_rescales_to_original_image(model):
    model.eval()
    data = model.data_preprocessor(_batch([[]]), training=False)
    data['data_samples'][0].set_metainfo(dict(scale_factor=(2.0, 2.0)))
    with torch.no_grad():
        (sample,) = model(**data, mode='predict')
    pred = sample.pred_instances
    assert pred.bboxes.shape[1] == 4 and len(pred.scores) == len(pred.labels)
    if len(pred):
        assert pred.bboxes.max() <= 32.0 + 1e-4  # 64 px input at scale 2 -> 32 px original


def test_tensor_mode_and_bad_mode(model):
    data = model.data_preprocessor(_batch([[]]), training=False)
    scores, deltas = model(data['inputs'], mode='tensor')
    assert scores[0].shape[1] == 9 and deltas[0].shape[1] == 36
    with pytest.raises(ValueError, match='mode'):
        model(data['inputs'], mode='bogus')


def test_rpn_only_and_fast_rcnn_variants():
    from mmengine.structures import InstanceData
    cfg = Config.fromfile(f'{ROOT}/configs/faster_rcnn/faster_rcnn_r18_fpn_neon.py').model
    rpn = MODELS.build(dict(cfg, roi_head=None)).eval()
    data = rpn.data_preprocessor(_batch([[]]), training=False)
    with torch.no_grad():
        (sample,) = rpn(**data, mode='predict')
    pred = sample.pred_instances
    assert len(pred) > 0 and (pred.labels == 0).all()
    assert (pred.scores[:-1] >= pred.scores[1:]).all()

    fast = MODELS.build(dict(cfg, rpn_head=None)).train()
    batch = _batch([[[10., 10, 40, 40]]])
    with pytest.raises(ValueError, match='needs .proposals.'):
        fast(**fast.data_preprocessor(batch, training=True), mode='loss')
    batch['data_samples'][0].proposals = InstanceData(bboxes=torch.tensor([[8., 12, 40, 38]]))
    losses = fast(**fast.data_preprocessor(batch, training=True), mode='loss')
    assert set(losses) == {'loss_cls', 'loss_bbox'} and losses['loss_bbox'] > 0
    with pytest.raises(ValueError, match='rpn_head, a roi_head or both'):
        MODELS.build(dict(cfg, rpn_head=None, roi_head=None))
