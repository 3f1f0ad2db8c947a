"""The training quantizer against the container's int8 rule (LatentQuantizer.cs), written out independently."""

import numpy as np
import torch

from medvae_trainer.quantize import container_int8, fake_quantize_int8


def _reference_int8(values: np.ndarray) -> np.ndarray:
    # per channel over all frames: scale = (max - min) / 255, code = round((v - min) / scale), v' = min + scale * code
    out = np.empty_like(values)
    for c in range(values.shape[1]):
        plane = values[:, c].astype(np.float64)
        lo, hi = plane.min(), plane.max()
        scale = (hi - lo) / 255
        out[:, c] = lo + scale * np.clip(np.round((plane - lo) / scale), 0, 255)
    return out


def test_container_int8_matches_the_gateway_rule():
    z = torch.randn(3, 2, 9, 7) * 0.7
    got = container_int8(z).numpy()
    assert np.allclose(got, _reference_int8(z.numpy()), atol=1e-6)
    assert len(np.unique(got[:, 0])) <= 256


def test_fake_quantization_rounds_forward_and_passes_gradients_straight_through():
    z = (torch.rand(2, 1, 8, 8) * 1.6 - 0.8).requires_grad_(True)
    q = fake_quantize_int8(z)
    step = 2.0 / 255  # the range widened to [-1, 1]
    codes = (q.detach() + 1) / step
    assert torch.allclose(codes, torch.round(codes), atol=1e-3)
    assert (q.detach() - z.detach()).abs().max() <= step / 2 + 1e-6
    q.sum().backward()
    assert torch.equal(z.grad, torch.ones_like(z))
