"""The compact 3D models: tricubic at initialisation, exact tiling in 3D, the baselines, decoder cost."""

import pytest
import torch
import torch.nn.functional as F

from medvae_trainer.config import compact_config
from medvae_trainer.cost import conv_macs, volume_decoder_cost
from medvae_trainer.export import tiling_info
from medvae_trainer.model import AutoencoderKL, DecoderGraph
from medvae_trainer.resample import bicubic_roundtrip, tricubic_roundtrip, trilinear_roundtrip


def smooth_volume(side: int) -> torch.Tensor:
    return F.avg_pool3d(torch.rand(1, 1, side, side, side), 7, 1, 3)


def separable_cubic(x: torch.Tensor, size: tuple[int, int, int], antialias: bool) -> torch.Tensor:
    """Tricubic resize written as three 1D passes (each a 2D bicubic resize with one axis of length 1), an oracle
    independent of the two-pass resize in resample.py."""
    for axis in (2, 3, 4):
        moved = x.movedim(axis, -1)
        flat = moved.reshape(-1, 1, 1, moved.shape[-1])
        flat = F.interpolate(flat, size=(1, size[axis - 2]), mode="bicubic", align_corners=False, antialias=antialias)
        x = flat.reshape(*moved.shape[:-1], size[axis - 2]).movedim(-1, axis)
    return x


def test_tricubic_baseline_is_three_1d_cubic_passes_and_trilinear_upsampling_is_torchs():
    x = torch.rand(1, 1, 20, 24, 28)
    small = separable_cubic(x, (5, 6, 7), antialias=True)
    expected = separable_cubic(small, (20, 24, 28), antialias=False).clamp(0, 1)
    assert torch.allclose(tricubic_roundtrip(x, 4), expected, atol=1e-5)
    # a volume constant along depth gives the 2D bicubic round trip on every slice
    flat = x[:, :, :1].expand(1, 1, 16, 24, 28).contiguous()
    assert torch.allclose(tricubic_roundtrip(flat, 4)[:, :, 7], bicubic_roundtrip(flat[:, :, 0], 4), atol=1e-5)
    # trilinear: a constant stays constant, sizes are ceil(n / s) on the way down
    assert torch.allclose(trilinear_roundtrip(torch.full((1, 1, 17, 9, 8), 0.3), 8), torch.full((1, 1, 17, 9, 8), 0.3))


@pytest.mark.parametrize("factor", [64, 512])
def test_fresh_compact3d_model_reproduces_tricubic_away_from_borders(factor):
    model = AutoencoderKL(compact_config(factor, dims=3)).eval()
    s = model.cfg.scale
    x = smooth_volume(12 * s)
    with torch.no_grad():
        rec = (model.decode(model.encode(x * 2 - 1)) + 1) / 2
    n = x.shape[-1]
    small = separable_cubic(x, (n // s,) * 3, antialias=True)
    tricubic = separable_cubic(small, (n,) * 3, antialias=False)
    m = 4 * s
    assert torch.allclose(rec[..., m:-m, m:-m, m:-m], tricubic[..., m:-m, m:-m, m:-m], atol=1e-5)


@pytest.mark.parametrize("factor", [64, 512])
def test_3d_tiles_with_the_recorded_overlap_match_the_whole_volume(factor):
    cfg = compact_config(factor, dims=3).replace(ch=8, num_res_blocks=0)
    model = AutoencoderKL(cfg).double().eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    info = tiling_info(model)
    s = cfg.scale
    overlap = info["decoder_overlap_latent"]
    start = overlap + 1  # latent slice where the second tile begins, along depth
    z = torch.randn(1, 1, 2 * start + 2, 3, 3, dtype=torch.float64)
    with torch.no_grad():
        y = model.decode(z)
        tile = model.decode(z[:, :, start - overlap:])
        assert torch.allclose(tile[:, :, overlap * s:], y[:, :, start * s:], atol=1e-9)
        short = model.decode(z[:, :, start - 1:])
        assert not torch.allclose(short[:, :, s:], y[:, :, start * s:], atol=1e-9)
        # the same along width: the radius holds for every axis
        zw = z.permute(0, 1, 3, 4, 2).contiguous()
        yw = model.decode(zw)
        tile_w = model.decode(zw[..., start - overlap:])
        assert torch.allclose(tile_w[..., overlap * s:], yw[..., start * s:], atol=1e-9)


def test_decoder_cost_per_64_cube_tile_is_what_the_presets_promise():
    costs = {}
    for factor in (64, 512):
        model = AutoencoderKL(compact_config(factor, dims=3)).eval()
        s = model.cfg.scale
        macs = conv_macs(DecoderGraph(model), (torch.zeros(1, 1, 64 // s, 64 // s, 64 // s),))
        costs[factor] = macs / 1e9
        # counted by hand: every 3x3x3 convolution at the latent resolution, ch channels
        ch, n = model.cfg.ch, (64 // s) ** 3
        blocks = 2 + (model.cfg.num_res_blocks + 1)  # two middle blocks and the level's blocks, two convolutions each
        by_hand = n * 27 * (1 * ch + 2 * blocks * ch * ch + ch * s**3) + n * 1 * 1 + n * 125 * s**3
        assert macs == by_hand
    assert costs[64] == pytest.approx(2.42, abs=0.01) and costs[512] == pytest.approx(1.73, abs=0.01)


def test_volume_decoder_cost_reports_tile_and_whole_volume():
    model = AutoencoderKL(compact_config(512, dims=3).replace(ch=8)).eval()
    cost = volume_decoder_cost(model, volume=(16, 32, 32), threads=1, repeats=1)
    assert cost["image"] == "64x64x64 tile" and cost["decoder_overlap_latent"] == tiling_info(model)["decoder_overlap_latent"]
    assert cost["decoder_gmacs_tile_with_overlap"] > cost["decoder_gmacs"] > 0
