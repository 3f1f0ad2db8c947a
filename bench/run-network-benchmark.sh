#!/usr/bin/env bash
# C-STORE throughput: DCMTK storescu sends the 192-slice MR series of ../shared/data, over one association on
# loopback, to (a) DCMTK's own storescp and (b) our provider (`gateway dicom scp`, folder archive), both writing
# every instance to disk in a folder on the same file system. The storescu command is the same for every
# receiver; only the port and called AE title differ. Runs alternate between the receivers (round robin), so a
# change in machine load hits them alike. Prints a Markdown report; raw timings go to RESULTS_FOLDER/runs.tsv.
#
# Receivers (all started once and kept running, as a real node is; output folders emptied between runs):
#   storescp          storescp -aet STORESCP -od DIR PORT          (default: parses the data set, writes it again)
#   storescp-B        storescp +B -aet STORESCP -od DIR PORT       (bit-preserving: writes the bytes as received)
#   gateway           gateway dicom scp --no-fsync --out DIR ...   (writes the bytes as received; no fsync, like storescp)
#   gateway-fsync     gateway dicom scp --out DIR ...              (default: fsync of each file before answering Success)
# storescp 3.6.7 has no option to fsync; neither it nor `--no-fsync` flushes the page cache to the disk, so the
# fair pair is storescp vs gateway. gateway-fsync shows what the durable default costs.
#
# Usage: bench/run-network-benchmark.sh [--quick] [RESULTS_FOLDER]
#   --quick         2 repetitions, to check that the script works (numbers not worth reporting)
#   RESULTS_FOLDER  default artifacts/bench-network-DATE (git-ignored)
# Environment: SHARED_DATA (default ../shared/data), REPETITIONS (default 9), BENCH_NICE (default -10 as root:
# every receiver and every storescu runs at this same priority; 0 to switch off).
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=${REPETITIONS:-9}
if [[ ${1:-} == --quick ]]; then
  repetitions=2
  shift
fi
data=${SHARED_DATA:-../shared/data}
series=$data/volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon
results=${1:-artifacts/bench-network-$(date +%Y%m%d-%H%M%S)}
[[ -d $series ]] || { echo "run-network-benchmark: no MR series at $series (set SHARED_DATA)" >&2; exit 1; }
command -v storescu >/dev/null && command -v storescp >/dev/null && command -v echoscu >/dev/null \
  || { echo "run-network-benchmark: DCMTK is missing (apt-get install dcmtk)" >&2; exit 1; }
nice_level=${BENCH_NICE:-$([[ $(id -u) -eq 0 ]] && echo -10 || echo 0)}

mkdir -p "$results"
results=$(cd "$results" && pwd)
echo "Building gateway (Release) ..." >&2
dotnet build src/Gateway.Server -c Release -nologo -v quiet >&2
gateway=$PWD/src/Gateway.Server/bin/Release/net10.0/gateway

mapfile -t files < <(find "$series" -name '*.dcm' | sort)
count=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c) # also puts the input into the page cache for every run

