"""Model pairs for parity tests and benchmarks: a torchvision model with random weights
that behave like trained ones (BatchNorm statistics measured on real images, output
layers spread like a trained model's) and the detplug model holding the same weights
through ``plugins.converters.torchvision``; inputs fed to both the same way.

``TORCHVISION_MODELS``: detplug base-model name -> (builder of the torchvision model,
input size); ``SEG_MODELS``: the same for segmentation (torchvision builder names).
"""
import functools
import os.path as osp

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def model_cfg(name: str) -> str:
    return osp.join(ROOT, 'configs', '_base_', 'models', f'{name}.py')


def to_torchvision_input(img_bgr):
    """BGR uint8 (H, W, 3) -> RGB float (3, H, W) in 0-255 (see ``same_normalisation``)."""
    return torch.from_numpy(img_bgr[..., ::-1].copy()).permute(2, 0, 1).float()


def same_normalisation(model, mean, std):
    """Give torchvision's transform detplug's mean and std, for 0-255 input: op for op
    the arithmetic of detplug's data preprocessor, so both models see bit-identical
    pixels ((x / 255 - 0.485) / 0.229 and (x - 123.675) / 58.395 differ by rounding)."""
    model.transform.image_mean, model.transform.image_std = list(mean), list(std)


def calibrate_batchnorm(model, run, only_norm=False):
    """Random weights that keep activations at their scale: every BatchNorm's statistics
    measured by ``run()`` (one forward pass on real images), random affine parts. The
    model runs in train mode, or with ``only_norm`` in eval mode but its BatchNorms
    (a detector's heads then run as at test time)."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over this one batch
    model.train(not only_norm)
    for bn in bns:
        bn.train()
    with torch.no_grad():
        run()
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.normal_(0, 0.1)
    return model.eval()


def spread_outputs(model, run, targets):
    """Rescale each layer in ``targets`` ({layer: std}) so that on ``run()`` each of its
    output channels has mean 0 and all together that standard deviation: the decisive,
    varied scores of a trained model (with random weights every class scores alike,
    so any rounding reorders them, and a few classes win everywhere)."""
    seen = {layer: [] for layer in targets}  # a shared RPN conv runs once per level
    hooks = [layer.register_forward_hook(
        lambda m, a, o: seen[m].append(o.movedim(1, -1).reshape(-1, o.shape[1])))
        for layer in targets]
    with torch.no_grad():
        run()
        for layer, std in targets.items():
            out = torch.cat(seen[layer])
            mean = out.mean(0)
            scale = std / (out - mean).std().item()
            layer.weight.mul_(scale)
            layer.bias.copy_((layer.bias - mean) * scale)
    for h in hooks:
        h.remove()


def _like_trained(builder, images_bgr, seed, spreads, heads_too=False):
    """torchvision's R50-FPN detector ``builder`` with random weights (seeded), its
    normalisation written as detplug's, BatchNorm calibrated on ``images_bgr`` (in the
    backbone, or everywhere with ``heads_too``), and the output layers ``spreads(model)``
    ({layer: std}) rescaled by ``spread_outputs``."""
    torch.manual_seed(seed)
    model = builder(weights=None, weights_backbone=None)
    same_normalisation(model, [0.485 * 255, 0.456 * 255, 0.406 * 255],
                       [0.229 * 255, 0.224 * 255, 0.225 * 255])
    inputs = [to_torchvision_input(i) for i in images_bgr]
    if heads_too:
        calibrate_batchnorm(model, lambda: model(inputs), only_norm=True)
    else:
        calibrate_batchnorm(model, lambda: model.backbone(model.transform(inputs)[0].tensors))
    spread_outputs(model, lambda: model([to_torchvision_input(i) for i in images_bgr]),
                   spreads(model))
    return model


def random_faster_rcnn(images_bgr, seed=0, name='fasterrcnn_resnet50_fpn'):
    """torchvision's Faster R-CNN builder ``name`` (``fasterrcnn_resnet50_fpn``, ``_v2``,
    whose box head has BatchNorm too, ``fasterrcnn_mobilenet_v3_large_fpn``, ...) with
    random weights that behave like trained ones: BatchNorm calibrated on ``images_bgr``,
    objectness and class logits spread with std 2 and box deltas with std 0.2 (tens of
    confident detections per image); for ``maskrcnn_*`` mask logits too, for
    ``keypointrcnn_*`` keypoint logits, with std 2."""
    import torchvision.models.detection as tvdet

    def spreads(model):
        rpn, box = model.rpn.head, model.roi_heads.box_predictor
        out = {rpn.cls_logits: 2.0, rpn.bbox_pred: 0.2, box.cls_score: 2.0, box.bbox_pred: 0.2}
        if model.roi_heads.has_mask():  # Mask R-CNN: mask logits of std 2, not all ~0.5
            out[model.roi_heads.mask_predictor.mask_fcn_logits] = 2.0
        if model.roi_heads.has_keypoint():  # Keypoint R-CNN: peaked heatmaps
            out[model.roi_heads.keypoint_predictor.kps_score_lowres] = 2.0
        return out
    return _like_trained(getattr(tvdet, name), images_bgr, seed, spreads,
                         heads_too=name.endswith('_v2'))


def random_retinanet(images_bgr, seed=0, v2=False):
    """retinanet_resnet50_fpn (or ``_v2``) with random weights that behave like trained
    ones: BatchNorm calibrated on ``images_bgr``, class logits spread with std 2 around
    -4 (a few hundred (anchor, class) pairs above the 0.05 threshold), box deltas with std
    0.2. Output 0 (COCO's unused background id, which the converter drops) never scores."""
    from torchvision.models.detection import retinanet_resnet50_fpn, retinanet_resnet50_fpn_v2
    model = _like_trained(retinanet_resnet50_fpn_v2 if v2 else retinanet_resnet50_fpn,
                          images_bgr, seed, lambda m: {m.head.classification_head.cls_logits: 2.0,
                                                       m.head.regression_head.bbox_reg: 0.2})
    cls = model.head.classification_head
    with torch.no_grad():
        cls.cls_logits.bias.sub_(4.0).view(-1, cls.num_classes)[:, 0] = -100.0
    return model


def random_fcos(images_bgr, seed=0):
    """fcos_resnet50_fpn with random weights that behave like trained ones: BatchNorm
    calibrated on ``images_bgr``, class and centre-ness logits spread with std 2 (class
    around -2: a few hundred (point, class) pairs above the 0.2 threshold), side distances
    around 2-3 prior sizes. Output 0 (COCO's unused id, dropped by the converter) never
    scores."""
    from torchvision.models.detection import fcos_resnet50_fpn

    def spreads(model):
        reg = model.head.regression_head
        return {model.head.classification_head.cls_logits: 2.0, reg.bbox_reg: 1.0,
                reg.bbox_ctrness: 2.0}
    model = _like_trained(fcos_resnet50_fpn, images_bgr, seed, spreads)
    with torch.no_grad():
        model.head.classification_head.cls_logits.bias.sub_(2.0)[0] = -100.0
        model.head.regression_head.bbox_reg.bias.add_(2.5)
    return model


def random_ssd(images_bgr, seed=0):
    """ssd300_vgg16 with random weights whose outputs look trained: the heads are scaled
    on ``images_bgr`` so that class logits spread with std ~2 and box deltas ~0.5
    (Xavier-initialised VGG on 0-255 pixels otherwise saturates every softmax)."""
    from mmengine.config import Config
    from torchvision.models.detection import ssd300_vgg16
    torch.manual_seed(seed)
    model = ssd300_vgg16(weights=None, weights_backbone=None, num_classes=91)
    pre = Config.fromfile(model_cfg('ssd300_vgg16')).model.data_preprocessor
    same_normalisation(model, pre.mean, pre.std)
    model.eval()
    with torch.no_grad():
        feats = list(model.backbone(
            model.transform([to_torchvision_input(i) for i in images_bgr])[0].tensors).values())
        head = model.head
        for convs, target in ((head.classification_head.module_list, 2.0),
                              (head.regression_head.module_list, 0.5)):
            for conv, f in zip(convs, feats):
                conv.weight.mul_(target / conv(f).std().item())
                conv.bias.normal_(0, target / 4)
    return model


def random_ssdlite(images_bgr, seed=0):
    """ssdlite320_mobilenet_v3_large with random weights whose outputs look trained:
    BatchNorm calibrated on ``images_bgr`` (the predictors' too), class logits spread
    with std 2 and box deltas with std 0.5."""
    from mmengine.config import Config
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large
    torch.manual_seed(seed)
    model = ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=91)
    pre = Config.fromfile(model_cfg('ssdlite320_mobilenet_v3_large')).model.data_preprocessor
    same_normalisation(model, pre.mean, pre.std)
    inputs = [to_torchvision_input(i) for i in images_bgr]
    calibrate_batchnorm(model, lambda: model(inputs), only_norm=True)
    head = model.head
    spread_outputs(model, lambda: model(inputs),
                   {**{block[1]: 2.0 for block in head.classification_head.module_list},
                    **{block[1]: 0.5 for block in head.regression_head.module_list}})
    return model


