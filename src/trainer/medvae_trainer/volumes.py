"""Volumes for the 3D models: DICOM series and the 16-slice stacks of train-extra as (D, H, W) arrays in slice order,
the 3D held-out rule, per-volume min/max normalisation and the random 3D crop sampler."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .data import (FAMILY_WEIGHTS, Augmentation, EvalSplit, augment_intensity, EvalSplitError, _compact, _extra_group, _group_of,
                   read_frames)

# A series or run shorter than this many slices is no volume (the CT folder holds single slices of 20 series).
MIN_SLICES = 8
STACK_NAME = re.compile(r"^acq(\d+)\.png$")


class VolumeSplit:
    """What 3D training may not read: MANIFEST.md's eval split and the train-extra eval series (as in 2D, see
    :class:`~medvae_trainer.data.EvalSplit`) and the held-out slabs of ``volume3d_held_out`` in eval_split.json
    (file-name index, inclusive; an unrecognised name inside such a folder is held out). The 2D spread sample is
    not part of it: 3D crops need contiguous slices, and a slice every 10 leaves runs of 9 (docs/training.md)."""

    def __init__(self, data_root: str | Path | None = None) -> None:
        self.base = EvalSplit(Path(data_root) if data_root is not None else None)
        spec = json.loads(resources.files(__package__).joinpath("eval_split.json").read_text())
        self.slabs: dict[str, tuple[re.Pattern[str], tuple[tuple[int, int], ...]]] = {
            folder: (re.compile(rule["pattern"]), tuple((int(lo), int(hi)) for lo, hi in rule["slabs"]))
            for folder, rule in spec["volume3d_held_out"].items()}

    def in_held_out_slab(self, path: str | Path) -> bool:
        p = Path(path)
        rule = self.slabs.get(p.parent.name)
        if rule is None:
            return False
        m = rule[0].match(p.name)
        return m is None or any(lo <= int(m.group(1)) <= hi for lo, hi in rule[1])

    def is_held_out(self, path: str | Path) -> bool:
        return self.base.is_manifest_eval(path) or self.base.is_extra_eval(path) or self.in_held_out_slab(path)

    def check_train(self, path: str | Path) -> None:
        if self.is_held_out(path):
            raise EvalSplitError(f"refusing to read {path}: it is held out from 3D training")


@dataclass(frozen=True)
class VolumeSource:
    """The files of one volume in slice order: a run of a DICOM series (ordered along the slice normal) or a
    train-extra stack (ordered by its acquired-plane index). ``part`` is None for training volumes, ``eval-3d`` for
    held-out ones (read whole: eval may read anything)."""

    name: str
    group: str
    files: tuple[Path, ...]
    part: str | None = None


@dataclass
class Volume:
    """Stored values (D, H, W) and the per-volume range; ``held_out`` flags each slice held out from 3D training."""

    name: str
    group: str
    pixels: np.ndarray
    vmin: float
    vmax: float
    held_out: np.ndarray

    def normalized(self, region: tuple[slice, slice, slice] | None = None) -> np.ndarray:
        """Values mapped to [-1, 1] by the volume's own min and max (float32), as the gateway normalises a series."""
        px = self.pixels if region is None else self.pixels[region]
        span = self.vmax - self.vmin
        if span <= 0:
            return np.full(px.shape, -1.0, np.float32)
        return ((px.astype(np.float32) - np.float32(self.vmin)) * np.float32(2.0 / span) - 1.0).astype(np.float32)

    def unit(self) -> np.ndarray:
        """Values mapped to [0, 1] by the volume's own min and max (float32, for metrics)."""
        return (self.normalized() + 1.0) / 2.0


def _slice_header(path: Path) -> tuple[str, float, float]:
    """(SeriesInstanceUID, position along the slice normal, InstanceNumber) of one DICOM slice (header only)."""
    import pydicom

    ds = pydicom.dcmread(str(path), stop_before_pixels=True, force=True)
    iop = [float(v) for v in getattr(ds, "ImageOrientationPatient", [1, 0, 0, 0, 1, 0])]
    ipp = [float(v) for v in getattr(ds, "ImagePositionPatient", [0, 0, float(getattr(ds, "InstanceNumber", 0))])]
    normal = np.cross(iop[:3], iop[3:])
    return str(getattr(ds, "SeriesInstanceUID", path.parent.name)), float(np.dot(normal, ipp)), float(
        getattr(ds, "InstanceNumber", 0) or 0)


