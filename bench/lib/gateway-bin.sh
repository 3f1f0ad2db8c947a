# shellcheck shell=bash
# Sourced by the bench scripts (run from the repository root): the gateway executable they run.
#   gateway_bin_or_build   keeps GATEWAY_BIN when it is set; else builds src/Gateway.Server (Release) and sets
#                          GATEWAY_BIN to the built executable
gateway_bin_or_build() {
  if [[ -z ${GATEWAY_BIN:-} ]]; then
    echo "Building gateway (Release) ..." >&2
    dotnet build src/Gateway.Server -c Release -nologo -v quiet >&2
    GATEWAY_BIN=$PWD/src/Gateway.Server/bin/Release/net10.0/gateway
  fi
}
