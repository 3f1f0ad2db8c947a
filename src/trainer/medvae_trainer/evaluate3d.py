"""Evaluation of 3D models against trilinear and tricubic down/up-sampling at the same factor.

Every volume is scaled to [0, 1] by its own minimum and maximum (the whole series', as the gateway normalises it),
encoded whole (padded to a multiple of the scale by edge replication on every axis), its latent rounded as the
container stores it (int8 per channel over the volume), decoded, cropped and clipped. PSNR (data range 1) per
slice along the slice axis and per volume (over the held-out slices: the mean squared error of all their voxels),
for the model and for :func:`~medvae_trainer.resample.trilinear_roundtrip` and
:func:`~medvae_trainer.resample.tricubic_roundtrip`.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .evaluate import LATENT_STORES, modality_of
from .model import AutoencoderKL
from .resample import tricubic_roundtrip, trilinear_roundtrip
from .volumes import Volume, VolumeSplit, discover_volumes, load_volume

METHODS = ("model", "trilinear", "tricubic")


@torch.no_grad()
def reconstruct_volume(model: AutoencoderKL, x01: torch.Tensor, latent_dtype: str = "int8") -> torch.Tensor:
    """Encode (posterior mean) and decode an (N, C, D, H, W) volume in [0, 1]; edge-pads every axis to a multiple of
    the scale and crops back; the output clipped to [0, 1]."""
    s = model.cfg.scale
    d, h, w = x01.shape[-3:]
    x = x01 * 2 - 1
    pads = ((-w) % s, (-h) % s, (-d) % s)
    if any(pads):
        x = F.pad(x, (0, pads[0], 0, pads[1], 0, pads[2]), mode="replicate")
    z = LATENT_STORES[latent_dtype](model.encode(x))
    y = model.decode(z)[..., :d, :h, :w]
    return ((y + 1) / 2).clamp(0.0, 1.0)


def slice_mse(a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
    """Mean squared error of every slice (along D) of two (1, 1, D, H, W) volumes, in float64."""
    return ((a.double() - b.double()) ** 2).mean(dim=(0, 1, 3, 4)).numpy()


def psnr_of(mse: float) -> float:
    return float(10 * np.log10(1.0 / max(mse, 1e-20)))


def evaluate_volume(model: AutoencoderKL, vol: Volume, latent_dtype: str = "int8") -> dict:
    """Per-slice PSNR of the model and both baselines, and per-volume PSNR over the held-out slices and over all."""
    x = torch.from_numpy(vol.unit())[None, None]
    outputs = {"model": reconstruct_volume(model, x, latent_dtype),
               "trilinear": trilinear_roundtrip(x, model.cfg.scale),
               "tricubic": tricubic_roundtrip(x, model.cfg.scale)}
    mse = {k: slice_mse(v, x) for k, v in outputs.items()}
    held = vol.held_out
    row: dict = {"volume": vol.name, "group": vol.group, "shape": list(vol.pixels.shape),
                 "held_out_slices": int(held.sum())}
    for k in METHODS:
        key = "psnr" if k == "model" else f"{k}_psnr"
        row[key] = psnr_of(float(mse[k][held].mean())) if held.any() else None
        row[f"{key}_all_slices"] = psnr_of(float(mse[k].mean()))
    row["slices"] = [{"index": i, "held_out": bool(held[i]), **{("psnr" if k == "model" else f"{k}_psnr"):
                                                               round(psnr_of(float(mse[k][i])), 4) for k in METHODS}}
                     for i in range(len(held))]
    return row


def _summary(rows: list[dict]) -> dict:
    """Means over volumes of the per-volume PSNR (held-out slices) and over all held-out slices of the per-slice
    PSNR."""
    out: dict = {"volumes": len(rows)}
    slices = [s for r in rows for s in r["slices"] if s["held_out"]]
    out["held_out_slices"] = len(slices)
    for k in METHODS:
        key = "psnr" if k == "model" else f"{k}_psnr"
        out[key] = round(statistics.fmean(r[key] for r in rows), 4)
        out[f"slice_mean_{key}"] = round(statistics.fmean(s[key] for s in slices), 4)
    out["gain_over_tricubic_db"] = round(out["psnr"] - out["tricubic_psnr"], 4)
    out["slice_mean_gain_over_tricubic_db"] = round(out["slice_mean_psnr"] - out["slice_mean_tricubic_psnr"], 4)
    out["share_slices_above_tricubic"] = round(sum(s["psnr"] > s["tricubic_psnr"] for s in slices) / len(slices), 4)
    return out


def load_eval_volumes(data: str | Path) -> list[Volume]:
    rule = VolumeSplit(Path(data))
    return [load_volume(s, guard=None, rule=rule) for s in discover_volumes(data, "eval", rule)]


def evaluate3d(model: AutoencoderKL, volumes: list[Volume], latent_dtype: str = "int8", progress: bool = True) -> dict:
    if model.cfg.dims != 3:
        raise ValueError("evaluate3d needs a 3D model")
    rows = []
    for i, vol in enumerate(volumes):
        t = time.perf_counter()
        rows.append(evaluate_volume(model, vol, latent_dtype))
        r = rows[-1]
        if progress:
            print(f"[{i + 1}/{len(volumes)}] {vol.name:55s} {tuple(vol.pixels.shape)} held-out PSNR {r['psnr']:.2f} "
                  f"trilinear {r['trilinear_psnr']:.2f} tricubic {r['tricubic_psnr']:.2f} "
                  f"({time.perf_counter() - t:.1f} s)", flush=True)
    groups = sorted({r["group"] for r in rows})
    return {
        "split": "eval-3d",
        "factor": model.cfg.factor,
        "scale_per_side": model.cfg.scale,
        "latent_channels": model.cfg.embed_dim,
        "latent_dtype": latent_dtype,
        **_summary(rows),
        "by_modality": {m: _summary([r for r in rows if modality_of(r["group"]) == m])
                        for m in sorted({modality_of(g) for g in groups})},
        "by_volume": rows,
    }


def curve_point3d(model: AutoencoderKL, volumes: list[Volume]) -> dict:
    """One point of a 3D run's eval curve: the summary of :func:`evaluate3d` without the per-slice rows."""
    result = evaluate3d(model, volumes, "int8", progress=False)
    point = {k: v for k, v in result.items() if k not in ("by_volume", "by_modality", "split")}
    point["by_volume"] = {r["volume"]: {k: round(r[k], 4) for k in ("psnr", "trilinear_psnr", "tricubic_psnr")}
                          for r in result["by_volume"]}
    return point


