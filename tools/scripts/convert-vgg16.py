#!/usr/bin/env python3
"""One-time converter: projector.py's VGG16 + LPIPS (TorchScript `vgg16.pt`) -> the .npz `trainer project
--vgg16` loads.

    /usr/bin/python3 tools/scripts/convert-vgg16.py --vgg16 vgg16.pt --out vgg16-lpips.npz
    /usr/bin/python3 tools/scripts/convert-vgg16.py make-test-model OUT.pt SEED   # random weights, for tests

Needs Debian's python3-torch. The weights are the module's `layers.conv1..13` (OIHW) and the LPIPS
channel weights `lpips0..4`, the names genforce's models/perceptual_model.py maps them from. Before
writing, the script checks on random image pairs that `lpips_distance` below (Zhang et al.'s LPIPS on
these weights, the formula our TypeScript follows) equals what the module itself gives as projector.py
uses it, sum((f(a) - f(b))^2) with f = module(img, resize_images=False, return_lpips=True), img 0-255
(rel. < 1e-4): a file with another layout or preprocessing is refused here, not used as a wrong loss.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from file_sha256 import sha256

URL = "https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metrics/vgg16.pt"
# As pinned by genforce's models/perceptual_model.py (e.g. qiuyu96/Carver) and an independent download
# audit script; not re-verified here (the file cannot be downloaded on this machine).
SHA256 = "b437eb095feaeb0b83eb3fa11200ebca4548ee39a07fb944a417ddc516cc07c3"

# VGG16 conv widths; "M" = 2x2 max pool. LPIPS taps relu1_2, relu2_2, relu3_3, relu4_3, relu5_3.
PLAN = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512]
TAPS = {1, 3, 6, 9, 12}  # 0-based conv index after which a feature is taken
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def conv_shapes():
    shapes, cin = [], 3
    for v in PLAN:
        if v != "M":
            shapes.append((v, cin))
            cin = v
    return shapes


def lpips_features(sd, img255):
    """Unit-normalised taps, each scaled by sqrt(lpips weight / (H*W)), flattened and concatenated."""
    x = ((img255 / 255.0) - MEAN) / STD  # = Zhang's ScalingLayer on [-1, 1]
    feats, k = [], 0
    for v in PLAN:
        if v == "M":
            x = F.max_pool2d(x, 2, 2)
            continue
        x = F.relu(F.conv2d(x, sd[f"layers.conv{k + 1}.weight"], sd[f"layers.conv{k + 1}.bias"], padding=1))
        if k in TAPS:
            f = x / (x.norm(dim=1, keepdim=True) + 1e-10)
            w = sd[f"lpips{len(feats)}"].view(1, -1, 1, 1)
            feats.append((f * (w / (f.shape[2] * f.shape[3])).sqrt()).flatten(1))
        k += 1
    return torch.cat(feats, 1)


def lpips_distance(sd, a, b):
    return (lpips_features(sd, a) - lpips_features(sd, b)).square().sum(1)


class TestVgg16(nn.Module):
    """Random-weight stand-in with vgg16.pt's state-dict names and projector.py's call signature
    (scriptable, so `module(img, resize_images=False, return_lpips=True)` works as on the real file)."""

    def __init__(self, seed: int):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.layers = nn.Module()
        for i, (cout, cin) in enumerate(conv_shapes()):
            conv = nn.Conv2d(cin, cout, 3, padding=1)
            conv.weight.data = torch.randn(cout, cin, 3, 3, generator=gen) * (2.0 / (9 * cin)) ** 0.5
            conv.bias.data = torch.randn(cout, generator=gen) * 0.1
            setattr(self.layers, f"conv{i + 1}", conv)
        for j, c in enumerate([64, 128, 256, 512, 512]):
            self.register_buffer(f"lpips{j}", torch.rand(c, generator=gen))
        self.register_buffer("mean", MEAN.clone())
        self.register_buffer("std", STD.clone())

    def tap(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        f = x / (x.square().sum(1, keepdim=True).sqrt() + 1e-10)
        return (f * (w.view(1, -1, 1, 1) / (f.shape[2] * f.shape[3])).sqrt()).flatten(1)

    def forward(self, img: torch.Tensor, resize_images: bool = True, return_lpips: bool = False):
        L = self.layers
        x = ((img / 255.0) - self.mean) / self.std
        x = F.relu(L.conv2(F.relu(L.conv1(x))))
        t0 = self.tap(x, self.lpips0)
        x = F.relu(L.conv4(F.relu(L.conv3(F.max_pool2d(x, 2, 2)))))
        t1 = self.tap(x, self.lpips1)
        x = F.relu(L.conv7(F.relu(L.conv6(F.relu(L.conv5(F.max_pool2d(x, 2, 2)))))))
        t2 = self.tap(x, self.lpips2)
        x = F.relu(L.conv10(F.relu(L.conv9(F.relu(L.conv8(F.max_pool2d(x, 2, 2)))))))
        t3 = self.tap(x, self.lpips3)
        x = F.relu(L.conv13(F.relu(L.conv12(F.relu(L.conv11(F.max_pool2d(x, 2, 2)))))))
        return torch.cat([t0, t1, t2, t3, self.tap(x, self.lpips4)], 1)


def self_check(module, sd):
    gen = torch.Generator().manual_seed(0)
    worst = 0.0
    for size in [32, 64, 256]:
        a = torch.randint(0, 256, (2, 3, size, size), generator=gen).float()
        b = (a + torch.randn(a.shape, generator=gen) * 40).clamp(0, 255)
        with torch.no_grad():
            ref = (module(a, resize_images=False, return_lpips=True)
                   - module(b, resize_images=False, return_lpips=True)).square().sum(1)
            ours = lpips_distance(sd, a, b)
        worst = max(worst, float((ours - ref).abs().max() / ref.abs().max()))
    return worst


def convert(args):
    digest = sha256(args.vgg16)
    if digest != SHA256 and not args.allow_unpinned:
        sys.exit(f"{args.vgg16}: sha256 {digest}, not projector.py's vgg16.pt ({SHA256}); "
                 f"download {URL} again, or pass --allow-unpinned for a model of your own")
    module = torch.jit.load(args.vgg16, map_location="cpu").eval()
    sd = {k: v.float() for k, v in module.state_dict().items()}
    names = [f"layers.conv{i + 1}.{p}" for i in range(13) for p in ("weight", "bias")]
    names += [f"lpips{j}" for j in range(5)]
    missing = [n for n in names if n not in sd]
    if missing:
        sys.exit(f"{args.vgg16}: no {', '.join(missing[:3])}…; not projector.py's VGG16 + LPIPS module")
    rel = self_check(module, sd)
    if not rel < 1e-4:
        sys.exit(f"{args.vgg16}: the module's LPIPS differs from the converted formula (rel. {rel:.2e}); not converted")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    arrays = {n.replace("layers.", "").replace(".", "_"): sd[n].reshape(-1 if n.startswith("lpips") else sd[n].shape)
              .numpy().astype(np.float32) for n in names}
    tmp = args.out + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, args.out)
    info = {"source": os.path.basename(args.vgg16), "source_sha256": digest, "pinned": digest == SHA256,
            "self_check_rel": rel, "torch": torch.__version__}
    with open(args.out + ".json", "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps({"out": args.out, **info}))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "make-test-model":
        torch.jit.script(TestVgg16(int(sys.argv[3]))).save(sys.argv[2])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "distances":
        # distances MODEL.pt A.npy B.npy: the module's own projector.py distance per image pair (tests)
        module = torch.jit.load(sys.argv[2], map_location="cpu").eval()
        a, b = (torch.from_numpy(np.load(p)) for p in sys.argv[3:5])
        with torch.no_grad():
            d = (module(a, resize_images=False, return_lpips=True)
                 - module(b, resize_images=False, return_lpips=True)).square().sum(1)
        print(json.dumps(d.tolist()))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vgg16", required=True, help="projector.py's vgg16.pt")
    ap.add_argument("--out", required=True, help=".npz to write (its parent is created)")
    ap.add_argument("--allow-unpinned", action="store_true", help="convert a file whose sha256 is not the pinned one")
    convert(ap.parse_args())


if __name__ == "__main__":
    main()
