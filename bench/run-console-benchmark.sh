#!/usr/bin/env bash
# Console page loads with a large index (issue 17: "under 1 s with 100,000 instances"). A private PostgreSQL cluster
# (bench/lib/private-postgres.sh); the gateway (Release, --postgres on it, no workers) applies its migrations, then
# bench/console-index.sql fills the index with INSTANCES instances (generate_series: modalities, representations,
# quality figures, objects and jobs as docs/benchmarks.md describes). Then, ROUNDS times: PostgreSQL and the gateway are
# restarted and every page is asked once ("cold": a new process, PostgreSQL's buffers empty, the file system's cache
# as it is), then PASSES more times each, the pages in turn ("warm": p50, p95, max ms), one keep-alive client.
# WRITER=1: then PASSES more while a writer updates one instance row every 0.2 s (figures served from a changed
# archive). SETTLE=N: wait N seconds after the start before the cold requests (the start-up computation of the figures
# done). The gateway's "Figures ... computed" log lines (its snapshots, docs/console.md) are printed at the end.
# Usage: bench/run-console-benchmark.sh   Environment: GATEWAY_BIN, INSTANCES (default 100000), PASSES (default 20), ROUNDS (default 2), WRITER (default 0), SETTLE (default 0)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/private-postgres.sh
instances=${INSTANCES:-100000}
passes=${PASSES:-20}
rounds=${ROUNDS:-2}
writer=${WRITER:-0}
writer_pid=
if [[ -z ${GATEWAY_BIN:-} ]]; then
  dotnet build src/Gateway.Server -c Release -nologo -v quiet >&2
  GATEWAY_BIN=$(pwd)/src/Gateway.Server/bin/Release/net10.0/gateway
fi

scratch=$(mktemp -d /tmp/console-bench.XXXXXX)
chmod 755 "$scratch"
gateway_pid=
stop_gateway() {
  [[ -n $gateway_pid ]] || return 0
  kill -TERM "$gateway_pid" 2>/dev/null || true
  wait "$gateway_pid" 2>/dev/null || true
  gateway_pid=
}
stop_writer() {
  [[ -n $writer_pid ]] || return 0
  kill -TERM "$writer_pid" 2>/dev/null || true
  wait "$writer_pid" 2>/dev/null || true
  writer_pid=
}
trap 'stop_writer; stop_gateway; private_pg_stop "$scratch/pg"; rm -rf "$scratch"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
dicom=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

private_pg_start "$scratch/pg"
pg_sql "$scratch/pg" postgres "create database gateway"
start_gateway() {
  GATEWAY__JOBWORKERS=0 "$GATEWAY_BIN" serve --data "$scratch/gateway" --http "127.0.0.1:$port" --dicom-port "$dicom" \
    --postgres "Host=$scratch/pg;Username=$(pg_owner);Database=gateway" >>"$scratch/gateway.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health/live" && return 0
    sleep 0.5
  done
  echo "run-console-benchmark: the gateway did not start ($scratch/gateway.log)" >&2
  tail -n 30 "$scratch/gateway.log" >&2
  exit 1
}

start_gateway
stop_gateway
started=$(date +%s)
PGOPTIONS=--client-min-messages=warning "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -v instances="$instances" -h "$scratch/pg" -U "$(pg_owner)" -d gateway -f bench/console-index.sql
echo "index: $instances instances generated in $(($(date +%s) - started)) s; database $(pg_sql "$scratch/pg" gateway "select pg_size_pretty(pg_database_size('gateway'))")"
pg_sql "$scratch/pg" gateway "select 'rows: instances ' || (select count(*) from instances) || ', objects ' || (select count(*) from objects) || ', jobs ' || (select count(*) from jobs)"
compare=$(pg_sql "$scratch/pg" gateway "select i.study_instance_uid || '/' || i.series_instance_uid || '/' || i.sop_instance_uid from instances i where i.compression = 'latent' and exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original') order by i.id limit 1")

for round in $(seq 1 "$rounds"); do
  private_pg_stop "$scratch/pg"
  pg_as_owner "$pg_bin/pg_ctl" -D "$scratch/pg/data" -l "$scratch/pg/postgres.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$scratch/pg' -c unix_socket_permissions=0700" start >/dev/null
  start_gateway
  sleep "${SETTLE:-0}"
  echo "round $round"
  pages() {
  /usr/bin/python3 - "$port" "$passes" "$compare" "$1" <<'PY'
import http.client, statistics, sys, time
port, passes, compare, cold_too = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "cold"
paths = ["/console", "/console/jobs", "/console/quality", "/console/models", "/console/compare/" + compare, "/console/compare", "/console/compare?modality=CT&representation=latent", "/api/stats", "/api/quality", "/metrics"]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
def get(path):
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": "text/html" if path.startswith("/console") else "*/*"})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
    return elapsed, len(body)
cold = {path: get(path) if cold_too else (0.0, 0) for path in paths}
times = {path: [] for path in paths}
for _ in range(passes):
    for path in paths:
        times[path].append(get(path)[0])
print(f"{'page':<22} {'bytes':>8} {'cold ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
for path in paths:
    name = path if not path.startswith("/console/compare/") else "/console/compare/..."
    t = sorted(times[path])
    p95 = t[min(len(t) - 1, int(round(0.95 * (len(t) - 1))))]
    print(f"{name:<22} {cold[path][1]:>8} {cold[path][0]:>9.1f} {statistics.median(t):>8.1f} {p95:>8.1f} {t[-1]:>8.1f}")
PY
  }
  pages cold
  if [[ $writer == 1 ]]; then
    echo "round $round, a writer updating one instance every 0.2 s"
    (while :; do pg_sql "$scratch/pg" gateway "update instances set psnr = psnr where id = (select min(id) from instances) + $((RANDOM % 1000))" >/dev/null; sleep 0.2; done) &
    writer_pid=$!
    pages warm
    stop_writer
  fi
  stop_gateway
  grep -o 'Figures [a-z]* computed in [0-9]* ms.*' "$scratch/gateway.log" | sed "s/^/round $round: /" || true
  : >"$scratch/gateway.log"
done
