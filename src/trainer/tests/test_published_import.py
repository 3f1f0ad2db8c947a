"""Import of published MedVAE checkpoints: key names, shapes and sizes of all six configurations,
LoRA merging, strict loading and the import command."""

import json

import pytest
import torch
from torch.overrides import TorchFunctionMode

from medvae_trainer.__main__ import main
from medvae_trainer.checkpoint import load_checkpoint, merge_lora
from medvae_trainer.config import PUBLISHED
from medvae_trainer.model import AutoencoderKL

# From ../shared/docs/MEDVAE.md: parameters (millions) and checkpoint sizes (MB) of the published files.
PUBLISHED_TABLE = {
    "medvae_4_1_2d": (55.3, 221),
    "medvae_4_3_2d": (55.9, 224),
    "medvae_8_1_2d": (83.6, 335),
    "medvae_8_4_2d": (84.5, 338),
    "medvae_4_1_3d": (161, 644),
    "medvae_8_1_3d": (246, 984),
}


class OnMeta(TorchFunctionMode):
    """Allocate parameters on the meta device: full-size models without their memory."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in (torch.empty, torch.zeros, torch.ones):
            kwargs["device"] = "meta"
        return func(*args, **kwargs)


def published_layout(name: str) -> dict:
    with OnMeta():
        return AutoencoderKL(PUBLISHED[name].config, lora=True).state_dict()


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_layout_matches_the_published_sizes(name):
    sd = published_layout(name)
    params = sum(v.numel() for v in sd.values())
    millions, megabytes = PUBLISHED_TABLE[name]
    assert abs(params / 1e6 - millions) <= 0.05 * (1 if millions < 100 else 10)
    assert abs(params * 4 / 1e6 - megabytes) < 1.0 * (1 if megabytes < 600 else 2)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_keys_load_strictly_after_merging(name):
    sd = published_layout(name)
    merged = merge_lora(sd)
    expected = PUBLISHED[name].state_dict_keys
    assert len(merged) == expected  # 212 for the 4x models, 256 for the 8x models (MEDVAE.md)
    with OnMeta():
        model = AutoencoderKL(PUBLISHED[name].config)
    model.load_state_dict(merged, strict=True)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_key_names_and_shapes(name):
    cfg = PUBLISHED[name].config
    sd = published_layout(name)
    k = (3,) * cfg.dims
    one = (1,) * cfg.dims
    last = len(cfg.ch_mult) - 1
    top = 128 * cfg.ch_mult[-1]
    lora = cfg.lora_rank > 0
    conv = lambda key: f"{key}.conv.weight" if lora else f"{key}.weight"  # noqa: E731
    expected = {
        "encoder.conv_in.weight": (128, cfg.in_channels) + k,
        "encoder.down.0.downsample.conv.weight": (128, 128) + k,
        f"encoder.down.{last - 1}.downsample.conv.weight": (128 * cfg.ch_mult[last - 1],) * 2 + k,
        conv("encoder.down.1.block.0.nin_shortcut"): (256, 128) + one,
        conv("encoder.down.0.block.1.conv2"): (128, 128) + k,
        "encoder.mid.block_1.norm1.weight": (top,),
        conv("encoder.mid.attn_1.q"): (top, top) + one,
        conv("encoder.mid.attn_1.proj_out"): (top, top) + one,
        "encoder.conv_out.weight": (2 * cfg.z_channels, top) + k,
        "quant_conv.weight": (2 * cfg.embed_dim, 2 * cfg.z_channels) + one,
        "post_quant_conv.weight": (cfg.z_channels, cfg.embed_dim) + one,
        "decoder.conv_in.weight": (top, cfg.z_channels) + k,
        conv("decoder.up.0.block.2.conv2"): (128, 128) + k,
        conv("decoder.up.0.block.0.nin_shortcut"): (128, 256) + one,
        f"decoder.up.{last}.upsample.conv.weight": (top, top) + k,
        "decoder.conv_out.weight": (cfg.out_ch, 128) + k,
        "channel_ds.0.weight": (64, cfg.embed_dim) + one,
        "channel_ds.2.weight": (64, 64) + k,
        "channel_ds.4.weight": (cfg.embed_dim, 64) + one,
        "channel_proj.weight": (cfg.embed_dim, cfg.embed_dim) + one,
    }
    if lora:
        expected["encoder.down.0.block.0.conv1.lora_down.weight"] = (4, 128) + k
        expected["encoder.down.0.block.0.conv1.lora_up.weight"] = (128, 4) + one
        expected["decoder.mid.attn_1.v.lora_down.weight"] = (4, top) + one
    for key, shape in expected.items():
        assert tuple(sd[key].shape) == shape, key
    assert "decoder.up.0.upsample.conv.weight" not in sd  # level 0 is the full-resolution level
    assert f"encoder.down.{last}.downsample.conv.weight" not in sd


def small_published(name: str):
    """The published configuration with 32 channels (GroupNorm(32) still valid): same key names."""
    return PUBLISHED[name].config.replace(ch=32)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_import_merges_lora_and_reproduces_the_unmerged_network(name, tmp_path):
    cfg = small_published(name)
    source = AutoencoderKL(cfg, lora=True).eval()
    with torch.no_grad():
        for key, p in source.named_parameters():
            if "lora_up" in key:
                p.normal_(0, 0.02)  # LoRA-up starts at zero in training; make the branch count
    path = tmp_path / PUBLISHED[name].checkpoint
    torch.save({"state_dict": source.state_dict()}, path)
    imported = load_checkpoint(path, cfg)
    side = 16 if cfg.dims == 3 else 32
    x = torch.rand((1, cfg.in_channels) + (side,) * cfg.dims) * 2 - 1
    with torch.no_grad():
        ref_mean = source.quant_conv(source.encoder(x)).chunk(2, dim=1)[0]
        ref_out = source.decoder(source.post_quant_conv(ref_mean))
        mean = imported.encode(x)
        out = imported.decode(mean)
        proj = imported.project(mean)
    assert torch.allclose(mean, ref_mean, atol=1e-4)
    assert torch.allclose(out, ref_out, atol=1e-4)
    assert mean.shape[2:] == (side // cfg.scale,) * cfg.dims
    assert proj.shape == mean.shape


def test_import_rejects_a_checkpoint_with_a_missing_key(tmp_path):
    cfg = small_published("medvae_4_1_2d")
    sd = AutoencoderKL(cfg).state_dict()
    del sd["encoder.mid.attn_1.q.weight"]
    torch.save({"state_dict": sd}, tmp_path / "broken.ckpt")
    with pytest.raises(RuntimeError, match="attn_1.q.weight"):
        load_checkpoint(tmp_path / "broken.ckpt", cfg)


def test_import_command_writes_weights_and_model_json(tmp_path):
    source = AutoencoderKL(PUBLISHED["medvae_4_1_2d"].config)
    ckpt = tmp_path / "vae_4x_1c_2D.ckpt"
    torch.save({"state_dict": source.state_dict()}, ckpt)
    main(["import", "--checkpoint", str(ckpt), "--config", "medvae_4_1_2d", "--out", str(tmp_path / "models"), "--no-onnx"])
    out = tmp_path / "models" / "medvae_4_1_2d"
    info = json.loads((out / "model.json").read_text())
    assert info["f"] == 16 and info["C"] == 1 and info["dimensionality"] == 2
    weights = torch.load(out / "weights.pt")
    assert len(weights) == 212
    assert torch.equal(weights["decoder.conv_out.weight"], source.state_dict()["decoder.conv_out.weight"])
