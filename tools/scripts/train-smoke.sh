#!/usr/bin/env bash
# Smoke training run (NOT for CI): StyleGAN2 at 32² grayscale on faces-train, small capacity, wasm,
# ~50 min on a shared 2-core machine. Output under data/train-smoke/<id>-faces-train-auto/. SG2-ADA `auto` (γ = 0.0002·res²/batch,
# EMA batch·10/32 kimg with ramp-up 0.05) at reduced capacity (cbase 256, cmax 32) so it learns within the hour.
# Usage: tools/scripts/train-smoke.sh [extra trainer flags]   (e.g. --time-limit 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${FACES_TRAIN:-../shared/data/faces-train}"
mkdir -p data/train-smoke
exec npx tsx apps/trainer/src/commands/train.ts \
  --data "$DATA" --outdir data/train-smoke \
  --cfg auto --cbase 256 --cmax 32 --batch 8 --res 32 --gray --mirror \
  --aug ada --target 0.6 \
  --kimg 30 --tick 0.2 --snap 4 --grid 8x8 \
  --metrics face128 --metrics-images 128 \
  --backend wasm --workers 2 --time-limit 45 --seed 0 "$@"
