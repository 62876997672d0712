"""Parity with torchvision's Faster R-CNNs: fasterrcnn_resnet50_fpn (and _v2) and the
MobileNetV3-Large FPN ones (tests/tools/parity.py: how the pairs are made)."""
import pytest

from tests.tools.parity import check_detections, check_rcnn_losses

FASTER = ['faster_rcnn_r50_fpn', 'faster_rcnn_r50_fpn_v2', 'faster_rcnn_mobilenet_v3_large_fpn',
          'faster_rcnn_mobilenet_v3_large_320_fpn']


@pytest.mark.parametrize('pair', FASTER, indirect=True)
def test_eval_detections_match(pair):
    check_detections(pair)


@pytest.mark.parametrize('pair', FASTER[:3], indirect=True)
def test_train_losses_match_when_every_sample_is_taken(pair):
    """Samplers take every positive and negative, so no random draw differs."""
    check_rcnn_losses(pair)
