"""Markdown report of bench/series-latent/run.sh (docs/benchmarks.md, "Series latents"), with the targets of issue 15.

Usage: report.py RESULTS_FOLDER GATEWAY_BIN COMMAND
"""

import json
import os
import platform
import subprocess
import sys

TARGET_RATIO_F512 = 400
TARGET_ALL_IN = 50
TARGET_COLD_P50_MS = 150
TARGET_WARM_P50_MS = 10


def verdict(ok):
    return "PASS" if ok else "FAIL"


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({model}), {memory / 2**20:.0f} GiB, {platform.system()} {platform.release()}"


def commit():
    """The commit of the tree the script ran from (the gateway is built from it unless GATEWAY_BIN says otherwise)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=True).stdout.strip()
        return head + (" with local changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def latent_bytes(run):
    return sum(row["size_bytes"] for row in run["series_latents"])


def main():
    folder, binary, command = sys.argv[1:4]
    runs = [json.loads(line) for line in open(os.path.join(folder, "runs.jsonl")) if line.strip()]
    print(f"Machine: {machine()}. Gateway: {binary}; tree at {commit()}. Command: `{command}`.")
    print("Load (uptime, 1/5/15 min) per phase: " + "; ".join(
        f"{r['model']}: ingest {r['load']['ingest']}, cold {r['load']['cold']}, warm {r['load']['warm']}, quality {r['load']['quality']}" for r in runs) + ".\n")

    print("**1. The series latent against the series' pixel bytes** (192 x 256 x 256, 16-bit stored):\n")
    print("| model | f | series latents | slices in it | latent bytes | pixel bytes | ratio | target | result |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        slices = sum(row["slices"] for row in r["series_latents"])
        ratio = r["pixel_bytes"] / max(latent_bytes(r), 1)
        target, result = ((f">= {TARGET_RATIO_F512}x", verdict(ratio >= TARGET_RATIO_F512)) if r["factor"] == 8 else ("-", "-"))
        print(f"| {r['model']} | {r['factor'] ** 3} | {len(r['series_latents'])} | {slices} of {r['instances']} | {latent_bytes(r):,} | "
              f"{r['pixel_bytes']:,} | {ratio:,.0f}x | {target} | {result} |")

    print("\n**2. All in**: every file left in the object store + the growth of the gateway's PostgreSQL database "
          "(VACUUM, CHECKPOINT, pg_database_size before the first instance and after the queue drained):\n")
    print("| model | object files | of which DICOM headers | PostgreSQL growth | all in | per instance | ratio | target | result |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        growth = r["pg_after"] - r["pg_before"]
        total = r["store"]["bytes"] + growth
        ratio = r["pixel_bytes"] / total
        print(f"| {r['model']} | {r['store']['files']} files, {r['store']['bytes']:,} | {r['store']['header_bytes']:,} | {growth:,} | "
              f"{total:,} | {total / r['instances']:,.0f} | {ratio:.1f}x | >= {TARGET_ALL_IN}x | {verdict(ratio >= TARGET_ALL_IN)} |")
    print("\nThe same series again as a second study of the patient (new UIDs), into the database that holds the first: "
          "the marginal cost of a series, without the first pages each table and index takes for its first row:\n")
    print("| model | new object bytes | PostgreSQL growth | all in | per instance | ratio | target | result |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        second = r["second"]
        objects = second["store"]["bytes"] - r["store"]["bytes"]
        growth = second["pg_after"] - r["pg_after"]
        total = objects + growth
        ratio = r["pixel_bytes"] / total
        print(f"| {r['model']} | {objects:,} | {growth:,} | {total:,} | {total / r['instances']:,.0f} | {ratio:.1f}x | "
              f">= {TARGET_ALL_IN}x | {verdict(ratio >= TARGET_ALL_IN)} |")
    for r in runs:
        n = r["instances"]
        second = r["second"]
        print(f"\nWhere the PostgreSQL growth of {r['model']} is (pg_total_relation_size per table: rows, indexes, TOAST; "
              f"live rows after VACUUM; header columns hold {r['header_column_bytes']:,} bytes, {r['header_column_bytes'] / n:,.0f} per instance):\n")
        print("| table | empty | after the series | growth | per instance | live rows | growth by the second series | per instance |")
        print("|---|---|---|---|---|---|---|---|")
        growths = []
        for name, after in second["pg_tables_after"].items():
            before = r["pg_tables_before"].get(name, {"bytes": 0})["bytes"]
            first = r["pg_tables_after"].get(name, {"bytes": 0})["bytes"]
            growths.append((first - before, after["bytes"] - first, name, before, first))
        for growth, marginal, name, before, after in sorted(growths, reverse=True):
            if growth or marginal:
                print(f"| {name} | {before:,} | {after:,} | {growth:,} | {growth / n:,.0f} | {r['pg_rows'].get(name, {}).get('live', '?')} | "
                      f"{marginal:,} | {marginal / n:,.0f} |")
        tables, marginal = sum(g for g, *_ in growths), sum(m for _, m, *_ in growths)
        print(f"| (all tables) | | | {tables:,} | {tables / n:,.0f} | | {marginal:,} | {marginal / n:,.0f} |")
        print(f"| (database, pg_database_size) | {r['pg_before']:,} | {r['pg_after']:,} | {r['pg_after'] - r['pg_before']:,} | "
              f"{(r['pg_after'] - r['pg_before']) / n:,.0f} | | {second['pg_after'] - r['pg_after']:,} | {(second['pg_after'] - r['pg_after']) / n:,.0f} |")
        print(f"\nThe instances table of {r['model']} after the first series ({n} rows; bytes, and for columns the mean stored size of a value):\n")
        print("| part | bytes | per instance |")
        print("|---|---|---|")
        parts = r["instance_rows"]
        for name, value in sorted(((k, v["bytes"]) for k, v in parts.items() if not k.startswith("column ")), key=lambda kv: -kv[1]):
            print(f"| {name} | {value:,} | {value / n:,.0f} |")
        columns = sorted(((k[len("column "):], v["bytes"]) for k, v in parts.items() if k.startswith("column ")), key=lambda kv: -kv[1])
        print("\nMean column sizes (bytes): " + ", ".join(f"{name} {value}" for name, value in columns if value) + ".")

    print("\n**3. PSNR per slice** (dB, the slice's own range; every slice fetched over WADO-RS and compared with its original "
          "file by pydicom + numpy; the baselines computed the same way on the same volume with scipy.ndimage.zoom order=3):\n")
    print("| model | method | mean | min | p5 | p25 | p50 | p75 | p95 | max | slices above it (gateway) | mean gain | result |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        q = r["quality"]
        for method in ("gateway", "tricubic", "tricubic-antialiased"):
            s = q[method]
            label = {"gateway": f"series latent (f={r['factor'] ** 3})", "tricubic": f"tricubic zoom 1/{r['factor']} and back",
                     "tricubic-antialiased": f"{r['factor']}^3 block mean, tricubic back"}[method]
            extra = "| | |" if method == "gateway" else (
                f"| {q['above_' + method]} of {s['slices']} | {q['gain_' + method]:+.2f} | {verdict(q['gain_' + method] > 0)} |")
            print(f"| {r['model']} | {label} | {s['mean']:.2f} | {s['min']:.2f} | {s['p5']:.2f} | {s['p25']:.2f} | {s['p50']:.2f} | "
                  f"{s['p75']:.2f} | {s['p95']:.2f} | {s['max']:.2f} {extra}")
    for r in runs:
        q = r["quality"]
        print(f"\n{r['model']}: {q['at_least_24']} of {q['gateway']['slices']} slices at 24 dB or more, {q['at_least_30']} at 30 dB or more; "
              f"the series' .npy latent: HTTP {r['npy']['status']}, {r['npy']['bytes']:,} bytes.")

    print(f"\n**4. Slice retrieval over WADO-RS** (one keep-alive client, one instance per request, slices in scroll order; "
          f"cold: a fresh gateway process with data/cache deleted, the first fetch of each slice; warm: {runs[0]['warm']['requests'] // runs[0]['instances']} "
          "more passes through the series in the same process):\n")
    print("| model | phase | requests | p50 ms | p90 ms | p99 ms | max ms | mean ms | target p50 | result |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        for phase, target in (("cold", TARGET_COLD_P50_MS), ("warm", TARGET_WARM_P50_MS)):
            t = r[phase]
            if t["ok"] != t["requests"]:
                raise SystemExit(f"report: {t['requests'] - t['ok']} {phase} requests of {r['model']} failed")
            print(f"| {r['model']} | {phase} | {t['requests']} | {t['p50Ms']:.1f} | {t['p90Ms']:.1f} | {t['p99Ms']:.1f} | {t['maxMs']:.1f} | "
                  f"{t['meanMs']:.1f} | <= {target} | {verdict(t['p50Ms'] <= target)} |")
    for r in runs:
        print(f"\n{r['model']}: ingest (storescu) {r['ingest_s']:.1f} s, drained (series job done, originals retired) {r['drain_s']:.1f} s after the first instance.")


if __name__ == "__main__":
    main()