def _rcnn(name):
    """``random_faster_rcnn`` for torchvision's R-CNN builder ``name``."""
    return functools.partial(random_faster_rcnn, name=name)


TORCHVISION_MODELS = dict(
    faster_rcnn_r50_fpn=(random_faster_rcnn, 800), ssd300_vgg16=(random_ssd, 300),
    ssdlite320_mobilenet_v3_large=(random_ssdlite, 320),
    faster_rcnn_r50_fpn_v2=(_rcnn('fasterrcnn_resnet50_fpn_v2'), 800),
    faster_rcnn_mobilenet_v3_large_fpn=(_rcnn('fasterrcnn_mobilenet_v3_large_fpn'), 800),
    faster_rcnn_mobilenet_v3_large_320_fpn=(_rcnn('fasterrcnn_mobilenet_v3_large_320_fpn'), 320),
    retinanet_r50_fpn=(random_retinanet, 800),
    retinanet_r50_fpn_v2=(functools.partial(random_retinanet, v2=True), 800),
    fcos_r50_fpn=(random_fcos, 800),
    mask_rcnn_r50_fpn=(_rcnn('maskrcnn_resnet50_fpn'), 800),
    mask_rcnn_r50_fpn_v2=(_rcnn('maskrcnn_resnet50_fpn_v2'), 800),
    keypoint_rcnn_r50_fpn=(_rcnn('keypointrcnn_resnet50_fpn'), 800))


