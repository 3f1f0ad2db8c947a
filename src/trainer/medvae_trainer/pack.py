"""Packs a training subset into a folder of 16-bit PNG crops, for a short run on a lent GPU machine that cannot see
../shared/data (docs/training.md, "A run on a GPU").

Crops are drawn from the training split only (the eval guard refuses anything else) with the same balanced sampling as
training, without augmentation (training augments the packed crops), each scaled by its WHOLE image's min and max to
0..65535, so the packed crop keeps the per-image normalisation the gateway applies. ``PACK.csv`` lists file, group,
source and the crop's place, and marks the folder as a pack for :func:`medvae_trainer.data.discover`.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import numpy as np
from PIL import Image

from .data import PACK_INDEX, EvalSplit, balanced_weights, discover, load_images

PACK_MAX = 65535


def pack(data: str | Path, out: str | Path, max_mb: float, crop: int, seed: int) -> dict:
    guard = EvalSplit(Path(data))
    images = []
    for source in discover(data, "train", guard):
        images.extend((source, im) for im in load_images(source.path, source.group, guard))
    weights = balanced_weights([im for _, im in images])
    rng = np.random.default_rng(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    budget, used, rows = max_mb * 1e6, 0, []
    while used < budget:
        source, im = images[rng.choice(len(images), p=weights)]
        h, w = im.pixels.shape
        side_y, side_x = min(crop, h), min(crop, w)
        y = int(rng.integers(0, h - side_y + 1))
        x = int(rng.integers(0, w - side_x + 1))
        unit = (im.normalized((slice(y, y + side_y), slice(x, x + side_x))) + 1) / 2
        png = io.BytesIO()
        Image.fromarray(np.round(unit * PACK_MAX).astype(np.uint16)).save(png, format="PNG", optimize=True)
        name = f"{len(rows):06d}.png"
        (out / name).write_bytes(png.getvalue())
        used += len(png.getvalue())
        rows.append({"file": name, "group": im.group, "source": source.path.name, "y": y, "x": x})
    with (out / PACK_INDEX).open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return {"crops": len(rows), "bytes": used, "groups": sorted({r["group"] for r in rows})}


def run_pack(args: argparse.Namespace) -> None:
    summary = pack(args.data, args.out, args.max_mb, args.crop, args.seed)
    print(f"packed {summary['crops']} crops, {summary['bytes'] / 1e6:.1f} MB, groups {', '.join(summary['groups'])} into {args.out}")
