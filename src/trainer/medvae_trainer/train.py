"""Training loop: reconstruction losses, KL, hinge PatchGAN with adaptive weight, EMA, checkpoints."""

from __future__ import annotations

import copy
import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .config import PUBLISHED, ModelConfig, compact_config
from .data import Augmentation, CropSampler, EvalSplit, discover, load_images
from .volumes import VolumeCropSampler, VolumeSplit, discover_volumes, load_volume
from .losses import (NLayerDiscriminator, adaptive_weight, gradient_l1, hinge_d_loss, kl_per_pixel, lowpass_l1,
                     ssim)
from .evaluate import curve_point
from .evaluate3d import curve_point3d, load_eval_volumes
from .model import AutoencoderKL
from .quantize import fake_quantize_fp16, fake_quantize_int8

# How the latent is rounded during training (--quantize): as the gateway's container stores it, straight-through.
QUANTIZERS = {"none": lambda z: z, "int8": fake_quantize_int8, "fp16": fake_quantize_fp16}


@dataclass
class TrainConfig:
    data: str
    run: str
    model: str = "compact-f16"
    ch: int | None = None
    ch_mult: str | None = None
    num_res_blocks: int | None = None
    space_to_depth: int | None = None
    encoder_ch: int | None = None
    encoder_res_blocks: int | None = None
    quantize: str = "int8"
    augment: int = 1
    crop: int = 128
    batch: int = 8
    steps: int = 200_000
    lr: float = 5e-4
    lr_min_ratio: float = 0.05
    base_lr_scale: float = 0.1
    warmup: int = 200
    betas: tuple[float, float] = (0.5, 0.9)
    l1_weight: float = 1.0
    l2_weight: float = 0.0
    ssim_weight: float = 0.2
    grad_weight: float = 0.5
    lowpass_weight: float = 1.0
    kl_weight: float = 1e-6
    disc_start: int = 50_000
    disc_weight: float = 0.5
    disc_ndf: int = 64
    disc_lr: float | None = None
    ema: float = 0.999
    seed: int = 1234
    threads: int = 2
    device: str = "auto"
    ckpt_minutes: float = 5.0
    snapshot_every: int = 5000
    log_every: int = 25
    max_minutes: float | None = None
    max_images: int | None = None
    workers: int = 0
    init: str | None = None
    eval_every: int = 2000
    eval_data: str | None = None


def model_config(tc: TrainConfig) -> ModelConfig:
    if tc.model in PUBLISHED:
        cfg = PUBLISHED[tc.model].config
    elif tc.model.startswith("compact-f"):
        cfg = compact_config(int(tc.model.removeprefix("compact-f")))
    elif tc.model.startswith("compact3d-f"):
        cfg = compact_config(int(tc.model.removeprefix("compact3d-f")), dims=3)
    else:
        raise ValueError(f"unknown model {tc.model!r}: compact-f16, compact-f64, compact3d-f64, compact3d-f512 "
                         f"or one of {sorted(PUBLISHED)}")
    changes = {}
    if tc.ch is not None:
        changes["ch"] = tc.ch
    if tc.ch_mult is not None:
        changes["ch_mult"] = tuple(int(v) for v in tc.ch_mult.split(","))
    if tc.num_res_blocks is not None:
        changes["num_res_blocks"] = tc.num_res_blocks
    if tc.space_to_depth is not None:
        changes["space_to_depth"] = tc.space_to_depth
    if tc.encoder_ch is not None:
        changes["encoder_ch"] = tc.encoder_ch
    if tc.encoder_res_blocks is not None:
        changes["encoder_res_blocks"] = tc.encoder_res_blocks
    return cfg.replace(**changes) if changes else cfg


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def lr_at(tc: TrainConfig, step: int, warmup_from: int = 0) -> float:
    """Cosine decay to ``lr_min_ratio`` at ``tc.steps`` (flat at ``tc.lr`` during the first ``tc.warmup`` steps),
    scaled by a linear warm-up over ``tc.warmup`` steps from ``warmup_from`` (0, or the step a run was initialised at)."""
    t = min(1.0, max(0, step - tc.warmup) / max(1, tc.steps - tc.warmup))
    lr = tc.lr * (tc.lr_min_ratio + (1 - tc.lr_min_ratio) * 0.5 * (1 + math.cos(math.pi * t)))
    return lr * min(1.0, (step - warmup_from + 1) / tc.warmup)


