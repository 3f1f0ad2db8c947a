#!/usr/bin/env bash
# The DICOM toolkit benchmarks, ours and the references side by side, printed as Markdown:
#   1. header parsing: DicomFile.Open(StopBeforePixelData) vs pydicom dcmread(stop_before_pixels=True), files/s;
#   2. JPEG 2000 and JPEG-LS decode: our codecs vs OpenJPEG and CharLS called from C on the same codestreams
#      (bench/native/decode_bench.c), plus opj_decompress wall time for reference;
#   3. JPEG lossless (process 14) decode speed of the managed decoder, with dcmdjpeg wall time for reference.
#
# Usage: bench/run-dicom-benchmarks.sh [--quick] [RESULTS_FOLDER]
#   --quick         few iterations, to check that the script works (numbers not worth reporting)
#   RESULTS_FOLDER  where the raw TSV results and report.md go (default artifacts/bench-DATE, git-ignored)
# Environment: SHARED_DATA (default ../shared/data), BENCH_NICE (default -19 as root: ours and the references
# run at the same raised priority so that other work on the machine disturbs them less; 0 to switch off).
#
# While measuring, the project's training processes (`python3 -m medvae_trainer train`) are paused with SIGSTOP and resumed with
# SIGCONT on exit, whatever the exit. Needs root for apt-get when the -dev packages are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
if [[ ${1:-} == --quick ]]; then
  quick=1
  shift
fi
data=${SHARED_DATA:-../shared/data}
results=${1:-artifacts/bench-$(date +%Y%m%d-%H%M%S)}
[[ -d $data/volumes ]] || { echo "run-dicom-benchmarks: no test data at $data (set SHARED_DATA)" >&2; exit 1; }

# ---- dependencies (the -dev packages are needed only here, to build the C harness) -------------------------
packages=(gcc libopenjp2-7-dev libcharls-dev libopenjp2-tools dcmtk python3-pydicom)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "run-dicom-benchmarks: missing packages, install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} ..." >&2
  apt-get install -y -q "${missing[@]}" >&2
fi

# ---- build ------------------------------------------------------------------------------------------------------
mkdir -p "$results"
results=$(cd "$results" && pwd)
echo "Building (Release) ..." >&2
dotnet build bench/Gateway.Bench -c Release -nologo -v quiet >&2
bench=bench/Gateway.Bench/bin/Release/net10.0/gateway-bench
native=$results/decode_bench
native_library=$results/libdecode_bench.so
cflags=(-O2 -Wall -Wextra -std=c11 -I/usr/include/openjpeg-2.5)
gcc "${cflags[@]}" -o "$native" bench/native/decode_bench.c -lopenjp2 -lcharls
gcc "${cflags[@]}" -fPIC -shared -fvisibility=hidden -DDECODE_BENCH_LIBRARY -o "$native_library" bench/native/decode_bench.c -lopenjp2 -lcharls

# ---- frames ------------------------------------------------------------------------------------------------------
conf=$data/dicom-conformance
nema=$conf/nema-wg04-compression-samples
cornerstone=$conf/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm
xray=$data/xray/dicom
j2k_files=(
  "$nema/CT1_J2KR.dcm" "$nema/CT2_J2KR.dcm" "$nema/MR2_J2KR.dcm" "$nema/MR2_J2KI.dcm" "$nema/US1_J2KR.dcm"
  "$nema/US1_J2KI.dcm" "$nema/RG1_J2KI.dcm" "$nema/RG3_J2KI.dcm"
  "${cornerstone}_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm"
  "${cornerstone}_JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm"
  "$conf/pylibjpeg-data/MAROTECH_CT_JP2Lossy.dcm"
  "$xray/nema-wg04__RG3_J2KR.dcm" "$xray/pylibjpeg-data__966_fixed_DX_chest.dcm" "$xray/pylibjpeg-data__Kodak_CR_hand_J2K.dcm"
)
jls_files=(
  "$nema/CT1_JLSN.dcm" "$nema/RG2_JLSL.dcm" "$nema/RG2_JLSN.dcm" "$xray/nema-wg04__RG1_JLSN.dcm"
  "${cornerstone}_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm"
  "${cornerstone}_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm"
  "$conf/dcm_qa_ts-MR-9-transfer-syntaxes/7.dcm"
  "$conf/pydicom-data/JLSL_RGB_ILV0.dcm" "$conf/pydicom-data/JLSL_RGB_ILV2.dcm"
)
jll_files=(
  "${cornerstone}_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm"
  "${cornerstone}_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm"
  "$conf/dcm_qa_ts-MR-9-transfer-syntaxes/5.dcm" "$conf/fo-dicom/IM-0001-0001-0001.dcm" "$nema/NM1_JPLL.dcm"
  "$conf/pylibjpeg-data/JPEGLossless_1s_1f_u_16_12.dcm" "$conf/pydicom-data/JPGLosslessP14SV1_1s_1f_8b.dcm"
  "$conf/pylibjpeg-data/JPEGLosslessP14SV1_3s_2f_u_08_08.dcm"
  "$xray/fo-dicom__OutOfBoundsOverlay_MG.dcm" "$xray/fo-dicom__CR-ModalitySequenceLUT_dental.dcm"
  "$xray/nema-wg04__RG2_JPLL.dcm" "$xray/fo-dicom__GH133_MG.dcm"
)

