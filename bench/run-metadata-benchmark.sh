#!/usr/bin/env bash
# WADO-RS metadata and QIDO-RS of the 192-slice MPRAGE series (Siemens CSA headers, ~100 KB each), several builds of
# the gateway side by side in one run: each `gateway serve` (Release, embedded PostgreSQL in a scratch folder,
# compression off so the headers stay as ingest stored them) receives the series by storescu; then
#   1. "first": RESTARTS times, every gateway restarted and asked for the series metadata, the builds in turn: the
#      first request of a process (JIT, series header, every header decoded);
#   2. PASSES rounds, the builds taking turns request by request: series metadata, study metadata, and QIDO-RS
#      instances of the series with includefield=all (every header read) — p50/p90/min ms, one keep-alive client.
# Each response body's SHA-256 (its server's address left out) is printed, so builds that should answer the same
# bytes can be compared.
# Usage: bench/run-metadata-benchmark.sh [LABEL=GATEWAY_BIN[+NAME=VALUE] ...]   (+NAME=VALUE: an environment setting of that build)
#   Without arguments: this tree's build ("branch", built if GATEWAY_BIN is unset) and, the JSON cache off
#   (GATEWAY__METADATACACHEMAXBYTES=0), "branch, no JSON cache". BASELINE_REFS="main 650b78a^" adds builds of those
#   git refs (git archive into the scratch folder, dotnet build; labelled by ref).
# Environment: SHARED_DATA, GATEWAY_BIN, BASELINE_REFS, RESTARTS (default 3), PASSES (default 20), SERIES (default the
# MPRAGE folder).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${SHARED_DATA:-../shared/data}
passes=${PASSES:-20}
restarts=${RESTARTS:-3}
series=${SERIES:-$data/volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon}
[[ -d $series ]] || { echo "run-metadata-benchmark: no series at $series (set SHARED_DATA or SERIES)" >&2; exit 1; }

scratch=$(mktemp -d /tmp/metadata-bench.XXXXXX)
chmod 755 "$scratch"
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; rm -rf "$scratch"' EXIT
port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

