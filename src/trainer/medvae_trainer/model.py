"""AutoencoderKL of MedVAE (latent-diffusion layout), 2D and 3D.

Module attribute names follow the published checkpoints (``encoder.down.0.block.1.conv2.weight``, ...)
so that ``load_state_dict(strict=True)`` accepts them. Options beyond the published models
(``norm="none"``, ``mid_attn=False``, ``residual_base=True``) add or remove whole modules and are
described in :class:`~medvae_trainer.config.ModelConfig`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig
from .resample import bicubic_down_kernel, bicubic_up_kernels


def conv_nd(dims: int, *args, **kwargs) -> nn.Module:
    return (nn.Conv2d if dims == 2 else nn.Conv3d)(*args, **kwargs)


class LoRAConv(nn.Module):
    """A convolution with a rank-r LoRA branch, in the layout of the published LoRA checkpoints."""

    def __init__(self, dims: int, cin: int, cout: int, kernel: int, padding: int, rank: int) -> None:
        super().__init__()
        self.conv = conv_nd(dims, cin, cout, kernel, padding=padding)
        self.lora_down = conv_nd(dims, cin, rank, kernel, padding=padding, bias=False)
        self.lora_up = conv_nd(dims, rank, cout, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x) + self.lora_up(self.lora_down(x))


def block_conv(cfg: ModelConfig, cin: int, cout: int, kernel: int, lora: bool) -> nn.Module:
    padding = kernel // 2
    if lora and cfg.lora_rank > 0:
        return LoRAConv(cfg.dims, cin, cout, kernel, padding, cfg.lora_rank)
    return conv_nd(cfg.dims, cin, cout, kernel, padding=padding)


def make_norm(cfg: ModelConfig, channels: int) -> nn.Module:
    if cfg.norm == "group":
        return nn.GroupNorm(num_groups=cfg.norm_groups, num_channels=channels, eps=1e-6, affine=True)
    return nn.Identity()


class ResnetBlock(nn.Module):
    def __init__(self, cfg: ModelConfig, cin: int, cout: int, lora: bool) -> None:
        super().__init__()
        self.norm1 = make_norm(cfg, cin)
        self.conv1 = block_conv(cfg, cin, cout, 3, lora)
        self.norm2 = make_norm(cfg, cout)
        self.dropout = nn.Dropout(cfg.dropout)
        self.conv2 = block_conv(cfg, cout, cout, 3, lora)
        self.nin_shortcut = block_conv(cfg, cin, cout, 1, lora) if cin != cout else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        if self.nin_shortcut is not None:
            x = self.nin_shortcut(x)
        return x + h


class AttnBlock(nn.Module):
    """Single-head self-attention over all spatial positions (the middle block only)."""

    def __init__(self, cfg: ModelConfig, channels: int, lora: bool) -> None:
        super().__init__()
        self.norm = make_norm(cfg, channels)
        self.q = block_conv(cfg, channels, channels, 1, lora)
        self.k = block_conv(cfg, channels, channels, 1, lora)
        self.v = block_conv(cfg, channels, channels, 1, lora)
        self.proj_out = block_conv(cfg, channels, channels, 1, lora)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        b, c = q.shape[:2]
        q = q.reshape(b, c, -1).permute(0, 2, 1)
        k = k.reshape(b, c, -1)
        w = torch.softmax(torch.bmm(q, k) * (int(c) ** -0.5), dim=2)
        h = torch.bmm(v.reshape(b, c, -1), w.permute(0, 2, 1)).reshape(x.shape)
        return x + self.proj_out(h)


class Downsample(nn.Module):
    def __init__(self, dims: int, channels: int) -> None:
        super().__init__()
        self.dims = dims
        self.conv = conv_nd(dims, channels, channels, 3, stride=2, padding=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, (0, 1) * self.dims, mode="constant", value=0.0))


class Upsample(nn.Module):
    def __init__(self, dims: int, channels: int) -> None:
        super().__init__()
        self.conv = conv_nd(dims, channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Level(nn.Module):
    """One resolution level (``down.{i}`` / ``up.{i}``); attribute names as in the checkpoints."""

    def __init__(self) -> None:
        super().__init__()
        self.block = nn.ModuleList()
        self.attn = nn.ModuleList()


class Mid(nn.Module):
    def __init__(self, cfg: ModelConfig, channels: int, lora: bool) -> None:
        super().__init__()
        self.block_1 = ResnetBlock(cfg, channels, channels, lora)
        self.attn_1 = AttnBlock(cfg, channels, lora) if cfg.mid_attn else None
        self.block_2 = ResnetBlock(cfg, channels, channels, lora)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block_1(x)
        if self.attn_1 is not None:
            x = self.attn_1(x)
        return self.block_2(x)


class Encoder(nn.Module):
    def __init__(self, cfg: ModelConfig, lora: bool = False) -> None:
        super().__init__()
        self.s2d = cfg.space_to_depth
        self.dims = cfg.dims
        ch = cfg.enc_ch
        self.conv_in = conv_nd(cfg.dims, cfg.in_channels * self.s2d**cfg.dims, ch, 3, padding=1)
        in_mult = (1,) + cfg.ch_mult
        self.down = nn.ModuleList()
        block_in = ch
        for i, mult in enumerate(cfg.ch_mult):
            level = Level()
            block_in = ch * in_mult[i]
            block_out = ch * mult
            for _ in range(cfg.enc_res_blocks):
                level.block.append(ResnetBlock(cfg, block_in, block_out, lora))
                block_in = block_out
            if i != len(cfg.ch_mult) - 1:
                level.downsample = Downsample(cfg.dims, block_in)
            self.down.append(level)
        self.mid = Mid(cfg, block_in, lora)
        self.norm_out = make_norm(cfg, block_in)
        self.conv_out = conv_nd(cfg.dims, block_in, 2 * cfg.z_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.s2d > 1:
            x = pixel_unshuffle_nd(x, self.s2d, self.dims)
        h = self.conv_in(x)
        for level in self.down:
            for block in level.block:
                h = block(h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        h = self.mid(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, cfg: ModelConfig, lora: bool = False) -> None:
        super().__init__()
        block_in = cfg.ch * cfg.ch_mult[-1]
        self.conv_in = conv_nd(cfg.dims, cfg.z_channels, block_in, 3, padding=1)
        self.mid = Mid(cfg, block_in, lora)
        levels: list[Level] = []
        for i in reversed(range(len(cfg.ch_mult))):
            level = Level()
            block_out = cfg.ch * cfg.ch_mult[i]
            for _ in range(cfg.num_res_blocks + 1):
                level.block.append(ResnetBlock(cfg, block_in, block_out, lora))
                block_in = block_out
            if i != 0:
                level.upsample = Upsample(cfg.dims, block_in)
            levels.insert(0, level)
        self.up = nn.ModuleList(levels)
        self.norm_out = make_norm(cfg, block_in)
        self.s2d = cfg.space_to_depth
        self.dims = cfg.dims
        self.conv_out = conv_nd(cfg.dims, block_in, cfg.out_ch * self.s2d**cfg.dims, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(z))
        for level in reversed(self.up):
            for block in level.block:
                h = block(h)
            if hasattr(level, "upsample"):
                h = level.upsample(h)
        out = self.conv_out(F.silu(self.norm_out(h)))
        return pixel_shuffle_nd(out, self.s2d, self.dims) if self.s2d > 1 else out


def pixel_shuffle_nd(x: torch.Tensor, scale: int, dims: int) -> torch.Tensor:
    if dims == 2:
        return F.pixel_shuffle(x, scale)
    b, c, d, h, w = x.shape
    oc = c // scale**3
    x = x.reshape(b, oc, scale, scale, scale, d, h, w)
    x = x.permute(0, 1, 5, 2, 6, 3, 7, 4)
    return x.reshape(b, oc, d * scale, h * scale, w * scale)


def pixel_unshuffle_nd(x: torch.Tensor, scale: int, dims: int) -> torch.Tensor:
    if dims == 2:
        return F.pixel_unshuffle(x, scale)
    b, c, d, h, w = x.shape
    x = x.reshape(b, c, d // scale, scale, h // scale, scale, w // scale, scale)
    x = x.permute(0, 1, 3, 5, 7, 2, 4, 6)
    return x.reshape(b, c * scale**3, d // scale, h // scale, w // scale)


class BaseDown(nn.Module):
    """Strided convolution initialised as antialiased bicubic downsampling by ``scale`` per side.
    The kernel feeding latent channel 0 is divided by its sum, so its DC gain stays exactly 1 while it
    trains (without this, Adam's noisy steps on hundreds of taps made the gain drift and flat regions
    came back too dark).

    Borders use replicate padding (antialiased resizers renormalise truncated kernels instead, so
    the first and last ``scale`` latent rows differ slightly from them at initialisation).
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        s = cfg.scale
        self.dims = cfg.dims
        self.pad = 3 * s // 2
        self.conv = conv_nd(cfg.dims, cfg.in_channels, cfg.embed_dim, 4 * s, stride=s, padding=0, bias=False)
        k1 = bicubic_down_kernel(s)
        kernel = k1
        for _ in range(cfg.dims - 1):
            kernel = kernel.unsqueeze(-1) * k1
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.weight[0] = kernel / cfg.in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.conv.weight
        w = torch.cat([w[:1] / w[:1].sum(), w[1:]], dim=0)  # latent channel 0 keeps a DC gain of exactly 1
        conv = F.conv2d if self.dims == 2 else F.conv3d
        return conv(F.pad(x, (self.pad,) * (2 * self.dims), mode="replicate"), w, stride=self.conv.stride)


