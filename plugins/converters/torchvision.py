"""torchvision detection and segmentation state dicts -> detplug state dicts.

Used by ``tools/convert_torchvision.py`` (which documents each builder and the class
layout) and by ``plugins.testing`` (the parity pairs). ``convert`` recognises the
builder by its keys; a key no rule maps is an error naming it.
"""
import re
from collections import OrderedDict

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


def convert_faster_rcnn(tv_state: dict, coco80: bool = False) -> 'OrderedDict[str, torch.Tensor]':
    """Faster or Mask R-CNN (v1 or v2)."""
    v2 = 'roi_heads.box_head.5.weight' in tv_state
    tv_state = {re.sub(r'keypoint_head\.(\d+)\.', lambda m: f'keypoint_head.{int(m[1]) // 2}.0.',
                       re.sub(r'mask_head\.mask_fcn([1-4])\.',
                              lambda m: f'mask_head.{int(m[1]) - 1}.0.', k)): v
                for k, v in tv_state.items()}
    mask = 'roi_heads.mask_predictor.mask_fcn_logits.weight' in tv_state
    kind = 'mask' if mask else 'keypoint' if any('keypoint' in k for k in tv_state) else 'faster'
    out = _rename(tv_state, (FASTER_RCNN_V2_RULES if v2 else FASTER_RCNN_RULES) + MASK_RULES
                  + KEYPOINT_RULES, f'{kind}rcnn_resnet50_fpn{"_v2" if v2 else ""}',
                  'backbone.body.fc.')
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


def convert_ssd(tv_state: dict, coco80: bool = False) -> 'OrderedDict[str, torch.Tensor]':
    lite = 'backbone.features.0.0.0.weight' in tv_state
    out = _rename(tv_state, SSDLITE_RULES if lite else SSD_RULES,
                  'ssdlite320_mobilenet_v3_large' if lite else 'ssd300_vgg16')
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


def convert_one_stage(tv_state: dict, coco80: bool = False) -> 'OrderedDict[str, torch.Tensor]':
    """RetinaNet or FCOS: rename, then drop output 0 of every prior's sigmoid classes."""
    fcos = 'head.regression_head.bbox_ctrness.weight' in tv_state
    out = _rename(tv_state, FCOS_RULES if fcos else RETINANET_RULES,
                  'fcos_resnet50_fpn' if fcos else 'retinanet_resnet50_fpn', 'backbone.body.fc.')
    cls, reg = ('conv_cls', 'conv_reg') if fcos else ('retina_cls', 'retina_reg')
    priors = out[f'bbox_head.{reg}.bias'].numel() // 4
    for name in ('weight', 'bias'):
        key = f'bbox_head.{cls}.{name}'
        out[key] = _keep_classes(out[key], priors,
                                 _foreground(out[key].shape[0] // priors, coco80)[:-1])
    return out


def convert(tv_state: dict, coco80: bool = False) -> 'OrderedDict[str, torch.Tensor]':
    """Rename torchvision keys; for detectors move background last and drop its
    regression rows."""
    if 'head.classification_head.cls_logits.weight' in tv_state:
        return convert_one_stage(tv_state, coco80)
    if any(k.startswith('head.classification_head.') for k in tv_state):
        return convert_ssd(tv_state, coco80)
    if 'classifier.cbr.0.weight' in tv_state:
        return _rename(tv_state, LRASPP_RULES, 'lraspp_mobilenet_v3_large')
    if 'classifier.0.convs.0.0.weight' in tv_state:
        return _rename(tv_state, DEEPLABV3_RULES, 'deeplabv3_resnet50/101/mobilenet_v3_large')
    if 'classifier.4.weight' in tv_state:
        return _rename(tv_state, FCN_RULES, 'fcn_resnet50/101')
    return convert_faster_rcnn(tv_state, coco80)


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
