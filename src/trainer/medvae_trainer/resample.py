"""Bicubic kernels (for the residual base modules) and the bicubic baseline of the evaluation."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


def cubic(x: np.ndarray, a: float) -> np.ndarray:
    x = np.abs(x)
    return np.where(
        x <= 1.0,
        (a + 2.0) * x**3 - (a + 3.0) * x**2 + 1.0,
        np.where(x < 2.0, a * x**3 - 5.0 * a * x**2 + 8.0 * a * x - 4.0 * a, 0.0),
    )


def bicubic_down_kernel(scale: int) -> torch.Tensor:
    """1D antialiased bicubic kernel (a=-0.5, support 2*scale) for an integer downscale.

    Tap i of a window of 4*scale input pixels whose centre lies 2*scale from its start; this is the
    filter of PIL's and torch's antialiased bicubic resize away from the borders.
    """
    if scale < 2 or scale % 2:
        raise ValueError(f"scale must be even and >= 2, not {scale}")
    taps = (np.arange(4 * scale) + 0.5 - 2 * scale) / scale
    w = cubic(taps, -0.5)
    return torch.tensor(w / w.sum(), dtype=torch.float32)


def bicubic_up_kernels(scale: int) -> list[torch.Tensor]:
    """For each output phase r in [0, scale): weights over input offsets -2..2 of torch's bicubic
    upsampling (a=-0.75, align_corners=False, borders clamped)."""
    phases = []
    for r in range(scale):
        x = (r + 0.5) / scale - 0.5
        x0 = math.floor(x)
        t = x - x0
        w = np.zeros(5)
        for k, d in enumerate((-1, 0, 1, 2)):
            w[x0 + d + 2] += cubic(np.array(t - d), -0.75)
        phases.append(torch.tensor(w, dtype=torch.float32))
    return phases


def bicubic_roundtrip(x: torch.Tensor, scale: int) -> torch.Tensor:
    """The evaluation baseline: antialiased bicubic downsampling by ``scale`` per side to
    ceil(H/scale) x ceil(W/scale) (torch, a=-0.5), then bicubic upsampling back to H x W
    (torch, a=-0.75). ``x`` is (N, C, H, W) in [0, 1]; the result is clipped to [0, 1]."""
    h, w = x.shape[-2:]
    small = F.interpolate(x, size=(math.ceil(h / scale), math.ceil(w / scale)), mode="bicubic",
                          align_corners=False, antialias=True)
    return F.interpolate(small, size=(h, w), mode="bicubic", align_corners=False).clamp(0.0, 1.0)


def bicubic_roundtrip_pil(x: np.ndarray, scale: int) -> np.ndarray:
    """The same round trip with Pillow's BICUBIC (a=-0.5 both ways), on a 2D float image in [0, 1]."""
    h, w = x.shape
    img = Image.fromarray(x.astype(np.float32), mode="F")
    small = img.resize((math.ceil(w / scale), math.ceil(h / scale)), Image.BICUBIC)
    return np.clip(np.asarray(small.resize((w, h), Image.BICUBIC), dtype=np.float32), 0.0, 1.0)
