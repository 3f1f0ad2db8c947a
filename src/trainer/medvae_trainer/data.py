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

# The index of a folder written by ``medvae_trainer pack`` (crops already scaled by their whole image's range).
PACK_INDEX = "PACK.csv"
PACK_RANGE = (0.0, 65535.0)


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
        self.extra_series: set[str] = set(spec["train_extra_eval_series"])
        self.spread: dict[str, tuple[re.Pattern[str], frozenset[int]]] = {
            folder: (re.compile(rule["pattern"]), frozenset(rule["instance_numbers"]))
            for folder, rule in spec["volume_spread"].items()}
        capacity = spec["capacity_check"]
        self.capacity_folder: str = capacity["folder"]
        self.capacity_numbers = frozenset(capacity["instance_numbers"])
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
        extra = root / "train-extra" / "INDEX.csv"
        if extra.is_file():
            with extra.open(newline="") as f:
                self.extra_series |= {extra_series_of(Path(r["png"])) for r in csv.DictReader(f) if r["split"] == "eval"}

    def is_eval(self, path: str | Path) -> bool:
        """Whether ``path`` is held out: MANIFEST.md's eval split, the train-extra eval series or the spread sample."""
        return self.is_manifest_eval(path) or self.is_extra_eval(path) or self.is_spread_eval(path)

    def is_extra_eval(self, path: str | Path) -> bool:
        """A PNG of one of the train-extra eval series (``slices/<series>__*.png`` or ``stacks/<series>/*.png``)."""
        return extra_series_of(Path(path)) in self.extra_series

    def is_spread_eval(self, path: str | Path) -> bool:
        """A slice of the sample held out over the whole of each volume series (``volume_spread``)."""
        p = Path(path)
        rule = self.spread.get(p.parent.name)
        if rule is None:
            return False
        m = rule[0].match(p.name)
        return m is None or int(m.group(1)) in rule[1]  # unknown naming inside such a folder: refuse rather than guess

    def is_capacity_check(self, path: str | Path) -> bool:
        """One of the central MPRAGE training slices used as a fit (capacity) check."""
        p = Path(path)
        m = re.match(r"(\d{4})-", p.name)
        return p.parent.name == self.capacity_folder and m is not None and int(m.group(1)) in self.capacity_numbers

    def is_manifest_eval(self, path: str | Path) -> bool:
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


def extra_series_of(path: Path) -> str | None:
    """The series id of a train-extra PNG (``slices/<series>__<plane><k>.png`` or ``stacks/<series>/<plane><k>.png``);
    None for other paths."""
    if path.parent.name == "slices":
        return path.name.split("__", 1)[0]
    if path.parent.parent.name == "stacks":
        return path.parent.name
    return None


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


def load_images(path: str | Path, group: str, guard: EvalSplit | None,
                value_range: tuple[float, float] | None = None) -> list[Image2D]:
    """Read a PNG or DICOM file as 2D images, normalised by ``value_range`` or else each by its own min and max.
    With a guard, refuses eval-split files."""
    if guard is not None:
        guard.check_train(path)
    frames = read_frames(path)
    out = []
    for i, f in enumerate(frames):
        f = _compact(f)
        name = Path(path).name if len(frames) == 1 else f"{Path(path).name}#{i}"
        lo, hi = value_range or (float(f.min()), float(f.max()))
        out.append(Image2D(name, group, f, lo, hi))
    return out


@dataclass(frozen=True)
class Source:
    path: Path
    group: str
    # The value range an image of this source is normalised by (None: its own min and max).
    value_range: tuple[float, float] | None = None
    # The held-out part it belongs to (eval-manifest, eval-extra, eval-spread), None for training images.
    part: str | None = None


def _group_of(path: Path) -> str:
    """The source group of an image: ``<family>-<source>``, where the family (xray, ct, mr, pt) is what training
    balances first (:data:`FAMILY_WEIGHTS`) and the source what it balances within a family."""
    name = path.name
    if name.startswith("nih-cxr14__") or "nih_" in name or "NIH" in name:
        return "xray-nih"
    if name.startswith("mhh-covid__"):
        return "xray-mhh"
    if name.startswith("grazpedwri-dx__"):
        return "xray-wrist"
    parent = path.parent.name
    if parent.startswith("ct-"):
        return "ct-covid"
    if parent.startswith("mr-t1-sag-mprage"):
        return "mr-siemens-mprage"
    if parent.startswith("mr-"):
        return "mr-siemens-640"
    return "xray-nema"


