#!/usr/bin/env python3
"""One-time converter: NVlabs' FID Inception (TorchScript) -> ONNX that `@portrait-forge/metrics` runs.

    /usr/bin/python3 tools/scripts/convert-inception.py --detector inception-2015-12-05.pt --out OUT.onnx

Needs Debian's python3-torch (apt-get install python3-torch). The ONNX takes N x 3 x 299 x 299 float
pixels in 0-255 *after* NVlabs' resize (done in TypeScript, libs/metrics inception-resize.ts) and returns
the 2048-d pool3 features, i.e. detector(img, return_features=True) without its resize step. Before
writing, the script checks on random images of several sizes that resize + exported part equal the
whole detector (rel. < 1e-4), so a detector with a different layout fails here, not in a metric.
"""
import argparse
import json
import os
import pickle
import sys

import torch
import torch.nn as nn

from file_sha256 import sha256


def load_detector(path):
    try:
        return torch.jit.load(path, map_location="cpu").eval()
    except RuntimeError:
        with open(path, "rb") as f:  # stylegan3's inception-2015-12-05.pkl pickles the same module
            return pickle.load(f).eval()


class Pool3From299(nn.Module):
    """The detector after its resize: (x - 128) / 128, `layers`, N x 2048."""

    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, image299):
        return self.layers((image299 - 128) / 128).reshape(-1, 2048)


def resize_like_nvlabs(img):
    """affine_grid/grid_sample of the detector in closed form: source x = i * W / 299, border-clamped."""
    n, c, h, w = img.shape
    x = img.to(torch.float64)

    def axis(size):
        src = torch.clamp(torch.arange(299, dtype=torch.float64) * size / 299, 0, size - 1)
        i0 = torch.floor(src).long()
        return i0, torch.clamp(i0 + 1, max=size - 1), src - i0

    y0, y1, fy = axis(h)
    x0, x1, fx = axis(w)
    rows = x[:, :, y0, :] * (1 - fy)[:, None] + x[:, :, y1, :] * fy[:, None]
    return (rows[:, :, :, x0] * (1 - fx) + rows[:, :, :, x1] * fx).to(torch.float32)


def self_check(detector, part):
    gen = torch.Generator().manual_seed(0)
    worst = 0.0
    for h, w in [(299, 299), (256, 256), (128, 200), (512, 384)]:
        img = torch.randint(0, 256, (2, 3, h, w), generator=gen, dtype=torch.uint8)
        with torch.no_grad():
            ref = detector(img, return_features=True)
            ours = part(resize_like_nvlabs(img))
        worst = max(worst, float((ours - ref).abs().max() / ref.abs().max()))
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--detector", required=True, help="inception-2015-12-05.pt (or the stylegan3 .pkl)")
    ap.add_argument("--out", required=True, help="ONNX file to write (its parent is created)")
    args = ap.parse_args()
    detector = load_detector(args.detector)
    if not hasattr(detector, "layers"):
        sys.exit(f"{args.detector}: no `layers` submodule; not NVlabs' inception-2015-12-05 detector")
    # scripted, not traced: the tracer cannot enter the loaded TorchScript `layers`
    part = torch.jit.script(Pool3From299(detector.layers).eval())
    rel = self_check(detector, part)
    if not rel < 1e-4:
        sys.exit(f"{args.detector}: resize + layers differ from the whole detector (rel. {rel:.2e}); not converted")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    torch.onnx.export(
        part, torch.zeros(1, 3, 299, 299), tmp, input_names=["image299"], output_names=["pool3"],
        dynamic_axes={"image299": {0: "n"}, "pool3": {0: "n"}}, opset_version=13,
    )
    os.replace(tmp, args.out)
    info = {"source": os.path.basename(args.detector), "source_sha256": sha256(args.detector),
            "self_check_rel": rel, "torch": torch.__version__}
    with open(args.out + ".json", "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps({"out": args.out, **info}))


if __name__ == "__main__":
    main()
