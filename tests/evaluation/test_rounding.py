"""plugins/evaluation/rounding.py: weights per output channel, inputs per call, restored."""
import torch
import torch.nn as nn

from plugins.evaluation.rounding import rounded_convolutions


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 1), nn.Flatten(),
                         nn.LazyLinear(5))


def test_weights_take_at_most_2_to_the_bits_levels_per_channel_and_come_back():
    model = _model()
    model(torch.rand(1, 3, 8, 8))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with rounded_convolutions(model, 3, weights=True, activations=False):
        for index in (0, 2):
            conv = model[index]
            for channel in conv.weight:
                levels = channel.flatten().unique()
                assert len(levels) <= 7  # -3 .. 3 times the channel's scale
                assert torch.allclose(channel.abs().max(), levels.abs().max())
            assert not torch.equal(conv.weight, before[f'{index}.weight'])
        assert torch.equal(model[4].weight, before['4.weight'])  # FCs are left alone
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())


def test_each_convolution_sees_its_input_on_2_to_the_bits_levels_then_the_hooks_go():
    model, seen = _model(), []
    model[2].register_forward_hook(lambda m, args, out: seen.append(args[0]))  # as it ran
    x = torch.rand(1, 3, 8, 8)
    plain = model(x)
    with rounded_convolutions(model, 2, weights=False, activations=True):
        rounded = model(x)
    assert not torch.equal(plain, rounded)
    assert len(seen[0].unique()) > 4  # the plain call's input: many levels
    relu_out = seen[1]  # 2 bits: 4 levels from its minimum to its maximum
    levels = torch.unique(((relu_out - relu_out.min()) / (relu_out.max() - relu_out.min())
                           * 3).round())
    assert len(levels) <= 4
    assert torch.equal(model(x), plain)  # hooks removed


def test_8_bits_moves_the_output_a_little_16_bits_hardly():
    model = _model()
    x = torch.rand(2, 3, 8, 8)
    plain = model(x)
    diffs = []
    for bits in (8, 16):
        with rounded_convolutions(model, bits):
            diffs.append((model(x) - plain).abs().max().item())
    assert 0 < diffs[1] < diffs[0] < 0.1 * plain.abs().max().item()
