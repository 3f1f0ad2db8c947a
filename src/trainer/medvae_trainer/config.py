"""Model configurations: the six published MedVAE models and the compact models shipped here."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of one AutoencoderKL.

    The published MedVAE checkpoints use ``norm="group"``, ``mid_attn=True``, ``residual_base=False``.
    The compact shipped models switch on the extra options documented in docs/training.md:

    * ``norm="none"``: no normalisation inside ResNet blocks, so every output pixel depends only on a
      bounded neighbourhood of the input; tiles with enough overlap reproduce whole-image results.
    * ``space_to_depth=k``: the encoder starts with a pixel unshuffle by k (``conv_in`` sees k*k
      channels per input channel) and the decoder ends with a pixel shuffle by k (``conv_out`` emits
      k*k channels per output channel), so all convolutions run at 1/k of the resolution.
    * ``encoder_ch``/``encoder_res_blocks``: a wider or deeper encoder than decoder (None: the same as ``ch`` and
      ``num_res_blocks``). The decoder runs on every retrieval and has a time budget; the encoder runs once per
      instance in a background job, so capacity spent there is cheap.
    * ``residual_base=True``: the encoder adds its output to ``base_down`` (a strided convolution
      initialised as antialiased bicubic downsampling) and the decoder adds its output to ``base_up``
      (a convolution + pixel shuffle initialised as bicubic upsampling). The residual branches end in
      zero-initialised convolutions, so a fresh model reproduces bicubic interpolation.
    """

    dims: int = 2
    in_channels: int = 1
    out_ch: int = 1
    ch: int = 128
    ch_mult: tuple[int, ...] = (1, 2, 4)
    num_res_blocks: int = 2
    z_channels: int = 1
    embed_dim: int = 1
    dropout: float = 0.0
    mid_attn: bool = True
    norm: str = "group"
    norm_groups: int = 32
    lora_rank: int = 0
    projection: bool = True
    residual_base: bool = False
    base_trainable: bool = True
    logvar_init: float = 0.0
    space_to_depth: int = 1
    encoder_ch: int | None = None
    encoder_res_blocks: int | None = None

    def __post_init__(self) -> None:
        if self.dims not in (2, 3):
            raise ValueError(f"dims must be 2 or 3, not {self.dims}")
        if self.space_to_depth < 1:
            raise ValueError("space_to_depth must be >= 1")
        if self.norm not in ("group", "none"):
            raise ValueError(f"norm must be 'group' or 'none', not {self.norm!r}")
        object.__setattr__(self, "ch_mult", tuple(int(m) for m in self.ch_mult))

    @property
    def scale(self) -> int:
        """Downsampling factor per side (2 ** number of downsampling levels)."""
        return 2 ** (len(self.ch_mult) - 1) * self.space_to_depth

    @property
    def factor(self) -> int:
        """Compression factor in area (2D) or volume (3D), as MedVAE names its models."""
        return self.scale**self.dims

    @property
    def enc_ch(self) -> int:
        return self.encoder_ch or self.ch

    @property
    def enc_res_blocks(self) -> int:
        return self.num_res_blocks if self.encoder_res_blocks is None else self.encoder_res_blocks

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["ch_mult"] = list(self.ch_mult)
        for key in ("encoder_ch", "encoder_res_blocks"):
            if d[key] is None:
                del d[key]  # configurations without them read as before (published and shipped models)
        return d

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "ModelConfig":
        names = {f.name for f in dataclasses.fields(ModelConfig)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown model config keys: {sorted(unknown)}")
        return ModelConfig(**{k: (tuple(v) if k == "ch_mult" else v) for k, v in d.items()})

    def replace(self, **changes: Any) -> "ModelConfig":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class PublishedModel:
    name: str
    checkpoint: str
    config: ModelConfig
    state_dict_keys: int | None = field(default=None)


# The six published MedVAE models (../shared/docs/MEDVAE.md). Key counts are for the merged
# (LoRA-free) state dict, where MEDVAE.md states them.
PUBLISHED: dict[str, PublishedModel] = {
    m.name: m
    for m in (
        PublishedModel("medvae_4_1_2d", "vae_4x_1c_2D.ckpt", ModelConfig(dims=2, ch_mult=(1, 2, 4)), 212),
        PublishedModel(
            "medvae_4_3_2d",
            "vae_4x_3c_2D.ckpt",
            ModelConfig(dims=2, in_channels=3, out_ch=3, ch_mult=(1, 2, 4), z_channels=3, embed_dim=3, lora_rank=4),
            212,
        ),
        PublishedModel("medvae_8_1_2d", "vae_8x_1c_2D.ckpt", ModelConfig(dims=2, ch_mult=(1, 2, 4, 4)), 256),
        PublishedModel(
            "medvae_8_4_2d",
            "vae_8x_4c_2D.ckpt",
            ModelConfig(dims=2, in_channels=3, out_ch=3, ch_mult=(1, 2, 4, 4), z_channels=4, embed_dim=4, lora_rank=4),
            256,
        ),
        PublishedModel("medvae_4_1_3d", "vae_4x_1c_3D.ckpt", ModelConfig(dims=3, ch_mult=(1, 2, 4)), 212),
        PublishedModel("medvae_8_1_3d", "vae_8x_1c_3D.ckpt", ModelConfig(dims=3, ch_mult=(1, 2, 4, 4)), 256),
    )
}


COMPACT = {
    # factor: (ch, ch_mult, num_res_blocks, space_to_depth)
    16: (64, (1,), 3, 4),
    64: (128, (1,), 3, 8),
}


# 3D (volume) models, factor = scale**3: f=64 is 4x per axis, f=512 is 8x per axis. Decoder cost per 64^3 tile:
# 2.42 GMAC (f=64) and 1.73 GMAC (f=512), docs/training.md "3D models".
COMPACT3D = {
    64: (48, (1,), 1, 4),
    512: (96, (1,), 1, 8),
}


def compact_config(factor: int, ch: int | None = None, ch_mult: tuple[int, ...] | None = None,
                   num_res_blocks: int | None = None, space_to_depth: int | None = None, dims: int = 2) -> ModelConfig:
    """Compact, tile-exact, residual-on-bicubic (2D) or residual-on-tricubic (3D) model with one latent channel.

    Defaults (COMPACT, COMPACT3D): all convolutions at the latent resolution (pixel unshuffle / shuffle by the
    full scale), which uses a CPU far better than full-resolution layers with few channels."""
    presets = COMPACT if dims == 2 else COMPACT3D
    d_ch, d_mult, d_blocks, d_s2d = presets.get(factor, (None, None, None, None))
    cfg = ModelConfig(
        dims=dims,
        ch=ch or d_ch or 64,
        ch_mult=ch_mult or d_mult or (1,),
        num_res_blocks=num_res_blocks if num_res_blocks is not None else (d_blocks or 3),
        space_to_depth=space_to_depth or d_s2d or 1,
        mid_attn=False,
        norm="none",
        projection=False,
        residual_base=True,
        logvar_init=-12.0,
    )
    if cfg.factor != factor:
        raise ValueError(f"ch_mult {cfg.ch_mult} with space_to_depth {cfg.space_to_depth} gives factor {cfg.factor}, not {factor}")
    return cfg