def _extra_group(row: dict[str, str]) -> str:
    vendor = (row["vendor"].split() or ["unknown"])[0].lower()
    return f"{row['modality'].lower()}-{vendor}"


# Splits discover() knows: everything held out, its three parts, the training images, and the fit check.
SPLITS = ("train", "eval", "eval-manifest", "eval-extra", "eval-spread", "capacity", "all")


def _held_out_part(guard: EvalSplit, p: Path, row_split: str | None) -> str | None:
    if guard.is_manifest_eval(p) or (row_split == "eval" and "train-extra" not in p.parts):
        return "eval-manifest"
    if guard.is_extra_eval(p) or row_split == "eval":
        return "eval-extra"
    if guard.is_spread_eval(p):
        return "eval-spread"
    return None


def discover(root: str | Path, split: str, guard: EvalSplit | None = None) -> list[Source]:
    """Image files of ``split`` (one of :data:`SPLITS`) under ``root``.

    For the shared data layout (``xray/index.csv``): the PNGs of ``xray/png``, ``xray/more`` and ``train-extra``
    selected by their split columns, plus the DICOM slices under ``volumes/`` split by the guard's rules. For any
    other folder: every PNG/DICOM file below it, split by the guard's rules. ``eval`` is every held-out image
    (MANIFEST.md's eval split, the train-extra eval series, the spread sample of the volumes); ``capacity`` the
    central MPRAGE training slices.
    """
    root = Path(root)
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    guard = guard or EvalSplit(root)

    def wanted(p: Path, row_split: str | None = None) -> bool:
        part = _held_out_part(guard, p, row_split)
        if split == "all":
            return True
        if split == "train":
            return part is None
        if split == "capacity":
            return part is None and guard.is_capacity_check(p)
        return part is not None and split in ("eval", part)

    found: list[Source] = []
    if (root / PACK_INDEX).is_file():
        if split not in ("train", "all"):
            return found  # a pack holds training crops only
        with (root / PACK_INDEX).open(newline="") as f:
            return [Source(root / r["file"], r["group"], PACK_RANGE) for r in csv.DictReader(f)]
    index = root / "xray" / "index.csv"
    if index.is_file():
        by_name = lambda _row, path: _group_of(path)  # noqa: E731
        by_vendor = lambda row, _path: _extra_group(row)  # noqa: E731
        for csv_path, folder, column, group in (
                (index, root / "xray", "png", by_name),
                (root / "xray" / "more" / "INDEX.csv", root / "xray" / "more", "file", by_name),
                (root / "train-extra" / "INDEX.csv", root / "train-extra", "png", by_vendor)):
            if not csv_path.is_file():
                continue
            with csv_path.open(newline="") as f:
                for r in csv.DictReader(f):
                    p = folder / r[column]
                    if wanted(p, r["split"]):
                        found.append(Source(p, group(r, p), part=_held_out_part(guard, p, r["split"])))
        files = sorted((root / "volumes").rglob("*")) if (root / "volumes").is_dir() else []
    else:
        files = sorted(root.rglob("*"))
    for p in files:
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and wanted(p):
            found.append(Source(p, _group_of(p), part=_held_out_part(guard, p, None)))
    return found


# How often training draws from each image family (radiographs, CT, MR, PET), whatever their pixel counts.
FAMILY_WEIGHTS = {"xray": 0.30, "ct": 0.25, "mr": 0.40, "pt": 0.05}


@dataclass(frozen=True)
class Augmentation:
    """Random changes that real archives show (each with its probability; ``none()`` turns all off):
    rescaling by a factor in [min_scale, max_scale], flips and 90-degree rotations, a gamma in [1/max_gamma, max_gamma],
    a compressed intensity range (an outlier far above the anatomy makes the rest dark after min-max scaling), Gaussian
    noise with a standard deviation up to ``max_noise`` of the range, and a partial field of view (a band of the crop
    at the background value)."""

    rescale: float = 0.5
    min_scale: float = 0.6
    max_scale: float = 1.5
    rotate: bool = True
    gamma: float = 0.3
    max_gamma: float = 1.7
    dark: float = 0.15
    min_dark: float = 0.2
    noise: float = 0.25
    max_noise: float = 0.03
    partial_fov: float = 0.1

    @staticmethod
    def none() -> "Augmentation":
        return Augmentation(rescale=0.0, rotate=False, gamma=0.0, dark=0.0, noise=0.0, partial_fov=0.0)


