"""Image reading, normalisation, crops and the eval-split guard."""

import csv

import numpy as np
import pydicom
import pytest
from PIL import Image

from medvae_trainer.data import (Augmentation, CropSampler, EvalSplit, EvalSplitError, Image2D, balanced_weights, discover,
                                 load_images, read_frames)

MPRAGE = "mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon"


@pytest.mark.parametrize("path", [
    "xray/png/nema-wg04__RG3_J2KR.png",
    "xray/dicom/fo-dicom__OutOfBoundsOverlay_MG.dcm",
    "anywhere/torchxrayvision__nih_00027426_000.png",
    "xray/more/mhh-covid__006f3a8a.png",
    "xray/more/grazpedwri-dx__2895_0399447864_01_WRI-L2_F012.png",
    "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A098752_19001231-32.dcm",
    "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A072894_19010103-40.dcm",
    f"volumes/{MPRAGE}/0150-1.3.12.2.1107.5.2.19.45152.2013030808110258929186035.dcm",
    f"volumes/{MPRAGE}/0192-1.3.12.2.1107.5.2.19.45152.2013030808110258929186035.dcm",
    "dicom-conformance/nema-wg04-compression-samples/RG3_J2KI.dcm",
    "train-extra/slices/ge-ct750-chest-abdomen__acq003.png",
    "train-extra/stacks/toshiba-galan-dti/acq012.png",
    f"volumes/{MPRAGE}/0070-1.3.12.2.1107.5.2.19.45152.2013030808110258929186035.dcm",
    "volumes/mr-640x640__Seg3DData-example_dicom/IM-0001-0020.dcm",
])
def test_guard_refuses_eval_files_before_opening_them(path, tmp_path):
    guard = EvalSplit()
    assert guard.is_eval(path)
    # the file does not exist: the guard must fail first, not the reader
    with pytest.raises(EvalSplitError):
        load_images(tmp_path / path, "x", guard)


@pytest.mark.parametrize("path", [
    "xray/png/nema-wg04__RG1_JLSN.png",
    "xray/more/mhh-covid__00f0ad3b.png",
    "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A002304_19001231-076.dcm",
    f"volumes/{MPRAGE}/0149-1.3.12.2.1107.5.2.19.45152.2013030808110258929186035.dcm",
    f"volumes/{MPRAGE}/0001-1.3.12.2.1107.5.2.19.45152.2013030808110258929186035.dcm",
])
def test_guard_allows_train_files(path):
    assert not EvalSplit().is_eval(path)


def test_guard_refuses_unrecognised_names_in_the_mprage_folder():
    assert EvalSplit().is_eval(f"volumes/{MPRAGE}/slice.dcm")


def test_train_and_eval_split_of_the_shared_data_follow_the_manifest(shared_data):
    train = {s.path.resolve() for s in discover(shared_data, "train")}
    held_out = {s.path.resolve() for s in discover(shared_data, "eval")}
    evals = {s.path.resolve() for s in discover(shared_data, "eval-manifest")}
    assert not train & held_out and evals <= held_out
    # independent reading of the split columns
    eval_pngs = set()
    with (shared_data / "xray" / "index.csv").open() as f:
        eval_pngs |= {(shared_data / "xray" / r["png"]).resolve() for r in csv.DictReader(f) if r["split"] == "eval"}
    with (shared_data / "xray" / "more" / "INDEX.csv").open() as f:
        eval_pngs |= {(shared_data / "xray" / "more" / r["file"]).resolve() for r in csv.DictReader(f) if r["split"] == "eval"}
    assert len(eval_pngs) == 32
    assert eval_pngs <= evals and not eval_pngs & train
    ct = [p for p in evals if p.parent.name.startswith("ct-")]
    mr = [p for p in evals if p.parent.name == MPRAGE]
    assert len(ct) == 4 and len(mr) == 43
    # MPRAGE training slices have InstanceNumber below 150 (read from the headers of the train files only)
    for p in train:
        if p.parent.name == MPRAGE:
            assert int(pydicom.dcmread(str(p), stop_before_pixels=True).InstanceNumber) < 150
    assert len(evals) == 79


def test_monochrome1_dicom_reads_like_its_monochrome2_png(shared_data):
    # the data preparer inverted MONOCHROME1 with pydicom+GDCM into the PNG; our DICOM reader must agree
    dicom = read_frames(shared_data / "xray" / "dicom" / "fo-dicom__CR-MONO1-10-chest.dcm")[0]
    png = np.asarray(Image.open(shared_data / "xray" / "png" / "fo-dicom__CR-MONO1-10-chest.png"))
    assert np.array_equal(dicom.astype(np.int64), png.astype(np.int64))


def test_normalisation_maps_min_and_max_to_minus_one_and_one():
    px = np.array([[100, 200], [300, 500]], np.uint16)
    im = Image2D("a", "g", px, 100.0, 500.0)
    n = im.normalized()
    assert n.dtype == np.float32 and n[0, 0] == -1.0 and n[1, 1] == 1.0 and np.isclose(n[0, 1], -0.5)
    assert np.allclose(im.unit(), [[0, 0.25], [0.5, 1.0]])


