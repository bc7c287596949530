#!/usr/bin/env bash
# Smoke training run (NOT for CI): StyleGAN2 at 32² grayscale on faces-train, wasm, 60 min on 2 cores.
# Output under data/train-smoke/<id>-faces-train-small/. The settings are the preset
# apps/trainer/configs/smoke-32-gray.json (what they are and why: apps/trainer/configs/README.md).
# Usage: tools/scripts/train-smoke.sh [extra trainer flags]   (e.g. --time-limit 20; with --cfg a..d add
# --gamma 10, their NVlabs R1 γ: the preset's 0.0256 suits StyleGAN2 networks, not config a's D_basic)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${FACES_TRAIN:-../shared/data/faces-train}"
mkdir -p data/train-smoke
exec npx tsx apps/trainer/src/main.ts train --config apps/trainer/configs/smoke-32-gray.json \
  --data "$DATA" --outdir data/train-smoke "$@"
