"""Loading models from exported folders, training runs and published MedVAE checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from .config import PUBLISHED, ModelConfig
from .model import AutoencoderKL


def merge_lora(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Fold every ``P.conv`` + ``P.lora_down`` + ``P.lora_up`` triple into ``P.weight``/``P.bias``
    (scale 1.0): ``W += up[:, :, 0, 0] @ down.reshape(r, -1)``."""
    prefixes = {k[: -len(".lora_down.weight")] for k in state_dict if k.endswith(".lora_down.weight")}
    merged: dict[str, torch.Tensor] = {}
    for key, value in state_dict.items():
        prefix = next((p for p in prefixes if key.startswith(p + ".")), None)
        if prefix is None:
            merged[key] = value
            continue
        rest = key[len(prefix) + 1:]
        if rest == "conv.weight":
            down = state_dict[f"{prefix}.lora_down.weight"]
            up = state_dict[f"{prefix}.lora_up.weight"]
            delta = (up.flatten(1).double() @ down.flatten(1).double()).reshape(value.shape)
            merged[f"{prefix}.weight"] = (value.double() + delta).to(value.dtype)
        elif rest == "conv.bias":
            merged[f"{prefix}.bias"] = value
        elif rest not in ("lora_down.weight", "lora_up.weight"):
            raise KeyError(f"unexpected key {key} in a LoRA-wrapped layer")
    return merged


def load_checkpoint(path: str | Path, cfg: ModelConfig) -> AutoencoderKL:
    """A checkpoint in the published format (``{"state_dict": ...}``), LoRA merged, loaded into a
    model of ``cfg`` with strict=True."""
    obj = torch.load(str(path), map_location="cpu")
    if not isinstance(obj, dict) or "state_dict" not in obj:
        raise ValueError(f"{path}: expected a dict with a 'state_dict' entry")
    model = AutoencoderKL(cfg)
    model.load_state_dict(merge_lora(obj["state_dict"]), strict=True)
    return model.eval()


def load_published(path: str | Path, name: str) -> AutoencoderKL:
    """A published MedVAE checkpoint loaded into its configuration (see PUBLISHED)."""
    if name not in PUBLISHED:
        raise KeyError(f"unknown published model {name!r}; one of {sorted(PUBLISHED)}")
    return load_checkpoint(path, PUBLISHED[name].config)


def load_model(path: str | Path, weights: str = "ema", checkpoint: str | None = None) -> tuple[AutoencoderKL, dict]:
    """An exported model folder (model.json + weights.pt), a run folder (last.pt) or a checkpoint file.

    Returns the model in eval mode and metadata (model.json contents, or the checkpoint's
    step/data/config entries)."""
    p = Path(checkpoint) if checkpoint else Path(path)
    if p.is_dir() and (p / "model.json").is_file():
        meta = json.loads((p / "model.json").read_text())
        cfg = ModelConfig.from_dict(meta["architecture"])
        model = AutoencoderKL(cfg)
        model.load_state_dict(torch.load(p / "weights.pt", map_location="cpu", weights_only=False), strict=True)
        return model.eval(), meta
    if p.is_dir():
        p = p / "last.pt"
    state = torch.load(p, map_location="cpu", weights_only=False)
    cfg = ModelConfig.from_dict(state["model_config"])
    model = AutoencoderKL(cfg)
    key = weights if weights in state else "ema"
    model.load_state_dict(state[key], strict=True)
    meta = {k: state[k] for k in ("step", "seconds", "images_seen", "data", "train_config", "git_commit") if k in state}
    meta.update({k: v for k, v in _run_config_beside(p).items() if k not in meta})
    meta["checkpoint"] = str(p)
    meta["weights"] = key
    return model.eval(), meta


def _run_config_beside(checkpoint: Path) -> dict:
    """The training configuration and git commit of the run a snapshot came from: ``NAME.config.json`` beside
    ``NAME.pt`` (a copy of the run's config.json, as training/state keeps them), else nothing."""
    config = checkpoint.with_suffix(".config.json")
    if not config.is_file():
        return {}
    meta = json.loads(config.read_text())
    return {k: meta[k] for k in ("train_config", "git_commit") if k in meta}


SNAPSHOT_KEYS = ("step", "model_config", "ema", "data", "seconds", "images_seen")


def write_snapshot(run: str | Path, out: str | Path) -> int:
    """Writes the slim state of a run's last.pt (the keys ``train --init`` reads, as ``ema-step*.pt`` files hold
    them); returns its step."""
    state = torch.load(Path(run) / "last.pt", map_location="cpu", weights_only=False)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: state[k] for k in SNAPSHOT_KEYS}, out)
    return int(state["step"])
