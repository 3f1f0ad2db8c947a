"""3D training smoke test on synthetic 16-slice stacks laid out like train-extra (a few steps, checkpoint and resume),
then the 3D eval against trilinear and tricubic and the ONNX export with model.json and card."""

import csv
import json

import numpy as np
import onnx
import pytest
import torch
from PIL import Image

from medvae_trainer.__main__ import main
from medvae_trainer.export import MAX_MODEL_BYTES

COLUMNS = ["id", "png", "kind", "modality", "vendor", "split"]


@pytest.fixture
def stack_root(tmp_path):
    """Three training stacks and one stack of a train-extra eval series (toshiba-galan-dti), 16 x 32 x 32 each."""
    rng = np.random.default_rng(2)
    root = tmp_path / "data"
    rows = []
    for series, vendor, split in (("syn-a", "Siemens", "train"), ("syn-b", "Philips", "train"),
                                  ("syn-c", "GE", "train"), ("toshiba-galan-dti", "Toshiba", "eval")):
        folder = root / "train-extra" / "stacks" / series
        folder.mkdir(parents=True)
        field = rng.normal(size=(4, 8, 8))
        vol = np.kron(field, np.ones((4, 4, 4)))
        vol = ((vol - vol.min()) / (vol.max() - vol.min()) * 4095).astype(np.uint16)
        for k in range(16):
            name = f"acq{k + 3:03d}.png"
            Image.fromarray(vol[k]).save(folder / name)
            rows.append({"id": f"{series}__acq{k + 3:03d}", "png": f"stacks/{series}/{name}", "kind": "stack",
                         "modality": "MR", "vendor": vendor, "split": split})
    with (root / "train-extra" / "INDEX.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return root


ARGS = ["--model", "compact3d-f64", "--ch", "8", "--num-res-blocks", "0", "--crop", "16", "--batch", "2",
        "--disc-weight", "0", "--log-every", "1", "--threads", "1", "--snapshot-every", "0", "--eval-every", "2"]


def test_3d_train_resume_eval_export(stack_root, tmp_path, capsys):
    run = tmp_path / "run"
    main(["train", "--data", str(stack_root), "--run", str(run), "--steps", "2", *ARGS])
    state = torch.load(run / "last.pt")
    assert state["step"] == 2 and state["data"]["volumes"] == 3 and state["model_config"]["dims"] == 3
    assert "train-extra/toshiba-galan-dti" not in state["data"]["names"]  # the eval series was not read
    curve = [json.loads(line) for line in (run / "eval.jsonl").read_text().splitlines()]
    assert curve[0]["step"] == 2 and curve[0]["volumes"] == 1 and curve[0]["held_out_slices"] == 16
    main(["train", "--data", str(stack_root), "--run", str(run), "--steps", "3", *ARGS])
    assert "resumed from" in capsys.readouterr().out and torch.load(run / "last.pt")["step"] == 3

    result_path = tmp_path / "eval3d.json"
    main(["eval", "--model", str(run), "--data", str(stack_root), "--json", str(result_path)])
    result = json.loads(result_path.read_text())
    assert result["factor"] == 64 and result["volumes"] == 1
    (volume,) = result["by_volume"]
    assert volume["volume"] == "train-extra/toshiba-galan-dti" and len(volume["slices"]) == 16
    assert all(s["held_out"] for s in volume["slices"])
    # per-volume PSNR is over the held-out voxels: the mean squared error of the slices, not the mean of their PSNRs
    mse = np.mean([10 ** (-s["tricubic_psnr"] / 10) for s in volume["slices"]])
    assert volume["tricubic_psnr"] == pytest.approx(-10 * np.log10(mse), abs=1e-3)
    assert volume["tricubic_psnr"] > volume["trilinear_psnr"] - 3  # both baselines are real reconstructions

    models = tmp_path / "models"
    main(["export", "--model", str(run), "--id", "smoke3d-f64", "--out", str(models), "--eval-json", str(result_path)])
    folder = models / "smoke3d-f64"
    info = json.loads((folder / "model.json").read_text())
    assert info["f"] == 64 and info["dimensionality"] == 3 and info["architecture"]["dims"] == 3
    assert info["scale_per_side"] == 4 and info["tiling"]["exact"] and info["cost"]["image"] == "64x64x64 tile"
    assert "per volume" in info["normalization"]["input"]
    for name in ("encoder.onnx", "decoder.onnx"):
        onnx.checker.check_model(str(folder / name), full_check=True)
        assert (folder / name).stat().st_size < MAX_MODEL_BYTES
    card = (folder / "MODEL_CARD.md").read_text()
    assert "| train-extra/toshiba-galan-dti | 16 x 32 x 32 | 16 |" in card and "tricubic" in card
