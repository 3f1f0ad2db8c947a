"""The latent engine on the eval split, side by side with JPEG 2000 lossy at the same stored size and bicubic at the
same factor (issue 6's quality table).

For every image of the eval split (src/trainer's EvalSplit and loader, the ones the model cards were measured on):
  1. write its stored values as a single-frame DICOM file (pydicom; 8 bits when they fit, else 16, signed when needed);
  2. `gateway models eval` encodes it with the gateway's own engine (ONNX Runtime, quantization, container) and
     writes the reconstruction (int32 raw) and the container's size;
  3. OpenJPEG's opj_compress (Debian libopenjp2-tools, not our binding) encodes the same values lossy, its rate
     adjusted until the codestream is no larger than the container;
  4. the trainer's bicubic round trip at the model's factor.
PSNR and SSIM come from the trainer's metrics (the model cards' definitions: values scaled by the image's own range).

Usage: /usr/bin/python3 bench/codec_eval.py --gateway BIN --model ID [--data ../shared/data] [--out DIR] [--limit N]
Prints Markdown; writes DIR/results.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pydicom
import torch
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src" / "trainer"))
from medvae_trainer.data import EvalSplit, discover, load_images  # noqa: E402
from medvae_trainer.losses import psnr, ssim  # noqa: E402
from medvae_trainer.resample import bicubic_roundtrip  # noqa: E402


def as_integers(pixels: np.ndarray) -> np.ndarray:
    values = np.rint(pixels).astype(np.int64)
    if values.min() >= 0 and values.max() <= 255:
        return values.astype(np.uint8)
    if values.min() >= 0 and values.max() <= 65535:
        return values.astype(np.uint16)
    return values.astype(np.int16)


def write_dicom(values: np.ndarray, path: Path) -> None:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "OT"
    ds.Rows, ds.Columns = values.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    bits = 8 if values.dtype == np.uint8 else 16
    ds.BitsAllocated = ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 1 if values.dtype == np.int16 else 0
    ds.PixelData = np.ascontiguousarray(values).astype(values.dtype.newbyteorder("<")).tobytes()
    ds.save_as(str(path), write_like_original=False)


def metrics(reference: np.ndarray, candidate: np.ndarray, vmin: float, vmax: float) -> tuple[float, float]:
    span = max(vmax - vmin, 1e-12)
    x = torch.from_numpy((reference.astype(np.float64) - vmin) / span)[None, None]
    y = torch.from_numpy((candidate.astype(np.float64) - vmin) / span).clamp(0, 1)[None, None]
    return float(psnr(y, x)[0]), float(ssim(y, x)[0])


def jpeg2000_at(values: np.ndarray, budget: int, work: Path) -> tuple[np.ndarray, int]:
    """opj_compress of the values (shifted to unsigned, as PGM) with the largest quality whose codestream fits the budget."""
    shift = int(values.min()) if values.min() < 0 else 0
    unsigned = (values.astype(np.int64) - shift).astype(np.uint16)
    maxval = max(int(unsigned.max()), 1)
    pgm = work / "in.pgm"
    header = f"P5\n{values.shape[1]} {values.shape[0]}\n{maxval}\n".encode()
    body = unsigned.astype(">u2").tobytes() if maxval > 255 else unsigned.astype(np.uint8).tobytes()
    pgm.write_bytes(header + body)
    precision = int(maxval).bit_length()
    raw_bytes = values.size * precision / 8
    ratio = raw_bytes / budget
    for _ in range(8):
        j2k = work / "out.j2k"
        subprocess.run(["opj_compress", "-i", str(pgm), "-o", str(j2k), "-r", f"{ratio:.4f}"], check=True,
                       capture_output=True)
        size = j2k.stat().st_size
        if size <= budget:
            break
        ratio *= size / budget * 1.02
    out = work / "out.pgm"
    subprocess.run(["opj_decompress", "-i", str(j2k), "-o", str(out)], check=True, capture_output=True)
    data = out.read_bytes()
    # P5 header: magic, width height, maxval, each ended by whitespace; comments start with '#'
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":  # a comment (OpenJPEG writes its version) runs to the end of the line
            position = data.index(b"\n", position) + 1
            continue
        start = position
        while not data[position:position + 1].isspace():
            position += 1
        fields.append(data[start:position])
    position += 1
    width, height, top = int(fields[1]), int(fields[2]), int(fields[3])
    dtype = ">u2" if top > 255 else np.uint8
    decoded = np.frombuffer(data[position:], dtype=dtype, count=width * height).reshape(height, width)
    return decoded.astype(np.int64) + shift, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    model = json.loads((Path(__file__).resolve().parents[1] / "onnx-models" / args.model / "model.json").read_text())
    scale = int(model["scale_per_side"])
    sources = discover(args.data, "eval", EvalSplit(Path(args.data)))
    if args.limit:
        sources = sources[: args.limit]
    out = Path(args.out or tempfile.mkdtemp(prefix="codec-eval-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        images = []
        for source in sources:
            for image in load_images(source.path, source.group, guard=None):
                values = as_integers(image.pixels)
                path = work / f"{len(images):04d}.dcm"
                write_dicom(values, path)
                images.append((image, values, path))
        result = subprocess.run([args.gateway, "models", "eval", "--model", args.model, "--out-dir", str(work),
                                 *[str(p) for _, _, p in images]], check=True, capture_output=True, text=True)
        answers = {Path(a["input"]).name: a for a in (json.loads(line) for line in result.stdout.splitlines() if line.strip())}
        for image, values, path in images:
            answer = answers[path.name]
            vmin, vmax = float(values.min()), float(values.max())
            reconstruction = np.fromfile(answer["output"], dtype="<i4").reshape(values.shape)
            pixel_bytes = values.size * values.dtype.itemsize
            latent_psnr, latent_ssim = metrics(values, reconstruction, vmin, vmax)
            j2k, j2k_bytes = jpeg2000_at(values, int(answer["containerBytes"]), work)
            j2k_psnr, j2k_ssim = metrics(values, j2k, vmin, vmax)
            span = max(vmax - vmin, 1e-12)
            unit = torch.from_numpy((values.astype(np.float64) - vmin) / span).float()[None, None]
            bicubic = bicubic_roundtrip(unit, scale).double().clamp(0, 1)
            bicubic_psnr = float(psnr(bicubic, unit.double())[0])
            bicubic_ssim = float(ssim(bicubic, unit.double())[0])
            rows.append({
                "image": image.name, "group": image.group, "height": values.shape[0], "width": values.shape[1],
                "pixel_bytes": pixel_bytes, "latent_bytes": answer["containerBytes"],
                "quantization": answer["quantization"], "latent_psnr": latent_psnr, "latent_ssim": latent_ssim,
                "j2k_bytes": j2k_bytes, "j2k_psnr": j2k_psnr, "j2k_ssim": j2k_ssim,
                "bicubic_psnr": bicubic_psnr, "bicubic_ssim": bicubic_ssim,
            })
    (out / "results.json").write_text(json.dumps({"model": args.model, "images": rows}, indent=1))

    def mean(key: str, subset: list[dict]) -> float:
        return statistics.fmean(r[key] for r in subset)

    print(f"Model {args.model} (f={model['f']}), {len(rows)} eval images; means per group "
          f"(stored bytes: the gateway's latent container; JPEG 2000: opj_compress at no more than that size):\n")
    print("| group | images | pixel bytes | latent bytes | ratio | latent PSNR | J2K PSNR | bicubic PSNR | latent SSIM | J2K SSIM | bicubic SSIM |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for group in sorted({r["group"] for r in rows}) + ["all"]:
        subset = rows if group == "all" else [r for r in rows if r["group"] == group]
        ratio = sum(r["pixel_bytes"] for r in subset) / sum(r["latent_bytes"] for r in subset)
        print(f"| {group} | {len(subset)} | {mean('pixel_bytes', subset):,.0f} | {mean('latent_bytes', subset):,.0f} | "
              f"{ratio:.1f}x | {mean('latent_psnr', subset):.2f} | {mean('j2k_psnr', subset):.2f} | "
              f"{mean('bicubic_psnr', subset):.2f} | {mean('latent_ssim', subset):.4f} | {mean('j2k_ssim', subset):.4f} | "
              f"{mean('bicubic_ssim', subset):.4f} |")
    print(f"\nPer-image results: {out / 'results.json'}")


if __name__ == "__main__":
    main()
