"""3D volumes: the 3D held-out rule, the loader that keeps to it, normalisation and crops."""

import csv
import re

import numpy as np
import pydicom
import pytest

from medvae_trainer import volumes as volumes_module
from medvae_trainer.data import EvalSplit, EvalSplitError
from medvae_trainer.volumes import (Volume, VolumeCropSampler, VolumeSource, VolumeSplit, contiguous_runs,
                                    discover_volumes, load_volume, volume_weights)

MPRAGE = "mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon"
MR640 = "mr-640x640__Seg3DData-example_dicom"
UID = "1.3.12.2.1107.5.2.19.45152.2013030808110258929186035"

# The 3D rule written out here, independently of eval_split.json: MPRAGE slices 65-96 and 129-192, slices 29-44 of
# the 640x640 series, the train-extra eval series whole, MANIFEST.md's eval split.
MPRAGE_HELD_OUT = set(range(65, 97)) | set(range(129, 193))
MR640_HELD_OUT = set(range(29, 45))


@pytest.mark.parametrize("path", [
    f"volumes/{MPRAGE}/0150-{UID}.dcm",
    f"volumes/{MPRAGE}/0192-{UID}.dcm",
    f"volumes/{MPRAGE}/0129-{UID}.dcm",
    f"volumes/{MPRAGE}/0065-{UID}.dcm",
    f"volumes/{MPRAGE}/0096-{UID}.dcm",
    f"volumes/{MPRAGE}/slice.dcm",
    f"volumes/{MR640}/IM-0001-0029.dcm",
    f"volumes/{MR640}/IM-0001-0044.dcm",
    "train-extra/stacks/toshiba-galan-dti/acq012.png",
    "train-extra/stacks/philips-achieva-dti-2008/acq022.png",
    "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A098752_19001231-32.dcm",
    "xray/png/nema-wg04__RG3_J2KR.png",
])
def test_3d_guard_refuses_held_out_files_before_opening_them(path, tmp_path):
    guard = VolumeSplit()
    assert guard.is_held_out(path)
    source = VolumeSource("v", "mr-x", (tmp_path / f"volumes/{MPRAGE}/0001-{UID}.dcm", tmp_path / path))
    with pytest.raises(EvalSplitError):  # the files do not exist: the guard must fail first, not the reader
        load_volume(source, guard)


@pytest.mark.parametrize("path", [
    f"volumes/{MPRAGE}/0001-{UID}.dcm",
    f"volumes/{MPRAGE}/0064-{UID}.dcm",
    f"volumes/{MPRAGE}/0097-{UID}.dcm",
    f"volumes/{MPRAGE}/0128-{UID}.dcm",
    f"volumes/{MR640}/IM-0001-0028.dcm",
    "train-extra/stacks/canon-galan-dti/acq012.png",
])
def test_3d_guard_allows_training_slabs(path):
    assert not VolumeSplit().is_held_out(path)


def test_every_manifest_eval_file_is_held_out_from_3d_training_too(shared_data):
    from medvae_trainer.data import discover

    guard = VolumeSplit(shared_data)
    for source in discover(shared_data, "eval-manifest") + discover(shared_data, "eval-extra"):
        assert guard.is_held_out(source.path), source.path


def _instance_number(path) -> int:
    return int(pydicom.dcmread(str(path), stop_before_pixels=True).InstanceNumber)


def _csv_stacks(root, split):
    with (root / "train-extra" / "INDEX.csv").open(newline="") as f:
        return {r["png"].split("/")[1] for r in csv.DictReader(f) if r["kind"] == "stack" and r["split"] == split}


def test_3d_training_volumes_are_the_allowed_slabs_and_the_train_stacks(shared_data):
    sources = discover_volumes(shared_data, "train")
    mprage = sorted(_instance_number(p) for s in sources for p in s.files if p.parent.name == MPRAGE)
    mr640 = sorted(_instance_number(p) for s in sources for p in s.files if p.parent.name == MR640)
    assert mprage == [n for n in range(1, 193) if n not in MPRAGE_HELD_OUT]
    assert mr640 == [n for n in range(1, 45) if n not in MR640_HELD_OUT]
    stacks = {s.name.removeprefix("train-extra/") for s in sources if s.name.startswith("train-extra/")}
    assert stacks == _csv_stacks(shared_data, "train") and len(stacks) == 32
    # runs never bridge a held-out slab: every training volume is contiguous in InstanceNumber
    for s in sources:
        if s.files[0].suffix == ".dcm":
            numbers = [_instance_number(p) for p in s.files]
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), s.name
    assert not any(p.parent.parent.name == "ct-axial-slices__TCIA-COVID-19-NY-SBU" for s in sources for p in s.files)