def test_crops_are_in_range_seeded_and_flipped():
    rng = np.random.default_rng(0)
    images = [Image2D(f"i{k}", "g", rng.integers(0, 4096, (50 + 10 * k, 70), dtype=np.uint16), 0.0, 4095.0)
              for k in range(3)]
    a = CropSampler(images, 32, seed=5).sample(16)
    b = CropSampler(images, 32, seed=5).sample(16)
    assert a.shape == (16, 1, 32, 32) and np.array_equal(a, b)
    assert a.min() >= -1.0 and a.max() <= 1.0
    # small images are padded by reflection to the crop size
    tiny = CropSampler([Image2D("t", "g", np.arange(20 * 20, dtype=np.uint16).reshape(20, 20), 0.0, 399.0)], 32, 1)
    assert tiny.sample(2).shape == (2, 1, 32, 32)


def test_folder_discovery_skips_eval_named_files(tmp_path):
    for name in ("a.png", "nema-wg04__RG3_J2KR.png", "b.png"):
        Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / name)
    names = sorted(s.path.name for s in discover(tmp_path, "train"))
    assert names == ["a.png", "b.png"]
    assert [s.path.name for s in discover(tmp_path, "eval")] == ["nema-wg04__RG3_J2KR.png"]


def test_train_extra_split_follows_its_index_and_every_held_out_part_is_disjoint_from_training(shared_data):
    with (shared_data / "train-extra" / "INDEX.csv").open() as f:
        rows = list(csv.DictReader(f))
    eval_rows = {(shared_data / "train-extra" / r["png"]).resolve() for r in rows if r["split"] == "eval"}
    train_rows = {(shared_data / "train-extra" / r["png"]).resolve() for r in rows if r["split"] == "train"}
    assert len(eval_rows) == 115 and len(train_rows) == 804
    extra = {s.path.resolve() for s in discover(shared_data, "eval-extra")}
    train = {s.path.resolve() for s in discover(shared_data, "train")}
    assert extra == eval_rows and train_rows <= train
    spread = {s.path.resolve() for s in discover(shared_data, "eval-spread")}
    assert len(spread) == 22 and not spread & train
    numbers = sorted(int(pydicom.dcmread(str(p), stop_before_pixels=True).InstanceNumber) for p in spread if MPRAGE in str(p))
    assert numbers == list(range(10, 150, 10))  # central slices too, not only one end of the series
    capacity = {s.path.resolve() for s in discover(shared_data, "capacity")}
    assert len(capacity) == 10 and capacity <= train
    by_part = {}
    for s in discover(shared_data, "eval"):
        by_part.setdefault(s.part, set()).add(s.path.resolve())
    assert by_part["eval-extra"] == extra and by_part["eval-spread"] == spread  # what eval's by_part reports
    assert by_part["eval-manifest"] == {s.path.resolve() for s in discover(shared_data, "eval-manifest")}
    assert set(by_part) == {"eval-manifest", "eval-extra", "eval-spread"}


def test_guard_refuses_train_extra_eval_series_by_name_alone():
    guard = EvalSplit()  # the shipped list, without any INDEX.csv
    assert guard.is_eval("x/slices/philips-achieva-dti-2008__acq005.png")
    assert not guard.is_eval("x/slices/philips-achievads-dti-2018__acq005.png")


def test_balanced_weights_give_each_family_its_share_whatever_the_pixel_counts():
    big = [Image2D(f"x{k}", "xray-a", np.zeros((2000, 2000), np.uint16), 0.0, 1.0) for k in range(50)]
    small = [Image2D("m", "mr-b", np.zeros((64, 64), np.uint16), 0.0, 1.0),
             Image2D("n", "mr-c", np.zeros((64, 64), np.uint16), 0.0, 1.0),
             Image2D("o", "mr-c", np.zeros((128, 128), np.uint16), 0.0, 1.0)]
    p = balanced_weights(big + small)
    assert np.isclose(p[:50].sum(), 0.30 / 0.70) and np.isclose(p[50:].sum(), 0.40 / 0.70)
    assert np.isclose(p[50], p[51] + p[52])  # source groups equal within a family
    assert np.isclose(p[52] / p[51], 2.0)  # sqrt of the area within a group


def test_augmentation_keeps_crops_in_range_and_off_means_plain_crops():
    rng = np.random.default_rng(3)
    images = [Image2D("i", "mr-a", rng.integers(0, 4096, (90, 70), dtype=np.uint16), 0.0, 4095.0)]
    a = CropSampler(images, 48, seed=2).sample(64)
    assert a.shape == (64, 1, 48, 48) and a.min() >= -1.0 and a.max() <= 1.0
    ramp = Image2D("r", "mr-a", np.tile(np.arange(64, dtype=np.uint16), (64, 1)), 0.0, 63.0)
    plain = CropSampler([ramp], 64, seed=1, augmentation=Augmentation.none()).sample(8)
    for crop in plain[:, 0]:
        # a ramp crop, possibly flipped: its rows or columns are the normalised ramp
        assert np.allclose(np.sort(crop.ravel()), np.sort(ramp.normalized().ravel()))
