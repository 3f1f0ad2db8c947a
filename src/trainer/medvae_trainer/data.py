"""Images from folders of DICOM and PNG, per-image intensity normalisation, the eval-split guard,
and the random-crop sampler used for training."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (".png", ".dcm", ".dicom")


class EvalSplitError(RuntimeError):
    """Raised when training code tries to read an image of the evaluation split."""


class EvalSplit:
    """Knows which files belong to the evaluation split (../shared/data/MANIFEST.md).

    Rules: the ``split`` column of ``xray/index.csv`` (ids, matched on the file stem in any folder)
    and of ``xray/more/INDEX.csv`` (file names); CT slices of patients A098752 and A072894; slices
    150-192 (InstanceNumber, which is the 4-digit file-name prefix) of the paediatric MPRAGE series;
    and any other copy of an eval image (file names containing ``RG3_``, ``OutOfBoundsOverlay`` or
    ``00027426_000``). The lists ship with the package and are extended from the CSVs of a data root.
    """

    def __init__(self, data_root: Path | None = None) -> None:
        spec = json.loads(resources.files(__package__).joinpath("eval_split.json").read_text())
        self.xray_ids: set[str] = set(spec["xray_ids"])
        self.more_files: set[str] = set(spec["xray_more_files"])
        self.ct_prefixes: tuple[str, ...] = tuple(spec["ct_patient_prefixes"])
        self.mprage_folder: str = spec["mprage_folder"]
        lo, hi = spec["mprage_instance_numbers"]
        self.mprage_range = range(lo, hi + 1)
        self.substrings: tuple[str, ...] = tuple(spec["name_substrings"])
        if data_root is not None:
            self._extend_from_csvs(Path(data_root))

    def _extend_from_csvs(self, root: Path) -> None:
        index = root / "xray" / "index.csv"
        if index.is_file():
            with index.open(newline="") as f:
                self.xray_ids |= {r["id"] for r in csv.DictReader(f) if r["split"] == "eval"}
        more = root / "xray" / "more" / "INDEX.csv"
        if more.is_file():
            with more.open(newline="") as f:
                self.more_files |= {r["file"] for r in csv.DictReader(f) if r["split"] == "eval"}

    def is_eval(self, path: str | Path) -> bool:
        p = Path(path)
        name = p.name
        if p.stem in self.xray_ids or name in self.more_files:
            return True
        if any(s in name for s in self.substrings):
            return True
        if name.startswith(self.ct_prefixes):
            return True
        if p.parent.name == self.mprage_folder:
            m = re.match(r"(\d{4})-", name)
            if m is None or int(m.group(1)) in self.mprage_range:
                return True  # unknown naming inside the MPRAGE folder: refuse rather than guess
        return False

    def check_train(self, path: str | Path) -> None:
        if self.is_eval(path):
            raise EvalSplitError(f"refusing to read {path}: it belongs to the evaluation split")


@dataclass
class Image2D:
    """One 2D image: stored values (any numeric dtype) and the per-image intensity range."""

    name: str
    group: str
    pixels: np.ndarray
    vmin: float
    vmax: float

    def normalized(self, region: tuple[slice, slice] | None = None) -> np.ndarray:
        """Values mapped to [-1, 1] by the image's own min and max (float32)."""
        px = self.pixels if region is None else self.pixels[region]
        span = self.vmax - self.vmin
        if span <= 0:
            return np.zeros(px.shape, np.float32)
        return ((px.astype(np.float32) - np.float32(self.vmin)) * np.float32(2.0 / span) - 1.0).astype(np.float32)

    def unit(self) -> np.ndarray:
        """Values mapped to [0, 1] by the image's own min and max (float64, for metrics)."""
        span = self.vmax - self.vmin
        px = self.pixels.astype(np.float64)
        return np.zeros_like(px) if span <= 0 else (px - self.vmin) / span


def _read_png(path: Path) -> list[np.ndarray]:
    from PIL import Image

    with Image.open(path) as im:
        arr = np.asarray(im)
    if arr.ndim == 3:
        arr = arr[..., :3].astype(np.float32).mean(axis=2)
    return [arr]


def _read_dicom(path: Path) -> list[np.ndarray]:
    import pydicom

    ds = pydicom.dcmread(str(path), force=True)  # force: ACR-NEMA style files without a preamble
    if "TransferSyntaxUID" not in getattr(ds, "file_meta", {}):
        ds.file_meta = getattr(ds, "file_meta", pydicom.dataset.FileMetaDataset())
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
    arr = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    spp = int(getattr(ds, "SamplesPerPixel", 1))
    if frames == 1:
        arr = arr[None]
    if spp > 1:
        arr = arr.astype(np.float32).mean(axis=-1)
    if str(getattr(ds, "PhotometricInterpretation", "")) == "MONOCHROME1":
        top = (1 << int(ds.BitsStored)) - 1
        arr = top - arr.astype(np.int64) if np.issubdtype(arr.dtype, np.integer) else arr.max() - arr
    return [np.ascontiguousarray(f) for f in arr]


