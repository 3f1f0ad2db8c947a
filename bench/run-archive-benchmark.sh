#!/usr/bin/env bash
# The archive benchmark: the gateway (`gateway serve`, Release, its embedded PostgreSQL under a scratch data folder)
# side by side with two configurations of Debian's Orthanc 1.10 on the same machine and the same files:
#   gateway-s3  the same gateway with its objects in an S3 bucket: a real radosgw on loopback (bench/lib/radosgw.sh,
#               started once for the run, a fresh bucket per start), to compare the two object stores in one run;
#   orthanc     its defaults: SQLite index and file storage, DICOMweb plugin;
#   orthanc-pg  the PostgreSQL-backed peer of a PostgreSQL-backed gateway: the PostgreSQL index plugin
#               (orthanc-postgresql) on a private cluster (bench/lib/private-postgres.sh, one fresh database per start),
#               StorageCompression true (zlib files), DICOMweb plugin (the Orthanc of bench/storage-efficiency);
# printed as Markdown:
#   1. ingest through DCMTK storescu, 4 parallel associations (the series split round robin in 4 parts), instances/s;
#   2. ingest through STOW-RS, 4 parallel clients (bench/archive-load.js, one instance per request, keep-alive), instances/s;
#   3. WADO-RS instance retrieve (multipart/related; type="application/dicom"), 1 client, latency p50/p90/p99.
# Every round starts the servers afresh (empty storage) for the storescu load, runs the WADO-RS load on what they then
# hold, and starts them afresh again for the STOW-RS load; the order of the servers rotates each round.
# Before each timed load, each server ingests (the same way) or retrieves a warm-up set that is not timed:
# WARMUP_COPIES (default 40: 800 instances) copies of the 20 CT slices of WARMUP, each copy under new UIDs, for ingest (a freshly
# started .NET process spends its first hundreds of instances JIT-compiling; Orthanc is native code; a gateway runs for
# months), 20 of the series' instances for WADO-RS. WARMUP=none measures the cold start instead.
# After each ingest the script checks that the server lists every instance (QIDO-RS of the series).
#
# Usage: bench/run-archive-benchmark.sh [--quick] [RESULTS_FOLDER]
#   --quick         one round, to check that the script works (numbers not worth reporting)
#   RESULTS_FOLDER  raw results (runs.tsv), server logs and report.md (default artifacts/bench-archive-DATE, git-ignored)
# Environment: SHARED_DATA (default ../shared/data); SERIES (default the 192-slice MR T1 series under volumes/);
#   WARMUP (default the CT slices under volumes/, "none" for cold starts); WARMUP_COPIES (default 40); ROUNDS (default 5); WADO_PASSES (default 2: every instance retrieved twice per round); GATEWAY_BIN (a built
#   `gateway`; default: build src/Gateway.Server in Release); BENCH_NICE (default -10 as root, for both servers and
#   the load clients alike; 0 to switch off); SERVERS (default "gateway orthanc orthanc-pg"; "gateway gateway-s3" compares
#   the object stores). Needs dcmtk, orthanc, orthanc-dicomweb, orthanc-postgresql, postgresql, nodejs, python3-pydicom
#   (scripts/install-deps.sh and scripts/install-peers.sh install them), and Ceph's radosgw for gateway-s3
#   (scripts/install-test-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/private-postgres.sh
source bench/lib/private-postgres.sh
# shellcheck source=lib/gateway-bin.sh
source bench/lib/gateway-bin.sh
# shellcheck source=lib/orthanc-postgresql.sh
source bench/lib/orthanc-postgresql.sh
# shellcheck source=lib/radosgw.sh
source bench/lib/radosgw.sh

rounds=${ROUNDS:-5}
if [[ ${1:-} == --quick ]]; then
  rounds=1
  shift
