#!/usr/bin/env bash
# Retrieval of latent-stored instances: `gateway serve` (Release, embedded PostgreSQL in a scratch folder, compression
# on with its defaults, retention 0) receives the 20 CT slices and SLICES slices of the MR series by storescu, drains
# its queue (every instance compressed, its original deleted), then, with one WADO-RS client
# (Accept: multipart/related; type="application/dicom"):
#   1. first retrieve of each instance with the reconstruction cache and prefetch off: the decode on the request path;
#   2. after a restart with the cache on, one pass to fill it, then PASSES timed passes: cached retrieval.
# Prints Markdown (p50/p90/p99 ms) and the compression the gateway reports (/api/stats).
# Usage: bench/run-latent-retrieve-benchmark.sh   Environment: SHARED_DATA, GATEWAY_BIN, SLICES (default 40), PASSES (default 5).
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
pid=
stop() {
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}
trap 'stop; rm -rf "$scratch"' EXIT
port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
http=$(port)
dicom=$(port)
root=http://127.0.0.1:$http/dicomweb

start() { # start CACHE_BYTES PREFETCH
  GATEWAY__RECONSTRUCTIONCACHEMAXBYTES=$1 GATEWAY__RECONSTRUCTIONPREFETCH=$2 \
    "$GATEWAY_BIN" serve --data "$scratch/gateway" --http "127.0.0.1:$http" --dicom-port "$dicom" >>"$scratch/gateway.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$http/health/ready" && return 0
    sleep 0.5
  done
  echo "run-latent-retrieve-benchmark: the gateway did not start ($scratch/gateway.log)" >&2
  exit 1
}

mapfile -t files < <( (find "$ct" -maxdepth 1 -name '*.dcm' | sort; find "$mr" -maxdepth 1 -name '*.dcm' | sort | head -n "$slices") )
start 0 false
storescu -aec GATEWAY 127.0.0.1 "$dicom" "${files[@]}" >"$scratch/storescu.log" 2>&1
echo "Compressing ${#files[@]} instances ..." >&2
for _ in $(seq 1 1200); do
  pending=$(curl -s "http://127.0.0.1:$http/api/stats" | /usr/bin/python3 -c 'import json, sys; q = json.load(sys.stdin)["queue"]["byState"]; print(q["queued"] + q["running"])')
  [[ $pending == 0 ]] && break
  sleep 1
done
stats=$(curl -s "http://127.0.0.1:$http/api/stats")
mapfile -t urls < <(/usr/bin/python3 - "${files[@]}" <<'EOF' | sed "s|^|$root|"
import sys
import pydicom
for path in sys.argv[1:]:
    d = pydicom.dcmread(path, stop_before_pixels=True)
    print(f"/studies/{d.StudyInstanceUID}/series/{d.SeriesInstanceUID}/instances/{d.SOPInstanceUID}")
EOF
)
uncached=$(node bench/archive-load.js wado 1 1 "${urls[@]}")
stop
start 2147483648 false
node bench/archive-load.js wado 1 1 "${urls[@]}" >/dev/null
cached=$(node bench/archive-load.js wado 1 "$passes" "${urls[@]}")
stop

/usr/bin/python3 - "$uncached" "$cached" "$stats" "${#files[@]}" "$passes" <<'EOF'
import json
import sys
uncached, cached, stats = (json.loads(a) for a in sys.argv[1:4])
count, passes = int(sys.argv[4]), int(sys.argv[5])
print(f"{count} instances (20 CT 512x512, {count - 20} MR 256x256) stored as latents by the compress job; WADO-RS instance retrieve, 1 client:\n")
print("| retrieve | requests | p50 ms | p90 ms | p99 ms |")
print("|---|---|---|---|---|")
for label, r in (("first (decode on the request, no cache)", uncached), (f"cached ({passes} passes)", cached)):
    assert r["ok"] == r["requests"], r
    print(f"| {label} | {r['requests']} | {r['p50Ms']:.1f} | {r['p90Ms']:.1f} | {r['p99Ms']:.1f} |")
print(f"\n/api/stats: {json.dumps({k: stats[k] for k in ('compression', 'byModel', 'psnr') if k in stats})}")
EOF
