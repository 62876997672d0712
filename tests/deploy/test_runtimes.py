"""An OpenVINO graph fitted to detplug's tensors (``runtimes.openvino_compiled`` with
``fit_to``): a channels_last or bf16 input goes in as it is, and a graph computing in
bf16 returns its 4-d maps in bf16, its other outputs in f32."""
import pytest
import torch
import torch.nn as nn

from plugins.autocast import native_bf16
from plugins.deploy.onnx_export import export_part
from plugins.deploy.parts import Part, flatten
from plugins.deploy.runtimes import openvino_compiled

pytestmark = pytest.mark.runtimes


class Head(nn.Module):
    """(N, 4, H, W) -> a (N, 8, H, W) map and (N, 8) pooled scores."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return y, y.mean((2, 3))


@pytest.mark.parametrize('dtype', [torch.float32, torch.bfloat16])
@pytest.mark.parametrize('precision', ['fp32', 'bf16'])
def test_fitted_graph_takes_channels_last_and_returns_bf16_maps(precision, dtype, tmp_path):
    ov = pytest.importorskip('openvino')
    torch.manual_seed(0)
    head = Head().eval()
    x = torch.randn(3, 4, 10, 12).contiguous(memory_format=torch.channels_last)
    leaves, nesting = flatten((x,))
    export_part(Part('head', head, 'forward'), leaves, nesting, str(tmp_path / 'head.onnx'))
    run = openvino_compiled(ov.Core().read_model(str(tmp_path / 'head.onnx')), precision,
                            fit_to=[x.to(dtype)])
    with torch.no_grad():
        ref = head(x.to(dtype).float())
    for given in (x.to(dtype), x.contiguous()):  # laid out and typed as the sample, or not
        out = run([given])
        bf16 = precision == 'bf16' and native_bf16('cpu')
        assert out[0].dtype == (torch.bfloat16 if bf16 else torch.float32)
        assert out[1].dtype == torch.float32 and out[1].shape == (3, 8)
        tol = 5e-2 if bf16 or dtype == torch.bfloat16 else 1e-4
        torch.testing.assert_close(out[0].float(), ref[0], rtol=tol, atol=tol)
        torch.testing.assert_close(out[1], ref[1], rtol=tol, atol=tol)