def contiguous_runs(positions: list[float]) -> list[tuple[int, int]]:
    """Index ranges [start, stop) of sorted ``positions`` whose steps stay within 1.5 times the median step (a
    missing, held-out slice starts a new run)."""
    if len(positions) < 2:
        return [(0, len(positions))] if positions else []
    steps = np.diff(positions)
    median = float(np.median(steps))
    runs, start = [], 0
    for i, step in enumerate(steps):
        if step > 1.5 * median:
            runs.append((start, i + 1))
            start = i + 1
    runs.append((start, len(positions)))
    return runs


def _dicom_volumes(folder: Path, split: VolumeSplit, train: bool) -> list[VolumeSource]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".dcm", ".dicom"))
    if train:
        files = [p for p in files if not split.is_held_out(p)]  # decided by name, before any file is opened
    elif not any(split.is_held_out(p) for p in files):
        return []
    series: dict[str, list[tuple[float, float, Path]]] = {}
    for p in files:
        uid, pos, number = _slice_header(p)
        series.setdefault(uid, []).append((pos, number, p))
    out = []
    for members in series.values():
        if len(members) < MIN_SLICES:
            continue
        members.sort()
        runs = contiguous_runs([m[0] for m in members]) if train else [(0, len(members))]
        for start, stop in runs:
            run = members[start:stop]
            if len(run) < MIN_SLICES:
                continue
            name = f"{folder.name}[{int(run[0][1])}-{int(run[-1][1])}]"
            out.append(VolumeSource(name, _group_of(run[0][2]), tuple(m[2] for m in run), None if train else "eval-3d"))
    return out


def _stack_volumes(root: Path, split: VolumeSplit, train: bool) -> list[VolumeSource]:
    index = root / "train-extra" / "INDEX.csv"
    if not index.is_file():
        return []
    stacks: dict[str, list[tuple[int, Path]]] = {}
    groups: dict[str, str] = {}
    with index.open(newline="") as f:
        for r in csv.DictReader(f):
            if r["kind"] != "stack":
                continue
            p = root / "train-extra" / r["png"]
            held_out = r["split"] == "eval" or split.is_held_out(p)
            if held_out == train:
                continue
            m = STACK_NAME.match(p.name)
            if m is None:
                raise ValueError(f"unexpected stack file name {p}")
            stacks.setdefault(p.parent.name, []).append((int(m.group(1)), p))
            groups[p.parent.name] = _extra_group(r)
    out = []
    for series, members in sorted(stacks.items()):
        members.sort()
        numbers = [n for n, _ in members]
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            raise ValueError(f"stack {series} is not contiguous: {numbers}")
        out.append(VolumeSource(f"train-extra/{series}", groups[series], tuple(p for _, p in members),
                                None if train else "eval-3d"))
    return out


def discover_volumes(root: str | Path, split: str, guard: VolumeSplit | None = None) -> list[VolumeSource]:
    """Volumes of ``split`` under a data root laid out like ../shared/data.

    ``train``: the contiguous runs (at least 8 slices) of every DICOM series under ``volumes/`` left after the
    held-out slices are removed by name, and the train-extra stacks whose split is ``train``. ``eval``: every
    series that has held-out slices, whole (evaluation encodes the whole volume, as the gateway does, and scores
    the held-out slices), and the train-extra eval stacks."""
    if split not in ("train", "eval"):
        raise ValueError(f"split must be train or eval, not {split!r}")
    root = Path(root)
    guard = guard or VolumeSplit(root)
    train = split == "train"
    out: list[VolumeSource] = []
    if (root / "volumes").is_dir():
        for folder in sorted(p for p in (root / "volumes").iterdir() if p.is_dir()):
            out.extend(_dicom_volumes(folder, guard, train))
    out.extend(_stack_volumes(root, guard, train))
    return out


