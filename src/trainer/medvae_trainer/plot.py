"""Eval curves of training runs as a PNG (PIL only: no plotting library is installed here): the held-out PSNR of
each run's ``eval.jsonl`` against its step, with the bicubic baseline of the same images as a dashed line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image, ImageDraw

COLOURS = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189))
SIZE, MARGIN = (900, 520), (70, 30, 30, 60)  # left, top, right, bottom


def read_curve(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def plot(curves: dict[str, list[dict]], out: Path) -> None:
    points = [p for c in curves.values() for p in c]
    if not points:
        raise SystemExit("no eval points to plot")
    steps = [p["step"] for p in points]
    values = [v for p in points for v in (p["psnr"], p["bicubic_psnr"])]
    x0, x1 = 0, max(steps) * 1.05
    y0, y1 = int(min(values)) - 1, int(max(values)) + 2
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = MARGIN[0], MARGIN[1], SIZE[0] - MARGIN[2], SIZE[1] - MARGIN[3]

    def xy(step: float, db: float) -> tuple[float, float]:
        return (left + (step - x0) / (x1 - x0) * (right - left), bottom - (db - y0) / (y1 - y0) * (bottom - top))

    draw.rectangle((left, top, right, bottom), outline="black")
    for db in range(y0, y1 + 1):
        draw.line((left, xy(0, db)[1], right, xy(0, db)[1]), fill=(230, 230, 230))
        draw.text((left - 45, xy(0, db)[1] - 6), f"{db} dB", fill="black")
    for k in range(6):
        step = x1 * k / 5
        draw.text((xy(step, y0)[0] - 15, bottom + 8), f"{int(step):,}", fill="black")
    draw.text(((left + right) // 2 - 20, bottom + 30), "step", fill="black")
    for i, (name, curve) in enumerate(sorted(curves.items())):
        colour = COLOURS[i % len(COLOURS)]
        line = [xy(p["step"], p["psnr"]) for p in curve]
        if len(line) > 1:
            draw.line(line, fill=colour, width=3)
        for x, y in line:
            draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=colour)
        base = xy(0, curve[0]["bicubic_psnr"])[1]
        for x in range(left, right, 12):
            draw.line((x, base, x + 6, base), fill=colour, width=1)
        last = curve[-1]
        draw.text((left + 10, top + 10 + 16 * i), f"{name}: {last['psnr']:.2f} dB at step {last['step']:,} "
                  f"(bicubic {last['bicubic_psnr']:.2f}, dashed)", fill=colour)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)


def run_plot(args: argparse.Namespace) -> None:
    plot({Path(p).name.removesuffix(".eval.jsonl").removesuffix("eval.jsonl").rstrip("/") or Path(p).parent.name:
          read_curve(Path(p)) for p in args.curves}, Path(args.out))
    print(f"wrote {args.out}")