def format_table3d(result: dict) -> str:
    lines = ["| volume | shape (D x H x W) | held-out slices | PSNR | trilinear | tricubic | gain over tricubic | "
             "slices above tricubic |", "|---|---|---|---|---|---|---|---|"]
    for r in result["by_volume"]:
        held = [s for s in r["slices"] if s["held_out"]]
        above = sum(s["psnr"] > s["tricubic_psnr"] for s in held)
        lines.append(f"| {r['volume']} | {' x '.join(map(str, r['shape']))} | {r['held_out_slices']} | {r['psnr']:.2f} "
                     f"| {r['trilinear_psnr']:.2f} | {r['tricubic_psnr']:.2f} | {r['psnr'] - r['tricubic_psnr']:+.2f} "
                     f"| {above}/{len(held)} |")
    lines.append(f"| **mean of volumes** | | {result['held_out_slices']} | {result['psnr']:.2f} | "
                 f"{result['trilinear_psnr']:.2f} | {result['tricubic_psnr']:.2f} | "
                 f"{result['gain_over_tricubic_db']:+.2f} | {100 * result['share_slices_above_tricubic']:.0f}% |")
    return "\n".join(lines)


def run_eval3d(model: AutoencoderKL, meta: dict, data: str, json_path: str | None, latent_dtype: str) -> dict:
    result = evaluate3d(model, load_eval_volumes(data), latent_dtype)
    result["data"] = str(data)
    result["model_step"] = meta.get("step", meta.get("training", {}).get("steps"))
    print(format_table3d(result))
    print(f"held-out PSNR {result['psnr']:.3f} dB vs tricubic {result['tricubic_psnr']:.3f}, trilinear "
          f"{result['trilinear_psnr']:.3f} (mean of volumes); per slice {result['slice_mean_psnr']:.3f} vs "
          f"{result['slice_mean_tricubic_psnr']:.3f}; {100 * result['share_slices_above_tricubic']:.0f}% of held-out "
          f"slices above tricubic")
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(result, indent=1))
    return result
