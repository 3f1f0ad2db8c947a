"""The ONNX export of the compact 3D models against PyTorch, through an independent numpy interpreter of the graph
(tests/onnx_numpy.py; onnxruntime's Python package is not available here, the gateway's parity tests run the same
files through ONNX Runtime), at sizes other than the export's sample so that the dynamic axes are exercised."""

import numpy as np
import onnx
import pytest
import torch

from medvae_trainer.config import compact_config
from medvae_trainer.export import export_onnx
from medvae_trainer.model import AutoencoderKL

from onnx_numpy import run


def randomised(cfg) -> AutoencoderKL:
    model = AutoencoderKL(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith("base_"):  # kernels normalised by their sums: keep the sums away from zero
                p.mul_(1 + 0.1 * torch.rand_like(p))
            else:
                p.add_(torch.randn_like(p) * 0.05)  # the residual branches (zero at initialisation) take part
    return model


@pytest.mark.parametrize("factor,shape", [(64, (12, 20, 16)), (512, (16, 24, 32))], ids=["compact3d-f64", "compact3d-f512"])
def test_onnx_3d_encoder_and_decoder_equal_pytorch(factor, shape, tmp_path):
    model = randomised(compact_config(factor, dims=3).replace(ch=8))
    enc, dec = export_onnx(model, tmp_path)
    x = torch.rand((1, 1) + shape) * 2 - 1
    with torch.no_grad():
        z = model.encode(x)
        y = model.decode(z)
    (z_onnx,) = run(str(enc), {"image": x.numpy()})
    (y_onnx,) = run(str(dec), {"latent": z.numpy()})
    assert z_onnx.shape == tuple(z.shape) == (1, 1) + tuple(n // model.cfg.scale for n in shape)
    assert y_onnx.shape == tuple(y.shape) == (1, 1) + shape
    # PyTorch computes in float32, the interpreter in float64
    for ours, theirs in ((z_onnx, z.numpy()), (y_onnx, y.numpy())):
        assert np.abs(ours - theirs).max() <= 1e-4 * max(1.0, np.abs(theirs).max())


def test_numpy_interpreter_is_an_oracle_that_can_fail(tmp_path):
    """A graph whose weights were changed after export no longer matches PyTorch."""
    model = randomised(compact_config(64, dims=3).replace(ch=8))
    _, dec = export_onnx(model, tmp_path)
    graph = onnx.load(str(dec))
    init = next(t for t in graph.graph.initializer if t.name.endswith("conv_out.weight") or "conv_out" in t.name)
    arr = onnx.numpy_helper.to_array(init).copy()
    arr.flat[0] += 0.5
    init.CopyFrom(onnx.numpy_helper.from_array(arr, init.name))
    onnx.save(graph, str(dec))
    z = torch.randn(1, 1, 3, 4, 5)
    with torch.no_grad():
        y = model.decode(z).numpy()
    (y_onnx,) = run(str(dec), {"latent": z.numpy()})
    assert np.abs(y_onnx - y).max() > 1e-3