def test_3d_eval_volumes_are_whole_series_with_their_held_out_slices_flagged(shared_data):
    rule = VolumeSplit(shared_data)
    sources = {s.name: s for s in discover_volumes(shared_data, "eval", rule)}
    assert {n.removeprefix("train-extra/") for n in sources if n.startswith("train-extra/")} == _csv_stacks(
        shared_data, "eval")
    mprage = next(s for n, s in sources.items() if n.startswith(MPRAGE))
    assert [_instance_number(p) for p in mprage.files] == list(range(1, 193))  # spatial order = InstanceNumber
    flags = [rule.is_held_out(p) for p in mprage.files]
    assert [i + 1 for i, f in enumerate(flags) if f] == sorted(MPRAGE_HELD_OUT)


def test_the_trainer_reads_no_held_out_file(shared_data, monkeypatch, tmp_path):
    from medvae_trainer.train import TrainConfig, Trainer

    opened = []
    real = volumes_module.read_frames

    def recording(path):
        opened.append(path)
        return real(path)

    monkeypatch.setattr(volumes_module, "read_frames", recording)
    Trainer(TrainConfig(data=str(shared_data), run=str(tmp_path / "run"), model="compact3d-f64", ch=8,
                        num_res_blocks=0, crop=16, batch=2, threads=1, disc_weight=0, eval_every=0))
    assert len(opened) == 636
    eval_stacks = _csv_stacks(shared_data, "eval")
    base = EvalSplit(shared_data)
    for p in opened:
        if p.parent.name == MPRAGE:
            assert int(re.match(r"(\d{4})-", p.name).group(1)) not in MPRAGE_HELD_OUT
            assert _instance_number(p) not in MPRAGE_HELD_OUT | set(range(150, 193))
        elif p.parent.name == MR640:
            assert _instance_number(p) not in MR640_HELD_OUT
        else:
            assert p.parent.parent.name == "stacks" and p.parent.name not in eval_stacks
        assert not base.is_manifest_eval(p) and not base.is_extra_eval(p)


def test_contiguous_runs_split_at_missing_slices():
    positions = [0.0, 0.9, 1.8, 2.7, 4.5, 5.4, 9.0]
    assert contiguous_runs(positions) == [(0, 4), (4, 6), (6, 7)]
    assert contiguous_runs([1.0]) == [(0, 1)]


def test_volume_normalisation_maps_its_min_and_max_to_minus_one_and_one():
    px = np.arange(2 * 3 * 4, dtype=np.uint16).reshape(2, 3, 4) * 7 + 100
    vol = Volume("v", "mr-x", px, float(px.min()), float(px.max()), np.zeros(2, bool))
    n = vol.normalized()
    assert n.min() == -1.0 and n.max() == 1.0 and n.dtype == np.float32
    np.testing.assert_allclose(vol.unit(), (px - 100.0) / (px.max() - 100.0), atol=1e-6)
    flat = Volume("c", "mr-x", np.full((2, 2, 2), 5, np.uint16), 5.0, 5.0, np.zeros(2, bool))
    assert (flat.normalized() == -1.0).all()


def test_volume_crops_are_cubes_in_range_mirrored_where_the_volume_is_thin_and_seeded():
    rng = np.random.default_rng(3)
    thin = Volume("thin", "mr-a", rng.integers(0, 4000, (5, 40, 40)).astype(np.uint16), 0.0, 3999.0, np.zeros(5, bool))
    big = Volume("big", "ct-b", rng.integers(0, 4000, (40, 40, 40)).astype(np.uint16), 0.0, 3999.0, np.zeros(40, bool))
    from medvae_trainer.data import Augmentation

    plain = VolumeCropSampler([thin], 16, seed=1, augmentation=Augmentation.none())
    crop = plain.sample(1)[0, 0]
    assert crop.shape == (16, 16, 16)
    # depth 5 mirrored to 16: slices 0-4, 4-0, 0-4, 4 (symmetric padding)
    np.testing.assert_array_equal(crop[5:10], crop[4::-1])
    a = VolumeCropSampler([thin, big], 16, seed=7).sample(4)
    b = VolumeCropSampler([thin, big], 16, seed=7).sample(4)
    assert a.shape == (4, 1, 16, 16, 16) and a.min() >= -1 and a.max() <= 1
    np.testing.assert_array_equal(a, b)


def test_volume_weights_give_each_family_its_share_and_larger_volumes_more():
    def vol(name, group, shape):
        return Volume(name, group, np.zeros(shape, np.uint16), 0.0, 1.0, np.zeros(shape[0], bool))

    vols = [vol("a", "mr-x", (16, 64, 64)), vol("b", "mr-y", (64, 256, 256)), vol("c", "ct-z", (16, 64, 64))]
    w = volume_weights(vols)
    assert w[2] == pytest.approx(0.25 / 0.65)
    assert w[1] / w[0] == pytest.approx(np.sqrt(64 * 256 * 256 / (16 * 64 * 64)))
