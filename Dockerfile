# syntax=docker/dockerfile:1
# MedVAE Gateway image: a self-contained `gateway` for linux-x64 with its models, ONNX Runtime, the codec libraries
# and PostgreSQL 15's server binaries (for the embedded default; set GATEWAY__Postgres to use an external server).
# The base images are ARGs: with no registry, build them locally and pass them (deploy/README.md, "Building the image").
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=debian:12-slim

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Restore first, from the project files alone, so a source change does not repeat it.
COPY global.json .editorconfig Directory.Build.props Directory.Packages.props ./
COPY src/Gateway.Dicom/Gateway.Dicom.csproj src/Gateway.Dicom/
COPY src/Gateway.Core/Gateway.Core.csproj src/Gateway.Core/
COPY src/Gateway.Compression/Gateway.Compression.csproj src/Gateway.Compression/
COPY src/Gateway.Infrastructure/Gateway.Infrastructure.csproj src/Gateway.Infrastructure/
COPY src/Gateway.Server/Gateway.Server.csproj src/Gateway.Server/
RUN dotnet restore src/Gateway.Server -r linux-x64 -p:SelfContained=true
COPY src/ src/
COPY migrations/ migrations/
COPY onnx-models/ onnx-models/
RUN dotnet publish src/Gateway.Server -c Release -r linux-x64 --self-contained true --no-restore -nologo -v quiet \
        -o /out \
    && test -f /out/libonnxruntime.so \
    && test -f /out/onnx-models/compact-f16-c2/model.json

FROM ${RUNTIME_IMAGE} AS runtime
# The codec libraries the gateway loads through P/Invoke, PostgreSQL 15 (the embedded default), the .NET runtime's
# native dependencies, curl for the HEALTHCHECK. Only what the base lacks is installed, so a base that already holds
# them (a locally built one, see deploy/README.md) needs no package source.
RUN set -eu; \
    packages="libopenjp2-7 libcharls2 libturbojpeg0 postgresql-15 libicu72 libssl3 zlib1g ca-certificates curl tzdata"; \
    missing=""; \
    for p in $packages; do \
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; \
    done; \
    if [ -n "$missing" ]; then \
        apt-get update -q \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
        && rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 gateway; \
    useradd --system --uid 10001 --gid gateway --home-dir /var/lib/gateway --shell /usr/sbin/nologin gateway; \
    install -d -o gateway -g gateway -m 0750 /var/lib/gateway

COPY --from=build /out/ /opt/gateway/

# Settings are GATEWAY__<Name> variables (README.md, "Configuration"). Beyond loopback the gateway refuses to serve
# HTTP without authentication: configure it (GATEWAY__Security__...) or set GATEWAY__Security__Insecure=true on a
# trusted network.
ENV GATEWAY__DataDirectory=/var/lib/gateway \
    GATEWAY__Http=0.0.0.0:8080 \
    GATEWAY__DicomPort=11112 \
    GATEWAY__DicomBindAddress=0.0.0.0 \
    DOTNET_gcServer=0

USER gateway:gateway
WORKDIR /var/lib/gateway
VOLUME ["/var/lib/gateway"]
EXPOSE 8080/tcp 11112/tcp

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready || exit 1

# exec form: the gateway is PID 1 and receives SIGTERM from `docker stop`, stops the listeners, drains, exits 0.
ENTRYPOINT ["/opt/gateway/gateway"]
CMD ["serve"]
