"""The latent quantization of the gateway's container (src/Gateway.Compression/Container/LatentQuantizer.cs), for
training (straight-through) and evaluation.

Int8: per channel over all frames of an instance, ``code = round((v - min) / ((max - min) / 255))``,
``v' = min + code * (max - min) / 255``. Training quantizes each crop's latent with its own range widened to at least
[-1, 1], the range a whole frame's latent spans (images are scaled to [-1, 1] by their own min and max and the
latent starts as their bicubic downsampling), so the step trained with is the one the gateway stores with.
"""

from __future__ import annotations

import torch

LEVELS = 255


def quantize_int8(z: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor) -> torch.Tensor:
    """Values of ``z`` (N, C, ...) after 8-bit quantization between per-(N, C) bounds ``lo`` and ``hi``."""
    shape = z.shape[:2] + (1,) * (z.dim() - 2)
    lo, hi = lo.reshape(shape), hi.reshape(shape)
    step = (hi - lo) / LEVELS
    safe = torch.where(step > 0, step, torch.ones_like(step))
    codes = torch.clamp(torch.round((z - lo) / safe), 0, LEVELS)
    return torch.where(step > 0, lo + codes * step, lo.expand_as(z))


def container_int8(z: torch.Tensor) -> torch.Tensor:
    """What the container stores for one instance's latent (N frames, C, ...): per channel over all frames."""
    dims = [0] + list(range(2, z.dim()))
    lo = z.amin(dim=dims, keepdim=True).expand(1, z.shape[1], *([1] * (z.dim() - 2)))
    hi = z.amax(dim=dims, keepdim=True).expand(1, z.shape[1], *([1] * (z.dim() - 2)))
    lo = lo.reshape(1, -1).expand(z.shape[0], -1)
    hi = hi.reshape(1, -1).expand(z.shape[0], -1)
    return quantize_int8(z, lo, hi)


def fake_quantize_int8(z: torch.Tensor) -> torch.Tensor:
    """Training: each crop's latent quantized with its own range (at least [-1, 1]); gradients pass straight through."""
    flat = z.detach().flatten(2)
    lo = torch.clamp(flat.amin(dim=2), max=-1.0)
    hi = torch.clamp(flat.amax(dim=2), min=1.0)
    return z + (quantize_int8(z.detach(), lo, hi) - z.detach())


def fake_quantize_fp16(z: torch.Tensor) -> torch.Tensor:
    return z + (z.detach().half().float() - z.detach())
