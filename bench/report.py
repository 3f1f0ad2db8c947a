"""Turns the tab-separated results of run-dicom-benchmarks.sh into Markdown tables (printed on standard output).

    report.py RESULTS_FOLDER

Targets checked: header parsing at least 3x pydicom's files/s (median over runs); JPEG 2000 and JPEG-LS decode
within 10% of the native library. On a shared machine one frame's ratio moves by +-15% from round to round, so a
frame counts as outside the target only when both its median ratio and its best-time ratio exceed 1.10, and the
target as a whole is judged on the geometric means of both ratios over all frames.
"""

import csv
import math
import statistics
import sys
from pathlib import Path

HEADER_TARGET = 3.0
DECODE_TOLERANCE = 1.10


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a TSV file; header lines repeated by concatenated runs are skipped."""
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if row["case"] != "case"]


def display(case: str) -> str:
    """Shorter names for cornerstone's one-CT-in-every-syntax files."""
    if case.startswith("CTImage.dcm_"):
        return "cornerstone CT ." + case.rsplit(".", 1)[-1]
    return case.replace("pylibjpeg-data__", "").replace("nema-wg04__", "").replace("fo-dicom__", "")


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def headers(folder: Path) -> None:
    ours = [read_rows(p)[0] for p in sorted(folder.glob("headers-ours-*.tsv"))]
    theirs = [read_rows(p)[0] for p in sorted(folder.glob("headers-pydicom-*.tsv"))]
    if not ours or not theirs:
        return
    print("### Header parsing (stop before pixel data), files per second\n")
    print(f"{ours[0]['files']} files (the 192-slice MR series, the 44-slice 640x640 MR series, the 20 CT slices), "
          f"{ours[0]['top_level_elements']} top-level elements in all (the same count from both readers). "
          f"Each run is a new process: warm-up (at least 3 passes and 2 s), then {ours[0]['iterations']} timed passes "
          "over all files; a run's figure is files / median pass time. Runs of the two readers alternate.\n")
    print("| run | Gateway.Dicom `DicomFile.Open` | pydicom `dcmread(stop_before_pixels=True)` | ratio |")
    print("|---|---:|---:|---:|")
    ratios = []
    for i, (a, b) in enumerate(zip(ours, theirs), start=1):
        x, y = float(a["files_per_s_median"]), float(b["files_per_s_median"])
        ratios.append(x / y)
        print(f"| {i} | {x:,.0f} | {y:,.0f} | {x / y:.2f}x |")
    x = statistics.median(float(a["files_per_s_median"]) for a in ours)
    y = statistics.median(float(b["files_per_s_median"]) for b in theirs)
    best_x = max(float(a["files_per_s_best"]) for a in ours)
    best_y = max(float(b["files_per_s_best"]) for b in theirs)
    print(f"| **median of runs** | **{x:,.0f}** | **{y:,.0f}** | **{x / y:.2f}x** |")
    print(f"| best single pass | {best_x:,.0f} | {best_y:,.0f} | {best_x / best_y:.2f}x |")
    print(f"\nTarget >= {HEADER_TARGET:.0f}x pydicom: {verdict(x / y >= HEADER_TARGET)} "
          f"(median of runs {x / y:.2f}x; per-run ratios {min(ratios):.2f}x to {max(ratios):.2f}x).\n")


def by_case(path: Path) -> dict[str, dict[str, str]]:
    """One row per case (in the order first seen) from a file of one or more rounds: median_ms becomes the median
    of the rounds' medians, min_ms the least of their minimums, the other columns are the first round's."""
    if not path.exists():
        return {}
    rounds: dict[str, list[dict[str, str]]] = {}
    for row in read_rows(path):
        rounds.setdefault(row["case"], []).append(row)
    combined = {}
    for case, rows in rounds.items():
        row = dict(rows[0])
        row["rounds"] = str(len(rows))
        for column in [c for c in row if c.endswith("median_ms")]:
            row[column] = str(statistics.median(float(r[column]) for r in rows))
        for column in [c for c in row if c.endswith("min_ms")]:
            row[column] = str(min(float(r[column]) for r in rows))
        combined[case] = row
    return combined


