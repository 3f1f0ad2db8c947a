#!/usr/bin/env bash
# Builds and runs the gateway. With no arguments it serves on the embedded default (`gateway serve`: data in
# ./data, a private PostgreSQL it starts itself, HTTP on 127.0.0.1:8080, DICOM on port 11112, AE GATEWAY);
# arguments are passed on instead (e.g. `./run.sh serve --http 0.0.0.0:8080`, `./run.sh dicom dump FILE`).
# Installs only what the gateway needs and a fresh Debian 12 machine lacks first (scripts/install-deps.sh: codecs,
# PostgreSQL; ONNX Runtime comes with the NuGet restore of the build; no test peer).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh >&2
dotnet build src/Gateway.Server -c Release -v quiet -nologo >&2
if [[ $# -eq 0 ]]; then
  set -- serve
fi
exec src/Gateway.Server/bin/Release/net10.0/gateway "$@"
