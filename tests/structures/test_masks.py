"""Mask helpers: polygons and RLE to bitmaps, RLE out, masks pasted back into the image."""
import numpy as np
import torch
from pycocotools import mask as mask_utils

from plugins.structures.masks import decode_segmentations, encode_rle, paste_masks


def test_polygon_and_both_rles_decode_to_the_same_square():
    square = np.zeros((20, 30), np.uint8)
    square[5:10, 4:12] = 1
    rle = mask_utils.encode(np.asfortranarray(square))
    compressed = dict(size=rle['size'], counts=rle['counts'].decode())
    flat = square.flatten(order='F').astype(int)  # column-major runs, the first of zeros
    runs = np.diff(np.r_[0, np.flatnonzero(np.diff(flat)) + 1, flat.size]).tolist()
    uncompressed = dict(size=[20, 30], counts=runs)
    polygon = [[4, 5, 12, 5, 12, 10, 4, 10]]  # pixel corners: covers x 4-11, y 5-9
    out = decode_segmentations([compressed, uncompressed, polygon], 20, 30)
    assert out.shape == (3, 20, 30) and out.dtype == np.uint8
    assert (out[0] == square).all() and (out[1] == square).all()
    assert abs(int(out[2].sum()) - int(square.sum())) <= 13  # polygon rasterisation edges


def test_rle_round_trip_and_empty():
    masks = torch.zeros(2, 8, 9, dtype=torch.bool)
    masks[0, 1:3, 2:5] = True
    masks[1, 7, 8] = True
    rles = encode_rle(masks)
    assert [r['size'] for r in rles] == [[8, 9], [8, 9]] and isinstance(rles[0]['counts'], str)
    back = decode_segmentations(rles, 8, 9)
    assert (back == masks.numpy()).all()
    assert encode_rle(torch.zeros(0, 8, 9, dtype=torch.bool)) == []


def test_paste_fills_the_box_grown_by_one_pixel_and_clips_at_the_border():
    probs = torch.ones(2, 28, 28)
    boxes = torch.tensor([[10., 20., 40., 30.], [-5., -5., 5., 5.]])
    out = paste_masks(probs, boxes, (50, 60))
    assert out.shape == (2, 50, 60)
    ys, xs = torch.nonzero(out[0] > 0.5, as_tuple=True)
    # (M + 2) / M scaling about the centre, truncated, +1: x 9-41, y 19-30 (interpolated
    # edges of the one-pixel pad fall below 0.5 at the outermost column)
    assert 9 <= xs.min() <= 11 and 39 <= xs.max() <= 41 and 19 <= ys.min() <= 21
    assert out[1, 0, 0] > 0.5 and out[1, 10:].sum() == 0  # partly outside: the part inside
    assert paste_masks(probs[:0], boxes[:0], (50, 60)).shape == (0, 50, 60)
