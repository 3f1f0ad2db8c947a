"""Decoder cost: multiply-accumulates of every convolution and PyTorch CPU time."""

from __future__ import annotations

import os
import statistics
import time

import torch
from torch import nn

from .model import AutoencoderKL


def conv_macs(module: nn.Module, inputs: tuple[torch.Tensor, ...]) -> int:
    """MACs of all Conv2d/Conv3d layers for one forward pass on ``inputs``."""
    total = 0

    def hook(m: nn.Module, _inp, out: torch.Tensor) -> None:
        nonlocal total
        kernel = 1
        for k in m.kernel_size:
            kernel *= k
        total += out.numel() * (m.in_channels // m.groups) * kernel

    handles = [m.register_forward_hook(hook) for m in module.modules() if isinstance(m, (nn.Conv2d, nn.Conv3d))]
    try:
        with torch.no_grad():
            module(*inputs)
    finally:
        for h in handles:
            h.remove()
    return total


def decoder_cost(model: AutoencoderKL, size: int = 512, threads: int = 2, repeats: int = 5) -> dict:
    """Decoder MACs, FLOPs (2 per MAC) and median PyTorch CPU time for one size x size image."""
    model = model.eval()
    s = model.cfg.scale
    z = torch.randn(1, model.cfg.embed_dim, size // s, size // s)
    macs = conv_macs(_Decode(model), (z,))
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        times, cpu = [], []
        with torch.no_grad():
            model.decode(z)
            for _ in range(repeats):
                t, c = time.perf_counter(), time.process_time()
                model.decode(z)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
    finally:
        torch.set_num_threads(previous)
    return {
        "image": f"{size}x{size}",
        "decoder_gmacs": round(macs / 1e9, 3),
        "decoder_gflops": round(2 * macs / 1e9, 3),
        "decoder_ms_pytorch_cpu": round(1000 * min(times), 1),
        "decoder_ms_pytorch_cpu_median": round(1000 * statistics.median(times), 1),
        "decoder_cpu_seconds_per_image": round(statistics.median(cpu), 3),
        "threads": threads,
        "repeats": repeats,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "torch": torch.__version__,
    }


class _Decode(nn.Module):
    def __init__(self, model: AutoencoderKL) -> None:
        super().__init__()
        self.model = model

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.model.decode(z)
