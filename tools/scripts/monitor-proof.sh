#!/usr/bin/env bash
# Failure-mode monitor proof on real runs (NOT for CI; issue 18). Two runs of the smoke preset
# (apps/trainer/configs/smoke-32-gray.json, 32² gray, small config, wasm), one after the other:
#   healthy: the preset as is                        → expect no ALERT in log.txt / no Alerts/* in stats.jsonl
#   broken:  --dlr ×50 (0.125 instead of 0.0025)     → expect an alert within 20 kimg
# then `trainer report` for each (alerts marked on the charts) and its charts as report-charts.png.
# Each run is capped by --time-limit (MINUTES, default 30). Usage: tools/scripts/monitor-proof.sh [healthy|broken|both] [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${FACES_TRAIN:-../shared/data/faces-train}"
OUT=data/monitor-proof
WHICH="${1:-both}"
MINUTES="${2:-30}"
mkdir -p "$OUT"
run() {
  local name="$1"
  shift
  nice -n 10 npx tsx apps/trainer/src/main.ts train --config apps/trainer/configs/smoke-32-gray.json \
    --data "$DATA" --outdir "$OUT" --name "$name" --kimg 20 --metrics none --time-limit "$MINUTES" "$@"
  local dir
  dir="$(ls -d "$OUT"/*-"$name"-small | tail -1)"
  npx tsx apps/trainer/src/main.ts report --run "$dir"
  npx tsx tools/scripts/report-png.ts --run "$dir" --charts
  echo "== $dir: alerts in log.txt"
  grep -A3 '^ALERT' "$dir/log.txt" || echo "(none)"
}
if [[ "$WHICH" == healthy || "$WHICH" == both ]]; then run healthy; fi
if [[ "$WHICH" == broken || "$WHICH" == both ]]; then run broken-dlr50 --dlr 0.125; fi
