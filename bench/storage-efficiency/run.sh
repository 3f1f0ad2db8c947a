#!/usr/bin/env bash
# Storage efficiency, all in: what a series costs on disk once a server has done all its work with it, for the
# gateway's configurations and Orthanc side by side in one run, printed as Markdown (docs/benchmarks.md, "Storage
# efficiency").
#
# Series (SERIES, comma-separated): mprage (volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon, 192 MR slices),
#   mr640 (volumes/mr-640x640__Seg3DData-example_dicom, 44 MR slices 640x640), ct (volumes/ct-axial-slices__TCIA-
#   COVID-19-NY-SBU, 20 CT slices), xray (the eval radiographs: the split=eval rows of xray/index.csv and
#   xray/more/INDEX.csv; the two with a DICOM file as found, the PNG-only ones wrapped as uncompressed DICOM by
#   series.py). Pixel bytes (Rows x Columns x frames x samples x BitsAllocated/8) come from pydicom (series.py).
# Configurations (CONFIGS, comma-separated), each run on every series with a fresh server and empty storage:
#   default-30, default-35, default-40  the gateway's default policy, GATEWAY__Compression__DefaultMinPsnr=30/35/40;
#   j2k-30, j2k-35, j2k-40              JPEG 2000 lossy alone at that target: one rule, Representations [J2kLossy],
#                                       MinPsnr T, on the default policy's lossy eligibility (CT/MR/CR/DX/XA,
#                                       MONOCHROME1/2), so MG and colour stay lossless as under the default policy;
#   nokeep-30, nokeep-35, nokeep-40     the default policy's lossy set and eligibility at that target, KeepLatent false
#                                       (no AI latent beside j2k-lossy/lossless choices, as j2k-* store none);
#   lossless                            JPEG-LS lossless for everything (Rules:0:Action=Lossless);
#   orthanc                             Orthanc 1.10 (Debian), StorageCompression true (zlib), the PostgreSQL index
#                                       plugin (orthanc-postgresql) on a private cluster (bench/lib/private-postgres.sh).
# Every gateway run: `gateway serve --data FRESH` (its embedded PostgreSQL), 127.0.0.1 ports, JobDelaySeconds 0,
#   RetentionDays 0 (originals deleted once their replacement is verified); storescu sends the series (one association
#   per transfer syntax, proposing the file's own); the run waits until /api/stats shows every instance received,
#   none pending and no job queued or running (twice in a row, 2 s apart). Orthanc stores synchronously: its run waits
#   until /statistics counts every instance.
# All-in bytes = bytes of the files under the storage folder (gateway: data/objects; Orthanc: its StorageDirectory)
#   + growth of the server's PostgreSQL database. Both database sizes (after the server is ready and before the first
#   instance; after draining) are read the same way: VACUUM (plain), CHECKPOINT, pg_database_size. The growth thus
#   includes the index, the queue's job rows and what dead rows VACUUM could not give back, as a real archive keeps them.
# Also per run: instances per stored representation and the latents' PSNR (gateway /api/stats), header bytes
#   (measure.py: non-pixel bytes of the DICOM objects in the store, + values of PostgreSQL columns named like
#   "header" or in tables named so), ingest and drain time, and whether the gateway honoured the configuration
#   (report.py: a j2k-* run that stored no j2k-lossy instance, or a run whose PSNR fell below its target, is flagged).
#
# Usage: bench/storage-efficiency/run.sh [RESULTS_FOLDER]
#   RESULTS_FOLDER  files.tsv (inputs), runs.jsonl (one line per run), logs/, report.md (default
#                   artifacts/storage-efficiency-DATE, git-ignored)
# Environment: SHARED_DATA (default ../shared/data); SERIES (default mprage,mr640,ct,xray); LIMIT (first N files of
#   each series, 0 = all; LIMIT=20 SERIES=ct,mprage checks the script in a few minutes); CONFIGS (default all eight);
#   GATEWAY_BIN (a built `gateway`; default: dotnet build src/Gateway.Server -c Release); DRAIN_TIMEOUT (s per run,
#   default 3600); BENCH_NICE (default 0); KEEP_DATA=1 keeps each gateway run's data folder (to inspect its database). Needs dcmtk, orthanc, orthanc-postgresql, postgresql, python3-pydicom,
#   python3-pil (scripts/install-deps.sh and scripts/install-peers.sh).
# Orthanc 1.10 cannot bind its ports to 127.0.0.1 only (it listens on 0.0.0.0); RemoteAccessAllowed false refuses
# non-loopback HTTP clients. Everything else binds 127.0.0.1 or a Unix socket.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib/private-postgres.sh
source bench/lib/private-postgres.sh
# shellcheck source=../lib/gateway-bin.sh
source bench/lib/gateway-bin.sh
# shellcheck source=../lib/orthanc-postgresql.sh
source bench/lib/orthanc-postgresql.sh

