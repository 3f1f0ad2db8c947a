#!/usr/bin/env bash
# Series latents (issue 15), measured on a real gateway: for each 3D model (MODELS), `gateway serve` (Release, its
# embedded PostgreSQL in a scratch folder, 127.0.0.1 ports) with one rule for MR, Action Latent3D, that model and
# MinPsnr MIN_PSNR (default 15 dB: low enough that every MPRAGE slice stays in the series latent, which is what is
# measured; the PSNR each slice reached is reported beside it), RetentionDays 0 (originals deleted once the series
# latent is verified), SeriesQuietSeconds QUIET, JobDelaySeconds 0. storescu sends the 192-slice MPRAGE series
# (volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon); the run waits until /api/stats shows the 192 instances, none
# pending and no job queued or running (twice in a row, 2 s apart), then measures:
#   1. storage: the series_latents row and the object files left under data/objects (measure.py: bytes, and DICOM
#      header bytes kept there) against the series' pixel bytes (Rows x Columns x BitsAllocated/8 per slice, pydicom);
#   2. all in: those files + the growth of the gateway's database (VACUUM, CHECKPOINT, pg_database_size before the
#      first instance and after draining, bench/lib/private-postgres.sh) with the growth per table and its live
#      rows, the header bytes in PostgreSQL (pg_header_column_bytes), and the series' .npy latent
#      (.../series/{series}/latent) as a check that it is served; what the instances table is made of (heap, TOAST,
#      each index, the mean size of each column); then the marginal cost: the same series again as a second study
#      of the patient (copy_series.py: new Study/Series/SOP Instance UIDs), drained, and the database measured again;
#   3. latency (bench/archive-load.js, one keep-alive client, WADO-RS instance retrieve, slices in scroll order along
#      the normal): the gateway stopped, data/cache (the reconstruction cache) deleted, started again with the default
#      cache and prefetch settings, then "cold": the first fetch of each slice, one pass; "warm": PASSES more passes;
#   4. quality (quality.py): every slice fetched over WADO-RS, PSNR per slice against the original files and against
#      tricubic down/up-sampling at the model's factor, computed by pydicom + numpy + scipy, not by the gateway.
# Each phase records `uptime` (the machine's load). Prints Markdown (report.py) and keeps everything in
# RESULTS_FOLDER: runs.jsonl (one line per model), logs/, report.md.
#
# Usage: bench/series-latent/run.sh [RESULTS_FOLDER]   (default artifacts/series-latent-DATE, git-ignored)
# Environment: SHARED_DATA (default ../shared/data); MODELS (default compact3d-f512-c0,compact3d-f64-c0); MIN_PSNR
#   (default 15); QUIET (SeriesQuietSeconds, default 5); PASSES (warm passes, default 5); GATEWAY_BIN (a built
#   `gateway`; default: dotnet build src/Gateway.Server -c Release); DRAIN_TIMEOUT (s per model, default 1800);
#   KEEP_DATA=1 keeps the data folders; PAUSE_PIDS (process ids to SIGSTOP while latency is timed, see below).
#   Needs dcmtk, postgresql, nodejs, python3-pydicom, python3-numpy, python3-scipy (scripts/install-test-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
repository=$(pwd)
# shellcheck source=../lib/private-postgres.sh
source bench/lib/private-postgres.sh
# shellcheck source=../lib/gateway-bin.sh
source bench/lib/gateway-bin.sh

data=${SHARED_DATA:-../shared/data}
models=${MODELS:-compact3d-f512-c0,compact3d-f64-c0}
min_psnr=${MIN_PSNR:-15}
quiet=${QUIET:-5}
passes=${PASSES:-5}
drain_timeout=${DRAIN_TIMEOUT:-1800}
results=${1:-artifacts/series-latent-$(date +%Y%m%d-%H%M%S)}
here=bench/series-latent
series=$data/volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon
fail() { echo "series-latent: $*" >&2; exit 1; }
[[ -d $series ]] || fail "no MPRAGE series at $series (set SHARED_DATA)"
for tool in storescu node curl /usr/bin/python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-test-deps.sh)"
done
/usr/bin/python3 -c 'import pydicom, numpy, scipy' 2>/dev/null || fail "python3-pydicom, python3-numpy and python3-scipy are needed"

