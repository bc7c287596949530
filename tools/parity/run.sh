#!/usr/bin/env bash
# Parity of libs/stylegan2 (TensorFlow.js) against NVlabs stylegan2-ada-pytorch on CPU, and of config a against
# NVlabs stylegan2 networks_stylegan.py (G_style, D_basic) restated in PyTorch.
# Usage: tools/parity/run.sh [NVLABS_DIR]   (default: extracted from the local mirror of NVlabs/stylegan2-ada-pytorch)
set -euo pipefail
cd "$(dirname "$0")/../.."
/usr/bin/python3 -c 'import torch' 2>/dev/null || flock /tmp/apt.lock apt-get install -y python3-torch
SRC="${1:-tmp/parity/stylegan2-ada-pytorch}"
MIRROR="${NVLABS_MIRROR:-/work/.mirror/NVlabs+stylegan2-ada-pytorch/repo}"
if [ ! -d "$SRC/training" ]; then
  [ -d "$MIRROR" ] || { echo "Need NVlabs/stylegan2-ada-pytorch: pass its checkout as the first argument." >&2; exit 2; }
  mkdir -p "$SRC" && git --git-dir="$MIRROR" archive HEAD | tar -x -C "$SRC"
fi
# tiny (8 channels) runs the plain ORT Conv graphs; small (64 channels) the NCHWc blocked ones.
for spec in "16 3 tiny" "8 1 tiny" "16 3 small"; do
  set -- $spec
  npx tsx tools/parity/export.ts "tmp/parity/export-$1-$2-$3.json" --res "$1" --channels "$2" --config "$3"
  /usr/bin/python3 tools/parity/parity.py "tmp/parity/export-$1-$2-$3.json" "$SRC"
done
# Config a (G_style + D_basic): NVlabs stylegan2's networks_stylegan.py, written out in PyTorch (TF 1.x is not here).
npx tsx tools/parity/export-stylegan1.ts tmp/parity/export-stylegan1.json
/usr/bin/python3 tools/parity/stylegan1.py tmp/parity/export-stylegan1.json
