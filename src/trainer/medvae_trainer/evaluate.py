"""Evaluation against bicubic interpolation at the same compression factor.

Every image is scaled to [0, 1] by its own minimum and maximum. The model sees 2x-1, encodes to the
posterior mean, decodes, and its output is mapped back and clipped to [0, 1]. The baseline
downsamples by sqrt(f) per side with antialiasing and upsamples back with bicubic interpolation
(see :func:`medvae_trainer.resample.bicubic_roundtrip`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .checkpoint import load_model
from .data import EvalSplit, discover, load_images
from .losses import ms_ssim, psnr, ssim
from .model import AutoencoderKL
from .quantize import container_int8
from .resample import bicubic_roundtrip, bicubic_roundtrip_pil

METRICS = ("psnr", "bicubic_psnr", "bicubic_pil_psnr", "ssim", "bicubic_ssim", "msssim", "bicubic_msssim")


LATENT_STORES = {
    "float32": lambda z: z,
    "float16": lambda z: z.half().float(),
    "int8": container_int8,
}


@torch.no_grad()
def reconstruct(model: AutoencoderKL, x01: torch.Tensor, latent_dtype: str = "float32") -> torch.Tensor:
    """Encode (posterior mean) and decode an (N, C, H, W) image in [0, 1]; pads to a multiple of the
    model's scale by edge replication and crops back; returns the output clipped to [0, 1]. ``latent_dtype``
    rounds the latent as the container stores it (``int8``: per channel over the instance, as the gateway)."""
    s = model.cfg.scale
    h, w = x01.shape[-2:]
    x = x01 * 2 - 1
    ph, pw = (-h) % s, (-w) % s
    if ph or pw:
        x = F.pad(x, (0, pw, 0, ph), mode="replicate")
    z = LATENT_STORES[latent_dtype](model.encode(x))
    y = model.decode(z)[..., :h, :w]
    return ((y + 1) / 2).clamp(0.0, 1.0)


def curve_point(model: AutoencoderKL, images: list) -> dict:
    """Mean PSNR/SSIM of ``images`` (Image2D) with int8 latents, and bicubic's, per family too: one point of a
    training run's eval curve."""
    rows = []
    for im in images:
        unit = im.unit()
        x = torch.from_numpy(unit)[None, None].float()
        rec = reconstruct(model, x, "int8").double()
        bic = bicubic_roundtrip(x, model.cfg.scale).double()
        xd = x.double()
        rows.append({"family": modality_of(im.group), "psnr": float(psnr(rec, xd)[0]), "bicubic_psnr": float(psnr(bic, xd)[0]),
                     "ssim": float(ssim(rec, xd)[0])})
    point = {"count": len(rows)}
    for key in ("psnr", "bicubic_psnr", "ssim"):
        point[key] = round(statistics.fmean(r[key] for r in rows), 4)
    for family in sorted({r["family"] for r in rows}):
        point[f"psnr_{family}"] = round(statistics.fmean(r["psnr"] for r in rows if r["family"] == family), 4)
    return point


def _msssim_or_none(a: torch.Tensor, b: torch.Tensor) -> float | None:
    try:
        return float(ms_ssim(a, b)[0])
    except ValueError:
        return None


def evaluate_image(model: AutoencoderKL, unit: np.ndarray, latent_dtype: str) -> dict[str, float | None]:
    x = torch.from_numpy(unit)[None, None]
    rec = reconstruct(model, x.float(), latent_dtype).double()
    bic = bicubic_roundtrip(x.float(), model.cfg.scale).double()
    pil = torch.from_numpy(bicubic_roundtrip_pil(unit, model.cfg.scale)).double()[None, None]
    return {
        "psnr": float(psnr(rec, x)[0]),
        "bicubic_psnr": float(psnr(bic, x)[0]),
        "bicubic_pil_psnr": float(psnr(pil, x)[0]),
        "ssim": float(ssim(rec, x)[0]),
        "bicubic_ssim": float(ssim(bic, x)[0]),
        "msssim": _msssim_or_none(rec, x),
        "bicubic_msssim": _msssim_or_none(bic, x),
    }


def _means(rows: list[dict]) -> dict[str, float | None]:
    """Means of every metric, and the share of images at or above 30 and 35 dB (model and bicubic)."""
    out: dict[str, float | None] = {}
    for k in METRICS:
        vals = [r[k] for r in rows if r[k] is not None]
        out[k] = round(statistics.fmean(vals), 4) if vals else None
    for db in (30, 35):
        out[f"share_psnr_{db}"] = round(sum(r["psnr"] >= db for r in rows) / len(rows), 4) if rows else None
        out[f"bicubic_share_psnr_{db}"] = round(sum(r["bicubic_psnr"] >= db for r in rows) / len(rows), 4) if rows else None
    return out


def _summary(rows: list[dict]) -> dict:
    """The count and means of ``rows``, overall, per source group and per family."""
    groups = sorted({r["group"] for r in rows})
    return {
        "count": len(rows),
        **_means(rows),
        "by_group": {g: {"count": sum(1 for r in rows if r["group"] == g), **_means([r for r in rows if r["group"] == g])}
                     for g in groups},
        "by_modality": {m: {"count": sum(1 for r in rows if modality_of(r["group"]) == m),
                            **_means([r for r in rows if modality_of(r["group"]) == m])}
                        for m in sorted({modality_of(g) for g in groups})},
    }


def modality_of(group: str) -> str:
    """The family of a source group (``mr-siemens`` -> ``mr``)."""
    return group.split("-", 1)[0]


