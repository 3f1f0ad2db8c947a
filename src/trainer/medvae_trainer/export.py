"""ONNX export: encoder.onnx (image -> latent mean), decoder.onnx (latent -> image), weights.pt and
model.json (with the sha256 of every file) in onnx-models/<model-id>/, plus a generated model card."""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
from pathlib import Path

import onnx
import torch

from . import card3d
from .checkpoint import load_model
from .model import AutoencoderKL, DecoderGraph, EncoderGraph

OPSET = 17
MAX_MODEL_BYTES = 50 * 1024 * 1024


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _axes(dims: int, prefix: str) -> dict[int, str]:
    names = ("depth", "height", "width")[-dims:]
    return {0: "batch", **{2 + i: f"{prefix}{n}" for i, n in enumerate(names)}}


def export_onnx(model: AutoencoderKL, out_dir: Path, sample_side: int | None = None) -> tuple[Path, Path]:
    """Write encoder.onnx and decoder.onnx with dynamic batch and spatial axes; both pass
    ``onnx.checker``. Inputs/outputs: ``image`` (N, C, [D,] H, W) in [-1, 1] with H, W (and D) multiples
    of the model's scale, ``latent`` (N, E, [D/s,] H/s, W/s)."""
    cfg = model.cfg
    model = model.eval()
    side = sample_side or (cfg.scale * (4 if cfg.dims == 2 else 2))
    image = torch.zeros((1, cfg.in_channels) + (side,) * cfg.dims)
    latent = torch.zeros((1, cfg.embed_dim) + (side // cfg.scale,) * cfg.dims)
    enc_path, dec_path = out_dir / "encoder.onnx", out_dir / "decoder.onnx"
    with torch.no_grad():
        torch.onnx.export(EncoderGraph(model), (image,), str(enc_path), opset_version=OPSET, input_names=["image"],
                          output_names=["latent"], dynamic_axes={"image": _axes(cfg.dims, ""),
                                                                  "latent": _axes(cfg.dims, "latent_")})
        torch.onnx.export(DecoderGraph(model), (latent,), str(dec_path), opset_version=OPSET, input_names=["latent"],
                          output_names=["image"], dynamic_axes={"latent": _axes(cfg.dims, "latent_"),
                                                                 "image": _axes(cfg.dims, "")})
    for p in (enc_path, dec_path):
        onnx.checker.check_model(str(p), full_check=True)
    return enc_path, dec_path


NORMALIZATION_COMPACT = {
    "input": "per image (per frame): stored values v mapped to 2*(v - min)/(max - min) - 1 using the frame's own "
             "minimum and maximum; store min and max beside the latent; a constant frame maps to all -1",
    "output": "v = (y + 1)/2 * (max - min) + min, clipped to [min, max] and rounded to the stored integer type",
    "padding": "pad height and width up to a multiple of the scale by edge replication before encoding; crop after decoding",
    "tiling": "no normalisation and no attention: each output pixel depends on a bounded neighbourhood, so tiles "
              "decoded with enough overlap (see tiling.overlap_latent) match the whole-image result",
}


def tiling_info(model: AutoencoderKL) -> dict:
    """Receptive field of the decoder in latent pixels, measured: the support of the gradient of one
    central output pixel with respect to the latent, on a copy whose weights are all made non-zero.

    3D models are probed along the depth axis of a volume 4 latent voxels thick in height and width (zero padding
    leaves the depth support as it is; every kernel is a cube, so the radius holds for every axis)."""
    if model.cfg.norm != "none" or model.cfg.mid_attn:
        return {"exact": False, "reason": "GroupNorm or middle attention depend on the whole image"}
    probe = copy.deepcopy(model).double()
    with torch.no_grad():
        for p in probe.parameters():
            p.add_(torch.randn_like(p) * 0.01)
    n = 64
    s = model.cfg.scale
    other = (n,) if model.cfg.dims == 2 else (4, 4)
    z = torch.zeros((1, model.cfg.embed_dim, n) + other, dtype=torch.float64, requires_grad=True)
    out = probe.decode(z)
    out[(0, 0) + tuple(k * s // 2 for k in (n,) + other)].backward()
    radius = _support_radius(z.grad, n // 2, model.cfg.dims)
    x = torch.zeros((1, model.cfg.in_channels, n * s) + tuple(k * s for k in other), dtype=torch.float64,
                    requires_grad=True)
    lat = probe.encode(x)
    lat[(0, 0) + tuple(k // 2 for k in (n,) + other)].backward()
    enc_radius = _support_radius(x.grad, n * s // 2 + s // 2, model.cfg.dims)
    return {"exact": True, "tile_origin_multiple_of": s,
            "decoder_receptive_radius_latent": radius, "decoder_overlap_latent": radius + 1,
            "encoder_receptive_radius_pixels": enc_radius, "encoder_overlap_pixels": enc_radius + s}


def _support_radius(grad: torch.Tensor, centre: int, dims: int = 2) -> int:
    """Largest distance from ``centre`` of a non-zero gradient: over rows and columns (2D), along depth (3D)."""
    support = grad.abs().sum(dim=(0, 1)) if dims == 2 else grad.abs().sum(dim=(0, 1, 3, 4))
    idx = torch.nonzero(support > 0)
    return int(max((centre - idx.min()).item(), (idx.max() - centre).item()))


def write_model_dir(model: AutoencoderKL, out_dir: Path, model_id: str, meta: dict) -> dict:
    """Export ONNX and weights into ``out_dir`` and write model.json; returns its contents."""
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / "weights.pt"
    torch.save(model.state_dict(), weights)
    enc, dec = export_onnx(model, out_dir)
    cfg = model.cfg
    files = {}
    for p in (enc, dec, weights):
        size = p.stat().st_size
        if meta.get("enforce_size_limit", True) and size > MAX_MODEL_BYTES:
            raise ValueError(f"{p} is {size} bytes, above the 50 MB limit")
        files[p.name] = {"bytes": size, "sha256": sha256(p)}
    info = {
        "id": model_id,
        "format": "medvae-gateway-model/1",
        "class": "AutoencoderKL",
        "architecture": cfg.to_dict(),
        "dimensionality": cfg.dims,
        "f": cfg.factor,
        "C": cfg.embed_dim,
        "scale_per_side": cfg.scale,
        "parameters": sum(p.numel() for p in model.parameters()),
        "onnx": {"opset": OPSET, "encoder": {"input": "image", "output": "latent (posterior mean)"},
                 "decoder": {"input": "latent", "output": "image"}, "dynamic_axes": "batch and every spatial axis"},
        "normalization": meta.get("normalization", NORMALIZATION_COMPACT if cfg.dims == 2 else card3d.NORMALIZATION_VOLUME),
        "tiling": tiling_info(model),
        **{k: v for k, v in meta.items() if k not in ("normalization", "enforce_size_limit")},
        "files": files,
    }
    (out_dir / "model.json").write_text(json.dumps(info, indent=1))
    return info


SPLIT_TITLES = {
    "eval": "every held-out image (never read by training)",
    "eval-manifest": "MANIFEST.md's eval split",
    "eval-extra": "the train-extra eval series: other vendors and sites, whole series",
    "eval-spread": "slices spread over whole series, central slices too",
    "capacity": "central MPRAGE training slices: a fit check, not held out",
}


def model_card(info: dict) -> str:
    from .evaluate import format_summary, format_table

    ev = info.get("evaluation")
    cost = info.get("cost", {})
    tr = info.get("training", {})
    lines = [f"# Model card: {info['id']}", "",
             f"AutoencoderKL ({info['dimensionality']}D), compression factor f={info['f']} "
             f"({info['scale_per_side']}x per side), C={info['C']} latent channel(s), "
             f"{info['parameters']:,} parameters.", ""]
    if "notes" in info:
        lines += [info["notes"], ""]
    lines += ["## Architecture", "", "```json", json.dumps(info["architecture"]), "```", "",
              "## Decoder cost", ""]
    if cost and info["dimensionality"] == 3:
        lines += card3d.cost_lines(cost)
    elif cost:
        lines += [f"- per {cost['image']} image: {cost['decoder_gmacs']} GMAC = {cost['decoder_gflops']} GFLOPs "
                  f"(1 multiply-accumulate = 2 FLOPs; convolutions only)",
                  f"- PyTorch {cost['torch']} CPU, {cost['threads']} threads: {cost['decoder_ms_pytorch_cpu']} ms "
                  f"(best of {cost.get('repeats', 5)}; median {cost.get('decoder_ms_pytorch_cpu_median')} ms; "
                  f"{cost.get('decoder_cpu_seconds_per_image')} CPU-seconds per image; 1-minute load average "
                  f"{cost.get('load_average_1min')} on this 2-core machine shared with other jobs)", ""]
    lines += ["## Training", ""]
    for k in ("steps", "hours", "images_seen", "command", "data", "git_commit"):
        if k in tr:
            v = tr[k]
            lines.append(f"- {k}: `{v}`" if k == "command" else f"- {k}: {json.dumps(v) if isinstance(v, dict) else v}")
    lines += ["", "## Normalization", ""]
    lines += [f"- {k}: {v}" for k, v in info["normalization"].items()]
    if ev and info["dimensionality"] == 3:
        lines += card3d.evaluation_lines(ev)
    elif ev:
        f = lambda v, d=2: "-" if v is None else f"{v:.{d}f}"  # noqa: E731
        lines += ["", f"## Evaluation ({SPLIT_TITLES.get(ev.get('split'), ev.get('split'))})", "",
                  f"Mean PSNR {f(ev['psnr'])} dB vs bicubic {f(ev['bicubic_psnr'])} dB "
                  f"(gain {ev['psnr'] - ev['bicubic_psnr']:+.2f} dB; Pillow bicubic {f(ev['bicubic_pil_psnr'])} dB), "
                  f"SSIM {f(ev['ssim'], 4)} vs {f(ev['bicubic_ssim'], 4)}, MS-SSIM {f(ev['msssim'], 4)} vs "
                  f"{f(ev['bicubic_msssim'], 4)}; latent {ev['latent_dtype']}.", "", format_summary(ev)]
        parts = [(name, summary) for name, summary in ev.get("by_part", {}).items()]
        parts += [(other.get("split"), other) for other in info.get("evaluations", [])[1:]]
        for name, summary in parts:
            lines += ["", f"### {SPLIT_TITLES.get(name, name)}", "", format_summary(summary)]
        lines += ["", "### Per image", "", format_table(ev)]
    lines += ["", "## Files", ""]
    lines += [f"- `{name}`: {f['bytes']:,} bytes, sha256 `{f['sha256']}`" for name, f in info["files"].items()]
    return "\n".join(lines) + "\n"


def run_export(args: argparse.Namespace) -> None:
    from .cost import decoder_cost

    torch.set_num_threads(args.threads)
    model, meta = load_model(args.model, args.weights)
    out_dir = Path(args.out) / args.id
    tc = meta.get("train_config", {})
    training = {"steps": meta.get("step"), "hours": round(meta.get("seconds", 0) / 3600, 2),
                "images_seen": meta.get("images_seen"), "crop": tc.get("crop"), "batch": tc.get("batch"),
                "train_config": tc, "data": meta.get("data"), "git_commit": meta.get("git_commit"),
                "weights": meta.get("weights"), "checkpoint": meta.get("checkpoint")}
    info_meta: dict = {"training": training, "cost": decoder_cost(model)}
    if args.eval_json:
        results = [json.loads(Path(p).read_text()) for p in args.eval_json]
        info_meta["evaluation"] = results[0]
        info_meta["evaluations"] = [{k: v for k, v in r.items() if k != "images"} for r in results]
    if args.notes:
        info_meta["notes"] = Path(args.notes).read_text().strip()
    if args.train_command:
        training["command"] = args.train_command
    info = write_model_dir(model, out_dir, args.id, info_meta)
    (out_dir / "MODEL_CARD.md").write_text(model_card(info))
    print(json.dumps({k: info[k] for k in ("id", "f", "C", "files", "cost")}, indent=1))
