"""Command line: python3 -m medvae_trainer train|eval|export|import ..."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from .data import SPLITS
from .train import TrainConfig


def _add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model on the train split (refuses eval-split files)")
    for f in dataclasses.fields(TrainConfig):
        name = "--" + f.name.replace("_", "-")
        if f.name in ("data", "run"):
            p.add_argument(name, required=True)
        elif f.name == "betas":
            p.add_argument(name, type=float, nargs=2, default=f.default)
        else:
            kind = {"int": int, "float": float, "str": str}
            t = str(f.type).split("|")[0].strip()
            p.add_argument(name, type=kind.get(t, str), default=f.default)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m medvae_trainer")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_train(sub)

    p = sub.add_parser("eval", help="PSNR/SSIM/MS-SSIM of a model against bicubic at the same factor")
    p.add_argument("--model", required=True, help="exported model folder (model.json) or training run folder")
    p.add_argument("--data", required=True, help="data root (../shared/data) or a folder of PNG/DICOM files")
    p.add_argument("--split", default="eval", choices=SPLITS,
                   help="eval: every held-out image (its parts: eval-manifest, eval-extra, eval-spread); capacity: "
                        "central MPRAGE training slices")
    p.add_argument("--json", help="write the results here")
    p.add_argument("--weights", default="ema", choices=("ema", "model"), help="run folders: which weights")
    p.add_argument("--checkpoint", help="run folders: a specific checkpoint file instead of last.pt")
    p.add_argument("--latent-dtype", default="int8", choices=("float32", "float16", "int8"),
                   help="round the latent as the container stores it (int8: the gateway's usual choice)")
    p.add_argument("--limit", type=int, help="evaluate only the first N files")
    p.add_argument("--stride", type=int, default=1, help="quick checks: every N-th file only")
    p.add_argument("--max-side", type=int, help="quick checks: skip images larger than this")
    p.add_argument("--threads", type=int, default=2)

    p = sub.add_parser("export", help="write encoder.onnx, decoder.onnx, weights.pt and model.json")
    p.add_argument("--model", required=True, help="training run folder or checkpoint file")
    p.add_argument("--id", required=True, help="model id: the folder name under --out")
    p.add_argument("--out", default="../../onnx-models")
    p.add_argument("--weights", default="ema", choices=("ema", "model"))
    p.add_argument("--eval-json", nargs="+", default=[],
                   help="evaluation results (from eval --json) to include in model.json and the card; the first is "
                        "the model's headline evaluation, the others (e.g. eval-extra, eval-spread, capacity) add "
                        "per-group tables")
    p.add_argument("--notes", help="a Markdown file whose text goes into model.json and the model card")
    p.add_argument("--train-command", help="the training command line, recorded in model.json")
    p.add_argument("--threads", type=int, default=2)

    p = sub.add_parser("pack", help="write training crops (train split only) as 16-bit PNGs for a run on a GPU machine")
    p.add_argument("--data", required=True, help="data root (../shared/data)")
    p.add_argument("--out", required=True)
    p.add_argument("--max-mb", type=float, default=48.0, help="stop once the PNGs take this many MB")
    p.add_argument("--crop", type=int, default=256)
    p.add_argument("--seed", type=int, default=7)

    p = sub.add_parser("snapshot", help="write the slim state of a run (EMA weights, step, time) for train --init")
    p.add_argument("--run", required=True, help="training run folder (its last.pt)")
    p.add_argument("--out", required=True)

    p = sub.add_parser("plot", help="eval curves (eval.jsonl files) as a PNG")
    p.add_argument("curves", nargs="+", help="eval.jsonl files (named by their file name, or by their run folder)")
    p.add_argument("--out", required=True)

    p = sub.add_parser("import", help="load a published MedVAE checkpoint with strict=True and export it")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--config", required=True, help="one of the six published model names")
    p.add_argument("--id", help="model id (default: the published name)")
    p.add_argument("--out", default="../../onnx-models")
    p.add_argument("--no-onnx", action="store_true", help="write weights.pt and model.json only")

    args = parser.parse_args(argv)
    if args.command == "train":
        from .train import Trainer

        values = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)}
        values["betas"] = tuple(values["betas"])
        Trainer(TrainConfig(**values)).fit()
    elif args.command == "eval":
        from .evaluate import run_eval

        run_eval(args)
    elif args.command == "export":
        from .export import run_export

        run_export(args)
    elif args.command == "pack":
        from .pack import run_pack

        run_pack(args)
    elif args.command == "snapshot":
        from .checkpoint import write_snapshot

        print(f"wrote {args.out} at step {write_snapshot(args.run, args.out)}")
    elif args.command == "plot":
        from .plot import run_plot

        run_plot(args)
    elif args.command == "import":
        from .importer import run_import

        run_import(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
