#!/usr/bin/env bash
# Builds and runs the gateway executable; arguments are passed on (e.g. `./run.sh dicom dump FILE`).
# Installs what a fresh Debian 12 machine lacks first.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh >&2
dotnet build src/Gateway.Server -c Release -v quiet -nologo >&2
exec src/Gateway.Server/bin/Release/net10.0/gateway "$@"
