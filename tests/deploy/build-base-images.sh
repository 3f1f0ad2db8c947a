#!/usr/bin/env bash
# Builds the two base images of the Dockerfile locally, for machines that reach no container registry (Debian's
# archive is enough): a Debian 12 root file system from debootstrap, imported as RUNTIME_IMAGE, and the same with
# this machine's .NET SDK (/usr/share/dotnet), its native dependencies and
# this machine's CA certificates, imported as SDK_IMAGE.
#   usage: build-base-images.sh WORKDIR RUNTIME_TAG SDK_TAG     (docker from $DOCKER, DOCKER_HOST honoured)
# Both images are rebuilt only when missing. Needs root (debootstrap, chroot) and the debootstrap package.
set -euo pipefail
work="$1" runtime_tag="$2" sdk_tag="$3"
docker="${DOCKER:-docker}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
dotnet_root="${DOTNET_ROOT:-/usr/share/dotnet}"

mkdir -p "$work"
root="$work/bookworm"
if ! "$docker" image inspect "$runtime_tag" >/dev/null 2>&1; then
  if [[ ! -x "$root/usr/bin/apt-get" ]]; then
    rm -rf "$root"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  fi
  tar -C "$root" -c . | "$docker" import - "$runtime_tag" >/dev/null
fi

if ! "$docker" image inspect "$sdk_tag" >/dev/null 2>&1; then
  sdk="$work/bookworm-sdk"
  rm -rf "$sdk"
  cp -a "$root" "$sdk"
  cp /etc/resolv.conf "$sdk/etc/resolv.conf"
  chroot "$sdk" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libicu72 libssl3 zlib1g && rm -rf /var/lib/apt/lists/*' \
    >"$work/sdk-apt.log" 2>&1 || { tail -20 "$work/sdk-apt.log" >&2; exit 1; }
  # this machine's trust store: a package mirror behind a TLS-inspecting proxy is trusted inside the build as here
  cp -a /etc/ssl/certs/. "$sdk/etc/ssl/certs/"
  mkdir -p "$sdk/usr/share"
  cp -a "$dotnet_root" "$sdk/usr/share/dotnet"
  ln -sf /usr/share/dotnet/dotnet "$sdk/usr/bin/dotnet"
  tar -C "$sdk" -c . | "$docker" import \
    -c 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1' \
    -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt SSL_CERT_DIR=/etc/ssl/certs' \
    -c "ENV NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE:-online}" - "$sdk_tag" >/dev/null
  rm -rf "$sdk"
fi
