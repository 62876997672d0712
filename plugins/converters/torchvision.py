"""torchvision detection and segmentation state dicts -> detplug state dicts.

Used by ``tools/convert_torchvision.py`` (which documents each builder and the class
layout), by ``load_from='torchvision://<builder>'`` (converted in-process by
``engine/checkpoint_loading.py``) and by ``plugins.testing`` (the parity pairs).
``convert(state, builder)`` applies the rules of the named builder (one of
``BUILDERS``, torchvision's 18); without a name, ``guess_builder`` reads it from the
keys. Every torchvision key some rule must map: the ones none does are reported by
name in a ``KeyError``.
"""
import re
from collections import OrderedDict
from typing import Optional

import torch

UNUSED_COCO_IDS = (12, 26, 29, 30, 45, 66, 68, 69, 71, 83)
# torchvision name (old and new layouts: Conv2dNormActivation adds '.0') -> detplug name
BODY_RULES = [
    (r'backbone\.body\.(\d+)\.(.+)', r'backbone.features.\1.\2'),  # MobileNetV3's blocks
    (r'backbone\.body\.(?!fc\.)(.+)', r'backbone.\1'),  # ResNet's layers
]
BACKBONE_FPN_RULES = BODY_RULES + [
    (r'backbone\.fpn\.inner_blocks\.(\d+)\.(?:0\.)?(weight|bias)', r'neck.lateral_convs.\1.\2'),
    (r'backbone\.fpn\.layer_blocks\.(\d+)\.(?:0\.)?(weight|bias)', r'neck.fpn_convs.\1.\2'),
]
# the R-CNN outputs, the same in v1 and v2: RPN logits and deltas, box predictor
RCNN_OUTPUT_RULES = [
    (r'rpn\.head\.(cls_logits|bbox_pred)\.(weight|bias)', r'rpn_head.\1.\2'),
    (r'roi_heads\.box_predictor\.cls_score\.(weight|bias)', r'roi_head.bbox_head.fc_cls.\1'),
    (r'roi_heads\.box_predictor\.bbox_pred\.(weight|bias)', r'roi_head.bbox_head.fc_reg.\1'),
]
FASTER_RCNN_RULES = BACKBONE_FPN_RULES + RCNN_OUTPUT_RULES + [
    (r'rpn\.head\.conv\.(?:0\.0\.)?(weight|bias)', r'rpn_head.conv.\1'),
    (r'roi_heads\.box_head\.fc6\.(weight|bias)', r'roi_head.bbox_head.shared_fcs.0.\1'),
    (r'roi_heads\.box_head\.fc7\.(weight|bias)', r'roi_head.bbox_head.shared_fcs.2.\1'),
]
# Mask R-CNN's branch (v1 convs with a bias, v2 conv + BatchNorm; torchvision's old
# mask_fcn1-4 names are renamed to its new ones first, as its own loader does)
MASK_RULES = [
    (r'roi_heads\.mask_head\.([0-3])\.([01])\.(\w+)', r'roi_head.mask_head.convs.\1.\2.\3'),
    (r'roi_heads\.mask_predictor\.conv5_mask\.(weight|bias)', r'roi_head.mask_head.upsample.\1'),
    (r'roi_heads\.mask_predictor\.mask_fcn_logits\.(weight|bias)',
     r'roi_head.mask_head.conv_logits.\1'),
]
# Keypoint R-CNN's branch: torchvision's conv, ReLU, conv, ... Sequential is renamed to
# blocks (conv 2i -> block i) first
KEYPOINT_RULES = [
    (r'roi_heads\.keypoint_head\.(\d)\.0\.(weight|bias)', r'roi_head.keypoint_head.convs.\1.0.\2'),
    (r'roi_heads\.keypoint_predictor\.kps_score_lowres\.(weight|bias)',
     r'roi_head.keypoint_head.deconv.\1'),
]
# v2: BatchNorm after every FPN conv, two RPN convs, a box head of 4 conv-BN blocks, one FC
FASTER_RCNN_V2_RULES = BODY_RULES + RCNN_OUTPUT_RULES + [
    (r'backbone\.fpn\.inner_blocks\.(\d+)\.([01])\.(\w+)', r'neck.lateral_convs.\1.\2.\3'),
    (r'backbone\.fpn\.layer_blocks\.(\d+)\.([01])\.(\w+)', r'neck.fpn_convs.\1.\2.\3'),
    (r'rpn\.head\.conv\.(\d+)\.0\.(weight|bias)', r'rpn_head.conv.\1.0.\2'),
    (r'roi_heads\.box_head\.([0-3])\.([01])\.(\w+)', r'roi_head.bbox_head.shared_convs.\1.\2.\3'),
    (r'roi_heads\.box_head\.5\.(weight|bias)', r'roi_head.bbox_head.shared_fcs.0.\1'),
]
RETINANET_RULES = BACKBONE_FPN_RULES + [
    (r'backbone\.fpn\.extra_blocks\.p6\.(weight|bias)', r'neck.extra_convs.0.\1'),
    (r'backbone\.fpn\.extra_blocks\.p7\.(weight|bias)', r'neck.extra_convs.1.\1'),
    (r'head\.classification_head\.conv\.(\d+)\.([01])\.(\w+)', r'bbox_head.cls_convs.\1.\2.\3'),
    (r'head\.classification_head\.cls_logits\.(weight|bias)', r'bbox_head.retina_cls.\1'),
    (r'head\.regression_head\.conv\.(\d+)\.([01])\.(\w+)', r'bbox_head.reg_convs.\1.\2.\3'),
    (r'head\.regression_head\.bbox_reg\.(weight|bias)', r'bbox_head.retina_reg.\1'),
]
# FCOS: RetinaNet's body; towers as one Sequential (conv, GroupNorm, ReLU, ...)
FCOS_RULES = RETINANET_RULES[:len(BACKBONE_FPN_RULES) + 2] + [
    (r'head\.classification_head\.conv\.(\d+)\.(weight|bias)', r'bbox_head.cls_convs.\1.\2'),
    (r'head\.classification_head\.cls_logits\.(weight|bias)', r'bbox_head.conv_cls.\1'),
    (r'head\.regression_head\.conv\.(\d+)\.(weight|bias)', r'bbox_head.reg_convs.\1.\2'),
    (r'head\.regression_head\.bbox_reg\.(weight|bias)', r'bbox_head.conv_reg.\1'),
    (r'head\.regression_head\.bbox_ctrness\.(weight|bias)', r'bbox_head.conv_centerness.\1'),
]
# SSD: torchvision nests pool5/fc6/fc7 in extra.0.7; detplug's stages[0] is flat.
SSD_RULES = [
    (r'backbone\.features\.(\d+)\.(weight|bias)', r'backbone.features.\1.\2'),
    (r'backbone\.scale_weight', r'backbone.l2_norm.weight'),
    (r'backbone\.extra\.0\.([135])\.(weight|bias)', r'backbone.stages.0.\1.\2'),
    (r'backbone\.extra\.0\.7\.1\.(weight|bias)', r'backbone.stages.0.8.\1'),
    (r'backbone\.extra\.0\.7\.3\.(weight|bias)', r'backbone.stages.0.10.\1'),
    (r'backbone\.extra\.([1-9])\.([02])\.(weight|bias)', r'backbone.stages.\1.\2.\3'),
    (r'head\.classification_head\.module_list\.(\d+)\.(weight|bias)',
     r'bbox_head.cls_convs.\1.\2'),
    (r'head\.regression_head\.module_list\.(\d+)\.(weight|bias)', r'bbox_head.reg_convs.\1.\2'),
]
# SSDLite: the backbone's names are torchvision's; each predictor is (depthwise conv + BN),
# then a 1x1 conv, where detplug's Sequential is conv, BN, ReLU6, 1x1 conv
SSDLITE_RULES = [(r'backbone\.((?:features|extra)\..+)', r'backbone.\1')] + [
    rule for head, short in (('classification', 'cls'), ('regression', 'reg')) for rule in (
        (rf'head\.{head}_head\.module_list\.(\d+)\.0\.([01])\.(\w+)',
         rf'bbox_head.{short}_convs.\1.\2.\3'),
        (rf'head\.{head}_head\.module_list\.(\d+)\.1\.(weight|bias)',
         rf'bbox_head.{short}_convs.\1.3.\2'))]

