#!/usr/bin/env bash
# One short training run on a lent CUDA machine (docs/training.md, "A run on a GPU"). Run from the repository root:
#
#   scripts/gpu-train.sh OUT MINUTES RUN [train options...]
#
# OUT      folder for the results ($OUT on the device machine): OUT/RUN/{last.pt, ema-final.pt, metrics.jsonl,
#          config.json, train.log}; ema-final.pt (EMA weights, step, time) is what comes back and what
#          `train --init` continues from on the CPU, or `export` ships.
# MINUTES  wall-clock limit of the training loop (keep the whole call under the device's per-call limit).
# RUN      run name; when gpu-pack/init/RUN.pt exists (a snapshot copied there beforehand) the run starts from it.
# The crops come from gpu-pack/ (git-ignored, carried to the device), made here first with
#   (cd src/trainer && /usr/bin/python3 -m medvae_trainer pack --data ../../../shared/data --out ../../gpu-pack)
# Options after RUN go to `medvae_trainer train` (model, crop, batch, steps, ...); the device, the worker count and
# the data folder are set here. PYTHON overrides the interpreter (the device machine's plain python3 has CUDA torch);
# DEVICE=cpu runs the same steps here, to test the script before a GPU is lent.
set -euo pipefail
if (($# < 3)); then
  sed -n '2,18p' "$0" >&2
  exit 2
fi
out=$(realpath -m "$1"); minutes=$2; run=$3; shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
pack="$root/gpu-pack"
python=${PYTHON:-python3}
if [[ ! -f "$pack/PACK.csv" ]]; then
  echo "error: $pack/PACK.csv is missing: pack the crops first (see the top of this script)" >&2
  exit 1
fi
device=${DEVICE:-cuda}
if [[ $device == cuda ]]; then
  "$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else "no CUDA device is visible to torch")'
  "$python" -c 'import torch; print("torch", torch.__version__, "on", torch.cuda.get_device_name(0))'
fi
mkdir -p "$out/$run"
init=()
if [[ -f "$pack/init/$run.pt" ]]; then
  init=(--init "$pack/init/$run.pt")
fi
workers=$(( $(nproc) > 2 ? $(nproc) - 2 : 1 ))
cd "$root/src/trainer"
"$python" -m medvae_trainer train --data "$pack" --run "$out/$run" --device "$device" --workers "$workers" \
  --max-minutes "$minutes" --eval-every 0 --snapshot-every 0 --ckpt-minutes 2 "${init[@]}" "$@" 2>&1 | tee "$out/$run/train.log"
"$python" -m medvae_trainer snapshot --run "$out/$run" --out "$out/$run/ema-final.pt"
