#!/usr/bin/env bash
# Checks deploy/ offline: `docker compose config` (or docker-compose) on deploy/compose.yaml and a schema check of every
# manifest in deploy/kubernetes with kubernetes-models (installed by scripts/install-peers.sh). Fast: part of ./test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
peers_dir="${GATEWAY_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/medvae-gateway/peers}"
modules="$peers_dir/kubernetes-models/node_modules"
if [[ ! -f "$modules/kubernetes-models/package.json" ]]; then
  echo "error: kubernetes-models is missing in $modules: run scripts/install-peers.sh" >&2
  exit 1
fi
if docker compose version >/dev/null 2>&1; then
  docker compose -f deploy/compose.yaml config -q
elif command -v docker-compose >/dev/null 2>&1; then
  docker-compose -f deploy/compose.yaml config -q
else
  echo "error: neither docker compose nor docker-compose is installed (apt-get install docker-compose)" >&2
  exit 1
fi
echo "ok   deploy/compose.yaml: compose config"
node tests/deploy/check-manifests.cjs "$modules" deploy/kubernetes/*.yaml
