# shellcheck shell=bash
# Sourced by the bench scripts: a private PostgreSQL cluster in a scratch folder, and psql against any cluster's
# Unix socket (the gateway's embedded one included). The cluster listens on a Unix socket in its folder only (no TCP,
# listen_addresses ''), trust authentication for local connections; as root every server program runs as the postgres
# user (`runuser -u postgres`), since PostgreSQL refuses to run as root, so the folder and every folder above it must
# be traversable by postgres (private_pg_start makes the folder itself so; mktemp -d folders need chmod 755).
#   private_pg_start FOLDER        initdb FOLDER/data, start it (socket in FOLDER); logs in FOLDER/*.log
#   private_pg_stop FOLDER         fast shutdown, waits up to 60 s (no-op when it does not run)
#   pg_sql SOCKET_DIR DB SQL...    each SQL statement in its own transaction (VACUUM cannot run in one); rows as a|b
#   pg_measured_size SOCKET_DIR DB VACUUM (plain: marks dead rows reusable, shrinks nothing but trailing empty pages)
#                                  and CHECKPOINT, then pg_database_size: how every storage benchmark reads a database
#   pg_table_sizes SOCKET_DIR DB   name|bytes of every table of the public schema (pg_total_relation_size: with its
#                                  indexes, TOAST and maps), largest first
#   pg_header_column_bytes SOCKET_DIR DB  sum of pg_column_size of the columns named like "header" and of every column
#                                  of the tables named like "header" (the headers an index keeps)
# Environment: PG_BIN (default the newest /usr/lib/postgresql/*/bin).

pg_bin=${PG_BIN:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)}

pg_owner() {
  if [[ $(id -u) -eq 0 ]]; then echo postgres; else id -un; fi
}

pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

private_pg_start() {
  local folder=$1
  [[ -x $pg_bin/pg_ctl ]] || { echo "private-postgres: no PostgreSQL server binaries (PG_BIN=$pg_bin)" >&2; return 1; }
  mkdir -p "$folder"
  chmod 755 "$folder"
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$folder"
  pg_as_owner "$pg_bin/initdb" -D "$folder/data" -U "$(pg_owner)" --auth=trust -E UTF8 --locale=C.UTF-8 >"$folder/initdb.log" 2>&1 ||
    { echo "private-postgres: initdb failed (see $folder/initdb.log)" >&2; return 1; }
  pg_as_owner "$pg_bin/pg_ctl" -D "$folder/data" -l "$folder/postgres.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$folder' -c unix_socket_permissions=0700 -c fsync=on" start >/dev/null ||
    { echo "private-postgres: the server did not start (see $folder/postgres.log)" >&2; return 1; }
}

private_pg_stop() {
  local folder=$1
  [[ -f $folder/data/postmaster.pid ]] || return 0
  pg_as_owner "$pg_bin/pg_ctl" -D "$folder/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

pg_sql() {
  local socket=$1 database=$2
  shift 2
  local commands=()
  for statement in "$@"; do commands+=(-c "$statement"); done
  PGOPTIONS=--client-min-messages=warning timeout 600 "$pg_bin/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$socket" -U "$(pg_owner)" -d "$database" "${commands[@]}"
}

pg_measured_size() {
  pg_sql "$1" "$2" 'vacuum' 'checkpoint' 'select pg_database_size(current_database())' | tail -n 1
}

pg_table_sizes() {
  pg_sql "$1" "$2" "select c.relname || '|' || pg_total_relation_size(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname = 'public' order by pg_total_relation_size(c.oid) desc"
}

pg_header_column_bytes() {
  local query
  query=$(pg_sql "$1" "$2" "select coalesce(string_agg(format('select coalesce(sum(pg_column_size(%I)), 0) as b from %I.%I',
    column_name, table_schema, table_name), ' union all '), 'select 0 as b') from information_schema.columns
    where table_schema = 'public' and (column_name ilike '%header%' or table_name ilike '%header%')")
  pg_sql "$1" "$2" "select sum(b) from ($query) as columns"
}
