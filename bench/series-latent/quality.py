"""PSNR per slice of a series served from its series latent, against tricubic down/up-sampling at the same factor,
all computed here (pydicom + numpy + scipy), not by the gateway. JSON on stdout.

The original volume: the files' stored values (pydicom), slices ordered along the normal of Image Orientation
(Patient). The reconstruction: each slice fetched over WADO-RS (Accept: multipart/related; type="application/dicom",
one request per instance) and read by pydicom; it must carry the same UIDs and geometry and the lossy flags (0028,2110)
"01" and method (0028,2114) MEDVAE3D, else the run fails.
Baselines, on the same volume, per axis factor S (4 for f=64, 8 for f=512), rounded and clipped to the volume's stored
range as the gateway clips its decode:
  tricubic             scipy.ndimage.zoom order=3 (cubic B-spline, grid_mode, edges 'nearest') to 1/S, then back;
  tricubic-antialiased the mean of each S x S x S block (area downsampling, edge-padded to a multiple of S), then
                       zoom order=3 back (the stronger baseline: no aliasing in the downsampling).
PSNR of a slice: 10 log10(range^2 / MSE) with range = max - min of the original slice (the frame's own range, as the
gateway's gate and the model cards); a constant slice has none and is left out.

Usage: quality.py BASE_URL FACTOR FILE...   (BASE_URL: http://host:port/dicomweb)
"""

import email.parser
import email.policy
import io
import json
import sys
import urllib.request

import numpy as np
import pydicom
from scipy import ndimage


def slice_order(datasets):
    row, column = (np.array(datasets[0].ImageOrientationPatient[i:i + 3], dtype=float) for i in (0, 3))
    normal = np.cross(row, column)
    return sorted(range(len(datasets)), key=lambda i: float(np.dot(normal, np.array(datasets[i].ImagePositionPatient, dtype=float))))


def fetch(base, dataset):
    url = f"{base}/studies/{dataset.StudyInstanceUID}/series/{dataset.SeriesInstanceUID}/instances/{dataset.SOPInstanceUID}"
    request = urllib.request.Request(url, headers={"Accept": 'multipart/related; type="application/dicom"'})
    with urllib.request.urlopen(request, timeout=600) as response:
        content_type = response.headers["Content-Type"]
        body = response.read()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    parts = [part.get_payload(decode=True) for part in message.iter_parts()]
    if len(parts) != 1:
        raise SystemExit(f"quality: {url} answered {len(parts)} parts, not 1")
    served = pydicom.dcmread(io.BytesIO(parts[0]))
    for keyword in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "Rows", "Columns"):
        if served.get(keyword) != dataset.get(keyword):
            raise SystemExit(f"quality: {url}: {keyword} {served.get(keyword)} differs from the original's {dataset.get(keyword)}")
    methods = served.get("LossyImageCompressionMethod", [])
    methods = [methods] if isinstance(methods, str) else list(methods)
    if served.get("LossyImageCompression") != "01" or "MEDVAE3D" not in methods:
        raise SystemExit(f"quality: {url} lacks the lossy flags of a series latent slice "
                         f"({served.get('LossyImageCompression')}, {served.get('LossyImageCompressionMethod')})")
    return served.pixel_array


def tricubic(volume, factor, antialiased):
    low, high = volume.min(), volume.max()
    if antialiased:
        padded = np.pad(volume, [(0, -n % factor) for n in volume.shape], mode="edge")
        d, h, w = (n // factor for n in padded.shape)
        small = padded.reshape(d, factor, h, factor, w, factor).mean(axis=(1, 3, 5))
    else:
        small = ndimage.zoom(volume, 1 / factor, order=3, mode="nearest", grid_mode=True)
    up = ndimage.zoom(small, factor, order=3, mode="nearest", grid_mode=True)
    up = up[tuple(slice(0, n) for n in volume.shape)]
    if up.shape != volume.shape:
        raise SystemExit(f"quality: the tricubic round trip gave {up.shape}, not {volume.shape}")
    return np.clip(np.rint(up), low, high)


def psnr(original, other):
    peak = float(original.max() - original.min())
    mse = float(np.mean((other.astype(np.float64) - original) ** 2))
    if peak == 0:
        return None
    return float("inf") if mse == 0 else 10 * np.log10(peak * peak / mse)


def summary(values):
    finite = np.array([v for v in values if v is not None])
    return {
        "slices": int(finite.size), "mean": float(finite.mean()), "min": float(finite.min()),
        "p5": float(np.percentile(finite, 5)), "p25": float(np.percentile(finite, 25)),
        "p50": float(np.percentile(finite, 50)), "p75": float(np.percentile(finite, 75)),
        "p95": float(np.percentile(finite, 95)), "max": float(finite.max()),
    }


def main():
    base, factor, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    datasets = [pydicom.dcmread(path) for path in files]
    order = slice_order(datasets)
    datasets = [datasets[i] for i in order]
    volume = np.stack([d.pixel_array for d in datasets]).astype(np.float64)
    served = np.stack([fetch(base, d) for d in datasets]).astype(np.float64)
    baselines = {"tricubic": tricubic(volume, factor, False), "tricubic-antialiased": tricubic(volume, factor, True)}
    rows = []
    for i, dataset in enumerate(datasets):
        row = {"sop": dataset.SOPInstanceUID, "instance": int(dataset.InstanceNumber), "gateway": psnr(volume[i], served[i])}
        row.update({name: psnr(volume[i], baseline[i]) for name, baseline in baselines.items()})
        rows.append(row)
    kept = [r for r in rows if r["gateway"] is not None]
    result = {"factor": factor, "slices": len(rows), "constant_slices": len(rows) - len(kept),
              "gateway": summary([r["gateway"] for r in kept])}
    for name in baselines:
        result[name] = summary([r[name] for r in kept])
        result[f"above_{name}"] = int(sum(r["gateway"] > r[name] for r in kept))
        result[f"gain_{name}"] = float(np.mean([r["gateway"] - r[name] for r in kept]))
    result["at_least_24"] = int(sum(r["gateway"] >= 24 for r in kept))
    result["at_least_30"] = int(sum(r["gateway"] >= 30 for r in kept))
    result["rows"] = rows
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
