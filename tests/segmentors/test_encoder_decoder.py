import torch
from mmengine.config import ConfigDict
from mmengine.structures import PixelData

from plugins.registry import MODELS
from plugins.structures import SegDataSample


def tiny_segmentor(aux=True):
    cfg = ConfigDict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0., 0, 0], std=[255., 255, 255],
                               pad_size_divisor=16),
        backbone=dict(type='ResNet', depth=18, base_channels=8, strides=(1, 2, 1, 1),
                      dilations=(1, 1, 2, 4), contract_dilation=True, out_indices=(2, 3)),
        decode_head=dict(type='ASPPHead', in_channels=64, channels=8, num_classes=3, in_index=1,
                         dilations=(1, 2)))
    if aux:
        cfg.auxiliary_head = dict(type='FCNHead', in_channels=32, channels=8, num_classes=3,
                                  in_index=0, loss_decode=dict(type='CrossEntropyLoss',
                                                               ignore_index=255, loss_weight=0.4))
    return MODELS.build(cfg)


def _batch(shapes, ori_shape=None):
    samples = []
    for h, w in shapes:
        s = SegDataSample(metainfo=dict(img_shape=(h, w), ori_shape=ori_shape or (h, w)))
        s.gt_sem_seg = PixelData(data=torch.randint(0, 3, (1, h, w)))
        samples.append(s)
    return dict(inputs=[torch.randint(0, 255, (3, h, w), dtype=torch.uint8) for h, w in shapes],
                data_samples=samples)


def test_losses_with_aux_and_images_of_two_sizes():
    model = tiny_segmentor()
    data = model.data_preprocessor(_batch([(30, 40), (32, 24)]), True)
    assert data['inputs'].shape[-2:] == (32, 48)  # padded
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_ce', 'aux.loss_ce'}
    sum(losses.values()).backward()


def test_predictions_at_the_original_size():
    model = tiny_segmentor(aux=False).eval()
    with torch.no_grad():
        (out,) = model.test_step(_batch([(30, 40)], ori_shape=(60, 80)))
    assert out.seg_logits.data.shape == (3, 60, 80)
    assert out.pred_sem_seg.data.shape == (1, 60, 80)
    assert torch.equal(out.pred_sem_seg.data[0], out.seg_logits.data.argmax(0))