fi
data=${SHARED_DATA:-../shared/data}
series=${SERIES:-$data/volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon}
warmup=${WARMUP:-$data/volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU}
wado_passes=${WADO_PASSES:-2}
warmup_copies=${WARMUP_COPIES:-40}
results=${1:-artifacts/bench-archive-$(date +%Y%m%d-%H%M%S)}
nice_level=${BENCH_NICE:-$([[ $(id -u) -eq 0 ]] && echo -10 || echo 0)}
read -r -a servers <<<"${SERVERS:-gateway orthanc orthanc-pg}"
[[ -d $series ]] || { echo "run-archive-benchmark: no series at $series (set SHARED_DATA or SERIES)" >&2; exit 1; }
for tool in storescu node /usr/bin/python3 curl; do
  command -v "$tool" >/dev/null || { echo "run-archive-benchmark: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
dicomweb_plugin=/usr/share/orthanc/plugins/libOrthancDicomWeb.so
if [[ " ${servers[*]} " == *" orthanc"* ]]; then
  command -v Orthanc >/dev/null || { echo "run-archive-benchmark: Orthanc is missing (scripts/install-peers.sh)" >&2; exit 1; }
  [[ -f $dicomweb_plugin ]] || { echo "run-archive-benchmark: $dicomweb_plugin is missing (apt-get install orthanc-dicomweb)" >&2; exit 1; }
fi
if [[ " ${servers[*]} " == *" orthanc-pg "* && ! -f $orthanc_pg_plugin ]]; then
  echo "run-archive-benchmark: $orthanc_pg_plugin is missing (apt-get install orthanc-postgresql; scripts/install-peers.sh)" >&2
  exit 1
fi

mkdir -p "$results"
results=$(cd "$results" && pwd)
gateway_bin_or_build

# The embedded PostgreSQL runs as the postgres user, which must be able to reach the data folder.
scratch=$(mktemp -d /tmp/archive-bench.XXXXXX)
chmod 755 "$scratch"
declare -A pids=()
orthanc_pg=$scratch/opg

stop_server() {
  local name=$1 pid=${pids[$1]:-}
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  unset "pids[$name]"
}

cleanup() {
  for name in "${!pids[@]}"; do
    stop_server "$name"
  done
  private_pg_stop "$orthanc_pg"
  radosgw_stop
  rm -rf "$scratch"
}
trap cleanup EXIT
if [[ " ${servers[*]} " == *" gateway-s3 "* ]]; then
  echo "Starting radosgw ..." >&2
  radosgw_start "$scratch/radosgw"
fi

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---- the series: files (sorted), their UIDs, 4 storescu parts ----------------------------------------------------
mapfile -t files < <(find "$series" -maxdepth 1 -name '*.dcm' | sort)
count=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c)
mapfile -t uids < <(/usr/bin/python3 - "${files[@]}" <<'EOF'
import sys
import pydicom
for path in sys.argv[1:]:
    d = pydicom.dcmread(path, stop_before_pixels=True)
    print(d.StudyInstanceUID, d.SeriesInstanceUID, d.SOPInstanceUID)
EOF
)
read -r study_uid series_uid _ <<<"${uids[0]}"
warmup_files=()
if [[ $warmup != none ]]; then
  # WARMUP_COPIES copies of the warm-up slices, each with its own study, series and SOP Instance UIDs (a server
  # stores every one as new), so that both servers ingest a few hundred instances before the clock starts.
  mkdir -p "$scratch/warmup"
  /usr/bin/python3 - "$scratch/warmup" "$warmup_copies" $(find "$warmup" -maxdepth 1 -name '*.dcm' | sort) <<'EOF'
import os
import sys
import pydicom
from pydicom.uid import generate_uid

folder, copies, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for copy in range(copies):
    renamed = {}
    for index, path in enumerate(paths):
        dataset = pydicom.dcmread(path)
        for keyword in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"):
            old = getattr(dataset, keyword)
            setattr(dataset, keyword, renamed.setdefault(old, generate_uid()))
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
        dataset.save_as(os.path.join(folder, f"{copy:03d}-{index:04d}.dcm"), write_like_original=False)
EOF
  mapfile -t warmup_files < <(find "$scratch/warmup" -maxdepth 1 -name '*.dcm' | sort)
fi
for part in 0 1 2 3; do
  : >"$scratch/part-$part.txt"
done
for i in "${!files[@]}"; do
  echo "${files[$i]}" >>"$scratch/part-$((i % 4)).txt"
done

# ---- servers ----------------------------------------------------------------------------------------------------
declare -A http_port=() dicom_port=() root=() aet=()

