#!/usr/bin/env bash
# Installs what the gateway itself needs to run on Debian 12 and is missing (what ./run.sh calls): the native codec
# libraries, PostgreSQL (the embedded database) and ONNX Runtime. No test peer, oracle or trainer package: those are
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

# ONNX Runtime 1.30.0 (libonnxruntime.so.1) for the model engine: it ships inside the npm package onnxruntime-node;
# `npm pack` only downloads the tarball (no install script runs). The gateway finds the library at this path, or at
# the path in GATEWAY__ONNXRUNTIMEPATH (setting Gateway:OnnxRuntimePath). npm is needed only to fetch it.
onnxruntime_dir="${HOME}/.cache/medvae-gateway/onnxruntime"
if [[ ! -f "${onnxruntime_dir}/libonnxruntime.so.1" ]] && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -f "${onnxruntime_dir}/libonnxruntime.so.1" ]]; then
  echo "Installing libonnxruntime.so.1 (onnxruntime-node@1.30.0) into ${onnxruntime_dir}"
  onnxruntime_tmp=$(mktemp -d)
  (cd "${onnxruntime_tmp}" && npm pack --silent onnxruntime-node@1.30.0 >/dev/null)
  tar -xzf "${onnxruntime_tmp}/onnxruntime-node-1.30.0.tgz" -C "${onnxruntime_tmp}" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  mkdir -p "${onnxruntime_dir}"
  mv "${onnxruntime_tmp}/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "${onnxruntime_dir}/libonnxruntime.so.1.partial"
  mv "${onnxruntime_dir}/libonnxruntime.so.1.partial" "${onnxruntime_dir}/libonnxruntime.so.1"
  rm -rf "${onnxruntime_tmp}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 (dotnet) is not on PATH; install it from https://dotnet.microsoft.com/download" >&2
  exit 1
fi