def evaluate(model: AutoencoderKL, data: str | Path, split: str = "eval", latent_dtype: str = "float32",
             limit: int | None = None, progress: bool = True, stride: int = 1, max_side: int | None = None) -> dict:
    sources = discover(data, split, EvalSplit(Path(data)))[::stride]
    if limit is not None:
        sources = sources[:limit]
    rows = []
    for i, s in enumerate(sources):
        for im in load_images(s.path, s.group, guard=None):
            if max_side is not None and max(im.pixels.shape) > max_side:
                continue
            t = time.perf_counter()
            r = {"image": im.name, "group": im.group, "part": s.part, "path": str(s.path),
                 "height": int(im.pixels.shape[0]), "width": int(im.pixels.shape[1])}
            r.update(evaluate_image(model, im.unit(), latent_dtype))
            rows.append(r)
            if progress:
                print(f"[{i + 1}/{len(sources)}] {im.name:60s} psnr {r['psnr']:.2f} bicubic {r['bicubic_psnr']:.2f} "
                      f"({time.perf_counter() - t:.1f} s)", flush=True)
    parts = sorted({r["part"] for r in rows if r["part"] is not None})
    result = {
        "split": split,
        "data": str(data),
        "factor": model.cfg.factor,
        "scale_per_side": model.cfg.scale,
        "latent_channels": model.cfg.embed_dim,
        "latent_dtype": latent_dtype,
        **_summary(rows),
        "by_part": {p: _summary([r for r in rows if r["part"] == p]) for p in parts} if len(parts) > 1 else {},
        "images": [{k: (round(v, 5) if isinstance(v, float) else v) for k, v in r.items()} for r in rows],
    }
    result["psnr_gain_db"] = round(result["psnr"] - result["bicubic_psnr"], 4) if rows else None
    return result


def format_table(result: dict) -> str:
    def f(v: float | None, d: int = 2) -> str:
        return "-" if v is None else f"{v:.{d}f}"

    lines = ["| image | group | size | PSNR | bicubic PSNR | gain | SSIM | bicubic SSIM | MS-SSIM | bicubic MS-SSIM |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["images"]:
        lines.append(f"| {r['image']} | {r['group']} | {r['width']}x{r['height']} | {f(r['psnr'])} | {f(r['bicubic_psnr'])} "
                     f"| {f(r['psnr'] - r['bicubic_psnr'])} | {f(r['ssim'], 4)} | {f(r['bicubic_ssim'], 4)} "
                     f"| {f(r['msssim'], 4)} | {f(r['bicubic_msssim'], 4)} |")
    groups = [(f"mean {g}", m) for g, m in result["by_group"].items()]
    families = [(f"mean {g} (all)", m) for g, m in result.get("by_modality", {}).items()]
    for name, m in [("**mean**", result)] + families + groups:
        n = m["count"]
        lines.append(f"| {name} ({n}) | | | {f(m['psnr'])} | {f(m['bicubic_psnr'])} | {f(m['psnr'] - m['bicubic_psnr'])} "
                     f"| {f(m['ssim'], 4)} | {f(m['bicubic_ssim'], 4)} | {f(m['msssim'], 4)} | {f(m['bicubic_msssim'], 4)} |")
    return "\n".join(lines)


def format_summary(result: dict) -> str:
    """Per-group means of one evaluation (overall, per family, per source group) with the shares at 30 and 35 dB."""
    def f(v: float | None, d: int = 2) -> str:
        return "-" if v is None else f"{v:.{d}f}"

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{100 * v:.0f}%"

    lines = ["| group | images | PSNR | bicubic PSNR | gain | SSIM | bicubic SSIM | MS-SSIM | >= 30 dB (bicubic) | >= 35 dB (bicubic) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    families = [(f"{g} (all)", m) for g, m in result.get("by_modality", {}).items()]
    for name, m in [("**all**", result)] + families + list(result["by_group"].items()):
        lines.append(f"| {name} | {m['count']} | {f(m['psnr'])} | {f(m['bicubic_psnr'])} | {f(m['psnr'] - m['bicubic_psnr'])} "
                     f"| {f(m['ssim'], 4)} | {f(m['bicubic_ssim'], 4)} | {f(m['msssim'], 4)} "
                     f"| {pct(m['share_psnr_30'])} ({pct(m['bicubic_share_psnr_30'])}) "
                     f"| {pct(m['share_psnr_35'])} ({pct(m['bicubic_share_psnr_35'])}) |")
    return "\n".join(lines)


def run_eval(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    model, meta = load_model(args.model, args.weights, args.checkpoint)
    if model.cfg.dims == 3:
        from .evaluate3d import run_eval3d

        run_eval3d(model, meta, args.data, args.json, args.latent_dtype)  # the 3D held-out volumes (--split ignored)
        return
    result = evaluate(model, args.data, args.split, args.latent_dtype, args.limit, stride=args.stride, max_side=args.max_side)
    result["subset"] = {"stride": args.stride, "max_side": args.max_side, "limit": args.limit}
    result["model"] = str(args.model)
    result["model_step"] = meta.get("step", meta.get("training", {}).get("steps"))
    print(format_table(result))
    print(f"mean PSNR {result['psnr']:.3f} dB vs bicubic {result['bicubic_psnr']:.3f} dB "
          f"(Pillow bicubic {result['bicubic_pil_psnr']:.3f}); gain {result['psnr_gain_db']:+.3f} dB; "
          f"SSIM {result['ssim']:.4f} vs {result['bicubic_ssim']:.4f}; MS-SSIM {result['msssim']} vs {result['bicubic_msssim']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))
