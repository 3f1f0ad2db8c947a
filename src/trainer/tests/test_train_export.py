"""Training smoke test (a few steps on small crops, GAN included, checkpoint and resume), then eval and
ONNX export of the result."""

import hashlib
import json

import numpy as np
import onnx
import pytest
import torch
from PIL import Image

from medvae_trainer.__main__ import main
from medvae_trainer.config import PUBLISHED, compact_config
from medvae_trainer.export import MAX_MODEL_BYTES, export_onnx
from medvae_trainer.model import AutoencoderKL
from medvae_trainer.train import TrainConfig, Trainer


@pytest.fixture
def image_folder(tmp_path):
    rng = np.random.default_rng(1)
    folder = tmp_path / "images"
    folder.mkdir()
    for k in range(4):
        field = rng.normal(size=(12, 12))
        img = np.kron(field, np.ones((8, 8)))  # blocky structure, 96x96
        img = (img - img.min()) / (img.max() - img.min()) * 4095
        Image.fromarray(img.astype(np.uint16)).save(folder / f"img{k}.png")
    Image.fromarray(rng.integers(0, 255, (96, 96), dtype=np.uint8)).save(folder / "nema-wg04__RG3_J2KR.png")  # eval name
    return folder


TRAIN_ARGS = ["--model", "compact-f16", "--ch", "16", "--num-res-blocks", "1", "--crop", "32", "--batch", "2",
              "--disc-start", "2", "--disc-ndf", "8", "--log-every", "1", "--threads", "1", "--snapshot-every", "0"]


def test_train_resume_eval_export(image_folder, tmp_path, capsys):
    run = tmp_path / "run"
    main(["train", "--data", str(image_folder), "--run", str(run), "--steps", "4", *TRAIN_ARGS])
    state = torch.load(run / "last.pt")
    assert state["step"] == 4 and state["data"]["files"] == 4  # the eval-named file was left out
    assert "d" in (run / "metrics.jsonl").read_text().splitlines()[-1]  # discriminator steps ran
    main(["train", "--data", str(image_folder), "--run", str(run), "--steps", "6", *TRAIN_ARGS])
    out = capsys.readouterr().out
    assert "resumed from" in out and "it/s" in out and "img/s" in out
    assert torch.load(run / "last.pt")["step"] == 6

    result_path = tmp_path / "eval.json"
    main(["eval", "--model", str(run), "--data", str(image_folder), "--split", "all", "--json", str(result_path)])
    result = json.loads(result_path.read_text())
    for key in ("psnr", "bicubic_psnr", "ssim", "bicubic_ssim", "images"):
        assert key in result
    assert len(result["images"]) == 5 and result["factor"] == 16

    part_path = tmp_path / "eval-part.json"
    main(["eval", "--model", str(run), "--data", str(image_folder), "--split", "all", "--limit", "2", "--json", str(part_path)])
    models = tmp_path / "models"
    main(["export", "--model", str(run), "--id", "smoke-f16", "--out", str(models), "--eval-json", str(result_path), str(part_path)])
    folder = models / "smoke-f16"
    info = json.loads((folder / "model.json").read_text())
    assert info["f"] == 16 and info["C"] == 1 and info["dimensionality"] == 2
    assert info["training"]["steps"] == 6
    for name in ("encoder.onnx", "decoder.onnx", "weights.pt"):
        data = (folder / name).read_bytes()
        assert info["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert len(data) < MAX_MODEL_BYTES
    for name in ("encoder.onnx", "decoder.onnx"):
        onnx.checker.check_model(str(folder / name), full_check=True)
    assert [e["count"] for e in info["evaluations"]] == [5, 2] and "images" not in info["evaluations"][1]
    card = (folder / "MODEL_CARD.md").read_text()
    assert "| **mean** (5) |" in card  # the per-image table of the headline evaluation
    assert "| **all** | 5 |" in card and "| **all** | 2 |" in card  # a per-group summary of each evaluation


def test_training_steps_reduce_the_loss_on_a_fixed_batch(image_folder, tmp_path):
    tc = TrainConfig(data=str(image_folder), run=str(tmp_path / "r"), ch=16, num_res_blocks=1, crop=32, batch=2,
                     lr=3e-3, warmup=1, disc_weight=0.0, threads=1)
    trainer = Trainer(tc)
    x = torch.from_numpy(trainer.sampler.sample(2))
    first = trainer.train_step(x)["l1"]
    for _ in range(20):
        trainer.step += 1
        last = trainer.train_step(x)["l1"]
    assert last < 0.9 * first


def dynamic_dims(path):
    model = onnx.load(str(path))
    return [[d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim] for v in (model.graph.input[0], model.graph.output[0])]


@pytest.mark.parametrize("cfg", [
    compact_config(16).replace(ch=16, num_res_blocks=1),
    compact_config(64).replace(ch=16, num_res_blocks=1),
    PUBLISHED["medvae_8_4_2d"].config.replace(ch=32),
    PUBLISHED["medvae_4_1_3d"].config.replace(ch=32),
    compact_config(64, dims=3).replace(ch=8),
    compact_config(512, dims=3).replace(ch=8),
], ids=["compact-f16", "compact-f64", "published-8x4-small", "published-3d-small", "compact3d-f64", "compact3d-f512"])
def test_onnx_export_passes_the_checker_with_dynamic_spatial_axes(cfg, tmp_path):
    enc, dec = export_onnx(AutoencoderKL(cfg), tmp_path)
    for p in (enc, dec):
        onnx.checker.check_model(str(p), full_check=True)
    spatial = ["depth", "height", "width"][-cfg.dims:]
    latent = [f"latent_{n}" for n in spatial]
    (enc_in, enc_out), (dec_in, dec_out) = dynamic_dims(enc), dynamic_dims(dec)
    assert enc_in == ["batch", cfg.in_channels, *spatial] and dec_in == ["batch", cfg.embed_dim, *latent]
    # output channel counts may stay symbolic after ONNX shape inference; batch and space must be dynamic
    assert enc_out[:1] + enc_out[2:] == ["batch", *latent] and dec_out[:1] + dec_out[2:] == ["batch", *spatial]