# DCMTK turns Nagle's algorithm off unless TCP_NODELAY=0; set it explicitly for every DCMTK process.
export TCP_NODELAY=1
work=$(mktemp -d /tmp/gateway-netbench-XXXXXX)
declare -A pids ports aets folders
cleanup() {
  for name in "${!pids[@]}"; do
    kill "${pids[$name]}" 2>/dev/null || true
  done
  for name in "${!pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "${pids[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pids[$name]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start NAME AE COMMAND...: runs a receiver in the background (its log in RESULTS_FOLDER), waits until it answers C-ECHO.
start() {
  local name=$1 aet=$2
  shift 2
  nice -n "$nice_level" "$@" >"$results/$name.log" 2>&1 &
  pids[$name]=$!
  aets[$name]=$aet
  for _ in $(seq 1 300); do
    if echoscu -aet BENCH -aec "$aet" 127.0.0.1 "${ports[$name]}" >/dev/null 2>&1; then
      return
    fi
    kill -0 "${pids[$name]}" 2>/dev/null || { echo "$name exited:" >&2; cat "$results/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name did not answer C-ECHO in 30 s" >&2
  exit 1
}

receivers=(storescp gateway storescp-B gateway-fsync)
for name in "${receivers[@]}"; do
  ports[$name]=$(free_port)
  folders[$name]=$work/$name
  mkdir -p "${folders[$name]}"
done
start storescp STORESCP storescp -aet STORESCP -od "${folders[storescp]}" "${ports[storescp]}"
start storescp-B STORESCP storescp +B -aet STORESCP -od "${folders[storescp-B]}" "${ports[storescp-B]}"
start gateway GATEWAY "$gateway" dicom scp --aet GATEWAY --port "${ports[gateway]}" --out "${folders[gateway]}" --no-fsync
start gateway-fsync GATEWAY "$gateway" dicom scp --aet GATEWAY --port "${ports[gateway-fsync]}" --out "${folders[gateway-fsync]}"

# One storescu run into NAME: prints the wall time in seconds; checks that every instance arrived.
store() {
  local name=$1 folder=${folders[$1]}
  find "$folder" -maxdepth 1 -type f -delete
  sync
  local start end
  start=$(date +%s.%N)
  nice -n "$nice_level" storescu -aet BENCHSCU -aec "${aets[$name]}" 127.0.0.1 "${ports[$name]}" "${files[@]}" >"$results/storescu-$name.log" 2>&1 \
    || { echo "storescu into $name failed:" >&2; cat "$results/storescu-$name.log" >&2; exit 1; }
  end=$(date +%s.%N)
  local stored
  stored=$(find "$folder" -maxdepth 1 -type f | wc -l)
  [[ $stored -eq $count ]] || { echo "$name stored $stored of $count instances" >&2; exit 1; }
  grep -q '^E:' "$results/storescu-$name.log" && { echo "storescu into $name reported errors" >&2; exit 1; }
  echo "$end - $start" | bc -l
}

echo "Warm-up run into each receiver ..." >&2
for name in "${receivers[@]}"; do store "$name" >/dev/null; done

printf 'repetition\treceiver\tseconds\tinstances_per_second\tload1\n' >"$results/runs.tsv"
for repetition in $(seq 1 "$repetitions"); do
  # Rotate the order each repetition so that no receiver always runs first after the deletes and sync.
  shift_by=$(( (repetition - 1) % ${#receivers[@]} ))
  order=("${receivers[@]:shift_by}" "${receivers[@]:0:shift_by}")
  for name in "${order[@]}"; do
    seconds=$(store "$name")
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf '%s\t%s\t%.4f\t%.1f\t%s\n' "$repetition" "$name" "$seconds" "$(echo "$count / $seconds" | bc -l)" "$load" >>"$results/runs.tsv"
    echo "run $repetition: $name $(printf '%.3f' "$seconds") s" >&2
  done
done

python3 - "$results/runs.tsv" "$count" "$repetitions" "$bytes" <<'EOF' | tee "$results/report.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
count, repetitions, megabytes = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) / 1e6
names = ["storescp", "storescp-B", "gateway", "gateway-fsync"]
rate = {name: [float(row["instances_per_second"]) for row in rows if row["receiver"] == name] for name in names}
by_repetition = {(row["repetition"], row["receiver"]): float(row["instances_per_second"]) for row in rows}
loads = [float(row["load1"]) for row in rows]
print(f"{count} instances ({megabytes:.1f} MB) per run, one association, {repetitions} repetitions per receiver, alternating; "
      f"1-minute load average while measuring: min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}\n")
print("| receiver | median instances/s | min | max | median MB/s |")
print("|---|---|---|---|---|")
for name in names:
    print(f"| {name} | {statistics.median(rate[name]):.0f} | {min(rate[name]):.0f} | {max(rate[name]):.0f} | {statistics.median(rate[name]) * megabytes / count:.0f} |")
print()
print("| ratio | of medians | median of paired ratios (same repetition) |")
print("|---|---|---|")
for ours, theirs in [("gateway", "storescp"), ("gateway", "storescp-B"), ("gateway-fsync", "storescp")]:
    paired = [by_repetition[(r, ours)] / by_repetition[(r, theirs)] for r in sorted({row["repetition"] for row in rows})]
    print(f"| {ours} / {theirs} | {statistics.median(rate[ours]) / statistics.median(rate[theirs]):.2f}x | {statistics.median(paired):.2f}x |")
EOF
