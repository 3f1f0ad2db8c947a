#!/usr/bin/env bash
# Installs what the gateway itself needs to run on Debian 12 and is missing (what ./run.sh calls): the native codec
# libraries and PostgreSQL (the embedded database); ONNX Runtime comes from NuGet with the build. No test peer, oracle or trainer package: those are
# scripts/install-test-deps.sh (what ./test.sh calls). Safe to run again: it installs only what is absent.
set -euo pipefail

packages=(
  # native codecs called through P/Invoke
  libopenjp2-7 libcharls2 libturbojpeg0
  # the embedded database (initdb/postgres run as the postgres user)
  postgresql
)

# shellcheck source=lib/apt-install-missing.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/apt-install-missing.sh"
apt_install_missing "${packages[@]}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 (dotnet) is not on PATH; install it from https://dotnet.microsoft.com/download" >&2
  exit 1
fi