data=${SHARED_DATA:-../shared/data}
series_names=${SERIES:-mprage,mr640,ct,xray}
configs=${CONFIGS:-default-30,default-35,default-40,j2k-30,j2k-35,j2k-40,lossless,orthanc}
limit=${LIMIT:-0}
drain_timeout=${DRAIN_TIMEOUT:-3600}
nice_level=${BENCH_NICE:-0}
results=${1:-artifacts/storage-efficiency-$(date +%Y%m%d-%H%M%S)}
here=bench/storage-efficiency
for tool in storescu Orthanc curl /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "storage-efficiency: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
if [[ ,$configs, == *,orthanc,* && ! -f $orthanc_pg_plugin ]]; then
  echo "storage-efficiency: $orthanc_pg_plugin is missing (apt-get install orthanc-postgresql; scripts/install-peers.sh)" >&2
  exit 1
fi

mkdir -p "$results/logs"
results=$(cd "$results" && pwd)
gateway_bin_or_build

# PostgreSQL runs as the postgres user: every folder on the way to its data must be traversable by it.
scratch=$(mktemp -d /tmp/storage-eff.XXXXXX)
chmod 755 "$scratch"
server_pid=
orthanc_pg=$scratch/opg

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

cleanup() {
  stop_server
  private_pg_stop "$orthanc_pg"
  if [[ ${KEEP_DATA:-0} == 1 ]]; then echo "storage-efficiency: data folders kept in $scratch" >&2; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
now() { date +%s.%N; }
fail() { echo "storage-efficiency: $*" >&2; exit 1; }

wait_ready() { # URL LOG
  for _ in $(seq 1 360); do
    curl -sf --max-time 5 -o /dev/null "$1" && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited while starting (see $2)"
    sleep 0.5
  done
  fail "no answer from $1 within 180 s (see $2)"
}

# ---- inputs -------------------------------------------------------------------------------------------------------
/usr/bin/python3 "$here/series.py" --data "$data" --series "$series_names" --limit "$limit" --wrap-dir "$scratch/wrapped" \
  >"$results/files.tsv"

# send SERIES AE PORT LOG: storescu, one association per storescu option (transfer syntax) of the series' files.
send() {
  local series=$1 ae=$2 port=$3 log=$4 option
  mapfile -t options < <(awk -F'\t' -v s="$series" 'NR > 1 && $1 == s { print $4 }' "$results/files.tsv" | sort -u)
  for option in "${options[@]}"; do
    mapfile -t paths < <(awk -F'\t' -v s="$series" -v o="$option" 'NR > 1 && $1 == s && $4 == o { print $2 }' "$results/files.tsv")
    local flags=()
    [[ $option == - ]] || flags=("$option")
    timeout 1800 nice -n "$nice_level" storescu "${flags[@]}" -aet BENCHSCU -aec "$ae" 127.0.0.1 "$port" "${paths[@]}" >>"$log" 2>&1 ||
      fail "storescu into $ae failed (see $log)"
    ! grep -q '^E:' "$log" || fail "storescu into $ae reported errors (see $log)"
  done
}

# ---- the gateway --------------------------------------------------------------------------------------------------
config_environment() { # CONFIG: the GATEWAY__* settings of a gateway configuration, one per line
  local target=${1#*-}
  echo GATEWAY__JobDelaySeconds=0
  echo GATEWAY__Compression__RetentionDays=0
  case $1 in
    default-*) echo "GATEWAY__Compression__DefaultMinPsnr=$target" ;;
    j2k-* | nokeep-*)
      local modality index=0
      for modality in CT MR CR DX XA; do
        echo "GATEWAY__Compression__Rules__0__Modalities__${index}=$modality"
        index=$((index + 1))
      done
      echo GATEWAY__Compression__Rules__0__PhotometricInterpretations__0=MONOCHROME1
      echo GATEWAY__Compression__Rules__0__PhotometricInterpretations__1=MONOCHROME2
      echo "GATEWAY__Compression__Rules__0__MinPsnr=$target"
      if [[ $1 == j2k-* ]]; then
        echo GATEWAY__Compression__Rules__0__Representations__0=J2kLossy
      else
        # The default policy's choice (latent, latent+residual, j2k-lossy) without the AI latent kept beside.
        echo GATEWAY__Compression__Rules__0__Action=Latent
        echo GATEWAY__Compression__Rules__0__KeepLatent=false
      fi
      ;;
    lossless) echo GATEWAY__Compression__Rules__0__Action=Lossless ;;
    *) fail "unknown configuration $1" ;;
  esac
}

