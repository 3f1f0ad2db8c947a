"""The compact models: bicubic at initialisation, exact tiling, deterministic encoding, 3D shapes."""

import pytest
import torch
import torch.nn.functional as F

from medvae_trainer.config import ModelConfig, compact_config
from medvae_trainer.export import tiling_info
from medvae_trainer.model import AutoencoderKL, pixel_shuffle_nd, pixel_unshuffle_nd


def smooth_image(side: int) -> torch.Tensor:
    return F.avg_pool2d(torch.rand(1, 1, side, side), 9, 1, 4)


@pytest.mark.parametrize("factor", [16, 64])
def test_fresh_compact_model_reproduces_torch_bicubic_away_from_borders(factor):
    model = AutoencoderKL(compact_config(factor)).eval()
    s = model.cfg.scale
    x = smooth_image(256)
    with torch.no_grad():
        rec = (model.decode(model.encode(x * 2 - 1)) + 1) / 2
    small = F.interpolate(x, scale_factor=1 / s, mode="bicubic", align_corners=False, antialias=True)
    bicubic = F.interpolate(small, scale_factor=s, mode="bicubic", align_corners=False)
    m = 6 * s
    assert torch.allclose(rec[..., m:-m, m:-m], bicubic[..., m:-m, m:-m], atol=1e-5)


def randomised(cfg: ModelConfig) -> AutoencoderKL:
    model = AutoencoderKL(cfg).double().eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    return model


@pytest.mark.parametrize("factor", [16, 64])
def test_tiles_with_the_recorded_overlap_match_the_whole_image(factor):
    cfg = compact_config(factor).replace(ch=16, num_res_blocks=1)
    model = randomised(cfg)
    info = tiling_info(model)
    s = cfg.scale
    lat_overlap = info["decoder_overlap_latent"]
    pix_overlap = -(-info["encoder_overlap_pixels"] // s) * s  # rounded up to a multiple of the scale
    start = max(lat_overlap, pix_overlap // s) + 2  # latent column where the second tile begins
    width = 2 * start + 4
    x = torch.rand(1, 1, 3 * s, width * s, dtype=torch.float64) * 2 - 1
    with torch.no_grad():
        z = model.encode(x)
        y = model.decode(z)
        # encoder: the left latent columns from a tile that extends pix_overlap beyond them
        z_tile = model.encode(x[..., :, : start * s + pix_overlap])
        assert torch.allclose(z_tile[..., :start], z[..., :start], atol=1e-9)
        # decoder: the right part of the image from a latent tile starting lat_overlap earlier
        y_tile = model.decode(z[..., :, start - lat_overlap:])
        assert torch.allclose(y_tile[..., lat_overlap * s:], y[..., start * s:], atol=1e-9)
        # and with too little overlap the results differ (the recorded overlap is not oversized)
        y_short = model.decode(z[..., :, start - 1:])
        assert not torch.allclose(y_short[..., s:], y[..., start * s:], atol=1e-9)


def test_encoding_is_the_posterior_mean_and_deterministic():
    model = randomised(compact_config(16).replace(ch=16, num_res_blocks=1))
    x = torch.rand(2, 1, 64, 64, dtype=torch.float64)
    with torch.no_grad():
        mean, logvar = model.encode_moments(x)
        assert torch.equal(model.encode(x), mean)
        assert torch.equal(model.encode(x), model.encode(x))
        rec, mean2, _ = model(x, sample=False)
        assert torch.equal(rec, model.decode(mean))


def test_3d_published_layout_runs_on_a_small_volume():
    cfg = ModelConfig(dims=3, ch=32, ch_mult=(1, 2, 4))
    model = AutoencoderKL(cfg).eval()
    with torch.no_grad():
        z = model.encode(torch.rand(1, 1, 16, 16, 16))
        assert z.shape == (1, 1, 4, 4, 4)
        assert model.decode(z).shape == (1, 1, 16, 16, 16)


def test_3d_pixel_shuffle_inverts_unshuffle():
    x = torch.rand(1, 2, 8, 12, 4)
    y = pixel_unshuffle_nd(x, 2, 3)
    assert y.shape == (1, 16, 4, 6, 2)
    assert torch.equal(pixel_shuffle_nd(y, 2, 3), x)
    # one block of the unshuffled tensor holds the 2x2x2 neighbourhood of its voxel
    assert torch.equal(y[0, :8, 1, 2, 0], x[0, 0, 2:4, 4:6, 0:2].reshape(-1))


def test_compact_residual_3d_model_starts_as_trilinear_bicubic_roundtrip_shape():
    cfg = ModelConfig(dims=3, ch=16, ch_mult=(1,), num_res_blocks=1, space_to_depth=4, mid_attn=False, norm="none",
                      projection=False, residual_base=True, logvar_init=-12.0)
    model = AutoencoderKL(cfg).eval()
    x = torch.full((1, 1, 16, 16, 16), 0.25)
    with torch.no_grad():
        assert torch.allclose(model.decode(model.encode(x)), x, atol=1e-5)  # bicubic keeps constants


@pytest.mark.parametrize("factor", [16, 64])
def test_base_path_keeps_flat_regions_exact_whatever_its_kernels(factor):
    model = AutoencoderKL(compact_config(factor)).eval()
    with torch.no_grad():
        for conv in (model.base_down.conv, model.base_up.conv):
            conv.weight.mul_(1 + 0.1 * torch.rand_like(conv.weight))  # drifted, no longer summing to 1
        x = torch.full((1, 1, 128, 128), 0.8)
        assert torch.allclose(model.decode(model.encode(x)), x, atol=1e-5)
