"""detplug's RoIAlign against torchvision's op: the same values and gradients, for
RoIs inside, across and outside the map, either alignment, any sampling ratio."""
import pytest
import torch
from torchvision.ops import roi_align

from plugins.roi_heads import roi_align as module
from plugins.roi_heads.roi_align import RoIAlign


def rois_for(n_images, side, count, seed=0):
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(count, 2, generator=g) * side
    wh = 2 + torch.rand(count, 2, generator=g) * side / 3
    rois = torch.cat([torch.randint(0, n_images, (count, 1), generator=g).float(), xy, xy + wh], 1)
    edge = torch.tensor([[0., -20, -20, 10, 10],       # across the top-left corner
                         [1, side - 10, side - 5, side + 30, side + 40],  # past the far edge
                         [0, 0, 0, side, side],       # the whole map
                         [1, 50, 50, 50.5, 50.5],     # smaller than a cell
                         [0, side + 50, 0, side + 90, 30]])  # outside: zeros
    edge[:, 0] %= n_images
    return torch.cat([edge, rois])


@pytest.mark.parametrize('aligned', [True, False])
@pytest.mark.parametrize('ratio', [1, 2, 3])
def test_values_and_gradients_match_torchvision(aligned, ratio):
    feat = torch.randn(2, 6, 25, 30, dtype=torch.float64)
    rois = rois_for(2, 200, 40).double()
    layer = RoIAlign(5, 1 / 8, ratio, aligned)
    ours, theirs = feat.clone().requires_grad_(), feat.clone().requires_grad_()
    out = layer(ours, rois)
    ref = roi_align(theirs, rois, 5, 1 / 8, ratio, aligned)
    torch.testing.assert_close(out, ref)
    assert out[:4].abs().sum() > 0 and out[4].abs().sum() == 0
    grad = torch.randn_like(ref)
    (out * grad).sum().backward()
    (ref * grad).sum().backward()
    torch.testing.assert_close(ours.grad, theirs.grad)


def test_chunks_without_changing_the_result(monkeypatch):
    feat = torch.randn(2, 4, 20, 20, requires_grad=True)
    rois = rois_for(2, 150, 30)
    whole = RoIAlign(7, 1 / 8)(feat, rois)
    monkeypatch.setattr(module, 'MAX_WINDOW_ELEMENTS', 1)  # one RoI per chunk
    torch.testing.assert_close(RoIAlign(7, 1 / 8)(feat, rois), whole)


def test_without_gradients_no_rois_and_autocast():
    layer = RoIAlign(7, 1 / 8)
    feat = torch.randn(1, 4, 20, 20)
    rois = rois_for(1, 150, 10)
    torch.testing.assert_close(layer(feat, rois), roi_align(feat, rois, 7, 1 / 8, 2, True))
    empty = layer(feat.requires_grad_(), rois[:0])
    assert empty.shape == (0, 4, 7, 7)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = layer(feat.bfloat16().requires_grad_(), rois)  # pooled in fp32, like torchvision's op
    assert out.dtype == torch.float32


@pytest.mark.parametrize('aligned', [True, False])
@pytest.mark.parametrize('ratio', [1, 2, 3])
def test_inference_sums_taps_as_torchvision_samples(aligned, ratio):
    """Without gradients the taps are summed by embedding_bag: torchvision's values for
    RoIs inside, across and outside the map, from NCHW or channels_last maps."""
    layer = RoIAlign(5, 1 / 8, ratio, aligned)
    feat = torch.randn(2, 6, 25, 30, dtype=torch.float64)
    rois = rois_for(2, 200, 40).double()
    ref = roi_align(feat, rois, 5, 1 / 8, ratio, aligned)
    with torch.no_grad():
        torch.testing.assert_close(layer(feat, rois), ref)
        torch.testing.assert_close(layer(feat.to(memory_format=torch.channels_last), rois), ref)
        assert layer(feat, rois[:0]).shape == (0, 6, 5, 5)
    assert ref[4].abs().sum() == 0 and ref[:4].abs().sum() > 0


def test_inference_under_autocast_returns_the_maps_dtype():
    """A bf16 channels_last map under autocast: returned in bf16, as torchvision's op
    does; pooled in bf16 (its weights rounded to bf16: within bf16 rounding of the
    values it sums, |values| ~ 1 here)."""
    layer = RoIAlign(7, 1 / 4)
    low = torch.randn(2, 5, 30, 40).bfloat16().to(memory_format=torch.channels_last)
    rois = rois_for(2, 150, 40)
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16):
        ours, theirs = layer(low, rois), roi_align(low, rois, 7, 1 / 4, 2, True)
    assert ours.dtype == theirs.dtype == torch.bfloat16
    torch.testing.assert_close(ours.float(), theirs.float(), rtol=2e-2, atol=3e-2)
    assert (ours.float() - theirs.float()).abs().mean() < 3e-3


def test_levels_pooled_in_one_bag_match_each_level_apart():
    """The extractor's one embedding_bag over all levels: each RoI as its level's
    RoIAlign pools it alone (torchvision's op), in RoI order."""
    from plugins.roi_heads.roi_extractor import RoIExtractor
    extractor = RoIExtractor(dict(type='RoIAlign', output_size=7), [4, 8, 16, 32])
    feats = [torch.randn(2, 3, 640 // s, 512 // s, dtype=torch.float64) for s in (4, 8, 16, 32)]
    g = torch.Generator().manual_seed(0)
    xy = torch.rand(60, 2, generator=g, dtype=torch.float64) * 400
    wh = torch.exp(torch.rand(60, 2, generator=g, dtype=torch.float64) * 4.5) * 8  # 8-720 px
    rois = torch.cat([torch.randint(0, 2, (60, 1), generator=g).double(), xy, xy + wh], 1)
    levels = extractor.map_levels(rois)
    assert set(levels.tolist()) == {0, 1, 2, 3}
    ref = torch.stack([roi_align(feats[lvl], rois[i:i + 1], 7, 1 / 4 / 2 ** lvl, 2, True)[0]
                       for i, lvl in enumerate(levels.tolist())])
    with torch.no_grad():
        torch.testing.assert_close(extractor(feats, rois), ref)