stats_field() { # JSON EXPRESSION: evaluates EXPRESSION on the /api/stats object s
  /usr/bin/python3 -c "import json, sys; s = json.loads(sys.argv[1]); print($2)" "$1"
}

run_gateway() { # CONFIG SERIES
  local config=$1 series=$2 folder=$scratch/g-$1-$2 log=$results/logs/gateway-$1-$2.log http dicom count
  http=$(free_port)
  dicom=$(free_port)
  count=$(awk -F'\t' -v s="$series" 'NR > 1 && $1 == s' "$results/files.tsv" | wc -l)
  mkdir -p "$folder"
  mapfile -t settings < <(config_environment "$config")
  printf '%s\n' "${settings[@]}" >"$log"
  env "${settings[@]}" nice -n "$nice_level" "$GATEWAY_BIN" serve --data "$folder/data" --http "127.0.0.1:$http" \
    --dicom-port "$dicom" --ae GATEWAY >>"$log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$http/health/ready" "$log"
  local socket=$folder/data/pg before after tables_before tables_after started sent drained stats="" previous="" pending
  before=$(pg_measured_size "$socket" gateway)
  tables_before=$(pg_table_sizes "$socket" gateway)
  started=$(now)
  send "$series" GATEWAY "$dicom" "$results/logs/storescu-$config-$series.log"
  sent=$(now)
  local deadline=$(($(date +%s) + drain_timeout))
  while :; do
    stats=$(curl -sf --max-time 30 "http://127.0.0.1:$http/api/stats" || echo '{}')
    pending=$(stats_field "$stats" "'wait' if s.get('instances') != $count or s['compression'].get('pending', 0) or s['queue']['byState']['queued'] + s['queue']['byState']['running'] else 'drained'" 2>/dev/null || echo wait)
    if [[ $pending == drained ]]; then
      [[ $previous == drained ]] && break
    fi
    previous=$pending
    (($(date +%s) < deadline)) || fail "$config on $series did not drain within $drain_timeout s (see $log)"
    kill -0 "$server_pid" 2>/dev/null || fail "the gateway exited ($log)"
    sleep 2
  done
  drained=$(now)
  after=$(pg_measured_size "$socket" gateway)
  tables_after=$(pg_table_sizes "$socket" gateway)
  # Where the growth comes from: live and dead rows and (HOT) updates per table.
  pg_sql "$socket" gateway "select relname, n_live_tup, n_dead_tup, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del
    from pg_stat_user_tables order by relname" >"$results/logs/pg-stat-$config-$series.txt"
  local headers store
  headers=$(pg_header_column_bytes "$socket" gateway)
  store=$(/usr/bin/python3 "$here/measure.py" "$folder/data/objects")
  stop_server
  record "$config" "$series" "$count" "$before" "$after" "$started" "$sent" "$drained" "$store" "$headers" "$stats" "$tables_before" "$tables_after"
  [[ ${KEEP_DATA:-0} == 1 ]] || rm -rf "$folder"
}

