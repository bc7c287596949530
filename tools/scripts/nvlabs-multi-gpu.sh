#!/usr/bin/env bash
# Scale-out path for training: continue a portrait-forge run in NVlabs stylegan2-ada-pytorch on N GPUs
# (PyTorch DDP in their train.py), then bring the result back for `trainer generate` / metrics here.
#
#   tools/scripts/nvlabs-multi-gpu.sh out  RUN_DIR|CKPT DATASET.zip GPUS NVLABS_DIR OUTDIR [train.py args…]
#       converts the newest checkpoint to OUTDIR/resume.pkl and runs (or, with DRY_RUN=1, prints)
#       python NVLABS_DIR/train.py --outdir OUTDIR --data DATASET.zip --gpus GPUS --resume OUTDIR/resume.pkl …
#       DATASET.zip comes from `npx nx run curate:export --out data/my-run --format sg2ada`.
#       Pass the --cfg/--mirror/--gamma matching the run (train.py rebuilds G/D from --cfg and copies the
#       weights by name, so the capacity must agree: check the run's training_options.json).
#   tools/scripts/nvlabs-multi-gpu.sh back NVLABS_RUN_DIR|PKL OUT.ckpt NVLABS_DIR
#       converts the newest network-snapshot-*.pkl back to OUT.ckpt for generate, project, metrics, train --resume.
set -euo pipefail
cd "$(dirname "$0")/../.."
trainer() { npx tsx apps/trainer/src/main.ts "$@"; }
case "${1:-}" in
  out)
    [ $# -ge 6 ] || { sed -n 5,12p "$0" >&2; exit 2; }
    run=$2 zip=$3 gpus=$4 nvlabs=$5 outdir=$6
    shift 6
    [ -f "$zip" ] || { echo "dataset $zip not found; make it with: npx nx run curate:export --out data/my-run --format sg2ada" >&2; exit 2; }
    mkdir -p "$outdir"
    trainer convert --network "$run" --out "$outdir/resume.pkl" --nvlabs "$nvlabs"
    cmd=(python "$nvlabs/train.py" --outdir "$outdir" --data "$zip" --gpus "$gpus" --resume "$outdir/resume.pkl" "$@")
    if [ "${DRY_RUN:-0}" = 1 ]; then printf '%q ' "${cmd[@]}"; echo; else "${cmd[@]}"; fi
    ;;
  back)
    [ $# -eq 4 ] || { sed -n 13,14p "$0" >&2; exit 2; }
    src=$2 out=$3 nvlabs=$4
    if [ -d "$src" ]; then
      src=$(find "$src" -name 'network-snapshot-*.pkl' | sort | tail -1)
      [ -n "$src" ] || { echo "no network-snapshot-*.pkl under $2" >&2; exit 2; }
    fi
    trainer convert --network "$src" --out "$out" --nvlabs "$nvlabs"
    echo "next: npx nx run trainer:generate -- --network $out --seeds 0-15"
    ;;
  *) sed -n 2,14p "$0" >&2; exit 2 ;;
esac