def load_volume(source: VolumeSource, guard: VolumeSplit | None, rule: VolumeSplit | None = None) -> Volume:
    """Reads a volume's slices (with a guard: refuses the whole volume before opening any file if one is held out).
    Normalised by its own min and max: for a training run that is the run's range, for an eval volume the whole
    series' range. ``rule`` (default: the guard, else the packaged rules) flags the held-out slices."""
    if guard is not None:
        for p in source.files:
            guard.check_train(p)
    slices = []
    for p in source.files:
        frames = read_frames(p)
        if len(frames) != 1:
            raise ValueError(f"{p}: a volume slice must have one frame, not {len(frames)}")
        slices.append(frames[0])
    shapes = {s.shape for s in slices}
    if len(shapes) != 1:
        raise ValueError(f"{source.name}: slices of different sizes {sorted(shapes)}")
    pixels = _compact(np.stack(slices))
    lo, hi = float(pixels.min()), float(pixels.max())
    rule = rule or guard or VolumeSplit()
    held_out = np.array([rule.is_held_out(p) for p in source.files])
    return Volume(source.name, source.group, pixels, lo, hi, held_out)


def volume_weights(volumes: list[Volume]) -> np.ndarray:
    """Sampling probabilities: families by :data:`~medvae_trainer.data.FAMILY_WEIGHTS` (renormalised over those
    present), volumes within a family by the square root of their voxel count (the two large series outweigh a
    16-slice stack by 11 to 1 or more, but do not drown the vendors' stacks)."""
    families = sorted({v.group.split("-", 1)[0] for v in volumes})
    fw = {f: FAMILY_WEIGHTS.get(f, 0.05) for f in families}
    total = sum(fw.values())
    weights = np.zeros(len(volumes))
    for f in families:
        members = [i for i, v in enumerate(volumes) if v.group.split("-", 1)[0] == f]
        size = np.sqrt([float(volumes[i].pixels.size) for i in members])
        weights[members] = fw[f] / total * size / size.sum()
    return weights / weights.sum()


class VolumeCropSampler:
    """Random cubic crops (N, 1, c, c, c) in [-1, 1]: volumes drawn by :func:`volume_weights`, each crop normalised
    by its volume's min and max, axes shorter than the crop mirrored (symmetric padding, as 2D reflects), then
    augmented: flips of every axis, in-plane 90-degree rotations, gamma, a compressed range, noise and a partial
    field of view (the probabilities of :class:`~medvae_trainer.data.Augmentation`; no rescaling in 3D)."""

    def __init__(self, volumes: list[Volume], crop: int, seed: int, augmentation: Augmentation | None = None) -> None:
        if not volumes:
            raise ValueError("no training volumes")
        self.volumes = volumes
        self.crop = crop
        self.aug = augmentation or Augmentation()
        self.rng = np.random.default_rng(seed)
        self.p = volume_weights(volumes)

    def sample(self, batch: int) -> np.ndarray:
        out = np.empty((batch, 1, self.crop, self.crop, self.crop), np.float32)
        for b in range(batch):
            out[b, 0] = self._one()
        return out

    def _one(self) -> np.ndarray:
        rng, aug, c = self.rng, self.aug, self.crop
        vol = self.volumes[rng.choice(len(self.volumes), p=self.p)]
        region = []
        for n in vol.pixels.shape:
            start = int(rng.integers(0, max(n - c, 0) + 1))
            region.append(slice(start, start + c))
        patch = vol.normalized(tuple(region))
        pad = [(0, c - n) for n in patch.shape]
        if any(p[1] for p in pad):
            patch = np.pad(patch, pad, mode="symmetric")
        if aug.rotate:
            patch = np.rot90(patch, int(rng.integers(0, 4)), axes=(1, 2))
            for axis in range(3):
                if rng.random() < 0.5:
                    patch = np.flip(patch, axis)
        unit = np.clip((patch.astype(np.float32) + 1) / 2, 0.0, 1.0)
        unit = augment_intensity(unit, rng, aug)
        if rng.random() < aug.partial_fov:
            band = int(rng.uniform(0.1, 0.5) * c)
            unit = np.rot90(unit, int(rng.integers(0, 4)), axes=(1, 2)).copy()
            unit[:, :band] = 0.0
        return np.clip(unit * 2 - 1, -1.0, 1.0).astype(np.float32)

    def state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state
