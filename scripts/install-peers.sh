#!/usr/bin/env bash
# Installs the real DICOMweb peers the interoperability tests and the archive benchmark talk to:
#   apt: chromium (headless screenshots of OHIF), fonts-dejavu-core, orthanc, orthanc-dicomweb, orthanc-postgresql
#        (the PostgreSQL-indexed Orthanc of bench/storage-efficiency and bench/run-archive-benchmark.sh);
#   npm: dicomweb-client@0.11.3, dcmjs, xhr2@0.2.1, the prebuilt OHIF viewer from the @ohif/app@3.13.2 tarball,
#        oidc-provider@9.13.3 (the OpenID Connect provider the authentication tests issue tokens from),
#        playwright-core@1.65.2 (the admin console's browser tests; it drives Debian's chromium, no browser download),
#        kubernetes-models@4.5.1 and yaml@2.9.1 (the offline schema check of deploy/kubernetes).
# The npm packages go into a cache folder outside the repository (printed at the end; the tests look there):
#   ${GATEWAY_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/medvae-gateway/peers}
# Safe to run again: it installs only what is absent and returns at once when everything is there.
set -euo pipefail

peers_dir="${GATEWAY_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/medvae-gateway/peers}"
ohif_version=3.13.2

apt_packages=(chromium fonts-dejavu-core orthanc orthanc-dicomweb orthanc-postgresql)
missing=()
for package in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm (Node.js 18 or later) is not on PATH; apt-get install nodejs npm" >&2
  exit 1
fi

mkdir -p "$peers_dir"

node_dir="$peers_dir/node"
if [[ ! -f "$node_dir/node_modules/dicomweb-client/package.json" || ! -f "$node_dir/node_modules/dcmjs/package.json" \
      || ! -f "$node_dir/node_modules/xhr2/package.json" ]]; then
  echo "Installing dicomweb-client, dcmjs and xhr2 into $node_dir"
  mkdir -p "$node_dir"
  if [[ ! -f "$node_dir/package.json" ]]; then
    printf '{ "name": "medvae-gateway-peers", "private": true }\n' > "$node_dir/package.json"
  fi
  (cd "$node_dir" && npm install --no-audit --no-fund --save-exact dicomweb-client@0.11.3 dcmjs xhr2@0.2.1)
fi

oidc_dir="$peers_dir/oidc"
if [[ ! -f "$oidc_dir/node_modules/oidc-provider/package.json" ]]; then
  echo "Installing oidc-provider into $oidc_dir"
  mkdir -p "$oidc_dir"
  if [[ ! -f "$oidc_dir/package.json" ]]; then
    printf '{ "name": "medvae-gateway-oidc", "private": true, "type": "module" }\n' > "$oidc_dir/package.json"
  fi
  (cd "$oidc_dir" && npm install --no-audit --no-fund --save-exact oidc-provider@9.13.3)
fi

playwright_dir="$peers_dir/playwright"
if [[ ! -f "$playwright_dir/node_modules/playwright-core/package.json" ]]; then
  echo "Installing playwright-core into $playwright_dir"
  mkdir -p "$playwright_dir"
  if [[ ! -f "$playwright_dir/package.json" ]]; then
    printf '{ "name": "medvae-gateway-playwright", "private": true }\n' > "$playwright_dir/package.json"
  fi
  (cd "$playwright_dir" && npm install --no-audit --no-fund --save-exact playwright-core@1.65.2)
fi

k8s_dir="$peers_dir/kubernetes-models"
if [[ ! -f "$k8s_dir/node_modules/kubernetes-models/package.json" || ! -f "$k8s_dir/node_modules/yaml/package.json" ]]; then
  echo "Installing kubernetes-models and yaml into $k8s_dir (offline schema check of deploy/kubernetes)"
  mkdir -p "$k8s_dir"
  if [[ ! -f "$k8s_dir/package.json" ]]; then
    printf '{ "name": "medvae-gateway-manifest-check", "private": true }\n' > "$k8s_dir/package.json"
  fi
  (cd "$k8s_dir" && npm install --no-audit --no-fund --save-exact kubernetes-models@4.5.1 yaml@2.9.1)
fi

ohif_dir="$peers_dir/ohif-$ohif_version"
if [[ ! -f "$ohif_dir/package/dist/index.html" ]]; then
  echo "Fetching the @ohif/app@$ohif_version tarball into $ohif_dir"
  scratch="$(mktemp -d "$peers_dir/ohif-download.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  (cd "$scratch" && npm pack --silent "@ohif/app@$ohif_version" >/dev/null)
  tar -xzf "$scratch"/ohif-app-"$ohif_version".tgz -C "$scratch"
  rm -rf "$ohif_dir"
  mkdir -p "$ohif_dir"
  mv "$scratch/package" "$ohif_dir/package"
  rm -rf "$scratch"
  trap - EXIT
fi

echo "Peers ready in $peers_dir"
