#!/usr/bin/env bash
# Runs every test of MedVAE Gateway: the .NET solution and the trainer's pytest suite.
# Installs what a fresh Debian 12 machine lacks first: the gateway's dependencies and the tests' (oracles, peers, PyTorch).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-test-deps.sh
# The log is kept so that a failure is printed again at the end, where a CI log's tail shows it.
log=$(mktemp /tmp/gateway-dotnet-test.XXXXXX.log)
if ! dotnet test Gateway.sln -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log"; then
  scripts/failed-tests.sh "$log"
  exit 1
fi
rm -f "$log"
# deploy/: docker compose config and the Kubernetes manifests' schema check (fast, offline); the image test
# (tests/deploy/container-test.sh) is slow and runs by hand
tests/deploy/check-deploy.sh
if [[ -d src/trainer/tests ]]; then
  (cd src/trainer && /usr/bin/python3 -m pytest -q tests)
fi
