"""Decoder cost: multiply-accumulates of every convolution and PyTorch CPU time."""

from __future__ import annotations

import os
import statistics
import time

import torch
from torch import nn

from .model import AutoencoderKL, BaseDown, BaseUp


def conv_macs(module: nn.Module, inputs: tuple[torch.Tensor, ...]) -> int:
    """MACs of all Conv2d/Conv3d layers for one forward pass on ``inputs``, the residual base paths included (their
    convolutions run through the functional API with normalised kernels; pixel shuffle keeps the element count)."""
    total = 0

    def hook(m: nn.Module, _inp, out: torch.Tensor) -> None:
        nonlocal total
        conv = m.conv if isinstance(m, (BaseDown, BaseUp)) else m
        kernel = 1
        for k in conv.kernel_size:
            kernel *= k
        total += out.numel() * (conv.in_channels // conv.groups) * kernel

    counted = (nn.Conv2d, nn.Conv3d, BaseDown, BaseUp)
    base_convs = {id(m.conv) for m in module.modules() if isinstance(m, (BaseDown, BaseUp))}
    handles = [m.register_forward_hook(hook) for m in module.modules()
               if isinstance(m, counted) and id(m) not in base_convs]
    try:
        with torch.no_grad():
            module(*inputs)
    finally:
        for h in handles:
            h.remove()
    return total


def decoder_cost(model: AutoencoderKL, size: int = 512, threads: int = 2, repeats: int = 5) -> dict:
    """Decoder MACs, FLOPs (2 per MAC) and median PyTorch CPU time for one size x size image (3D models:
    :func:`volume_decoder_cost`)."""
    if model.cfg.dims == 3:
        return volume_decoder_cost(model, threads=threads)
    model = model.eval()
    s = model.cfg.scale
    z = torch.randn(1, model.cfg.embed_dim, size // s, size // s)
    macs = conv_macs(_Decode(model), (z,))
    times, cpu = _time_decodes(model, z, threads, repeats, warm_up=True)
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


def _time_decodes(model: AutoencoderKL, z: torch.Tensor, threads: int, repeats: int,
                  warm_up: bool) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of ``repeats`` decodes of ``z`` on ``threads`` threads (after one untimed decode
    when ``warm_up``)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        times, cpu = [], []
        with torch.no_grad():
            if warm_up:
                model.decode(z)
            for _ in range(repeats):
                t, c = time.perf_counter(), time.process_time()
                model.decode(z)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
    finally:
        torch.set_num_threads(previous)
    return times, cpu


class _Decode(nn.Module):
    def __init__(self, model: AutoencoderKL) -> None:
        super().__init__()
        self.model = model

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.model.decode(z)


def volume_decoder_cost(model: AutoencoderKL, tile: int = 64, volume: tuple[int, int, int] = (192, 256, 256),
                        threads: int = 2, repeats: int = 2) -> dict:
    """3D decoder cost: MACs of one ``tile``^3 output tile alone and with the overlap a tile-exact decode needs
    (``decoder_overlap_latent`` latent voxels on every side), MACs of a whole ``volume`` (the MPRAGE's size) decoded
    at once, and PyTorch CPU time of that whole-volume decode (best of ``repeats``)."""
    from .export import tiling_info

    model = model.eval()
    s = model.cfg.scale
    overlap = tiling_info(model)["decoder_overlap_latent"]
    core = tile // s
    macs = conv_macs(_Decode(model), (torch.zeros(1, model.cfg.embed_dim, core, core, core),))
    padded = core + 2 * overlap
    macs_overlap = conv_macs(_Decode(model), (torch.zeros(1, model.cfg.embed_dim, padded, padded, padded),))
    z = torch.zeros((1, model.cfg.embed_dim) + tuple(-(-n // s) for n in volume))
    macs_volume = conv_macs(_Decode(model), (z,))
    times, cpu = _time_decodes(model, z, threads, repeats, warm_up=False)
    size = "x".join(map(str, volume))
    return {
        "image": f"{tile}x{tile}x{tile} tile",
        "decoder_gmacs": round(macs / 1e9, 3),
        "decoder_gflops": round(2 * macs / 1e9, 3),
        "decoder_overlap_latent": overlap,
        "decoder_gmacs_tile_with_overlap": round(macs_overlap / 1e9, 3),
        "volume": size,
        "decoder_gmacs_volume": round(macs_volume / 1e9, 2),
        "decoder_ms_pytorch_cpu": round(1000 * min(times), 1),
        "decoder_ms_pytorch_cpu_median": round(1000 * statistics.median(times), 1),
        "decoder_cpu_seconds_per_image": round(statistics.median(cpu), 3),
        "timed": f"the whole {size} volume decoded at once",
        "threads": threads,
        "repeats": repeats,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "torch": torch.__version__,
    }
