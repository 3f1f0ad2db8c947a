#!/usr/bin/env bash
# Installs what MedVAE Gateway needs on Debian 12 and is missing: native codec libraries, DICOM peer tools
# used by the tests, and the trainer's Python packages. Safe to run again: it installs only what is absent.
set -euo pipefail

packages=(
  # native codecs called through P/Invoke
  libopenjp2-7 libcharls2 libturbojpeg0
  # the embedded database (initdb/postgres run as the postgres user)
  postgresql
  # independent oracles and peers for the tests
  dcmtk dicom3tools libgdcm-tools libopenjp2-tools libjpeg-turbo-progs openjph-tools
  python3-pydicom python3-gdcm python3-numpy
  # DICOM peers: Orthanc (C-STORE/Q-R and DICOMweb peer), OpenSSL (TLS peer); bc for bench/run-network-benchmark.sh
  orthanc orthanc-dicomweb openssl bc
  # the trainer (PyTorch from Debian)
  python3-torch python3-pil python3-pytest python3-onnx
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

# Node.js for the npm peers (a machine may have it from another source already: check the command, not the package)
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends nodejs npm
fi

# the real DICOMweb peers of the interoperability tests: Orthanc's DICOMweb plugin, Chromium, dicomweb-client, OHIF
"$(dirname "$0")/install-peers.sh"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 (dotnet) is not on PATH; install it from https://dotnet.microsoft.com/download" >&2
  exit 1
fi
