#!/usr/bin/env bash
# Checks deploy/ offline: `docker compose config` (or docker-compose) on deploy/compose.yaml and a schema check of every
# manifest in deploy/kubernetes with kubernetes-models (installed by scripts/install-peers.sh), promtool (Debian's
# prometheus package) on the Prometheus configuration and alert rules, and the Grafana files' JSON/YAML syntax. That the
# rules and the dashboard name only metrics /metrics exports is MetricsFiguresTests' last check. Fast: part of ./test.sh.
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
if ! command -v promtool >/dev/null 2>&1; then
  echo "error: promtool is missing (apt-get install prometheus)" >&2
  exit 1
fi
promtool check config deploy/prometheus/prometheus.yml
promtool test rules tests/deploy/alerts-test.yml
echo "ok   deploy/prometheus: promtool check config, check rules, test rules"
python3 -c 'import json, sys; [json.load(open(path)) for path in sys.argv[1:]]' deploy/grafana/dashboards/*.json
node -e 'for (const file of process.argv.slice(1)) { const text = require("fs").readFileSync(file, "utf8"); if (!/^apiVersion: 1$/m.test(text)) { throw new Error(file + ": no apiVersion: 1"); } }' deploy/grafana/provisioning/*/*.yaml
echo "ok   deploy/grafana: dashboard JSON, provisioning files"
