"""Packing training crops for a GPU run, training on a pack, and starting a run from a snapshot's EMA weights."""

import csv

import numpy as np
import torch
from PIL import Image

from medvae_trainer.__main__ import main
from medvae_trainer.data import PACK_RANGE, discover, load_images


def _folder(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    ramp = (np.arange(100 * 80).reshape(100, 80) % 4000 + 50).astype(np.uint16)  # min 50, max 4049
    Image.fromarray(ramp).save(folder / "ramp.png")
    Image.fromarray(np.full((64, 64), 7, np.uint8)).save(folder / "nema-wg04__RG3_J2KR.png")  # an eval name
    return folder, ramp


def test_pack_keeps_the_whole_image_scaling_and_only_training_images(tmp_path):
    folder, ramp = _folder(tmp_path)
    out = tmp_path / "pack"
    main(["pack", "--data", str(folder), "--out", str(out), "--max-mb", "0.05", "--crop", "32", "--seed", "3"])
    rows = list(csv.DictReader((out / "PACK.csv").open()))
    assert rows and {r["source"] for r in rows} == {"ramp.png"}
    for r in rows[:5]:
        crop = np.asarray(Image.open(out / r["file"])).astype(np.float64)
        y, x = int(r["y"]), int(r["x"])
        expected = (ramp[y:y + 32, x:x + 32].astype(np.float64) - 50) / (4049 - 50) * 65535
        assert crop.shape == (32, 32) and np.abs(crop - expected).max() <= 1.0  # float32 scaling, then rounding
    sources = discover(out, "train")
    assert len(sources) == len(rows) and all(s.value_range == PACK_RANGE for s in sources)
    assert discover(out, "eval") == []
    image = load_images(sources[0].path, sources[0].group, None, sources[0].value_range)[0]
    assert (image.vmin, image.vmax) == PACK_RANGE


def test_a_run_starts_from_a_snapshot_and_continues_its_step_count(tmp_path):
    folder, _ = _folder(tmp_path)
    args = ["--model", "compact-f16", "--ch", "8", "--num-res-blocks", "1", "--crop", "32", "--batch", "2",
            "--disc-weight", "0", "--threads", "1", "--log-every", "1", "--eval-every", "0"]
    main(["train", "--data", str(folder), "--run", str(tmp_path / "a"), "--steps", "3", "--snapshot-every", "3", *args])
    snapshot = tmp_path / "slim.pt"
    main(["snapshot", "--run", str(tmp_path / "a"), "--out", str(snapshot)])
    ema = torch.load(snapshot, weights_only=False)["ema"]
    periodic = torch.load(tmp_path / "a" / "ema-step0000003.pt", weights_only=False)["ema"]
    assert all(torch.equal(ema[k], periodic[k]) for k in ema)  # the same state as the periodic snapshot
    main(["train", "--data", str(folder), "--run", str(tmp_path / "b"), "--steps", "3", "--init", str(snapshot), *args])
    state = torch.load(tmp_path / "b" / "last.pt", weights_only=False)
    assert state["step"] == 3  # nothing left to do: the count continued from the snapshot
    assert all(torch.equal(state["model"][k], ema[k]) for k in ema)


def test_plot_draws_each_curve_in_its_own_colour(tmp_path):
    from medvae_trainer.plot import COLOURS, SIZE

    curve = tmp_path / "run-a.eval.jsonl"
    curve.write_text('{"step": 100, "psnr": 30.0, "bicubic_psnr": 28.0}\n{"step": 200, "psnr": 31.0, "bicubic_psnr": 28.0}\n')
    out = tmp_path / "curve.png"
    main(["plot", str(curve), "--out", str(out)])
    image = Image.open(out).convert("RGB")
    assert image.size == SIZE
    assert COLOURS[0] in {colour for _, colour in image.getcolors(1 << 20)}


def test_a_snapshot_loads_with_the_training_configuration_kept_beside_it(tmp_path):
    folder, _ = _folder(tmp_path)
    args = ["--model", "compact-f16", "--ch", "8", "--num-res-blocks", "1", "--crop", "32", "--batch", "2",
            "--disc-weight", "0", "--threads", "1", "--log-every", "1", "--eval-every", "0"]
    main(["train", "--data", str(folder), "--run", str(tmp_path / "a"), "--steps", "1", *args])
    snapshot = tmp_path / "state" / "slim.pt"
    main(["snapshot", "--run", str(tmp_path / "a"), "--out", str(snapshot)])
    from medvae_trainer.checkpoint import load_model

    assert "train_config" not in load_model(snapshot)[1]  # the slim state holds no configuration
    (tmp_path / "state" / "slim.config.json").write_text((tmp_path / "a" / "config.json").read_text())
    meta = load_model(snapshot)[1]
    assert meta["train_config"]["crop"] == 32 and "git_commit" in meta and meta["step"] == 1