# ---- Orthanc ------------------------------------------------------------------------------------------------------
run_orthanc() { # SERIES
  local series=$1 folder=$scratch/o-$1 log=$results/logs/orthanc-$1.log http dicom count database=orthanc_$1
  http=$(free_port)
  dicom=$(free_port)
  count=$(awk -F'\t' -v s="$series" 'NR > 1 && $1 == s' "$results/files.tsv" | wc -l)
  [[ -f $orthanc_pg/data/postmaster.pid ]] || private_pg_start "$orthanc_pg"
  orthanc_pg_fresh_database "$orthanc_pg" "$database"
  mkdir -p "$folder"
  cat >"$folder/orthanc.json" <<EOF
{
  "Name" : "storage-efficiency",
  "StorageDirectory" : "$folder/storage",
  "IndexDirectory" : "$folder/index",
  "StorageCompression" : true,
  "Plugins" : [ "$orthanc_pg_plugin" ],
$(orthanc_pg_section "$orthanc_pg" "$database")
  "HttpPort" : $http,
  "RemoteAccessAllowed" : false,
  "AuthenticationEnabled" : false,
  "DicomAet" : "ORTHANC",
  "DicomPort" : $dicom,
  "DicomCheckCalledAet" : false,
  "DicomAlwaysAllowStore" : true
}
EOF
  nice -n "$nice_level" Orthanc "$folder/orthanc.json" >"$log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$http/system" "$log"
  local before after tables_before tables_after started sent drained stored
  before=$(pg_measured_size "$orthanc_pg" "$database")
  tables_before=$(pg_table_sizes "$orthanc_pg" "$database")
  started=$(now)
  send "$series" ORTHANC "$dicom" "$results/logs/storescu-orthanc-$series.log"
  sent=$(now)
  for _ in $(seq 1 300); do
    stored=$(curl -sf --max-time 30 "http://127.0.0.1:$http/statistics" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["CountInstances"])' || echo 0)
    [[ $stored == "$count" ]] && break
    sleep 1
  done
  [[ $stored == "$count" ]] || fail "Orthanc holds $stored of $count instances of $series (see $log)"
  drained=$(now)
  after=$(pg_measured_size "$orthanc_pg" "$database")
  tables_after=$(pg_table_sizes "$orthanc_pg" "$database")
  local store
  store=$(/usr/bin/python3 "$here/measure.py" "$folder/storage")
  stop_server
  pg_sql "$orthanc_pg" postgres "drop database $database"
  record orthanc "$series" "$count" "$before" "$after" "$started" "$sent" "$drained" "$store" "" '{}' "$tables_before" "$tables_after"
  rm -rf "$folder"
}

# record CONFIG SERIES COUNT PG_BEFORE PG_AFTER STARTED SENT DRAINED STORE_JSON HEADER_COLUMN_BYTES STATS_JSON
#   TABLES_BEFORE TABLES_AFTER (pg_table_sizes)
record() {
  /usr/bin/python3 - "$@" >>"$results/runs.jsonl" <<'EOF'
import json
import sys
config, series, count, before, after, started, sent, drained, store, headers, stats, tables_before, tables_after = sys.argv[1:]


def tables(text):
    return {name: int(size) for name, size in (line.split("|") for line in text.splitlines() if line)}


print(json.dumps({
    "config": config, "series": series, "instances": int(count),
    "pg_before": int(before), "pg_after": int(after),
    "ingest_s": float(sent) - float(started), "drain_s": float(drained) - float(started),
    "store": json.loads(store), "header_column_bytes": int(headers) if headers else None, "stats": json.loads(stats),
    "pg_tables_before": tables(tables_before), "pg_tables_after": tables(tables_after),
}))
EOF
}

# ---- runs ---------------------------------------------------------------------------------------------------------
: >"$results/runs.jsonl"
IFS=, read -r -a series_list <<<"$series_names"
IFS=, read -r -a config_list <<<"$configs"
for series in "${series_list[@]}"; do
  for config in "${config_list[@]}"; do
    echo "$(date -u +%H:%M:%S) $config on $series ..." >&2
    if [[ $config == orthanc ]]; then run_orthanc "$series"; else run_gateway "$config" "$series"; fi
  done
done

/usr/bin/python3 "$here/report.py" "$results" "$GATEWAY_BIN" "SERIES=$series_names LIMIT=$limit CONFIGS=$configs bench/storage-efficiency/run.sh" |
  tee "$results/report.md"