mkdir -p "$results/logs"
results=$(cd "$results" && pwd)
gateway_bin_or_build

# PostgreSQL runs as the postgres user: every folder on the way to its data must be traversable by it.
scratch=$(mktemp -d /tmp/series-latent.XXXXXX)
chmod 755 "$scratch"
server_pid=

stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 120); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# PAUSE_PIDS: background processes (e.g. a training run) stopped with SIGSTOP only while the retrieval latency is
# timed, and continued right after; a guard continues them after 14 minutes whatever happens to this script.
paused=() guard=
pause_others() {
  read -r -a paused <<<"${PAUSE_PIDS:-}"
  ((${#paused[@]})) || return 0
  kill -STOP "${paused[@]}"
  (
    trap 'kill "$timer" 2>/dev/null; exit 0' TERM # resumed in time: end the timer too
    sleep 840 &
    timer=$!
    wait "$timer"
    kill -CONT "${paused[@]}" 2>/dev/null
  ) &
  guard=$!
}
resume_others() {
  ((${#paused[@]})) || return 0
  kill -CONT "${paused[@]}" 2>/dev/null || true
  [[ -z $guard ]] || kill "$guard" 2>/dev/null || true
  paused=() guard=
}

cleanup() {
  resume_others
  stop_server
  if [[ ${KEEP_DATA:-0} == 1 ]]; then echo "series-latent: data folders kept in $scratch" >&2; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
now() { date +%s.%N; }
load() { uptime | sed 's/.*load average: //'; }

mapfile -t files < <(find "$series" -maxdepth 1 -name '*.dcm' | sort)
count=${#files[@]}
mapfile -t paths < <(/usr/bin/python3 "$here/paths.py" "${files[@]}")
pixel_bytes=$(/usr/bin/python3 - "${files[@]}" <<'EOF'
import sys
import pydicom
total = 0
for path in sys.argv[1:]:
    d = pydicom.dcmread(path, stop_before_pixels=True)
    total += d.Rows * d.Columns * int(d.get("NumberOfFrames", 1) or 1) * d.SamplesPerPixel * d.BitsAllocated // 8
print(total)
EOF
)
study_series=${paths[0]%/instances/*}

start_server() { # FOLDER HTTP DICOM LOG MODEL
  env GATEWAY__JobDelaySeconds=0 GATEWAY__Compression__Enabled=true GATEWAY__Compression__RetentionDays=0 \
    GATEWAY__Compression__SeriesQuietSeconds="$quiet" GATEWAY__Compression__Rules__0__Modalities__0=MR \
    GATEWAY__Compression__Rules__0__Action=Latent3D GATEWAY__Compression__Rules__0__Model="$5" \
    GATEWAY__Compression__Rules__0__MinPsnr="$min_psnr" GATEWAY__Compression__Rules__0__MinSsim=0 \
    GATEWAY__Models__Directory="$repository/onnx-models" \
    "$GATEWAY_BIN" serve --data "$1/data" --http "127.0.0.1:$2" --dicom-port "$3" --ae GATEWAY >>"$4" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 360); do
    curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$2/health/ready" && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "the gateway exited while starting (see $4)"
    sleep 0.5
  done
  fail "the gateway did not start within 180 s (see $4)"
}

stats_field() { # JSON EXPRESSION: evaluates EXPRESSION on the /api/stats object s
  /usr/bin/python3 -c "import json, sys; s = json.loads(sys.argv[1]); print($2)" "$1"
}

# drain HTTP COUNT MODEL LOG: waits until /api/stats shows COUNT instances, none pending and no job queued or running,
# twice in a row 2 s apart; prints that /api/stats.
drain() {
  local stats previous="" pending deadline=$(($(date +%s) + drain_timeout))
  while :; do
    stats=$(curl -sf --max-time 30 "http://127.0.0.1:$1/api/stats" || echo '{}')
    pending=$(stats_field "$stats" "'wait' if s.get('instances') != $2 or s['compression'].get('pending', 0) or s['queue']['byState']['queued'] + s['queue']['byState']['running'] else 'drained'" 2>/dev/null || echo wait)
    [[ $pending == drained && $previous == drained ]] && break
    previous=$pending
    (($(date +%s) < deadline)) || fail "$3 did not drain within $drain_timeout s (see $4)"
    kill -0 "$server_pid" 2>/dev/null || fail "the gateway exited ($4)"
    sleep 2
  done
  echo "$stats"
}

# instance_row_sizes SOCKET: name|bytes of what the instances table is made of: its heap, its TOAST, each index, and
# the mean stored size of each column (pg_column_size), largest first.
instance_row_sizes() {
  local columns
  pg_sql "$1" gateway "select 'heap|' || pg_relation_size('instances')" \
    "select 'toast|' || coalesce(pg_total_relation_size(nullif(reltoastrelid, 0)), 0) from pg_class where oid = 'instances'::regclass" \
    "select 'index ' || c.relname || '|' || pg_relation_size(c.oid) from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = 'instances'::regclass order by pg_relation_size(c.oid) desc"
  columns=$(pg_sql "$1" gateway "select string_agg(format('select %L || ''|'' || coalesce(round(avg(pg_column_size(%I))), 0) from instances',
    'column ' || column_name, column_name), ' union all ') from information_schema.columns where table_schema = 'public' and table_name = 'instances'")
  pg_sql "$1" gateway "$columns"
}

run_model() { # MODEL
  local model=$1 folder=$scratch/$1 log=$results/logs/gateway-$1.log http dicom factor
  http=$(free_port)
  dicom=$(free_port)
  factor=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["scale_per_side"])' "onnx-models/$model/model.json")
  mkdir -p "$folder"
  start_server "$folder" "$http" "$dicom" "$log" "$model"
  local socket=$folder/data/pg base=http://127.0.0.1:$http/dicomweb
  local before tables_before started sent drained stats load_ingest
  before=$(pg_measured_size "$socket" gateway)
  tables_before=$(pg_table_sizes "$socket" gateway)
  load_ingest=$(load)
  started=$(now)
  timeout 1800 storescu -aet BENCHSCU -aec GATEWAY 127.0.0.1 "$dicom" "${files[@]}" >"$results/logs/storescu-$model.log" 2>&1 ||
    fail "storescu failed (see $results/logs/storescu-$model.log)"
  ! grep -q '^E:' "$results/logs/storescu-$model.log" || fail "storescu reported errors (see $results/logs/storescu-$model.log)"
  sent=$(now)
  stats=$(drain "$http" "$count" "$model" "$log")
  drained=$(now)
  local after tables_after rows headers latents store objects npy relations
  after=$(pg_measured_size "$socket" gateway)
  tables_after=$(pg_table_sizes "$socket" gateway)
  rows=$(pg_sql "$socket" gateway "select relname || '|' || n_live_tup || '|' || n_dead_tup from pg_stat_user_tables order by relname")
  headers=$(pg_header_column_bytes "$socket" gateway)
  relations=$(instance_row_sizes "$socket")
  latents=$(pg_sql "$socket" gateway "select coalesce(json_agg(to_jsonb(l) - 'slice_uids'), '[]') from series_latents l")
  store=$(/usr/bin/python3 bench/storage-efficiency/measure.py "$folder/data/objects")
  objects=$(find "$folder/data/objects" -type f -printf '%s %P\n' | sort -rn | head -n 5)
  npy=$(curl -s -o "$folder/latent.multipart" -w '%{http_code} %{size_download}' \
    -H 'Accept: multipart/related; type="application/octet-stream"' "$base$study_series/latent")

  # The marginal cost: the same series again under new UIDs, into the database that now has pages in every table.
  local copy=$folder/copy second_after second_tables second_store second_stats
  /usr/bin/python3 "$here/copy_series.py" "$copy" "${files[@]}"
  timeout 1800 storescu -aet BENCHSCU -aec GATEWAY 127.0.0.1 "$dicom" "$copy"/*.dcm >"$results/logs/storescu-$model-copy.log" 2>&1 ||
    fail "storescu of the copy failed (see $results/logs/storescu-$model-copy.log)"
  second_stats=$(drain "$http" "$((2 * count))" "$model" "$log")
  second_after=$(pg_measured_size "$socket" gateway)
  second_tables=$(pg_table_sizes "$socket" gateway)
  second_store=$(/usr/bin/python3 bench/storage-efficiency/measure.py "$folder/data/objects")
  stop_server

  # Cold: a fresh process and an empty reconstruction cache; warm: the same process, scrolling again.
  rm -rf "$folder/data/cache"
  local urls=() cold warm load_cold load_warm quality load_quality
  for path in "${paths[@]}"; do urls+=("$base$path"); done
  pause_others
  start_server "$folder" "$http" "$dicom" "$log" "$model"
  load_cold=$(load)
  cold=$(node bench/archive-load.js wado 1 1 "${urls[@]}")
  load_warm=$(load)
  warm=$(node bench/archive-load.js wado 1 "$passes" "${urls[@]}")
  resume_others
  load_quality=$(load)
  quality=$(/usr/bin/python3 "$here/quality.py" "$base" "$factor" "${files[@]}")
  stop_server
  /usr/bin/python3 - "$model" "$factor" "$count" "$pixel_bytes" "$before" "$after" "$started" "$sent" "$drained" "$store" \
    "$headers" "$stats" "$tables_before" "$tables_after" "$rows" "$latents" "$objects" "$npy" "$cold" "$warm" "$quality" \
    "$load_ingest" "$load_cold" "$load_warm" "$load_quality" "$relations" "$second_after" "$second_tables" "$second_store" \
    "$second_stats" >>"$results/runs.jsonl" <<'EOF'
import json
import sys
(model, factor, count, pixel_bytes, before, after, started, sent, drained, store, headers, stats, tables_before,
 tables_after, rows, latents, objects, npy, cold, warm, quality, load_ingest, load_cold, load_warm, load_quality,
 relations, second_after, second_tables, second_store, second_stats) = sys.argv[1:]


def table(text, *names):
    out = {}
    for line in text.splitlines():
        if line:
            fields = line.split("|")
            out[fields[0]] = dict(zip(names, (int(v) for v in fields[1:])))
    return out


npy_status, npy_bytes = npy.split()
print(json.dumps({
    "model": model, "factor": int(factor), "instances": int(count), "pixel_bytes": int(pixel_bytes),
    "pg_before": int(before), "pg_after": int(after),
    "ingest_s": float(sent) - float(started), "drain_s": float(drained) - float(started),
    "store": json.loads(store), "header_column_bytes": int(headers or 0), "stats": json.loads(stats),
    "pg_tables_before": table(tables_before, "bytes"), "pg_tables_after": table(tables_after, "bytes"),
    "pg_rows": table(rows, "live", "dead"), "series_latents": json.loads(latents),
    "largest_objects": [line.split(" ", 1) for line in objects.splitlines()],
    "npy": {"status": int(npy_status), "bytes": int(npy_bytes)},
    "cold": json.loads(cold), "warm": json.loads(warm), "quality": json.loads(quality),
    "load": {"ingest": load_ingest, "cold": load_cold, "warm": load_warm, "quality": load_quality},
    "instance_rows": table(relations, "bytes"),
    "second": {"pg_after": int(second_after), "pg_tables_after": table(second_tables, "bytes"),
               "store": json.loads(second_store), "stats": json.loads(second_stats)},
}))
EOF
  [[ ${KEEP_DATA:-0} == 1 ]] || rm -rf "$folder"
}

: >"$results/runs.jsonl"
IFS=, read -r -a model_list <<<"$models"
for model in "${model_list[@]}"; do
  echo "$(date -u +%H:%M:%S) $model ..." >&2
  run_model "$model"
done

/usr/bin/python3 "$here/report.py" "$results" "$GATEWAY_BIN" "MODELS=$models MIN_PSNR=$min_psnr PASSES=$passes PAUSE_PIDS=${PAUSE_PIDS:-} bench/series-latent/run.sh" |
  tee "$results/report.md"