# start_gateway NAME LABEL: gateway (objects in the data folder) or gateway-s3 (objects in a fresh radosgw bucket).
start_gateway() {
  local name=$1 folder=$scratch/$1-$2 store=()
  rm -rf "$folder"
  http_port[$name]=$(free_port)
  dicom_port[$name]=$(free_port)
  aet[$name]=GATEWAY
  root[$name]=http://127.0.0.1:${http_port[$name]}/dicomweb
  if [[ $name == gateway-s3 ]]; then
    local bucket=bench-${2,,}
    radosgw_bucket "$bucket"
    store=(GATEWAY__OBJECTSTORE__KIND=S3 GATEWAY__OBJECTSTORE__S3__SERVICEURL="$radosgw_url" GATEWAY__OBJECTSTORE__S3__BUCKET="$bucket"
      AWS_ACCESS_KEY_ID="$radosgw_access_key" AWS_SECRET_ACCESS_KEY="$radosgw_secret_key")
  fi
  # The archive alone, as Orthanc is: latent compression (its own benchmark: gateway bench codec, bench/codec_eval.py)
  # would run its encoder on the same two cores while the load runs.
  env GATEWAY__COMPRESSION__ENABLED=false "${store[@]}" nice -n "$nice_level" "$GATEWAY_BIN" serve --data "$folder" --http "127.0.0.1:${http_port[$name]}" \
    --dicom-port "${dicom_port[$name]}" --ae GATEWAY >>"$results/$name.log" 2>&1 &
  pids[$name]=$!
  wait_ready "$name" "http://127.0.0.1:${http_port[$name]}/health/ready"
}

