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

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 (dotnet) is not on PATH; install it from https://dotnet.microsoft.com/download" >&2
  exit 1
fi
