"""plugins/autocast.py: fp32_call casts what it is given and switches autocast off."""
import torch

from plugins.autocast import fp32_call


def test_fp32_call_casts_nested_floats_and_leaves_the_rest():
    def fn(maps, labels, shape):
        return torch.is_autocast_enabled('cpu'), [m.dtype for m in maps], labels.dtype, shape

    with torch.autocast('cpu', dtype=torch.bfloat16):
        maps = [torch.nn.functional.linear(torch.ones(2, 3), torch.ones(4, 3))] * 2
        assert maps[0].dtype == torch.bfloat16
        on, dtypes, label_dtype, shape = fp32_call(fn, maps, torch.tensor([1, 2]), (8, 8))
        assert torch.is_autocast_enabled('cpu')  # switched back on after the call
    assert not on and dtypes == [torch.float32] * 2
    assert label_dtype == torch.long and shape == (8, 8)


def test_fp32_call_without_tensors_just_calls():
    assert fp32_call(lambda a, b: a + b, 1, 2) == 3
