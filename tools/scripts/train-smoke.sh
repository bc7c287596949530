#!/usr/bin/env bash
# Smoke training run (NOT for CI): StyleGAN2 at 32² grayscale on faces-train, wasm, 60 min on 2 cores.
# Output under data/train-smoke/<id>-faces-train-small/. The `small` config (z/w 128, 2 mapping layers) at
# 32 feature maps per layer (cbase 1024, cmax 32: ~71 s/kimg idle, the cost of 8 maps at 32² with z 512),
# with SG2-ADA `auto`'s hyper-parameters for 32² batch 8: γ = 0.0002·32²/8, lr 0.0025, EMA 2.5 kimg.
# Usage: tools/scripts/train-smoke.sh [extra trainer flags]   (e.g. --time-limit 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${FACES_TRAIN:-../shared/data/faces-train}"
mkdir -p data/train-smoke
exec npx tsx apps/trainer/src/main.ts train \
  --data "$DATA" --outdir data/train-smoke \
  --cfg small --cbase 1024 --cmax 32 --batch 8 --gamma 0.0256 --lr 0.0025 --ema 2.5 --res 32 --gray --mirror \
  --aug ada --target 0.6 \
  --kimg 60 --tick 0.5 --snap 10 --grid 8x8 \
  --metrics face128 --metrics-images 200 \
  --backend wasm --workers 2 --time-limit 60 --seed 0 "$@"