def detplug_model(name, tv_state, fuse=False):
    """The detplug config ``name`` with torchvision's weights converted."""
    from mmcv.cnn import fuse_conv_bn
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from plugins.converters.torchvision import convert, num_classes_of
    from plugins.registry import MODELS
    init_default_scope('plugins')
    cfg = Config.fromfile(model_cfg(name))
    state = convert(tv_state)
    roi = cfg.model.get('roi_head')
    heads = [roi.bbox_head] + ([roi.mask_head] if 'mask_head' in roi else []) if roi \
        else [cfg.model.bbox_head]
    for head in heads:
        head.num_classes = num_classes_of(state)
    model = MODELS.build(cfg.model)
    model.load_state_dict(state)
    model.eval()
    return fuse_conv_bn(model) if fuse else model


def detplug_batch(img_bgr):
    from plugins.structures import DetDataSample
    shape = img_bgr.shape[:2]
    sample = DetDataSample(metainfo=dict(img_shape=shape, ori_shape=shape, scale_factor=(1., 1.)))
    return dict(inputs=[torch.from_numpy(img_bgr).permute(2, 0, 1).contiguous()],
                data_samples=[sample])


SEG_MODELS = dict(fcn_r50_d8='fcn_resnet50', deeplabv3_r50_d8='deeplabv3_resnet50',
              fcn_r101_d8='fcn_resnet101', deeplabv3_r101_d8='deeplabv3_resnet101',
              deeplabv3_mobilenet_v3_large='deeplabv3_mobilenet_v3_large',
              lraspp_mobilenet_v3_large='lraspp_mobilenet_v3_large')


def normalised(model, img_bgr):
    """detplug's data preprocessor on one BGR image -> (1, 3, H, W) float."""
    from plugins.structures import SegDataSample
    sample = SegDataSample(metainfo=dict(img_shape=img_bgr.shape[:2],
                                         ori_shape=img_bgr.shape[:2]))
    data = model.data_preprocessor(dict(inputs=[torch.from_numpy(img_bgr).permute(2, 0, 1)
                                                .contiguous()], data_samples=[sample]))
    return data['inputs'], data['data_samples']


def random_pair(name, images_bgr, seed=0):
    """torchvision's model with calibrated random weights and detplug's with them converted."""
    import torchvision.models.segmentation as tvseg
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from plugins.converters.torchvision import convert
    from plugins.registry import MODELS as REGISTRY
    init_default_scope('plugins')
    det = REGISTRY.build(Config.fromfile(model_cfg(name)).model).eval()
    torch.manual_seed(seed)
    aux = {} if name.startswith('lraspp') else dict(aux_loss=True)  # LR-ASPP has none
    tv = getattr(tvseg, SEG_MODELS[name])(weights=None, weights_backbone=None, num_classes=21,
                                          **aux)
    batch = torch.cat([normalised(det, img)[0] for img in images_bgr] * 2)  # BN needs >= 2
    calibrate_batchnorm(tv, lambda: tv(batch))
    det.load_state_dict(convert(tv.state_dict()))
    tv.aux_classifier = None  # torchvision would run it at inference too; detplug does not
    return tv, det


def detplug_logits(det, img_bgr):
    """As ``test_step`` runs the network: under bf16 autocast when ``det.precision`` asks."""
    from plugins.autocast import autocast
    inputs, samples = normalised(det, img_bgr)
    with autocast(inputs.device.type, det.precision):
        return det(inputs, samples, mode='predict')[0].seg_logits.data