def _family(group: str) -> str:
    return group.split("-", 1)[0]


def balanced_weights(images: list[Image2D]) -> np.ndarray:
    """Sampling probabilities: families by :data:`FAMILY_WEIGHTS` (renormalised over those present), source groups
    equally within a family, images by the square root of their area within a group."""
    groups = sorted({im.group for im in images})
    families = sorted({_family(g) for g in groups})
    family_weight = {f: FAMILY_WEIGHTS.get(f, 0.05) for f in families}
    total = sum(family_weight.values())
    weights = np.zeros(len(images))
    for g in groups:
        members = [i for i, im in enumerate(images) if im.group == g]
        share = family_weight[_family(g)] / total / sum(1 for h in groups if _family(h) == _family(g))
        area = np.sqrt([float(images[i].pixels.size) for i in members])
        weights[members] = share * area / area.sum()
    return weights / weights.sum()


class CropSampler:
    """Random square crops as float32 arrays in [-1, 1]: images drawn by :func:`balanced_weights`, each crop
    normalised by its image's own min and max (as the gateway normalises a frame), then augmented."""

    def __init__(self, images: list[Image2D], crop: int, seed: int, augmentation: Augmentation | None = None) -> None:
        if not images:
            raise ValueError("no training images")
        self.images = images
        self.crop = crop
        self.aug = augmentation or Augmentation()
        self.rng = np.random.default_rng(seed)
        self.p = balanced_weights(images)

    def sample(self, batch: int) -> np.ndarray:
        out = np.empty((batch, 1, self.crop, self.crop), np.float32)
        for b in range(batch):
            out[b, 0] = self._one()
        return out

    def _one(self) -> np.ndarray:
        rng, aug, c = self.rng, self.aug, self.crop
        im = self.images[rng.choice(len(self.images), p=self.p)]
        scale = float(np.exp(rng.uniform(np.log(aug.min_scale), np.log(aug.max_scale)))) if rng.random() < aug.rescale else 1.0
        side = max(4, int(round(c / scale)))
        h, w = im.pixels.shape
        y = int(rng.integers(0, max(h - side, 0) + 1))
        x = int(rng.integers(0, max(w - side, 0) + 1))
        patch = im.normalized((slice(y, y + side), slice(x, x + side)))
        if patch.shape != (side, side):
            patch = np.pad(patch, ((0, side - patch.shape[0]), (0, side - patch.shape[1])), mode="reflect")
        if side != c:
            patch = _resize(patch, c)
        if aug.rotate:
            patch = np.rot90(patch, int(rng.integers(0, 4)))
        if rng.random() < 0.5:
            patch = patch[:, ::-1]
        if rng.random() < 0.5:
            patch = patch[::-1, :]
        unit = np.clip((patch.astype(np.float32) + 1) / 2, 0.0, 1.0)  # bicubic rescaling overshoots
        unit = augment_intensity(unit, rng, aug)
        if rng.random() < aug.partial_fov:
            band = int(rng.uniform(0.1, 0.5) * c)
            unit = np.rot90(unit, int(rng.integers(0, 4))).copy()
            unit[:band] = 0.0
        return np.clip(unit * 2 - 1, -1.0, 1.0).astype(np.float32)

    def state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state


def augment_intensity(unit: np.ndarray, rng: np.random.Generator, aug: Augmentation) -> np.ndarray:
    """The intensity part of the augmentation on a crop in [0, 1] (2D or 3D): gamma, a compressed range and noise,
    each with its probability; draws from ``rng`` in this order (resumed runs continue the same stream)."""
    if rng.random() < aug.gamma:
        unit = unit ** np.float32(np.exp(rng.uniform(-np.log(aug.max_gamma), np.log(aug.max_gamma))))
    if rng.random() < aug.dark:
        unit = unit * np.float32(rng.uniform(aug.min_dark, 1.0))
    if rng.random() < aug.noise:
        unit = unit + rng.normal(0.0, rng.uniform(0.0, aug.max_noise), unit.shape).astype(np.float32)
    return unit


def _resize(patch: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(np.ascontiguousarray(patch, dtype=np.float32)).resize((size, size), Image.BICUBIC))
