"""Instance masks: COCO segmentations to bitmaps, predictions pasted back into the
image, bitmaps to RLE for the metric and for JSON output.

Shapes: K instances; bitmaps (K, H, W) uint8 or bool; RoI masks (K, M, M) probabilities.
``paste_masks`` follows torchvision's rule (``paste_masks_in_image``), so that a model
converted from torchvision predicts the same masks: each M x M mask is padded by one
pixel, its box scaled by (M + 2) / M about the centre and truncated to integers, the
mask resized bilinearly to that box (one pixel wider and taller than x2 - x1, y2 - y1)
and written where it overlaps the image.
"""
from typing import List, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from pycocotools import mask as mask_utils

MASK_THRESHOLD = 0.5  # a pasted probability above it is the instance's pixel


def decode_segmentations(segs: Sequence, height: int, width: int) -> np.ndarray:
    """COCO ``segmentation`` values (polygon lists or RLE dicts, as the dataset checked
    them) -> (K, H, W) uint8 bitmaps."""
    out = np.zeros((len(segs), height, width), np.uint8)
    for i, seg in enumerate(segs):
        if isinstance(seg, list):
            rle = mask_utils.merge(mask_utils.frPyObjects(seg, height, width))
        elif isinstance(seg['counts'], list):  # uncompressed RLE
            rle = mask_utils.frPyObjects(seg, height, width)
        else:
            rle = seg
        out[i] = mask_utils.decode(rle)
    return out


def encode_rle(masks: torch.Tensor) -> List[dict]:
    """(K, H, W) bool -> COCO RLE dicts with ``counts`` as text (JSON-ready)."""
    arr = np.asfortranarray(masks.cpu().numpy().astype(np.uint8).transpose(1, 2, 0))
    rles = mask_utils.encode(arr) if arr.shape[2] else []  # pycocotools: (H, W, K)
    return [dict(size=r['size'], counts=r['counts'].decode('ascii')) for r in rles]


def _paste_one(mask: torch.Tensor, box: Tuple[int, int, int, int], h: int, w: int):
    x1, y1, x2, y2 = box
    bw, bh = max(x2 - x1 + 1, 1), max(y2 - y1 + 1, 1)
    resized = F.interpolate(mask[None, None], size=(bh, bw), mode='bilinear',
                            align_corners=False)[0, 0]
    out = mask.new_zeros((h, w))
    ix1, iy1, ix2, iy2 = max(x1, 0), max(y1, 0), min(x2 + 1, w), min(y2 + 1, h)
    if ix2 > ix1 and iy2 > iy1:
        out[iy1:iy2, ix1:ix2] = resized[iy1 - y1:iy2 - y1, ix1 - x1:ix2 - x1]
    return out


def paste_masks(probs: torch.Tensor, boxes: torch.Tensor, shape: Tuple[int, int]) -> torch.Tensor:
    """probs (K, M, M) in [0, 1] for boxes (K, 4) in the pixels of an image of ``shape``
    (H, W) -> (K, H, W) probabilities in that image."""
    h, w = int(shape[0]), int(shape[1])
    if not len(probs):
        return probs.new_zeros((0, h, w))
    size = probs.shape[-1]
    probs = F.pad(probs.float(), (1, 1, 1, 1))
    scale = (size + 2) / size
    centre = (boxes[:, :2] + boxes[:, 2:]) * 0.5
    half = (boxes[:, 2:] - boxes[:, :2]) * 0.5 * scale
    grown = torch.cat([centre - half, centre + half], 1).to(torch.int64).tolist()
    return torch.stack([_paste_one(m, b, h, w) for m, b in zip(probs, grown)])


def paste_crops(crops: Sequence[np.ndarray], origins: torch.Tensor,
                shape: Tuple[int, int]) -> torch.Tensor:
    """Sliced inference's instance masks (``mask_crops`` at ``mask_origins`` x0, y0) as
    (D, H, W) bool bitmaps of an image of ``shape`` (H, W): for an image that fits."""
    out = torch.zeros((len(crops), *shape), dtype=torch.bool)
    for i, (crop, (x0, y0)) in enumerate(zip(crops, origins.tolist())):
        h, w = crop.shape
        out[i, y0:y0 + h, x0:x0 + w] = torch.from_numpy(np.ascontiguousarray(crop))
    return out