# start_orthanc NAME LABEL: orthanc (Debian defaults) or orthanc-pg (PostgreSQL index plugin, StorageCompression).
start_orthanc() {
  local name=$1 folder=$scratch/$1-$2 index_settings="" plugins="\"$dicomweb_plugin\""
  rm -rf "$folder"
  mkdir -p "$folder"
  http_port[$name]=$(free_port)
  dicom_port[$name]=$(free_port)
  aet[$name]=$([[ $name == orthanc ]] && echo ORTHANC || echo ORTHANCPG)
  root[$name]=http://127.0.0.1:${http_port[$name]}/dicom-web
  if [[ $name == orthanc-pg ]]; then
    local database=orthanc_${2//-/_}
    [[ -f $orthanc_pg/data/postmaster.pid ]] || private_pg_start "$orthanc_pg"
    orthanc_pg_fresh_database "$orthanc_pg" "$database"
    index_settings=$(orthanc_pg_section "$orthanc_pg" "$database"; echo '  "StorageCompression" : true,')
    plugins+=", \"$orthanc_pg_plugin\""
  fi
  # Debian defaults otherwise: SQLite index (orthanc) and files under StorageDirectory, SyncStorageArea true (fsync),
  # 4 DICOM threads, 50 HTTP threads. Orthanc 1.10 cannot bind to 127.0.0.1 only (it listens on 0.0.0.0);
  # RemoteAccessAllowed false refuses non-loopback HTTP clients.
  cat >"$folder/orthanc.json" <<EOF
{
  "Name" : "archive-benchmark",
  "StorageDirectory" : "$folder/db",
  "IndexDirectory" : "$folder/db",
$index_settings
  "Plugins" : [ $plugins ],
  "HttpPort" : ${http_port[$name]},
  "RemoteAccessAllowed" : false,
  "AuthenticationEnabled" : false,
  "DicomAet" : "${aet[$name]}",
  "DicomPort" : ${dicom_port[$name]},
  "DicomCheckCalledAet" : false,
  "DicomAlwaysAllowStore" : true,
  "DicomWeb" : { "Enable" : true, "Root" : "/dicom-web/" }
}
EOF
  nice -n "$nice_level" Orthanc "$folder/orthanc.json" >>"$results/$name.log" 2>&1 &
  pids[$name]=$!
  wait_ready "$name" "http://127.0.0.1:${http_port[$name]}/system"
}

start_server() { # NAME LABEL
  if [[ $1 == gateway* ]]; then start_gateway "$1" "$2"; else start_orthanc "$1" "$2"; fi
}

wait_ready() {
  local name=$1 url=$2
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "$url" && return 0
    kill -0 "${pids[$name]}" 2>/dev/null || { echo "run-archive-benchmark: $name exited while starting (see $results/$name.log)" >&2; exit 1; }
    sleep 0.5
  done
  echo "run-archive-benchmark: $name did not answer $url within 120 s" >&2
  exit 1
}

# Every instance of the series is listed by the server's QIDO-RS, else the run is void.
check_stored() {
  local name=$1 load=$2 listed
  listed=$(curl -s -H 'Accept: application/dicom+json' "${root[$name]}/studies/$study_uid/series/$series_uid/instances" |
    /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0)
  if [[ $listed != "$count" ]]; then
    echo "run-archive-benchmark: $name lists $listed of $count instances after $load (see $results/$name.log)" >&2
    exit 1
  fi
}

now() { date +%s.%N; }

# ---- loads ------------------------------------------------------------------------------------------------------
run_storescu() {
  local name=$1 round=$2 started ended part failed=0
  if ((${#warmup_files[@]})); then
    nice -n "$nice_level" storescu -aet BENCHSCU -aec "${aet[$name]}" 127.0.0.1 "${dicom_port[$name]}" "${warmup_files[@]}" \
      >"$results/storescu-warmup-$name-$round.log" 2>&1 || { echo "run-archive-benchmark: warm-up storescu into $name failed" >&2; exit 1; }
  fi
  sync
  started=$(now)
  local storescu_pids=()
  for part in 0 1 2 3; do
    mapfile -t part_files <"$scratch/part-$part.txt"
    TCP_NODELAY=1 nice -n "$nice_level" storescu -aet BENCHSCU -aec "${aet[$name]}" 127.0.0.1 "${dicom_port[$name]}" \
      "${part_files[@]}" >"$results/storescu-$name-$round-$part.log" 2>&1 &
    storescu_pids+=($!)
  done
  for pid in "${storescu_pids[@]}"; do
    wait "$pid" || failed=1
  done
  ended=$(now)
  if ((failed)) || grep -q '^E:' "$results"/storescu-"$name"-"$round"-*.log; then
    echo "run-archive-benchmark: storescu into $name failed in round $round (see $results/storescu-$name-$round-*.log)" >&2
    exit 1
  fi
  check_stored "$name" storescu
  printf '%s\t%s\tstorescu\tinstances_per_s\t%s\t%s\n' "$round" "$name" \
    "$(echo "$count / ($ended - $started)" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)" >>"$results/runs.tsv"
}

run_stow() {
  local name=$1 round=$2 output
  if ((${#warmup_files[@]})); then
    nice -n "$nice_level" node bench/archive-load.js stow "${root[$name]}/studies" 4 "${warmup_files[@]}" >"$results/stow-warmup-$name-$round.json"
  fi
  sync
  output=$(nice -n "$nice_level" node bench/archive-load.js stow "${root[$name]}/studies" 4 "${files[@]}")
  echo "$output" >"$results/stow-$name-$round.json"
  [[ $(echo "$output" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["ok"])') == "$count" ]] ||
    { echo "run-archive-benchmark: STOW-RS into $name: not all $count instances were stored: $output" >&2; exit 1; }
  check_stored "$name" STOW-RS
  printf '%s\t%s\tstow\tinstances_per_s\t%s\t%s\n' "$round" "$name" \
    "$(echo "$output" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["instancesPerSecond"])')" \
    "$(cut -d' ' -f1 /proc/loadavg)" >>"$results/runs.tsv"
}

run_wado() {
  local name=$1 round=$2 output urls=() line st se sop
  for line in "${uids[@]}"; do
    read -r st se sop <<<"$line"
    urls+=("${root[$name]}/studies/$st/series/$se/instances/$sop")
  done
  nice -n "$nice_level" node bench/archive-load.js wado 1 1 "${urls[@]:0:20}" >/dev/null # warm-up
  output=$(nice -n "$nice_level" node bench/archive-load.js wado 1 "$wado_passes" "${urls[@]}")
  echo "$output" >"$results/wado-$name-$round.json"
  [[ $(echo "$output" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["ok"])') == "$((count * wado_passes))" ]] ||
    { echo "run-archive-benchmark: WADO-RS from $name failed: $output" >&2; exit 1; }
  local metric
  for metric in p50Ms p90Ms p99Ms meanMs; do
    printf '%s\t%s\twado\t%s\t%s\t%s\n' "$round" "$name" "$metric" \
      "$(echo "$output" | /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)['$metric'])")" \
      "$(cut -d' ' -f1 /proc/loadavg)" >>"$results/runs.tsv"
  done
}

printf 'round\tserver\tload\tmetric\tvalue\tload_average\n' >"$results/runs.tsv"
for round in $(seq 1 "$rounds"); do
  shift_by=$(((round - 1) % ${#servers[@]}))
  order=("${servers[@]:shift_by}" "${servers[@]:0:shift_by}")
  echo "Round $round of $rounds (${order[*]}) ..." >&2
  for name in "${order[@]}"; do start_server "$name" "r$round-dimse"; done
  for name in "${order[@]}"; do run_storescu "$name" "$round"; done
  for name in "${order[@]}"; do run_wado "$name" "$round"; done
  for name in "${order[@]}"; do stop_server "$name"; done
  for name in "${order[@]}"; do start_server "$name" "r$round-stow"; done
  for name in "${order[@]}"; do run_stow "$name" "$round"; done
  for name in "${order[@]}"; do stop_server "$name"; done
done

# ---- report -----------------------------------------------------------------------------------------------------
/usr/bin/python3 - "$results/runs.tsv" "$count" "$bytes" "$rounds" "$wado_passes" "${servers[@]}" <<'EOF' | tee "$results/report.md"
import csv
import statistics
import sys

path, count, size, rounds, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
servers = sys.argv[6:]
peers = [server for server in servers if server != "gateway"] if "gateway" in servers else []
rows = list(csv.DictReader(open(path), delimiter="\t"))

def values(server, load, metric):
    return [float(r["value"]) for r in rows if r["server"] == server and r["load"] == load and r["metric"] == metric]

def paired(load, metric, peer):
    by_round = {}
    for r in rows:
        if r["load"] == load and r["metric"] == metric:
            by_round.setdefault(r["round"], {})[r["server"]] = float(r["value"])
    return [v["gateway"] / v[peer] for v in by_round.values() if "gateway" in v and peer in v]

loads = [float(r["load_average"]) for r in rows]
print(f"{count} instances ({size / 1e6:.1f} MB) per ingest, {rounds} rounds, load average {min(loads):.1f}-{max(loads):.1f} "
      f"(median {statistics.median(loads):.1f})\n")
print("| ingest | server | median instances/s | min | max | median MB/s |")
print("|---|---|---|---|---|---|")
for load, label in (("storescu", "storescu, 4 associations"), ("stow", "STOW-RS, 4 clients")):
    for server in servers:
        v = values(server, load, "instances_per_s")
        print(f"| {label} | {server} | {statistics.median(v):.0f} | {min(v):.0f} | {max(v):.0f} | "
              f"{statistics.median(v) * size / count / 1e6:.1f} |")
print()
print("| ingest | peer | gateway / peer, ratio of medians | median of paired ratios (same round) |")
print("|---|---|---|---|")
for load, label in (("storescu", "storescu, 4 associations"), ("stow", "STOW-RS, 4 clients")):
    for peer in peers:
        ratio = statistics.median(values("gateway", load, "instances_per_s")) / statistics.median(values(peer, load, "instances_per_s"))
        print(f"| {label} | {peer} | **{ratio:.2f}x** | {statistics.median(paired(load, 'instances_per_s', peer)):.2f}x |")
print()
print(f"WADO-RS instance retrieve, 1 client, {count * passes} requests per server and round (medians over rounds, ms):\n")
print("| server | p50 | p90 | p99 | mean |")
print("|---|---|---|---|---|")
for server in servers:
    cells = " | ".join(f"{statistics.median(values(server, 'wado', m)):.1f}" for m in ("p50Ms", "p90Ms", "p99Ms", "meanMs"))
    print(f"| {server} | {cells} |")
EOF