labels=() bins=() envs=()
if [[ $# -gt 0 ]]; then
  for arg in "$@"; do
    labels+=("${arg%%=*}")
    rest=${arg#*=}
    bins+=("${rest%%+*}")
    [[ $rest == *+* ]] && envs+=("${rest#*+}") || envs+=("")
  done
else
  if [[ -z ${GATEWAY_BIN:-} ]]; then
    dotnet build src/Gateway.Server -c Release -nologo -v quiet >&2
    GATEWAY_BIN=$(pwd)/src/Gateway.Server/bin/Release/net10.0/gateway
  fi
  labels+=("branch" "branch, no JSON cache"); bins+=("$GATEWAY_BIN" "$GATEWAY_BIN"); envs+=("" "GATEWAY__METADATACACHEMAXBYTES=0")
fi
for ref in ${BASELINE_REFS:-}; do
  tree=$scratch/build-$(git rev-parse --short "$ref")
  mkdir -p "$tree"
  git archive "$ref" | tar -x -C "$tree"
  echo "Building $ref ..." >&2
  dotnet build "$tree/src/Gateway.Server" -c Release -nologo -v quiet >&2
  labels=("$ref" "${labels[@]}"); bins=("$tree/src/Gateway.Server/bin/Release/net10.0/gateway" "${bins[@]}"); envs=("" "${envs[@]}")
done

count=${#labels[@]}
https=() dicoms=()
for i in $(seq 0 $((count - 1))); do https+=("$(port)"); dicoms+=("$(port)"); done

start_all() {
  for i in $(seq 0 $((count - 1))); do
    env GATEWAY__COMPRESSION__ENABLED=false ${envs[$i]} \
      "${bins[$i]}" serve --data "$scratch/gateway-$i" --http "127.0.0.1:${https[$i]}" --dicom-port "${dicoms[$i]}" >>"$scratch/gateway-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    for _ in $(seq 1 240); do
      curl -sf -o /dev/null "http://127.0.0.1:${https[$i]}/health/ready" && continue 2
      sleep 0.5
    done
    echo "run-metadata-benchmark: ${labels[$i]} did not start ($scratch/gateway-$i.log)" >&2
    exit 1
  done
}

mapfile -t files < <(find "$series" -maxdepth 1 -name '*.dcm' | sort)
start_all
for i in $(seq 0 $((count - 1))); do
  storescu -aec GATEWAY 127.0.0.1 "${dicoms[$i]}" "${files[@]}" >"$scratch/storescu-$i.log" 2>&1
done

cat >"$scratch/client.py" <<'EOF2'
# client.py first|warm FIRST_FILE INSTANCES PASSES FIRSTS_JSON LABEL=ROOT...
#   first: one series metadata request of each build (just restarted); prints {label: [ms, digest, bytes]}
#   warm:  PASSES rounds of the three requests, builds taking turns; prints the Markdown table (FIRSTS_JSON: the
#          first-mode results of each restart, a JSON list)
import hashlib
import http.client
import json
import statistics
import sys
import time
import urllib.parse

import pydicom

mode, first_file, instances, passes, firsts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
builds = [arg.split("=", 1) for arg in sys.argv[6:]]
d = pydicom.dcmread(first_file, stop_before_pixels=True)
study, series = d.StudyInstanceUID, d.SeriesInstanceUID
paths = {
    "series metadata": f"/studies/{study}/series/{series}/metadata",
    "study metadata": f"/studies/{study}/metadata",
    "QIDO-RS instances, includefield=all": f"/studies/{study}/series/{series}/instances?includefield=all",
}
connections = {}


def get(label, root, path):
    url = urllib.parse.urlsplit(root)
    connection = connections.get(label)
    if connection is None:
        connection = connections[label] = http.client.HTTPConnection(url.hostname, url.port)
    started = time.perf_counter()
    connection.request("GET", url.path + path, headers={"Accept": "application/dicom+json"})
    response = connection.getresponse()
    body = response.read()
    ms = (time.perf_counter() - started) * 1000
    assert response.status == 200, (label, path, response.status, body[:200])
    assert len(json.loads(body)) == instances, (label, path, len(json.loads(body)))
    # The BulkDataURIs name the server: hashed without it, so that builds answering the same JSON show the same digest.
    digest = hashlib.sha256(body.replace(f"http://{url.hostname}:{url.port}".encode(), b"ROOT")).hexdigest()[:12]
    return ms, digest, len(body)


def p90(values):
    values = sorted(values)
    return values[min(len(values) - 1, -(-9 * len(values) // 10) - 1)]


if mode == "first":
    print(json.dumps({label: get(label, root, paths["series metadata"]) for label, root in builds}))
    sys.exit(0)

times = {(label, name): [] for label, _ in builds for name in paths}
digests = {}
for _ in range(passes):
    for name, path in paths.items():
        for label, root in builds:
            ms, digest, size = get(label, root, path)
            times[(label, name)].append(ms)
            digests[(label, name)] = (digest, size)

print(f"{instances} instances of {d.Modality} series ...{series[-12:]}; builds taking turns, one client, keep-alive; "
      f"first request: {len(firsts)} restarts; the others: {passes} passes after them:\n")
print("| request | build | p50 ms | p90 ms | min ms | bytes | body SHA-256 |")
print("|---|---|---|---|---|---|---|")
for label, _ in builds:
    values = [first[label][0] for first in firsts]
    digest_size = {tuple(first[label][1:]) for first in firsts}
    assert len(digest_size) == 1, (label, digest_size)
    digest, size = digest_size.pop()
    print(f"| first series metadata after a restart | {label} | {statistics.median(values):.0f} | {p90(values):.0f} | {min(values):.0f} | {size} | {digest} |")
for name in paths:
    for label, _ in builds:
        values = times[(label, name)]
        digest, size = digests[(label, name)]
        print(f"| {name} | {label} | {statistics.median(values):.1f} | {p90(values):.1f} | {min(values):.1f} | {size} | {digest} |")
EOF2

roots=()
for i in $(seq 0 $((count - 1))); do roots+=("${labels[$i]}=http://127.0.0.1:${https[$i]}/dicomweb"); done
firsts=()
for _ in $(seq 1 "$restarts"); do
  stop_all
  start_all
  firsts+=("$(/usr/bin/python3 "$scratch/client.py" first "${files[0]}" "${#files[@]}" 0 '[]' "${roots[@]}")")
done
all_firsts=$(printf '%s\n' "${firsts[@]}" | /usr/bin/python3 -c 'import json, sys; print(json.dumps([json.loads(line) for line in sys.stdin if line.strip()]))')
/usr/bin/python3 "$scratch/client.py" warm "${files[0]}" "${#files[@]}" "$passes" "$all_firsts" "${roots[@]}"
