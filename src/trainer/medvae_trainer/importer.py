"""``import``: a published MedVAE checkpoint -> onnx-models/<id>/ (weights.pt, model.json, ONNX)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from .checkpoint import load_published
from .config import PUBLISHED
from .export import sha256, write_model_dir

NORMALIZATION_MEDVAE = {
    "input": "as the MedVAE reference code: 2D per-image min-max to [0, 1] then (x - 0.5)/0.5 to [-1, 1]; "
             "3-channel models take the grey image repeated on 3 channels; 3D CT clipped to -1000..1000 HU, "
             "3D MRI per-volume min-max; store min and max beside the latent",
    "output": "v = (y + 1)/2 * (max - min) + min, clipped to [min, max] (the reference code does not invert)",
    "padding": "pad every spatial axis up to a multiple of the scale by edge replication; crop after decoding",
    "tiling": "GroupNorm and middle attention see the whole input: tiles are approximate, decode whole "
              "latents only where memory allows (attention memory grows with tokens squared)",
}


def run_import(args: argparse.Namespace) -> None:
    model = load_published(args.checkpoint, args.config)
    model_id = args.id or args.config
    out_dir = Path(args.out) / model_id
    source = {"published_model": args.config, "checkpoint_file": Path(args.checkpoint).name,
              "checkpoint_sha256": sha256(Path(args.checkpoint)), "expected_name": PUBLISHED[args.config].checkpoint,
              "origin": "StanfordMIMI MedVAE (HuggingFace stanfordmimi/MedVAE, MIT licence); LoRA merged into conv weights"}
    meta = {"normalization": NORMALIZATION_MEDVAE, "training": source, "enforce_size_limit": False}
    if args.no_onnx:
        out_dir.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), out_dir / "weights.pt")
        info = {"id": model_id, "class": "AutoencoderKL", "architecture": model.cfg.to_dict(), "f": model.cfg.factor,
                "C": model.cfg.embed_dim, "dimensionality": model.cfg.dims, **meta,
                "files": {"weights.pt": {"bytes": (out_dir / "weights.pt").stat().st_size,
                                         "sha256": sha256(out_dir / "weights.pt")}}}
        info.pop("enforce_size_limit")
        (out_dir / "model.json").write_text(json.dumps(info, indent=1))
    else:
        info = write_model_dir(model, out_dir, model_id, meta)
    print(json.dumps({"id": model_id, "files": info["files"]}, indent=1))