# Segmentation: IntermediateLayerGetter keeps ResNet's names; the heads are Sequentials.
SEG_AUX_RULES = [
    (r'backbone\.(\d+)\.(.+)', r'backbone.features.\1.\2'),  # MobileNetV3's features
    (r'backbone\.(.+)', r'backbone.\1'),
    (r'aux_classifier\.([01])\.(.+)', r'auxiliary_head.convs.0.\1.\2'),
    (r'aux_classifier\.4\.(weight|bias)', r'auxiliary_head.conv_seg.\1'),
]
FCN_RULES = SEG_AUX_RULES + [
    (r'classifier\.([01])\.(.+)', r'decode_head.convs.0.\1.\2'),
    (r'classifier\.4\.(weight|bias)', r'decode_head.conv_seg.\1'),
]
DEEPLABV3_RULES = SEG_AUX_RULES + [
    (r'classifier\.0\.convs\.([0-3])\.([01])\.(.+)', r'decode_head.aspp.\1.\2.\3'),
    (r'classifier\.0\.convs\.4\.1\.(.+)', r'decode_head.image_pool.1.0.\1'),
    (r'classifier\.0\.convs\.4\.2\.(.+)', r'decode_head.image_pool.1.1.\1'),
    (r'classifier\.0\.project\.([01])\.(.+)', r'decode_head.project.0.\1.\2'),
    (r'classifier\.1\.(.+)', r'decode_head.bottleneck.0.\1'),
    (r'classifier\.2\.(.+)', r'decode_head.bottleneck.1.\1'),
    (r'classifier\.4\.(weight|bias)', r'decode_head.conv_seg.\1'),
]