def decode_table(folder: Path, family: str, title: str, library: str, with_cli: bool) -> None:
    ours = list(by_case(folder / f"{family}-ours.tsv").values())
    native = by_case(folder / f"{family}-native.tsv")
    cli = by_case(folder / f"{family}-cli.tsv") if with_cli else {}
    if not ours:
        return
    print(f"### {title}\n")
    print(f"{ours[0]['rounds']} round(s), ours and the C harness alternating, each round a new process with warm-up "
          f"(at least 1 decode and 1 s per frame) and {ours[0]['iterations']} timed decodes per frame; "
          "ms = median of the rounds' median times, (min) = fastest single decode. "
          "A frame is marked outside the target only when both its ratios exceed 1.10.\n")
    columns = ["frame", "syntax", "geometry", "codestream KiB", "ours ms (min)", f"{library} in C ms (min)",
               "ours / C median", "ours / C min"]
    if with_cli:
        columns += ["C decode only ms", "`opj_decompress` wall ms"]
    columns += [f"within {round((DECODE_TOLERANCE - 1) * 100)}%"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join(["---"] * 3 + ["---:"] * (len(columns) - 4) + ["---"]) + "|")
    ratios, min_ratios, outside = [], [], []
    for row in ours:
        ref = native[row["case"]]
        if ref["decoded_bytes"] != row["decoded_bytes"]:
            sys.exit(f"{row['case']}: native decoded {ref['decoded_bytes']} bytes, ours {row['decoded_bytes']}")
        mine, theirs = float(row["median_ms"]), float(ref["median_ms"])
        ratio, min_ratio = mine / theirs, float(row["min_ms"]) / float(ref["min_ms"])
        ratios.append(ratio)
        min_ratios.append(min_ratio)
        within = ratio <= DECODE_TOLERANCE or min_ratio <= DECODE_TOLERANCE
        if not within:
            outside.append(display(row["case"]))
        cells = [
            display(row["case"]),
            "." + row["syntax"].rsplit(".", 1)[-1],
            row["geometry"],
            f"{int(row['encoded_bytes']) / 1024:,.0f}",
            f"{mine:,.1f} ({float(row['min_ms']):,.1f})",
            f"{theirs:,.1f} ({float(ref['min_ms']):,.1f})",
            f"{ratio:.3f}",
            f"{min_ratio:.3f}",
        ]
        if with_cli:
            cells.append(f"{float(ref['decode_only_median_ms']):,.1f}")
            cells.append(f"{float(cli[row['case']]['median_ms']):,.1f}" if row["case"] in cli else "n/a")
        cells.append(verdict(within))
        print("| " + " | ".join(cells) + " |")
    mean, min_mean = geomean(ratios), geomean(min_ratios)
    tolerance = round((DECODE_TOLERANCE - 1) * 100)
    print(f"\nOurs / {library} in C, geometric mean over {len(ratios)} frames: {mean:.3f} on median times, "
          f"{min_mean:.3f} on best times; per-frame median ratios {min(ratios):.2f} to {max(ratios):.2f}. "
          f"Frames outside {tolerance}% on both: {', '.join(outside) if outside else 'none'}. "
          f"Target (within {tolerance}% of {library}): "
          f"{verdict(mean <= DECODE_TOLERANCE and min_mean <= DECODE_TOLERANCE and not outside)}.\n")


def lossless(folder: Path) -> None:
    ours = list(by_case(folder / "jpegll-ours.tsv").values())
    dcmtk = by_case(folder / "jpegll-dcmdjpeg.tsv")
    baseline = read_rows(folder / "jpegll-dcmdjpeg-startup.tsv") if (folder / "jpegll-dcmdjpeg-startup.tsv").exists() else []
    if not ours:
        return
    startup = float(baseline[0]["median_ms"]) if baseline else 0.0
    print("### JPEG lossless (process 14) decode, managed decoder\n")
    print("Decoded bytes per second = native frame bytes (all frames) / median decode time. `dcmdjpeg` is a whole "
          "process (start-up, dictionary, reading the file, decoding, writing the uncompressed file); "
          f"its start-up and I/O floor, measured as `dcmdjpeg` on a 128x128 file (GH184), was {startup:,.0f} ms, "
          "and the last column subtracts it to estimate DCMTK's decode speed (rough).\n")
    print("| file | syntax | geometry | frames | decoded MB | ours ms (min) | ours MB/s | `dcmdjpeg` wall ms | "
          "DCMTK est. MB/s (wall − start-up) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    total_bytes = total_ms = 0.0
    for row in ours:
        decoded = int(row["decoded_bytes"])
        mine = float(row["median_ms"])
        total_bytes += decoded
        total_ms += mine
        ref = dcmtk.get(row["case"])
        wall = float(ref["median_ms"]) if ref else float("nan")
        net = wall - startup
        estimate = f"{decoded / net / 1000:,.0f}" if ref and net > 0.2 * wall else "below start-up noise"
        print(f"| {display(row['case'])} | .{row['syntax'].rsplit('.', 1)[-1]} | {row['geometry']} | {row['frames']} | "
              f"{decoded / 1e6:.2f} | {mine:,.1f} ({float(row['min_ms']):,.1f}) | {decoded / mine / 1000:,.0f} | "
              f"{wall:,.0f} | {estimate} |")
    print(f"\nAll {len(ours)} files together: {total_bytes / 1e6:.1f} MB decoded in {total_ms:,.0f} ms, "
          f"{total_bytes / total_ms / 1000:,.0f} MB/s (no numeric target was set for this codec).\n")


def main() -> None:
    folder = Path(sys.argv[1])
    headers(folder)
    decode_table(folder, "j2k", "JPEG 2000 decode (OpenJPEG, 1 thread)", "OpenJPEG", with_cli=True)
    decode_table(folder, "jpegls", "JPEG-LS decode (CharLS)", "CharLS", with_cli=False)
    lossless(folder)


if __name__ == "__main__":
    main()