quick_flag=
if ((quick)); then
  quick_flag=" --quick"
  header_runs=2 header_iterations=3 decode_rounds=1 decode_iterations=2 j2k_pairs=2 jls_pairs=2
  lossless_iterations=2 cli_iterations=2 warmup_seconds=0
else
  header_runs=5 header_iterations=20 decode_rounds=3 decode_iterations=7 j2k_pairs=15 jls_pairs=30
  lossless_iterations=15 cli_iterations=9 warmup_seconds=1
fi

# Whatever happens from here on, the trainers are resumed and the scratch folder removed.
trainers=
sampler=
scratch=
cleanup() {
  [[ -n $sampler ]] && kill "$sampler" 2>/dev/null
  if [[ -n $trainers ]]; then
    # shellcheck disable=SC2086
    kill -CONT $trainers 2>/dev/null || true
    echo "Resumed training processes: $trainers" >&2
  fi
  [[ -n $scratch ]] && rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Codestreams for the native tools, extracted once by our reader (the same bytes our codecs decode).
scratch=$(mktemp -d "$([[ -d /dev/shm ]] && echo /dev/shm || echo /tmp)/gateway-bench.XXXXXX")
"$bench" extract --out "$scratch/codestreams" "${j2k_files[@]}" "${jls_files[@]}" >&2
codestream() { # case name -> codestream path
  awk -F'\t' -v c="$1" '$1 == c { print $2 }' "$scratch/codestreams/manifest.tsv" | sed "s|^|$scratch/codestreams/|"
}
case_name() { local name=${1##*/}; echo "${name%.dcm}"; }

# ---- measuring conditions: trainers paused, same priority for ours and the references ------------------------
trainers=$(pgrep -f 'python3 -m medvae_trainer train' || true)
if [[ -n $trainers ]]; then
  # shellcheck disable=SC2086
  kill -STOP $trainers
  echo "Paused training processes: $trainers" >&2
fi
nice_level=${BENCH_NICE:-$([[ $(id -u) -eq 0 ]] && echo -19 || echo 0)}
run() { nice -n "$nice_level" "$@"; }
unset OPJ_NUM_THREADS # OpenJPEG's default, one thread, for ours, the C harness and opj_decompress alike

sleep 2 # let the load of what was just paused settle a little
(while true; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 5; done) >"$results/loadavg.log" &
sampler=$!
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# ---- 1. header parsing --------------------------------------------------------------------------------------------
volumes=("$data/volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon" "$data/volumes/mr-640x640__Seg3DData-example_dicom"
  "$data/volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU")
for ((r = 1; r <= header_runs; r++)); do
  echo "Header parsing, run $r of $header_runs ..." >&2
  run "$bench" headers --iterations "$header_iterations" "${volumes[@]}" >"$results/headers-ours-$r.tsv"
  run /usr/bin/python3 bench/pydicom_headers.py --iterations "$header_iterations" "${volumes[@]}" >"$results/headers-pydicom-$r.tsv"
done

# ---- 2. JPEG 2000 and JPEG-LS ---------------------------------------------------------------------------------------
# (a) paired: gateway-bench loads the C harness as a library and alternates our decode and the harness's on the
#     same bytes in one process, so both meet the same load; the median of the per-pair ratios is the verdict.
# (b) separate processes: ours and the C harness executable alternate in rounds (each a fresh process with its own
#     warm-up); the report combines the rounds. (c) opj_decompress wall time, for reference.
decode_options=(--warmup 1 --warmup-seconds "$warmup_seconds" --iterations "$decode_iterations")
j2k_streams=()
for file in "${j2k_files[@]}"; do j2k_streams+=("$(codestream "$(case_name "$file")")"); done
jls_streams=()
for file in "${jls_files[@]}"; do jls_streams+=("$(codestream "$(case_name "$file")")"); done
echo "JPEG 2000 and JPEG-LS: paired in one process ..." >&2
run "$bench" j2k --paired-with "$native_library" --warmup 1 --warmup-seconds "$warmup_seconds" --iterations "$j2k_pairs" \
  "${j2k_files[@]}" >"$results/j2k-paired.tsv"
run "$bench" jpegls --paired-with "$native_library" --warmup 1 --warmup-seconds "$warmup_seconds" --iterations "$jls_pairs" \
  "${jls_files[@]}" >"$results/jpegls-paired.tsv"
: >"$results/j2k-ours.tsv"
: >"$results/j2k-native.tsv"
: >"$results/jpegls-ours.tsv"
: >"$results/jpegls-native.tsv"
for ((r = 1; r <= decode_rounds; r++)); do
  echo "JPEG 2000, round $r of $decode_rounds: ours, then OpenJPEG from C ..." >&2
  run "$bench" j2k "${decode_options[@]}" "${j2k_files[@]}" >>"$results/j2k-ours.tsv"
  run "$native" j2k "${decode_options[@]}" "${j2k_streams[@]}" >>"$results/j2k-native.tsv"
  echo "JPEG-LS, round $r of $decode_rounds: ours, then CharLS from C ..." >&2
  run "$bench" jpegls "${decode_options[@]}" "${jls_files[@]}" >>"$results/jpegls-ours.tsv"
  run "$native" jls "${decode_options[@]}" "${jls_streams[@]}" >>"$results/jpegls-native.tsv"
done
echo "JPEG 2000: opj_decompress ..." >&2
echo -e "case\titerations\tmedian_ms\tmin_ms" >"$results/j2k-cli.tsv"
for stream in "${j2k_streams[@]}"; do
  name=${stream##*/}
  run /usr/bin/python3 bench/time_command.py --iterations "$cli_iterations" "${name%.*}" -- \
    opj_decompress -quiet -i "$stream" -o "$scratch/out.raw" >>"$results/j2k-cli.tsv"
done

# ---- 3. JPEG lossless ---------------------------------------------------------------------------------------------
echo "JPEG lossless: ours ..." >&2
run "$bench" jpegll --warmup 1 --warmup-seconds "$warmup_seconds" --iterations "$lossless_iterations" "${jll_files[@]}" >"$results/jpegll-ours.tsv"
echo "JPEG lossless: dcmdjpeg ..." >&2
echo -e "case\titerations\tmedian_ms\tmin_ms" >"$results/jpegll-dcmdjpeg.tsv"
for file in "${jll_files[@]}"; do
  run /usr/bin/python3 bench/time_command.py --iterations "$cli_iterations" "$(case_name "$file")" -- \
    dcmdjpeg "$file" "$scratch/out.dcm" >>"$results/jpegll-dcmdjpeg.tsv"
done
echo -e "case\titerations\tmedian_ms\tmin_ms" >"$results/jpegll-dcmdjpeg-startup.tsv"
run /usr/bin/python3 bench/time_command.py --iterations "$cli_iterations" GH184 -- \
  dcmdjpeg "$conf/fo-dicom/GH184.dcm" "$scratch/out.dcm" >>"$results/jpegll-dcmdjpeg-startup.tsv"

finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
kill "$sampler" 2>/dev/null || true
sampler=

# ---- report -------------------------------------------------------------------------------------------------------
version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }
{
  echo "## DICOM toolkit"
  echo
  echo "Measured $started to $finished by \`bench/run-dicom-benchmarks.sh${quick_flag}\`."
  echo
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores visible"
  echo "- RAM: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- .NET: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }'), Release build, tiered JIT with PGO (defaults)"
  echo "- Libraries (Debian): libopenjp2-7 $(version libopenjp2-7), libcharls2 $(version libcharls2), dcmtk $(version dcmtk), python3-pydicom $(version python3-pydicom) on Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())'), gcc $(gcc -dumpfullversion) (-O2)"
  echo "- Conditions: single-threaded measurements (OpenJPEG at its default of 1 thread everywhere); files in the page cache; project training processes paused; benchmark processes at nice $nice_level; other work on the machine not controlled."
  awk '{ print $2 }' "$results/loadavg.log" | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "- 1-minute load average while measuring (every 5 s, %d samples): min %s, median %s, max %s\n", NR, v[1], v[int((NR + 1) / 2)], v[NR] }'
  echo
  /usr/bin/python3 bench/report.py "$results"
} | tee "$results/report.md"
echo "Raw results: $results" >&2