LRASPP_RULES = SEG_AUX_RULES[:1] + [
    (r'classifier\.(cbr|scale|low_classifier|high_classifier)\.(.+)', r'decode_head.\1.\2'),
]


def _rename(tv_state: dict, rules, model: str, skip: str = '') -> 'OrderedDict[str, torch.Tensor]':
    out, unknown = OrderedDict(), []
    for key, value in tv_state.items():
        for pattern, repl in rules:
            if re.fullmatch(pattern, key):
                out[re.sub(pattern, repl, key)] = value
                break
        else:
            if not (skip and key.startswith(skip)):
                unknown.append(key)
    if unknown:
        raise KeyError(f'not a {model} state dict: no rule for {unknown[:5]}'
                       f'{" ..." if len(unknown) > 5 else ""}')
    return out


def _foreground(num_tv: int, coco80: bool):
    """torchvision class indices to keep, in detplug's order (background last)."""
    return [i for i in range(1, num_tv) if not (coco80 and i in UNUSED_COCO_IDS)] + [0]


def _keep_classes(w: torch.Tensor, priors: int, keep) -> torch.Tensor:
    """Rows (priors x K classes, ...) -> (priors x len(keep), ...): per prior, ``keep``."""
    rows = w.reshape(priors, w.shape[0] // priors, *w.shape[1:])[:, keep]
    return rows.reshape(priors * len(keep), *w.shape[1:]).clone()


def convert_faster_rcnn(tv_state: dict, coco80: bool = False,
                        builder: str = 'fasterrcnn_resnet50_fpn'
                        ) -> 'OrderedDict[str, torch.Tensor]':
    """Faster, Mask or Keypoint R-CNN (v1 or v2)."""
    v2 = builder.endswith('_v2')
    branch = (MASK_RULES if builder.startswith('maskrcnn') else
              KEYPOINT_RULES if builder.startswith('keypointrcnn') else [])
    tv_state = {re.sub(r'keypoint_head\.(\d+)\.', lambda m: f'keypoint_head.{int(m[1]) // 2}.0.',
                       re.sub(r'mask_head\.mask_fcn([1-4])\.',
                              lambda m: f'mask_head.{int(m[1]) - 1}.0.', k)): v
                for k, v in tv_state.items()}
    mask = builder.startswith('maskrcnn')
    out = _rename(tv_state, (FASTER_RCNN_V2_RULES if v2 else FASTER_RCNN_RULES) + branch,
                  builder, 'backbone.body.fc.')
    cls_key = 'roi_head.bbox_head.fc_cls.weight'
    if cls_key not in out:
        raise KeyError(f'missing roi_heads.box_predictor.cls_score.weight (found {len(out)} keys)')
    num_tv = out[cls_key].shape[0]  # background + classes
    keep = _foreground(num_tv, coco80)
    for name in ('weight', 'bias'):
        cls, reg = f'roi_head.bbox_head.fc_cls.{name}', f'roi_head.bbox_head.fc_reg.{name}'
        out[cls] = out[cls][keep].clone()
        out[reg] = out[reg].reshape(num_tv, 4, -1)[keep[:-1]].reshape(len(keep[:-1]) * 4, -1)
        out[reg] = out[reg].squeeze(-1)
        if mask:  # one mask per class, no background
            key = f'roi_head.mask_head.conv_logits.{name}'
            out[key] = out[key][keep[:-1]].clone()
    for key in [k for k in out if k.endswith('running_var')]:  # FrozenBatchNorm2d has no counter
        out.setdefault(key.replace('running_var', 'num_batches_tracked'), torch.tensor(0))
    return out


def convert_ssd(tv_state: dict, coco80: bool = False, builder: str = 'ssd300_vgg16'
                ) -> 'OrderedDict[str, torch.Tensor]':
    lite = builder.startswith('ssdlite')
    out = _rename(tv_state, SSDLITE_RULES if lite else SSD_RULES, builder)
    last = '.3' if lite else ''  # the predictor's output conv
    level = 0
    while f'bbox_head.cls_convs.{level}{last}.weight' in out:
        priors = out[f'bbox_head.reg_convs.{level}{last}.weight'].shape[0] // 4
        for name in ('weight', 'bias'):
            key = f'bbox_head.cls_convs.{level}{last}.{name}'
            out[key] = _keep_classes(out[key], priors,
                                     _foreground(out[key].shape[0] // priors, coco80))
        level += 1
    if not level:
        raise KeyError('missing head.classification_head.module_list.0.weight')
    return out


def convert_one_stage(tv_state: dict, coco80: bool = False,
                      builder: str = 'retinanet_resnet50_fpn') -> 'OrderedDict[str, torch.Tensor]':
    """RetinaNet or FCOS: rename, then drop output 0 of every prior's sigmoid classes."""
    fcos = builder.startswith('fcos')
    out = _rename(tv_state, FCOS_RULES if fcos else RETINANET_RULES, builder, 'backbone.body.fc.')
    cls, reg = ('conv_cls', 'conv_reg') if fcos else ('retina_cls', 'retina_reg')
    priors = out[f'bbox_head.{reg}.bias'].numel() // 4
    for name in ('weight', 'bias'):
        key = f'bbox_head.{cls}.{name}'
        out[key] = _keep_classes(out[key], priors,
                                 _foreground(out[key].shape[0] // priors, coco80)[:-1])
    return out


def _segmentation(rules):
    def convert_segmentation(tv_state: dict, coco80: bool = False, builder: str = ''):
        return _rename(tv_state, rules, builder)  # classes kept as they are
    return convert_segmentation


# torchvision's builder name -> its converter (called with the name)
BUILDERS = dict(
    **{name: convert_faster_rcnn for name in (
        'fasterrcnn_resnet50_fpn', 'fasterrcnn_resnet50_fpn_v2',
        'fasterrcnn_mobilenet_v3_large_fpn', 'fasterrcnn_mobilenet_v3_large_320_fpn',
        'maskrcnn_resnet50_fpn', 'maskrcnn_resnet50_fpn_v2', 'keypointrcnn_resnet50_fpn')},
    **{name: convert_one_stage for name in (
        'retinanet_resnet50_fpn', 'retinanet_resnet50_fpn_v2', 'fcos_resnet50_fpn')},
    ssd300_vgg16=convert_ssd, ssdlite320_mobilenet_v3_large=convert_ssd,
    **{name: _segmentation(FCN_RULES) for name in ('fcn_resnet50', 'fcn_resnet101')},
    **{name: _segmentation(DEEPLABV3_RULES) for name in (
        'deeplabv3_resnet50', 'deeplabv3_resnet101', 'deeplabv3_mobilenet_v3_large')},
    lraspp_mobilenet_v3_large=_segmentation(LRASPP_RULES))


def guess_builder(tv_state: dict) -> str:
    """The builder whose rules fit ``tv_state``'s keys (for a file that does not say)."""
    def has(key):
        return key in tv_state
    if has('head.classification_head.cls_logits.weight'):
        if has('head.regression_head.bbox_ctrness.weight'):
            return 'fcos_resnet50_fpn'
        v2 = has('head.classification_head.conv.0.1.weight')  # GroupNorm in the towers
        return 'retinanet_resnet50_fpn' + ('_v2' if v2 else '')
    if any(k.startswith('head.classification_head.') for k in tv_state):
        return 'ssdlite320_mobilenet_v3_large' if has('backbone.features.0.0.0.weight') \
            else 'ssd300_vgg16'
    resnet = '_mobilenet_v3_large' if has('backbone.0.0.weight') else \
        '_resnet101' if has('backbone.layer3.22.conv1.weight') else '_resnet50'
    if has('classifier.cbr.0.weight'):
        return 'lraspp_mobilenet_v3_large'
    if has('classifier.0.convs.0.0.weight'):
        return 'deeplabv3' + resnet
    if has('classifier.4.weight'):
        return 'fcn' + resnet
    v2 = '_v2' if has('roi_heads.box_head.5.weight') else ''
    if has('roi_heads.mask_predictor.mask_fcn_logits.weight'):
        return 'maskrcnn_resnet50_fpn' + v2
    if any(k.startswith('roi_heads.keypoint') for k in tv_state):
        return 'keypointrcnn_resnet50_fpn'
    if has('backbone.body.0.0.weight'):
        return 'fasterrcnn_mobilenet_v3_large_fpn'
    return 'fasterrcnn_resnet50_fpn' + v2


def builder_named(name: str) -> Optional[str]:
    """The builder a file or ``torchvision://`` name carries (the longest builder name
    its base name starts with: ``fasterrcnn_resnet50_fpn_coco-258fb6c6.pth``), or None."""
    base = name.split('://', 1)[-1].rsplit('/', 1)[-1]
    found = [b for b in BUILDERS if base.startswith(b)]
    return max(found, key=len) if found else None


def convert(tv_state: dict, builder: Optional[str] = None, coco80: bool = False
            ) -> 'OrderedDict[str, torch.Tensor]':
    """Rename ``builder``'s torchvision keys (``guess_builder`` when None); for
    detectors move background last and drop its regression rows."""
    builder = builder or guess_builder(tv_state)
    if builder not in BUILDERS:
        raise KeyError(f'no converter for the torchvision builder {builder!r}; known: '
                       f'{", ".join(BUILDERS)}')
    return BUILDERS[builder](tv_state, coco80, builder)


def num_classes_of(converted: dict) -> int:
    for seg in ('conv_seg', 'high_classifier'):  # LR-ASPP's classifier is high_classifier
        if f'decode_head.{seg}.bias' in converted:
            return converted[f'decode_head.{seg}.bias'].numel()
    if 'roi_head.bbox_head.fc_cls.bias' in converted:
        return converted['roi_head.bbox_head.fc_cls.bias'].numel() - 1
    for cls, reg in (('retina_cls', 'retina_reg'), ('conv_cls', 'conv_reg')):
        if f'bbox_head.{cls}.bias' in converted:
            priors = converted[f'bbox_head.{reg}.bias'].numel() // 4
            return converted[f'bbox_head.{cls}.bias'].numel() // priors
    last = '.3' if 'bbox_head.reg_convs.0.3.bias' in converted else ''  # SSDLite
    priors = converted[f'bbox_head.reg_convs.0{last}.bias'].numel() // 4
    return converted[f'bbox_head.cls_convs.0{last}.bias'].numel() // priors - 1
