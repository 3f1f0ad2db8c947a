#!/usr/bin/env bash
# Slow image test (not part of ./test.sh; run it by hand or in a nightly job, as root):
#   tests/deploy/container-test.sh [WORKDIR]
# Builds the Dockerfile with Debian's docker.io against base images built locally (build-base-images.sh; no
# registry), runs the container on its embedded PostgreSQL, checks echoscu, STOW-RS, QIDO-RS and WADO-RS against it,
# then stops it with SIGTERM and requires exit code 0. Uses $DOCKER (default docker) and DOCKER_HOST as they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-${TMPDIR:-/var/tmp}/medvae-gateway-image-test}"
docker="${DOCKER:-docker}"
runtime_base=gateway-test/runtime-base:bookworm sdk_base=gateway-test/sdk-base:bookworm image=medvae-gateway:test
sample="${GATEWAY_SHARED_DATA:-../shared/data}"
dicom_file=""
while IFS= read -r candidate; do  # the first small file with a Series Instance UID (the archive requires one)
  if dcmdump +P 0020,000e "$candidate" 2>/dev/null | grep -q UI; then dicom_file="$candidate"; break; fi
done < <(find "$sample" -name '*.dcm' -size -2M)
[[ -n "$dicom_file" ]] || { echo "error: no DICOM file under $sample (set GATEWAY_SHARED_DATA)" >&2; exit 1; }

tests/deploy/build-base-images.sh "$work" "$runtime_base" "$sdk_base"
DOCKER_BUILDKIT=0 "$docker" build --network host -q \
  --build-arg SDK_IMAGE="$sdk_base" --build-arg RUNTIME_IMAGE="$runtime_base" -t "$image" . >/dev/null

name="medvae-gateway-test-$$"
"$docker" run -d --name "$name" -p 127.0.0.1::8080 -p 127.0.0.1::11112 \
  -e GATEWAY__Security__Insecure=true "$image" >/dev/null
trap '"$docker" rm -f "$name" >/dev/null 2>&1 || true' EXIT
http_port="$("$docker" port "$name" 8080/tcp | head -1 | sed 's/.*://')"
dicom_port="$("$docker" port "$name" 11112/tcp | head -1 | sed 's/.*://')"
base="http://127.0.0.1:$http_port"

for _ in $(seq 1 120); do
  [[ "$("$docker" inspect -f '{{.State.Health.Status}}' "$name")" == healthy ]] && break
  [[ "$("$docker" inspect -f '{{.State.Running}}' "$name")" == true ]] || { "$docker" logs "$name" >&2; exit 1; }
  sleep 1
done
[[ "$("$docker" inspect -f '{{.State.Health.Status}}' "$name")" == healthy ]] \
  || { echo "FAIL: not healthy (HEALTHCHECK on /health/ready)" >&2; "$docker" logs "$name" >&2; exit 1; }
echo "ok   HEALTHCHECK healthy"

fail() { echo "FAIL: $*" >&2; "$docker" logs --tail 30 "$name" >&2; exit 1; }

echoscu -aec GATEWAY 127.0.0.1 "$dicom_port" || fail "echoscu"
echo "ok   echoscu"

study="$(dcmdump +P 0020,000d "$dicom_file" | sed 's/.*\[\(.*\)\].*/\1/')"
series="$(dcmdump +P 0020,000e "$dicom_file" | sed 's/.*\[\(.*\)\].*/\1/')"
instance="$(dcmdump +P 0008,0018 "$dicom_file" | sed 's/.*\[\(.*\)\].*/\1/')"
boundary="medvae-$$"
{ printf -- '--%s\r\nContent-Type: application/dicom\r\n\r\n' "$boundary"; cat "$dicom_file"; printf -- '\r\n--%s--\r\n' "$boundary"; } > "$work/stow.body"
status="$(curl -sS -o "$work/stow.json" -w '%{http_code}' -X POST "$base/dicomweb/studies" \
  -H "Content-Type: multipart/related; type=\"application/dicom\"; boundary=$boundary" -H 'Accept: application/dicom+json' \
  --data-binary @"$work/stow.body")"
[[ "$status" == 200 ]] || { echo "FAIL: STOW-RS answered $status: $(cat "$work/stow.json")" >&2; exit 1; }
echo "ok   STOW-RS 200"

curl -fsS "$base/dicomweb/studies?StudyInstanceUID=$study" -H 'Accept: application/dicom+json' > "$work/qido.json" \
  || fail "QIDO-RS"
grep -q "$study" "$work/qido.json" || fail "QIDO-RS does not list study $study: $(cat "$work/qido.json")"
echo "ok   QIDO-RS finds the study"
curl -fsS -o "$work/wado.multipart" "$base/dicomweb/studies/$study/series/$series/instances/$instance" \
  -H 'Accept: multipart/related; type="application/dicom"; transfer-syntax=*'
grep -aq "$instance" "$work/wado.multipart" || fail "WADO-RS answer lacks instance $instance"
echo "ok   WADO-RS returns the instance"

"$docker" stop -t 60 "$name" >/dev/null
exit_code="$("$docker" inspect -f '{{.State.ExitCode}}' "$name")"
[[ "$exit_code" == 0 ]] || { echo "FAIL: exit code $exit_code after SIGTERM" >&2; "$docker" logs --tail 30 "$name" >&2; exit 1; }
echo "ok   stopped by SIGTERM, exit code 0"
