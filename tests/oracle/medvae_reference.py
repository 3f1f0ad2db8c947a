#!/usr/bin/python3
"""PyTorch reference for the gateway's ONNX model path (an independent oracle for the C# parity tests).

Loads onnx-models/<id>/weights.pt with the architecture in model.json through src/trainer's medvae_trainer, makes a
deterministic synthetic image in [-1, 1] (no patient data, so never an eval-split file), pads it to a multiple of the
model's scale by edge replication, encodes it to the posterior mean and decodes that latent, cropping back. With
--depth (3D models) the image is a D x H x W volume, padded on every axis.

Writes to --out, as raw little-endian float32 in C order:
  image.f32    the [D x] H x W input
  latent.f32   the C x [ceil(D/s) x] ceil(H/s) x ceil(W/s) posterior mean
  decoded.f32  the decoder's output for latent.f32, cropped to [D x] H x W
and shape.json with the sizes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src" / "trainer"))

from medvae_trainer.checkpoint import load_model  # noqa: E402


def synthetic_image(height: int, width: int, seed: int) -> np.ndarray:
    """Smooth shapes, an edge and mild noise, scaled to [-1, 1]: a stand-in for an anatomical image."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    image = 0.4 * np.sin(x / 17.0) * np.cos(y / 23.0)
    for _ in range(6):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        r = rng.uniform(10, max(height, width) / 3)
        image += rng.uniform(0.2, 0.8) * np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r))
    image += (x > width * 0.6) * 0.3
    image += rng.normal(0, 0.03, size=image.shape)
    image = 2 * (image - image.min()) / (image.max() - image.min()) - 1
    return image.astype(np.float32)


def synthetic_volume(depth: int, height: int, width: int, seed: int) -> np.ndarray:
    """The same kind of content in 3D: smooth blobs, a plane edge and mild noise, scaled to [-1, 1]."""
    rng = np.random.default_rng(seed)
    z, y, x = np.mgrid[0:depth, 0:height, 0:width].astype(np.float64)
    volume = 0.4 * np.sin(x / 11.0) * np.cos(y / 13.0) * np.cos(z / 7.0)
    for _ in range(6):
        cz, cy, cx = rng.uniform(0, depth), rng.uniform(0, height), rng.uniform(0, width)
        r = rng.uniform(4, max(depth, height, width) / 3)
        volume += rng.uniform(0.2, 0.8) * np.exp(-((z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r))
    volume += (x + z > (width + depth) * 0.6) * 0.3
    volume += rng.normal(0, 0.03, size=volume.shape)
    volume = 2 * (volume - volume.min()) / (volume.max() - volume.min()) - 1
    return volume.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--depth", type=int, help="3D models: the volume's number of slices")
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    torch.set_num_threads(2)
    model, meta = load_model(args.model_dir)
    scale = int(meta["scale_per_side"])
    sizes = (args.height, args.width) if args.depth is None else (args.depth, args.height, args.width)
    if len(sizes) != int(meta["dimensionality"]):
        parser.error(f"model {args.model_dir.name} is {meta['dimensionality']}D; give --depth for 3D models only")
    image = synthetic_image(*sizes, args.seed) if args.depth is None else synthetic_volume(*sizes, args.seed)
    padded = np.pad(image, [(0, -(-n // scale) * scale - n) for n in sizes], mode="edge")
    with torch.no_grad():
        latent = model.encode(torch.from_numpy(padded)[None, None])
        decoded = model.decode(latent)[(0, 0) + tuple(slice(0, n) for n in sizes)]

    args.out.mkdir(parents=True, exist_ok=True)
    image.tofile(args.out / "image.f32")
    latent[0].numpy().astype("<f4").tofile(args.out / "latent.f32")
    decoded.numpy().astype("<f4").tofile(args.out / "decoded.f32")
    shape = {"size": list(sizes), "latent": list(latent.shape[1:]), "scale": scale}
    (args.out / "shape.json").write_text(json.dumps(shape))


if __name__ == "__main__":
    main()
