#!/usr/bin/env bash
# Retrieval of latent-stored instances: `gateway serve` (Release, embedded PostgreSQL in a scratch folder,
# compression on with its defaults, retention 0) receives the 20 CT slices and SLICES slices of the MR series by
# storescu, drains its queue (every instance compressed, its original deleted), then, with one WADO-RS client
# (Accept: multipart/related; type="application/dicom"):
#   1. first retrieve of each instance with the reconstruction cache and prefetch off: the decode on the request path,
#      the CT slices and the MR slices timed apart (the builds may store them in other representations, and a p50
#      over both groups moves with that mix);
#   2. after a restart with the cache on, one pass to fill it, then PASSES timed passes: cached retrieval.
# With a baseline (BASELINE_BIN, or BASELINE_REF: a git ref built from `git archive` in the scratch folder), both
# builds run side by side in the same run: each its own gateway and data, the same files, and every timed pass asks
# them in turn, instance by instance (A1 B1 A2 B2 ...), so load on the machine falls on both alike.
# Prints Markdown (p50/p90/p99 ms per build) and the compression each gateway reports (/api/stats).
# Usage: bench/run-latent-retrieve-benchmark.sh
# Environment: SHARED_DATA, GATEWAY_BIN, BASELINE_BIN or BASELINE_REF, SLICES (default 40), PASSES (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${SHARED_DATA:-../shared/data}
slices=${SLICES:-40}
passes=${PASSES:-5}
ct=$data/volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU
mr=$data/volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon
[[ -d $ct && -d $mr ]] || { echo "run-latent-retrieve-benchmark: no CT/MR volumes under $data (set SHARED_DATA)" >&2; exit 1; }
if [[ -z ${GATEWAY_BIN:-} ]]; then
  dotnet build src/Gateway.Server -c Release -nologo -v quiet >&2
  GATEWAY_BIN=$(pwd)/src/Gateway.Server/bin/Release/net10.0/gateway
fi

scratch=$(mktemp -d /tmp/latent-bench.XXXXXX)
chmod 755 "$scratch"
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; rm -rf "$scratch"' EXIT
port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

labels=() bins=()
if [[ -n ${BASELINE_REF:-} && -z ${BASELINE_BIN:-} ]]; then
  tree=$scratch/baseline
  mkdir -p "$tree"
  git archive "$BASELINE_REF" | tar -x -C "$tree"
  echo "Building $BASELINE_REF ..." >&2
  dotnet build "$tree/src/Gateway.Server" -c Release -nologo -v quiet >&2
  BASELINE_BIN=$tree/src/Gateway.Server/bin/Release/net10.0/gateway
fi
if [[ -n ${BASELINE_BIN:-} ]]; then
  labels+=("baseline ${BASELINE_REF:-$BASELINE_BIN}"); bins+=("$BASELINE_BIN")
