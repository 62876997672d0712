"""ONNX export of a detector (Faster R-CNN, SSD, ...) for a fixed input size, and
the check of the exported graph against PyTorch with onnxruntime.

The exported graph holds everything from pixels to detections:
image (1, 3, H, W) float32, BGR 0-255 as ``mmcv.imread`` gives it
-> normalise and pad (the model's data preprocessor) -> network -> decode, NMS
-> boxes (D, 4) x1y1x2y2 in the image's pixels, scores (D,), labels (D,).
D varies per image. Anchors and priors are constants for the exported (H, W),
so other sizes must be resized (or padded) to it first.

Mask R-CNN and Keypoint R-CNN are refused: pasting each detection's mask into the
image (or reading each detection's heatmap peaks) is a Python loop over the detections,
whose count the tracer would freeze at the example's.
"""
import warnings
from typing import Dict, Tuple

import numpy as np
import torch
import torch.nn as nn

from plugins.errors import ConfigError
from plugins.structures import DetDataSample

OUTPUT_NAMES = ('boxes', 'scores', 'labels')


class DetectorForExport(nn.Module):
    """Wraps a detector as image tensor -> (boxes, scores, labels) for one image."""

    def __init__(self, detector: nn.Module, size: Tuple[int, int]):
        super().__init__()
        self.detector, self.size = detector, tuple(size)

    def forward(self, image: torch.Tensor):
        h, w = self.size
        sample = DetDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w),
                                             scale_factor=(1.0, 1.0)))
        data = self.detector.data_preprocessor(dict(inputs=[image[0]], data_samples=[sample]))
        pred = self.detector(data['inputs'], data['data_samples'], mode='predict')[0]
        return tuple(pred.pred_instances[k] for k in ('bboxes', 'scores', 'labels'))


def export_onnx(detector: nn.Module, size: Tuple[int, int], path: str, opset: int = 17) -> None:
    """Trace ``detector`` (eval mode) at input size (H, W) and write the ONNX graph."""
    roi_head = getattr(detector, 'roi_head', None)
    branches = [name for name in ('mask', 'keypoint')
                if getattr(roi_head, f'{name}_head', None) is not None]
    if branches:
        raise ConfigError(f'ONNX export of a model with a {branches[0]} branch (Mask or Keypoint '
                          'R-CNN) is not supported: its outputs are made one detection at a time, '
                          'which a traced graph cannot hold; export the same config without the '
                          'branch (the boxes, scores and labels are the same)')
    wrapper = DetectorForExport(detector, size).eval()
    example = torch.zeros(1, 3, *size)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')  # tracer notes on shapes that become constants
        torch.onnx.export(wrapper, (example,), path, dynamo=False, opset_version=opset,
                          input_names=['image'], output_names=list(OUTPUT_NAMES))
    wrapper.eval()  # the exporter restores the wrapper's own (train) mode on its children


def compare_onnx(detector: nn.Module, path: str, image: np.ndarray) -> Dict[str, float]:
    """Run ``image`` (H, W, 3 BGR, the export size) through PyTorch and onnxruntime;
    returns the detection counts and the max absolute differences."""
    import onnxruntime
    size = image.shape[:2]
    wrapper = DetectorForExport(detector, size).eval()
    tensor = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1))).float()[None]
    with torch.no_grad():
        ref = [t.numpy() for t in wrapper(tensor)]
    session = onnxruntime.InferenceSession(path, providers=['CPUExecutionProvider'])
    out = session.run(list(OUTPUT_NAMES), {'image': tensor.numpy()})
    result = dict(torch_dets=len(ref[0]), onnx_dets=len(out[0]))
    if len(ref[0]) == len(out[0]):
        for name, a, b in zip(OUTPUT_NAMES, ref, out):
            result[f'max_abs_diff_{name}'] = float(np.abs(a.astype(np.float64) - b).max(initial=0))
    return result