def read_frames(path: str | Path) -> list[np.ndarray]:
    """Stored pixel values of every frame (MONOCHROME1 inverted, colour averaged)."""
    p = Path(path)
    if p.suffix.lower() == ".png":
        return _read_png(p)
    return _read_dicom(p)


def _compact(arr: np.ndarray) -> np.ndarray:
    if np.issubdtype(arr.dtype, np.integer):
        lo, hi = int(arr.min()), int(arr.max())
        for dt in (np.uint8, np.uint16, np.int16, np.int32):
            info = np.iinfo(dt)
            if info.min <= lo and hi <= info.max:
                return arr.astype(dt, copy=False)
    return arr.astype(np.float32, copy=False)


def load_images(path: str | Path, group: str, guard: EvalSplit | None) -> list[Image2D]:
    """Read a PNG or DICOM file as 2D images. With a guard, refuses eval-split files."""
    if guard is not None:
        guard.check_train(path)
    frames = read_frames(path)
    out = []
    for i, f in enumerate(frames):
        f = _compact(f)
        name = Path(path).name if len(frames) == 1 else f"{Path(path).name}#{i}"
        out.append(Image2D(name, group, f, float(f.min()), float(f.max())))
    return out


@dataclass(frozen=True)
class Source:
    path: Path
    group: str


def _group_of(path: Path) -> str:
    name = path.name
    if name.startswith("nih-cxr14__") or "nih_" in name or "NIH" in name:
        return "xray-nih"
    if name.startswith("mhh-covid__"):
        return "xray-mhh"
    if name.startswith("grazpedwri-dx__"):
        return "xray-wrist"
    parent = path.parent.name
    if parent.startswith("ct-"):
        return "ct"
    if parent.startswith("mr-"):
        return "mr"
    return "xray"


def discover(root: str | Path, split: str, guard: EvalSplit | None = None) -> list[Source]:
    """Image files of ``split`` ("train", "eval" or "all") under ``root``.

    For the shared data layout (``xray/index.csv``): the PNGs of ``xray/png`` and ``xray/more``
    selected by their split column, plus the DICOM slices under ``volumes/`` split by the guard's
    rules. For any other folder: every PNG/DICOM file below it, split by the guard's rules.
    """
    root = Path(root)
    if split not in ("train", "eval", "all"):
        raise ValueError(f"split must be train, eval or all, not {split!r}")
    guard = guard or EvalSplit(root)

    def wanted(p: Path, row_split: str | None = None) -> bool:
        is_eval = guard.is_eval(p) or row_split == "eval"
        return split == "all" or (split == "eval") == is_eval

    found: list[Source] = []
    index = root / "xray" / "index.csv"
    if index.is_file():
        with index.open(newline="") as f:
            for r in csv.DictReader(f):
                p = root / "xray" / r["png"]
                if wanted(p, r["split"]):
                    found.append(Source(p, _group_of(p)))
        more = root / "xray" / "more" / "INDEX.csv"
        if more.is_file():
            with more.open(newline="") as f:
                for r in csv.DictReader(f):
                    p = root / "xray" / "more" / r["file"]
                    if wanted(p, r["split"]):
                        found.append(Source(p, _group_of(p)))
        files = sorted((root / "volumes").rglob("*")) if (root / "volumes").is_dir() else []
    else:
        files = sorted(root.rglob("*"))
    for p in files:
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and wanted(p):
            found.append(Source(p, _group_of(p)))
    return found


class CropSampler:
    """Random crops with random flips, as float32 arrays in [-1, 1]."""

    def __init__(self, images: list[Image2D], crop: int, seed: int) -> None:
        if not images:
            raise ValueError("no training images")
        self.images = images
        self.crop = crop
        self.rng = np.random.default_rng(seed)
        area = np.array([float(im.pixels.shape[0] * im.pixels.shape[1]) for im in images])
        weights = np.sqrt(area)
        self.p = weights / weights.sum()

    def sample(self, batch: int) -> np.ndarray:
        out = np.empty((batch, 1, self.crop, self.crop), np.float32)
        for b in range(batch):
            im = self.images[self.rng.choice(len(self.images), p=self.p)]
            h, w = im.pixels.shape
            c = self.crop
            y = int(self.rng.integers(0, max(h - c, 0) + 1))
            x = int(self.rng.integers(0, max(w - c, 0) + 1))
            patch = im.normalized((slice(y, y + c), slice(x, x + c)))
            if patch.shape != (c, c):
                patch = np.pad(patch, ((0, c - patch.shape[0]), (0, c - patch.shape[1])), mode="reflect")
            if self.rng.random() < 0.5:
                patch = patch[:, ::-1]
            if self.rng.random() < 0.5:
                patch = patch[::-1, :]
            out[b, 0] = patch
        return out

    def state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state