fi
labels+=("this tree ($(git rev-parse --short HEAD))"); bins+=("$GATEWAY_BIN")
count=${#labels[@]}
https=() dicoms=()
for i in $(seq 0 $((count - 1))); do https+=("$(port)"); dicoms+=("$(port)"); done

start_all() { # start_all CACHE_BYTES PREFETCH
  for i in $(seq 0 $((count - 1))); do
    GATEWAY__RECONSTRUCTIONCACHEMAXBYTES=$1 GATEWAY__RECONSTRUCTIONPREFETCH=$2 \
      "${bins[$i]}" serve --data "$scratch/gateway-$i" --http "127.0.0.1:${https[$i]}" --dicom-port "${dicoms[$i]}" >>"$scratch/gateway-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    for _ in $(seq 1 240); do
      curl -sf -o /dev/null "http://127.0.0.1:${https[$i]}/health/ready" && continue 2
      sleep 0.5
    done
    echo "run-latent-retrieve-benchmark: ${labels[$i]} did not start ($scratch/gateway-$i.log)" >&2
    exit 1
  done
}

mapfile -t ct_files < <(find "$ct" -maxdepth 1 -name '*.dcm' | sort)
mapfile -t files < <( (printf '%s\n' "${ct_files[@]}"; find "$mr" -maxdepth 1 -name '*.dcm' | sort | head -n "$slices") )
start_all 0 false
for i in $(seq 0 $((count - 1))); do
  storescu -aec GATEWAY 127.0.0.1 "${dicoms[$i]}" "${files[@]}" >"$scratch/storescu-$i.log" 2>&1
done
echo "Compressing ${#files[@]} instances in each of $count gateways ..." >&2
stats=()
for i in $(seq 0 $((count - 1))); do
  for _ in $(seq 1 1800); do
    pending=$(curl -s "http://127.0.0.1:${https[$i]}/api/stats" | /usr/bin/python3 -c 'import json, sys; q = json.load(sys.stdin)["queue"]["byState"]; print(q["queued"] + q["running"])')
    [[ $pending == 0 ]] && break
    sleep 1
  done
  stats+=("$(curl -s "http://127.0.0.1:${https[$i]}/api/stats")")
done
mapfile -t paths < <(/usr/bin/python3 - "${files[@]}" <<'EOF2'
import sys
import pydicom
for path in sys.argv[1:]:
    d = pydicom.dcmread(path, stop_before_pixels=True)
    print(f"/studies/{d.StudyInstanceUID}/series/{d.SeriesInstanceUID}/instances/{d.SOPInstanceUID}")
EOF2
)
urls=() ct_urls=() mr_urls=() # each instance of every build in turn
for n in "${!paths[@]}"; do
  for i in $(seq 0 $((count - 1))); do
    url="http://127.0.0.1:${https[$i]}/dicomweb${paths[$n]}"
    urls+=("$url")
    if (( n < ${#ct_files[@]} )); then ct_urls+=("$url"); else mr_urls+=("$url"); fi
  done
done
uncached_ct=$(node bench/archive-load.js wado 1 1 "${ct_urls[@]}")
uncached_mr=$(node bench/archive-load.js wado 1 1 "${mr_urls[@]}")
stop_all
start_all 2147483648 false
node bench/archive-load.js wado 1 1 "${urls[@]}" >/dev/null
cached=$(node bench/archive-load.js wado 1 "$passes" "${urls[@]}")
stop_all

origins=()
for i in $(seq 0 $((count - 1))); do origins+=("${labels[$i]}=http://127.0.0.1:${https[$i]}"); done
/usr/bin/python3 - "$uncached_ct" "$uncached_mr" "$cached" "${#ct_files[@]}" "$((${#files[@]} - ${#ct_files[@]}))" "$passes" "$count" "${origins[@]}" "${stats[@]}" <<'EOF2'
import json
import sys
uncached_ct, uncached_mr, cached = (json.loads(arg) for arg in sys.argv[1:4])
cts, mrs, passes, builds = (int(arg) for arg in sys.argv[4:8])
origins = [arg.split("=", 1) for arg in sys.argv[8:8 + builds]]
stats = [json.loads(arg) for arg in sys.argv[8 + builds:8 + 2 * builds]]
print(f"{cts + mrs} instances ({cts} CT 512x512, {mrs} MR 256x256) stored by the compress job with its default policy; WADO-RS instance retrieve, 1 client"
      + (", the builds asked in turn, instance by instance" if builds > 1 else "") + ":\n")
print("| retrieve | build | requests | p50 ms | p90 ms | p99 ms |")
print("|---|---|---|---|---|---|")
phases = (("first, CT (decode on the request, no cache)", uncached_ct), ("first, MR (decode on the request, no cache)", uncached_mr), (f"cached ({passes} passes)", cached))
for phase, result in phases:
    for label, origin in origins:
        r = result["byOrigin"][origin]
        assert r["ok"] == r["requests"], (label, r)
        print(f"| {phase} | {label} | {r['requests']} | {r['p50Ms']:.1f} | {r['p90Ms']:.1f} | {r['p99Ms']:.1f} |")
for (label, _), s in zip(origins, stats):
    print(f"\n/api/stats of {label}: {json.dumps({k: s[k] for k in ('compression', 'byModel') if k in s})}")
EOF2
