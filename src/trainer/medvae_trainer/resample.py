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


def _resize_3d(x: torch.Tensor, size: tuple[int, int, int], mode: str, antialias: bool) -> torch.Tensor:
    """Separable resize of (N, C, D, H, W) with a 2D mode of ``F.interpolate``: first every depth slice in (H, W),
    then every column in D (a 2D resize that keeps the second axis's size is the identity along it)."""
    n, c, d, h, w = x.shape
    nd, nh, nw = size
    planes = x.permute(0, 2, 1, 3, 4).reshape(n * d, c, h, w)
    planes = F.interpolate(planes, size=(nh, nw), mode=mode, align_corners=False, antialias=antialias)
    cols = planes.reshape(n, d, c, nh * nw).permute(0, 2, 1, 3).reshape(n * c, 1, d, nh * nw)
    cols = F.interpolate(cols, size=(nd, nh * nw), mode=mode, align_corners=False, antialias=antialias)
    return cols.reshape(n, c, nd, nh, nw)


def _small_size(x: torch.Tensor, scale: int) -> tuple[int, int, int]:
    return tuple(math.ceil(n / scale) for n in x.shape[-3:])  # type: ignore[return-value]


def tricubic_roundtrip(x: torch.Tensor, scale: int) -> torch.Tensor:
    """The 3D evaluation baseline: antialiased separable cubic downsampling by ``scale`` per axis to ceil(n/scale)
    (torch's bicubic, a=-0.5 antialiased), separable cubic upsampling back (a=-0.75); (N, C, D, H, W) in [0, 1], the
    result clipped to [0, 1]."""
    small = _resize_3d(x, _small_size(x, scale), "bicubic", True)
    return _resize_3d(small, tuple(x.shape[-3:]), "bicubic", False).clamp(0.0, 1.0)


def trilinear_roundtrip(x: torch.Tensor, scale: int) -> torch.Tensor:
    """Antialiased separable linear (triangle filter) downsampling by ``scale`` per axis, trilinear upsampling back
    (``F.interpolate(mode="trilinear")``); (N, C, D, H, W) in [0, 1]."""
    small = _resize_3d(x, _small_size(x, scale), "bilinear", True)
    return F.interpolate(small, size=tuple(x.shape[-3:]), mode="trilinear", align_corners=False).clamp(0.0, 1.0)
