#!/usr/bin/env bash
# Two gateway builds side by side on the archive benchmark's ingest loads, in one run on one machine: PAIRS pairs of
# bench/run-archive-benchmark.sh runs (SERVERS=gateway, one round each: storescu 4 associations, WADO-RS, STOW-RS 4
# clients, each with its warm-up), the two builds alternating A B, B A, A B, ... so that a drift of the machine's load
# falls on both; then a Markdown table of the medians and of the candidate/base ratios (ratio of medians, and the
# median of the ratios within a pair).
#
# Usage: bench/compare-gateway-ingest.sh BASE_GATEWAY CANDIDATE_GATEWAY [RESULTS_FOLDER]
#   BASE_GATEWAY, CANDIDATE_GATEWAY  built `gateway` executables (copy each build's bin folder aside first)
#   RESULTS_FOLDER                   default artifacts/bench-compare-DATE (git-ignored): one folder per run, report.md
# Environment: PAIRS (default 3); BASE_ENV, CANDIDATE_ENV (space-separated NAME=value settings for that build's
#   runs only, e.g. CANDIDATE_ENV="GATEWAY__JOBWORKERS=0"); every other variable of run-archive-benchmark.sh
#   (SHARED_DATA, SERIES, WARMUP, WARMUP_COPIES, WADO_PASSES, BENCH_NICE) applies to both builds alike.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: bench/compare-gateway-ingest.sh BASE_GATEWAY CANDIDATE_GATEWAY [RESULTS_FOLDER]" >&2; exit 2; }
declare -A bin=([base]=$(realpath "$1") [candidate]=$(realpath "$2"))
declare -A extra=([base]=${BASE_ENV:-} [candidate]=${CANDIDATE_ENV:-})
for build in base candidate; do
  [[ -x ${bin[$build]} ]] || { echo "compare-gateway-ingest: ${bin[$build]} is not an executable" >&2; exit 1; }
done
pairs=${PAIRS:-3}
results=${3:-artifacts/bench-compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"
results=$(cd "$results" && pwd)

for pair in $(seq 1 "$pairs"); do
  if ((pair % 2)); then order=(base candidate); else order=(candidate base); fi
  for build in "${order[@]}"; do
    echo "Pair $pair of $pairs: $build ..." >&2
    # shellcheck disable=SC2086 # the settings are NAME=value words
    env ${extra[$build]} SERVERS=gateway ROUNDS=1 GATEWAY_BIN="${bin[$build]}" \
      bench/run-archive-benchmark.sh "$results/$pair-$build" >"$results/$pair-$build.out" 2>&1 ||
      { echo "compare-gateway-ingest: the $build run of pair $pair failed (see $results/$pair-$build.out)" >&2; exit 1; }
  done
done

/usr/bin/python3 - "$results" "$pairs" <<'PY' | tee "$results/report.md"
import csv
import statistics
import sys

folder, pairs = sys.argv[1], int(sys.argv[2])

def value(pair, build, load, metric):
    for row in csv.DictReader(open(f"{folder}/{pair}-{build}/runs.tsv"), delimiter="\t"):
        if row["load"] == load and row["metric"] == metric:
            return float(row["value"]), float(row["load_average"])
    raise SystemExit(f"no {load} {metric} in pair {pair} {build}")

print(f"{pairs} pairs, builds alternating (A B, B A, ...); load average shown per run\n")
print("| load | base, each run | candidate, each run | base median | candidate median | candidate/base, ratio of medians | median of paired ratios |")
print("|---|---|---|---|---|---|---|")
for load, metric, label, higher in (("storescu", "instances_per_s", "storescu, 4 associations (instances/s)", True),
                                    ("stow", "instances_per_s", "STOW-RS, 4 clients (instances/s)", True),
                                    ("wado", "p50Ms", "WADO-RS p50 (ms)", False)):
    runs = {b: [value(p, b, load, metric) for p in range(1, pairs + 1)] for b in ("base", "candidate")}
    cells = {b: ", ".join(f"{v:.1f} (load {l:.1f})" for v, l in runs[b]) for b in runs}
    med = {b: statistics.median(v for v, _ in runs[b]) for b in runs}
    paired = statistics.median(c[0] / b[0] for b, c in zip(runs["base"], runs["candidate"]))
    print(f"| {label} | {cells['base']} | {cells['candidate']} | {med['base']:.1f} | {med['candidate']:.1f} | "
          f"**{med['candidate'] / med['base']:.3f}** | {paired:.3f} |")
PY