class BaseUp(nn.Module):
    """Convolution + pixel shuffle initialised as bicubic upsampling (a=-0.75, half-pixel centres).
    Each output phase's kernel on latent channel 0 is divided by its sum (DC gain exactly 1)."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        s = cfg.scale
        self.dims = cfg.dims
        self.scale = s
        self.conv = conv_nd(cfg.dims, cfg.embed_dim, cfg.out_ch * s**cfg.dims, 5, padding=0, bias=False)
        phases = bicubic_up_kernels(s)  # (s, 5): weights over offsets -2..2 for each output phase
        with torch.no_grad():
            self.conv.weight.zero_()
            for o in range(cfg.out_ch):
                if cfg.dims == 2:
                    for r in range(s):
                        for c in range(s):
                            self.conv.weight[o * s * s + r * s + c, 0] = phases[r][:, None] * phases[c][None, :]
                else:
                    for p in range(s):
                        for r in range(s):
                            for c in range(s):
                                idx = o * s**3 + p * s * s + r * s + c
                                self.conv.weight[idx, 0] = (
                                    phases[p][:, None, None] * phases[r][None, :, None] * phases[c][None, None, :]
                                )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        w = self.conv.weight
        taps = tuple(range(2, w.dim()))
        w = torch.cat([w[:, :1] / w[:, :1].sum(dim=taps, keepdim=True), w[:, 1:]], dim=1)  # DC gain 1 per phase
        conv = F.conv2d if self.dims == 2 else F.conv3d
        return pixel_shuffle_nd(conv(F.pad(z, (2,) * (2 * self.dims), mode="replicate"), w), self.scale, self.dims)


def zero_module(m: nn.Module) -> None:
    with torch.no_grad():
        for p in m.parameters():
            p.zero_()


class AutoencoderKL(nn.Module):
    def __init__(self, cfg: ModelConfig, lora: bool = False) -> None:
        """``lora=True`` builds the unmerged LoRA layout of the published checkpoints (tests only)."""
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg, lora)
        self.decoder = Decoder(cfg, lora)
        conv = lambda cin, cout, k=1, **kw: conv_nd(cfg.dims, cin, cout, k, **kw)  # noqa: E731
        self.quant_conv = conv(2 * cfg.z_channels, 2 * cfg.embed_dim)
        self.post_quant_conv = conv(cfg.embed_dim, cfg.z_channels)
        if cfg.projection:
            self.channel_ds = nn.Sequential(
                conv(cfg.embed_dim, 64),
                nn.ReLU(),
                conv(64, 64, 3, padding=1),
                nn.ReLU(),
                conv(64, cfg.embed_dim),
            )
            self.channel_proj = conv(cfg.embed_dim, cfg.embed_dim)
        if cfg.residual_base:
            self.base_down = BaseDown(cfg)
            self.base_up = BaseUp(cfg)
            zero_module(self.encoder.conv_out)
            zero_module(self.decoder.conv_out)
            with torch.no_grad():
                self.quant_conv.bias[: cfg.embed_dim] = 0.0
                self.quant_conv.bias[cfg.embed_dim :] = cfg.logvar_init
            if not cfg.base_trainable:
                for p in list(self.base_down.parameters()) + list(self.base_up.parameters()):
                    p.requires_grad_(False)

    def encode_moments(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Posterior mean and log-variance (clamped to [-30, 20])."""
        moments = self.quant_conv(self.encoder(x))
        mean, logvar = torch.chunk(moments, 2, dim=1)
        if self.cfg.residual_base:
            mean = mean + self.base_down(x)
        return mean, torch.clamp(logvar, -30.0, 20.0)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Deterministic encoding: the posterior mean."""
        return self.encode_moments(x)[0]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        out = self.decoder(self.post_quant_conv(z))
        if self.cfg.residual_base:
            out = out + self.base_up(z)
        return out

    def project(self, z: torch.Tensor) -> torch.Tensor:
        """Stage-2 projection (CAD features; the decoder always consumes z)."""
        if not self.cfg.projection:
            raise RuntimeError("this model has no stage-2 projection")
        return self.channel_proj(self.channel_ds(z) + z)

    def forward(self, x: torch.Tensor, sample: bool = True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Returns (reconstruction, mean, logvar); samples the posterior when ``sample``."""
        mean, logvar = self.encode_moments(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean) if sample else mean
        return self.decode(z), mean, logvar

    def last_layer(self) -> torch.Tensor:
        return self.decoder.conv_out.weight


class EncoderGraph(nn.Module):
    """image -> latent mean (for ONNX export)."""

    def __init__(self, model: AutoencoderKL) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model.encode(x)


class DecoderGraph(nn.Module):
    """latent -> image (for ONNX export)."""

    def __init__(self, model: AutoencoderKL) -> None:
        super().__init__()
        self.model = model

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.model.decode(z)
