# shellcheck shell=bash
# Sourced by the bench scripts after private-postgres.sh: Orthanc 1.10's PostgreSQL index plugin (Debian
# orthanc-postgresql) on a private cluster, one fresh database per Orthanc start.
#   orthanc_pg_plugin                       the index plugin's path
#   orthanc_pg_fresh_database SOCKET NAME   drops database NAME if it exists and creates it empty
#   orthanc_pg_section SOCKET NAME          the "PostgreSQL" entry of orthanc.json (index in NAME, files stay in
#                                           StorageDirectory), ending in a comma, to paste into the JSON object

orthanc_pg_plugin=/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so

orthanc_pg_fresh_database() {
  pg_sql "$1" postgres "drop database if exists $2" "create database $2"
}

orthanc_pg_section() {
  cat <<JSON
  "PostgreSQL" : {
    "EnableIndex" : true,
    "EnableStorage" : false,
    "Host" : "$1",
    "Port" : 5432,
    "Database" : "$2",
    "Username" : "$(pg_owner)",
    "Password" : "",
    "Lock" : false
  },
JSON
}
