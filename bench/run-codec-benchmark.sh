#!/usr/bin/env bash
# `gateway bench codec` of two builds side by side in one run: for each model, ROUNDS rounds, each round runs both
# builds in turn (A B, then B A in the next round, so load on the machine falls on both alike), each run
# REPEAT timed encodes and decodes of a 512x512 frame on THREADS intra-op threads. Prints every run's p50s and then
# Markdown: per model and build the median over the rounds of the encode and decode p50 and of the process's CPU
# seconds (user + system: start-up, model load, one warm-up and the timed runs; on a shared machine the CPU time
# shows the work done, where wall-clock time also holds the waits for a core), and new/baseline.
# Usage: GATEWAY_BIN=... BASELINE_BIN=... bench/run-codec-benchmark.sh
# Environment: GATEWAY_BIN (default: this tree's Release build), BASELINE_BIN (required), MODELS (default: both
# shipped models), ROUNDS (default 5), REPEAT (default 20), THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
gateway_bin=${GATEWAY_BIN:-$(pwd)/src/Gateway.Server/bin/Release/net10.0/gateway}
baseline_bin=${BASELINE_BIN:?set BASELINE_BIN to the gateway executable of the baseline build}
models=${MODELS:-compact-f16-c1 compact-f64-c1}
rounds=${ROUNDS:-5}
repeat=${REPEAT:-20}
threads=${THREADS:-2}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

run() { # label binary model
  local output encode decode cpu TIMEFORMAT='cpu %U %S'
  output=$({ time "$2" bench codec --model "$3" --threads "$threads" --repeat "$repeat" --models "$(pwd)/onnx-models"; } 2>&1)
  encode=$(sed -n 's/^encode: p50 \([0-9.]*\) ms.*/\1/p' <<<"$output")
  decode=$(sed -n 's/^decode: p50 \([0-9.]*\) ms.*/\1/p' <<<"$output")
  cpu=$(awk '/^cpu / { print $2 + $3 }' <<<"$output")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$encode" "$decode" "$cpu" "$(head -1 <<<"$output")" | tee -a "$results" >&2
}

for model in $models; do
  for ((round = 0; round < rounds; round++)); do
    if ((round % 2 == 0)); then
      run new "$gateway_bin" "$model"; run baseline "$baseline_bin" "$model"
    else
      run baseline "$baseline_bin" "$model"; run new "$gateway_bin" "$model"
    fi
  done
done

/usr/bin/python3 - "$results" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print("| model | build | runs | encode p50 ms | decode p50 ms | CPU s per run |")
print("|---|---|---|---|---|---|")
for model in dict.fromkeys(r[1] for r in rows):
    medians = {}
    for build in ("baseline", "new"):
        mine = [r for r in rows if r[1] == model and r[0] == build]
        enc = statistics.median(float(r[2]) for r in mine)
        dec = statistics.median(float(r[3]) for r in mine)
        cpu = statistics.median(float(r[4]) for r in mine)
        medians[build] = (enc, dec, cpu)
        print(f"| {model} | {build} | {len(mine)} | {enc:.1f} | {dec:.1f} | {cpu:.2f} |")
    (be, bd, bc), (ne, nd, nc) = medians["baseline"], medians["new"]
    print(f"| {model} | new / baseline | | {ne / be:.3f} | {nd / bd:.3f} | {nc / bc:.3f} |")
PY
