# shellcheck shell=bash
# Sourced by the bench scripts: a real S3 server on loopback, Ceph's radosgw from Debian (one monitor, one
# memory-backed OSD, no authentication inside the cluster), as the tests' fixture (tests/Gateway.Server.Tests/Storage/
# RadosGateway.cs) starts it. The OSD holds its objects in memory (RADOSGW_MEMORY_BYTES, default 3 GiB).
#   radosgw_start FOLDER           the daemons, logs in FOLDER/log; sets radosgw_url, radosgw_access_key, radosgw_secret_key
#   radosgw_bucket NAME            creates a bucket (S3 PUT signed with curl --aws-sigv4 and the empty payload's SHA-256)
#   radosgw_stop FOLDER            stops the daemons started by radosgw_start
# Needs radosgw ceph-mon ceph-osd ceph-common (scripts/install-test-deps.sh installs them).

radosgw_access_key=bench-access-key
radosgw_secret_key=bench-secret-key-0123456789
radosgw_pids=()

radosgw_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

radosgw_start() {
  local folder=$1 mon_port rgw_port fsid ports
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool ceph-authtool; do
    command -v "$tool" >/dev/null || { echo "radosgw: $tool is missing (apt-get install radosgw ceph-mon ceph-osd ceph-common)" >&2; return 1; }
  done
  mkdir -p "$folder"/{run,log,mon/a,osd/0,rgw}
  mon_port=$(radosgw_free_port)
  rgw_port=$(radosgw_free_port)
  ports=$((RANDOM % 20000 + 10000))
  fsid=$(cat /proc/sys/kernel/random/uuid)
  cat >"$folder/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
ms bind msgr2 = false
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind port min = $ports
ms bind port max = $((ports + 99))
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
run dir = $folder/run
admin socket = $folder/run/\$name.asok
log file = $folder/log/\$name.log
pid file = $folder/run/\$name.pid
keyring = $folder/keyring
[mon.a]
mon data = $folder/mon/a
[osd]
osd data = $folder/osd/\$id
osd objectstore = memstore
memstore device bytes = ${RADOSGW_MEMORY_BYTES:-3221225472}
osd max object name len = 256
osd max object namespace len = 64
[client.rgw.bench]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $folder/rgw
CONF
  local c=(-c "$folder/ceph.conf")
  ceph-authtool --create-keyring "$folder/keyring" --gen-key -n mon. --cap mon 'allow *' >"$folder/log/setup.log" 2>&1
  monmaptool --create --addv a "[v1:127.0.0.1:$mon_port]" --fsid "$fsid" "$folder/monmap" >>"$folder/log/setup.log" 2>&1
  ceph-mon "${c[@]}" --mkfs -i a --monmap "$folder/monmap" --keyring "$folder/keyring" >>"$folder/log/setup.log" 2>&1
  ceph-mon "${c[@]}" -i a -f >>"$folder/log/mon.out" 2>&1 &
  radosgw_pids+=($!)
  ceph "${c[@]}" --connect-timeout 30 osd create >>"$folder/log/setup.log" 2>&1
  ceph-osd "${c[@]}" -i 0 --mkfs >>"$folder/log/setup.log" 2>&1
  ceph-osd "${c[@]}" -i 0 -f >>"$folder/log/osd.out" 2>&1 &
  radosgw_pids+=($!)
  radosgw "${c[@]}" -n client.rgw.bench -f >>"$folder/log/rgw.out" 2>&1 &
  radosgw_pids+=($!)
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://127.0.0.1:$rgw_port/" && break
    sleep 0.5
  done
  if ! curl -s -o /dev/null "http://127.0.0.1:$rgw_port/"; then
    echo "radosgw: no answer on port $rgw_port in 300 s; the logs' last lines:" >&2
    tail -n 15 "$folder"/log/* >&2
    return 1
  fi
  radosgw-admin "${c[@]}" user create --uid=bench --display-name=bench \
    --access-key="$radosgw_access_key" --secret-key="$radosgw_secret_key" >>"$folder/log/setup.log" 2>&1
  radosgw_url=http://127.0.0.1:$rgw_port
}

radosgw_bucket() {
  curl -sf -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" --user "$radosgw_access_key:$radosgw_secret_key" "$radosgw_url/$1" >/dev/null ||
    { echo "radosgw: could not create bucket $1" >&2; return 1; }
}

radosgw_stop() {
  local index
  for ((index = ${#radosgw_pids[@]} - 1; index >= 0; index--)); do
    kill -TERM "${radosgw_pids[$index]}" 2>/dev/null || true
    wait "${radosgw_pids[$index]}" 2>/dev/null || true
  done
  radosgw_pids=()
}