class Trainer:
    def __init__(self, tc: TrainConfig) -> None:
        self.tc = tc
        self.run = Path(tc.run)
        self.run.mkdir(parents=True, exist_ok=True)
        torch.set_num_threads(tc.threads)
        self.device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if tc.device == "auto" else tc.device)
        random.seed(tc.seed)
        np.random.seed(tc.seed)
        torch.manual_seed(tc.seed)
        if tc.quantize not in QUANTIZERS:
            raise ValueError(f"--quantize must be one of {sorted(QUANTIZERS)}, not {tc.quantize!r}")
        self.cfg = model_config(tc)
        if self.cfg.dims == 3 and tc.disc_weight > 0:
            raise ValueError("the PatchGAN discriminator is 2D: train 3D models with --disc-weight 0")
        self.model = AutoencoderKL(self.cfg).to(self.device)
        self.ema = copy.deepcopy(self.model).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.disc = NLayerDiscriminator(self.cfg.out_ch, tc.disc_ndf).to(self.device)
        base = [p for n, p in self.model.named_parameters() if n.startswith("base_") and p.requires_grad]
        rest = [p for n, p in self.model.named_parameters() if not n.startswith("base_") and p.requires_grad]
        groups = [{"params": rest, "lr_scale": 1.0}]
        if base:
            groups.append({"params": base, "lr_scale": tc.base_lr_scale})
        self.opt = torch.optim.Adam(groups, lr=tc.lr, betas=tc.betas)
        self.opt_d = torch.optim.Adam(self.disc.parameters(), lr=tc.disc_lr or tc.lr, betas=tc.betas)
        self.step = 0
        self.warmup_from = 0
        self._curve_images: list | None = None
        self.seconds = 0.0
        self.images_seen = 0
        self.stop = False
        self.sampler = self._sampler()
        self._resume()

    def _sampler(self) -> CropSampler | VolumeCropSampler:
        if self.cfg.dims == 3:
            return self._volume_sampler()
        guard = EvalSplit(Path(self.tc.data))
        sources = discover(self.tc.data, "train", guard)
        if self.tc.max_images is not None:
            sources = sources[: self.tc.max_images]
        images = []
        for s in sources:
            images.extend(load_images(s.path, s.group, guard, s.value_range))  # the guard raises on eval files
        self.data_summary = {"root": str(Path(self.tc.data)), "split": "train", "files": len(sources),
                             "images": len(images), "pixels": int(sum(i.pixels.size for i in images)),
                             "groups": {g: sum(1 for i in images if i.group == g) for g in sorted({i.group for i in images})}}
        print(f"data: {len(images)} training images from {len(sources)} files, "
              f"{self.data_summary['pixels'] / 1e6:.1f} Mpx, groups {self.data_summary['groups']}", flush=True)
        return CropSampler(images, self.tc.crop, self.tc.seed, Augmentation() if self.tc.augment else Augmentation.none())

    def _volume_sampler(self) -> VolumeCropSampler:
        guard = VolumeSplit(Path(self.tc.data))
        sources = discover_volumes(self.tc.data, "train", guard)
        if self.tc.max_images is not None:
            sources = sources[: self.tc.max_images]
        volumes = [load_volume(s, guard) for s in sources]  # the guard raises on held-out files
        self.data_summary = {"root": str(Path(self.tc.data)), "split": "train-3d", "volumes": len(volumes),
                             "files": sum(len(s.files) for s in sources),
                             "voxels": int(sum(v.pixels.size for v in volumes)),
                             "names": {v.name: list(v.pixels.shape) for v in volumes}}
        print(f"data: {len(volumes)} training volumes ({self.data_summary['files']} slices, "
              f"{self.data_summary['voxels'] / 1e6:.1f} Mvoxels)", flush=True)
        return VolumeCropSampler(volumes, self.tc.crop, self.tc.seed,
                                 Augmentation() if self.tc.augment else Augmentation.none())

    # ---- checkpoints -------------------------------------------------------------------------
    def _state(self) -> dict:
        return {
            "step": self.step,
            "seconds": self.seconds,
            "images_seen": self.images_seen,
            "model_config": self.cfg.to_dict(),
            "train_config": asdict(self.tc),
            "model": self.model.state_dict(),
            "ema": self.ema.state_dict(),
            "opt": self.opt.state_dict(),
            "sampler": self.sampler.state(),
            "torch_rng": torch.get_rng_state(),
            "data": self.data_summary,
            "git_commit": git_commit(),
            # the discriminator (2.7 M parameters, more than the autoencoder) only once it can have trained
            **({"disc": self.disc.state_dict(), "opt_d": self.opt_d.state_dict()} if self.tc.disc_weight > 0 else {}),
        }

    def save(self) -> None:
        tmp = self.run / "last.pt.tmp"
        torch.save(self._state(), tmp)
        os.replace(tmp, self.run / "last.pt")

    def snapshot(self) -> None:
        torch.save({"step": self.step, "model_config": self.cfg.to_dict(), "ema": self.ema.state_dict(),
                    "data": self.data_summary, "seconds": self.seconds, "images_seen": self.images_seen},
                   self.run / f"ema-step{self.step:07d}.pt")

    def _init_from(self, path: str) -> None:
        """Starts a new run from the EMA weights of a snapshot (``ema-step*.pt``, the slim state committed between
        sessions and returned by a GPU run): model and EMA take those weights, the step count and time continue, the
        optimiser starts afresh (its warm-up covers the restart)."""
        state = torch.load(path, map_location=self.device, weights_only=False)
        if state["model_config"] != self.cfg.to_dict():
            raise SystemExit(f"{path} holds a different model configuration than this run's")
        self.model.load_state_dict(state["ema"])
        self.ema.load_state_dict(state["ema"])
        self.step, self.seconds = int(state["step"]), float(state["seconds"])
        self.images_seen = int(state.get("images_seen", 0))
        self.warmup_from = self.step
        print(f"initialised from the EMA weights of {path} at step {self.step}", flush=True)

    def _resume(self) -> None:
        tc = self.tc
        path = self.run / "last.pt"
        if not path.is_file():
            if tc.init:
                self._init_from(tc.init)
            meta = {"train_config": asdict(self.tc), "model_config": self.cfg.to_dict(), "git_commit": git_commit(),
                    "data": self.data_summary, "torch": torch.__version__, "device": str(self.device)}
            (self.run / "config.json").write_text(json.dumps(meta, indent=1))
            return
        state = torch.load(path, map_location=self.device, weights_only=False)  # our own checkpoint: RNG states, configs
        if state["model_config"] != self.cfg.to_dict():
            raise SystemExit(f"{path} holds a different model configuration; use a new --run folder")
        self.model.load_state_dict(state["model"])
        self.ema.load_state_dict(state["ema"])
        if "disc" in state:
            self.disc.load_state_dict(state["disc"])
        self.opt.load_state_dict(state["opt"])
        for group, scale in zip(self.opt.param_groups, (1.0, tc.base_lr_scale)):
            group["lr_scale"] = scale  # the command line wins over the stored value
        if "opt_d" in state:
            self.opt_d.load_state_dict(state["opt_d"])
        self.sampler.set_state(state["sampler"])
        torch.set_rng_state(state["torch_rng"])
        self.step, self.seconds, self.images_seen = state["step"], state["seconds"], state["images_seen"]
        print(f"resumed from {path} at step {self.step}", flush=True)

    # ---- one step ----------------------------------------------------------------------------
    def train_step(self, x: torch.Tensor) -> dict[str, float]:
        tc = self.tc
        for group in self.opt.param_groups:
            group["lr"] = lr_at(tc, self.step, self.warmup_from) * group["lr_scale"]
        mean, logvar = self.model.encode_moments(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        rec = self.model.decode(QUANTIZERS[tc.quantize](z))
        err = rec - x
        parts = {
            "l1": err.abs().mean(),
            "l2": (err**2).mean(),
            "ssim": 1.0 - ssim((rec + 1) / 2, (x + 1) / 2).mean(),
            "grad": gradient_l1(rec, x),
            "lowpass": lowpass_l1(rec, x),
        }
        nll = (tc.l1_weight * parts["l1"] + tc.l2_weight * parts["l2"] + tc.ssim_weight * parts["ssim"]
               + tc.grad_weight * parts["grad"] + tc.lowpass_weight * parts["lowpass"])
        kl = kl_per_pixel(mean, logvar, math.prod(x.shape[2:]))
        loss = nll + tc.kl_weight * kl
        gan = self.step >= tc.disc_start and tc.disc_weight > 0
        logs = {k: float(v) for k, v in parts.items()}
        logs.update(nll=float(nll), kl=float(kl))
        if gan:
            self.disc.eval()
            g_loss = -self.disc(rec).mean()
            self.disc.train()
            d_weight = adaptive_weight(nll, g_loss, self.model.last_layer()) * tc.disc_weight
            loss = loss + d_weight * g_loss
            logs.update(g=float(g_loss), d_weight=float(d_weight))
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        if gan:
            d_loss = hinge_d_loss(self.disc(x), self.disc(rec.detach()))
            self.opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            self.opt_d.step()
            logs["d"] = float(d_loss)
        self._update_ema()
        logs["loss"] = float(loss)
        return logs

    @torch.no_grad()
    def _update_ema(self) -> None:
        decay = min(self.tc.ema, (1 + self.step) / (10 + self.step))
        ema_p = [p for p in self.ema.parameters()]
        cur_p = [p.detach() for p in self.model.parameters()]
        torch._foreach_mul_(ema_p, decay)
        torch._foreach_add_(ema_p, cur_p, alpha=1 - decay)

    # ---- loop --------------------------------------------------------------------------------
    def fit(self) -> None:
        tc = self.tc
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        last_ckpt = time.monotonic()
        started = time.monotonic()
        window_t, window_steps = time.monotonic(), 0
        sums: dict[str, float] = {}
        metrics = (self.run / "metrics.jsonl").open("a")
        tty = sys.stdout.isatty()
        self.model.train()
        batches = self._batches()
        while self.step < tc.steps and not self.stop:
            t0 = time.monotonic()
            x = next(batches).to(self.device, non_blocking=True)
            logs = self.train_step(x)
            self.step += 1
            self.images_seen += tc.batch
            self.seconds += time.monotonic() - t0
            window_steps += 1
            for k, v in logs.items():
                sums[k] = sums.get(k, 0.0) + v
            if self.step % tc.log_every == 0 or self.step == tc.steps:
                dt = time.monotonic() - window_t
                avg = {k: v / window_steps for k, v in sums.items()}
                rate = window_steps / dt
                frac = self.step / tc.steps
                bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
                eta_h = (tc.steps - self.step) / rate / 3600
                line = (f"[{bar}] step {self.step}/{tc.steps} loss {avg['loss']:.4f} l1 {avg['l1']:.4f} "
                        f"ssim {avg['ssim']:.4f} | {rate:.2f} it/s {rate * tc.batch:.1f} img/s "
                        f"{rate * tc.batch * tc.crop**self.cfg.dims / 1e6:.2f} M{'px' if self.cfg.dims == 2 else 'vox'}/s | lr {lr_at(tc, self.step, self.warmup_from):.2e} eta {eta_h:.1f} h")
                print(("\r" + line) if tty else line, end="" if tty else "\n", flush=True)
                metrics.write(json.dumps({"step": self.step, "seconds": round(self.seconds, 1),
                                          "it_per_s": round(rate, 3), **{k: round(v, 6) for k, v in avg.items()}}) + "\n")
                metrics.flush()
                window_t, window_steps, sums = time.monotonic(), 0, {}
            if tc.snapshot_every and self.step % tc.snapshot_every == 0:
                self.snapshot()
            if tc.eval_every and self.step % tc.eval_every == 0:
                self._eval_curve()
            if time.monotonic() - last_ckpt > tc.ckpt_minutes * 60:
                self.save()
                last_ckpt = time.monotonic()
            if tc.max_minutes is not None and time.monotonic() - started > tc.max_minutes * 60:
                break
        self.save()
        metrics.close()
        print(f"\nsaved {self.run / 'last.pt'} at step {self.step}", flush=True)

    def _eval_curve(self) -> None:
        """One point of the eval curve (eval.jsonl): the EMA weights on a fixed quarter of the held-out images (every
        4th, sides up to 640), int8 latents as stored, against bicubic."""
        if self.cfg.dims == 3:
            self._eval_curve3d()
            return
        if self._curve_images is None:
            root = Path(self.tc.eval_data or self.tc.data)
            sources = discover(root, "eval", EvalSplit(root))[::4]
            self._curve_images = [im for s in sources for im in load_images(s.path, s.group, guard=None)
                                  if max(im.pixels.shape) <= 640]
        if not self._curve_images:
            return
        self.ema.eval()
        point = curve_point(self.ema, self._curve_images)
        with (self.run / "eval.jsonl").open("a") as f:
            f.write(json.dumps({"step": self.step, "seconds": round(self.seconds, 1), **point}) + "\n")
        print(f"\neval at step {self.step}: PSNR {point['psnr']:.3f} dB vs bicubic {point['bicubic_psnr']:.3f} "
              f"({point['count']} images)", flush=True)

    def _eval_curve3d(self) -> None:
        """One point of a 3D run's eval curve: every 3D eval volume encoded whole, int8 latent, PSNR over its
        held-out slices against trilinear and tricubic."""
        if self._curve_images is None:
            self._curve_images = load_eval_volumes(self.tc.eval_data or self.tc.data)
        if not self._curve_images:
            return
        self.ema.eval()
        point = curve_point3d(self.ema, self._curve_images)
        with (self.run / "eval.jsonl").open("a") as f:
            f.write(json.dumps({"step": self.step, "seconds": round(self.seconds, 1), **point}) + "\n")
        print(f"\neval at step {self.step}: held-out PSNR {point['psnr']:.3f} dB vs tricubic {point['tricubic_psnr']:.3f}"
              f", trilinear {point['trilinear_psnr']:.3f} ({point['volumes']} volumes)", flush=True)

    def _batches(self):
        """Batches of crops: drawn here (reproducible, resumable), or with ``--workers`` by that many processes, each
        with its own sampler seeded from the run's seed, the step and its number (for a GPU whose steps outrun one
        core's crops; the crop stream of such a run is not reproduced on resume)."""
        if self.tc.workers <= 0:
            while True:
                yield torch.from_numpy(self.sampler.sample(self.tc.batch))
        loader = torch.utils.data.DataLoader(
            _CropStream(self.sampler, self.tc.batch, self.tc.seed + 7919 * self.step),
            batch_size=None, num_workers=self.tc.workers, pin_memory=self.device.type == "cuda", prefetch_factor=4)
        yield from loader

    def _on_signal(self, signum, _frame) -> None:
        print(f"\nsignal {signum}: saving and stopping", flush=True)
        self.stop = True


class _CropStream(torch.utils.data.IterableDataset):
    """Endless batches from a copy of the sampler per worker process, each seeded by ``seed`` and the worker number."""

    def __init__(self, sampler: CropSampler | VolumeCropSampler, batch: int, seed: int) -> None:
        super().__init__()
        self.sampler, self.batch, self.seed = sampler, batch, seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        sampler = copy.copy(self.sampler)
        sampler.rng = np.random.default_rng([self.seed, info.id if info is not None else 0])
        while True:
            yield torch.from_numpy(sampler.sample(self.batch))
