"""Reference PSNR and SSIM per frame for the gateway's quality tests (numpy only; skimage and scipy are not installed).

Usage: /usr/bin/python3 quality_reference.py ORIGINAL.i32 RECONSTRUCTED.i32 FRAMES ROWS COLUMNS
Both files hold int32 little-endian stored values, frame after frame. Prints one JSON object per frame:
{"psnr": dB or null when equal, "ssim": mean SSIM}. Definitions: values divided by the original frame's range
(max - min, 1 when constant); PSNR = 10 log10(1 / MSE); SSIM after Wang et al. (2004) with a 2-D 11x11 Gaussian
window (sigma 1.5), K1 = 0.01, K2 = 0.03, averaged over the window positions wholly inside the frame.
"""
import json
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def gaussian_window(size: int, sigma: float = 1.5) -> np.ndarray:
    axis = np.arange(size) - size // 2
    xx, yy = np.meshgrid(axis, axis, indexing="ij")
    window = np.exp(-(xx**2 + yy**2) / (2 * sigma**2))
    return window / window.sum()


def local_mean(image: np.ndarray, window: np.ndarray) -> np.ndarray:
    return np.einsum("ijkl,kl->ij", sliding_window_view(image, window.shape), window)


def frame_quality(original: np.ndarray, reconstructed: np.ndarray) -> dict:
    lo, hi = float(original.min()), float(original.max())
    scale = hi - lo if hi > lo else 1.0
    x = (original.astype(np.float64) - lo) / scale
    y = (reconstructed.astype(np.float64) - lo) / scale
    mse = np.mean((x - y) ** 2)
    psnr = None if mse == 0 else float(10 * np.log10(1.0 / mse))
    size = min(11, *original.shape)
    size -= 1 - size % 2
    w = gaussian_window(size)
    mx, my = local_mean(x, w), local_mean(y, w)
    vx = local_mean(x * x, w) - mx * mx
    vy = local_mean(y * y, w) - my * my
    cxy = local_mean(x * y, w) - mx * my
    c1, c2 = 0.01**2, 0.03**2
    ssim = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return {"psnr": psnr, "ssim": float(ssim.mean())}


def main() -> None:
    original_path, reconstructed_path, frames, rows, columns = sys.argv[1:6]
    shape = (int(frames), int(rows), int(columns))
    original = np.fromfile(original_path, dtype="<i4").reshape(shape)
    reconstructed = np.fromfile(reconstructed_path, dtype="<i4").reshape(shape)
    for f in range(shape[0]):
        print(json.dumps(frame_quality(original[f], reconstructed[f])))


if __name__ == "__main__":
    main()
