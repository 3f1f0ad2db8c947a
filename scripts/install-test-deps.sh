#!/usr/bin/env bash
# Installs what the tests need beyond the gateway's own dependencies (scripts/install-deps.sh, which this runs
# first): the independent oracles (DCMTK, dicom3tools, GDCM, OpenJPEG and libjpeg-turbo tools, pydicom, numpy), the
# trainer's Python packages (PyTorch from Debian), OpenSSL and bc, and the real DICOMweb peers (scripts/install-peers.sh:
# Orthanc, Chromium, dicomweb-client, OHIF). ./test.sh runs it. Safe to run again: it installs only what is absent.
set -euo pipefail
cd "$(dirname "$0")"
./install-deps.sh

packages=(
  # independent oracles and peers for the tests
  dcmtk dicom3tools libgdcm-tools libopenjp2-tools libjpeg-turbo-progs openjph-tools
  python3-pydicom python3-gdcm python3-numpy
  # OpenSSL (TLS peer); bc for bench/run-network-benchmark.sh
  openssl bc
  # the trainer (PyTorch from Debian)
  python3-torch python3-pil python3-pytest python3-onnx
  # Node.js for the npm peers
  nodejs npm
)

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    # a machine may have Node.js from another source already: check the command, not the package
    if [[ ( "$package" == nodejs || "$package" == npm ) ]] && command -v npm >/dev/null 2>&1; then
      continue
    fi
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# the real DICOMweb peers of the interoperability tests: Orthanc and its DICOMweb plugin, Chromium, dicomweb-client, OHIF
./install-peers.sh
