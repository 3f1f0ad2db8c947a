#!/usr/bin/env bash
# Installs what the tests need beyond the gateway's own dependencies (scripts/install-deps.sh, which this runs
# first): the independent oracles (DCMTK, dicom3tools, GDCM, OpenJPEG and libjpeg-turbo tools, pydicom, numpy), the
# trainer's Python packages (PyTorch from Debian), OpenSSL and bc, Ceph's radosgw (S3), and the real DICOMweb peers (scripts/install-peers.sh:
# Orthanc, Chromium, dicomweb-client, OHIF). ./test.sh runs it. Safe to run again: it installs only what is absent.
set -euo pipefail
cd "$(dirname "$0")"
./install-deps.sh

packages=(
  # independent oracles and peers for the tests
  dcmtk dicom3tools libgdcm-tools libopenjp2-tools libjpeg-turbo-progs openjph-tools
  python3-pydicom python3-gdcm python3-numpy
  # the tricubic baseline of bench/series-latent/run.sh (scipy.ndimage.zoom)
  python3-scipy
  # OpenSSL (TLS peer); bc for bench/run-network-benchmark.sh
  openssl bc
  # the trainer (PyTorch from Debian)
  python3-torch python3-pil python3-pytest python3-onnx
  # deploy/ checks (`docker-compose config`; tests/deploy/check-deploy.sh) and the image test (docker.io, debootstrap)
  docker-compose docker.io debootstrap
  # promtool for deploy/prometheus (tests/deploy/check-deploy.sh)
  prometheus
  # Node.js for the npm peers
  nodejs npm
  # a real S3 server for the S3 object store's tests: Ceph's radosgw (one monitor, one memory-backed OSD)
  ceph-mon ceph-osd radosgw
)

# shellcheck source=lib/apt-install-missing.sh
source lib/apt-install-missing.sh
NODE_FROM_PATH=1 apt_install_missing "${packages[@]}"

# the real DICOMweb peers of the interoperability tests: Orthanc and its DICOMweb plugin, Chromium, dicomweb-client, OHIF
./install-peers.sh
