#!/usr/bin/env python3
"""Config a's networks as NVlabs stylegan2 training/networks_stylegan.py builds them (G_style = G_mapping +
G_synthesis with AdaIN, D_basic), written out op by op in PyTorch (NCHW), replaying tools/parity/export-stylegan1.ts.

NVlabs' TF code needs TensorFlow 1.x, so this follows it line by line instead of importing it: get_weight with
use_wscale (runtime coefficient gain/sqrt(fan_in)·lrmul, the He gain inside the weight), apply_bias, leaky_relu
0.2, pixel_norm, instance_norm, style_mod x·(s+1)+b, apply_noise (per-channel weight), blur2d [1,2,1],
upscale2d/downscale2d (nearest / 2×2 box), minibatch_stddev_layer, and the 'linear' structures with lerp_clip
for the level of detail (the same function as 'recursive').
Metric: max|ours − ref| / max|ref| per output. Pass: < 1e-4.
Usage: /usr/bin/python3 tools/parity/stylegan1.py EXPORT.json
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

TOL = 1e-4
ex = json.load(open(sys.argv[1]))
cfg = ex['config']
P = {**{k: v for k, v in ex['G'].items()}, **{'D.' + k: v for k, v in ex['D'].items()}}


def t(entry):
    return torch.tensor(np.array(entry['data'], dtype=np.float32).reshape(entry['shape']), dtype=torch.float64)


def p(name):
    return t(P[name])


def nchw(entry):
    return t(entry).permute(0, 3, 1, 2)


def nf_at(res):  # channels_dict / nf(log2(res) - 1)
    return min(int(cfg['channelBase'] // res), cfg['channelMax'])


def wscale(w, gain, lrmul=1.0):  # stored ~ N(0, 1/lrmul); runtime coefficient he_std·lrmul
    fan_in = np.prod(w.shape[1:])
    return w * (gain / math.sqrt(fan_in) * lrmul)


def dense(x, w, gain, lrmul=1.0):  # our [out, in] layout
    return x @ wscale(w, gain, lrmul).t()


def conv2d(x, w, gain):  # our [out, in, k, k] layout = torch's
    return F.conv2d(x, wscale(w, gain), padding=w.shape[-1] // 2)


def apply_bias(x, b, lrmul=1.0):
    return x + (b * lrmul).reshape(1, -1, *([1] * (x.dim() - 2)))


def lrelu(x):
    return torch.maximum(x, x * 0.2)


def pixel_norm(x):
    return x * torch.rsqrt(torch.mean(x * x, dim=1, keepdim=True) + 1e-8)


def instance_norm(x):
    x = x - x.mean(dim=(2, 3), keepdim=True)
    return x * torch.rsqrt(torch.mean(x * x, dim=(2, 3), keepdim=True) + 1e-8)


def blur2d(x):
    f = torch.tensor([1.0, 2.0, 1.0], dtype=x.dtype)
    f = (f[:, None] * f[None, :]) / 16
    c = x.shape[1]
    return F.conv2d(x, f.expand(c, 1, 3, 3), padding=1, groups=c)


def upscale2d(x, factor=2):
    return x.repeat_interleave(factor, dim=2).repeat_interleave(factor, dim=3)


def downscale2d(x, factor=2):
    return F.avg_pool2d(x, factor)


def lerp_clip(a, b, s):
    return a + (b - a) * min(max(s, 0.0), 1.0)


SQRT2 = math.sqrt(2)
log2 = int(math.log2(cfg['resolution']))


def g_mapping(z):
    x = pixel_norm(z)
    for i in range(cfg['mappingLayers']):
        lrmul = cfg['mappingLrMultiplier']
        x = lrelu(apply_bias(dense(x, p(f'mapping.fc{i}.weight'), SQRT2, lrmul), p(f'mapping.fc{i}.bias'), lrmul))
    return x


def g_synthesis(dlatents, lod_in):
    def layer_epilogue(x, name, layer_idx):
        r = x.shape[2]
        noise = p(f'{name}.noise_const').reshape(1, 1, r, r)
        x = x + noise * p(f'{name}.noise_strength').reshape(1, -1, 1, 1)
        x = instance_norm(lrelu(apply_bias(x, p(f'{name}.bias'))))
        style = apply_bias(dense(dlatents[:, layer_idx], p(f'{name}.style.weight'), 1), p(f'{name}.style.bias'))
        style = style.reshape(-1, 2, x.shape[1], 1, 1)
        return x * (style[:, 0] + 1) + style[:, 1]

    def torgb(res, x):
        b = f'synthesis.b{2 ** res}.torgb'
        return apply_bias(conv2d(x, p(f'{b}.weight'), 1), p(f'{b}.bias'))

    n = dlatents.shape[0]
    x = p('synthesis.b4.const').unsqueeze(0).repeat(n, 1, 1, 1)
    x = layer_epilogue(x, 'synthesis.b4.epilogue0', 0)
    x = layer_epilogue(conv2d(x, p('synthesis.b4.conv1.weight'), SQRT2), 'synthesis.b4.epilogue1', 1)
    images_out = torgb(2, x)
    for res in range(3, log2 + 1):
        lod = log2 - res
        b = f'synthesis.b{2 ** res}'
        x = layer_epilogue(blur2d(conv2d(upscale2d(x), p(f'{b}.conv0.weight'), SQRT2)), f'{b}.epilogue0', res * 2 - 4)
        x = layer_epilogue(conv2d(x, p(f'{b}.conv1.weight'), SQRT2), f'{b}.epilogue1', res * 2 - 3)
        images_out = lerp_clip(torgb(res, x), upscale2d(images_out), lod_in - lod)
    return images_out


def minibatch_stddev(x, group_size=4):
    g = min(group_size, x.shape[0])
    s = x.shape
    y = x.reshape(g, -1, 1, s[1], s[2], s[3])
    y = y - y.mean(dim=0, keepdim=True)
    y = torch.sqrt(torch.mean(y * y, dim=0) + 1e-8)
    y = y.mean(dim=(2, 3, 4), keepdim=True).mean(dim=2)
    y = y.repeat(g, 1, s[2], s[3])
    return torch.cat([x, y], dim=1)


def d_basic(images_in, lod_in):
    def fromrgb(x, res):
        b = f'D.b{2 ** res}.fromrgb'
        return lrelu(apply_bias(conv2d(x, p(f'{b}.weight'), SQRT2), p(f'{b}.bias')))

    def block(x, res):
        if res >= 3:
            b = f'D.b{2 ** res}'
            x = lrelu(apply_bias(conv2d(x, p(f'{b}.conv0.weight'), SQRT2), p(f'{b}.conv0.bias')))
            return lrelu(apply_bias(downscale2d(conv2d(blur2d(x), p(f'{b}.conv1.weight'), SQRT2)), p(f'{b}.conv1.bias')))
        x = minibatch_stddev(x, cfg['mbstdGroupSize'])
        x = lrelu(apply_bias(conv2d(x, p('D.b4.conv.weight'), SQRT2), p('D.b4.conv.bias')))
        x = x.reshape(x.shape[0], -1)
        x = lrelu(apply_bias(dense(x, p('D.b4.fc.weight'), SQRT2), p('D.b4.fc.bias')))
        return apply_bias(dense(x, p('D.b4.out.weight'), 1), p('D.b4.out.bias'))

    img = images_in
    x = fromrgb(img, log2)
    for res in range(log2, 2, -1):
        lod = log2 - res
        x = block(x, res)
        img = downscale2d(img)
        if lod_in > lod:  # FromRGB_lod<log2-2> (4×4) exists in NVlabs but is never blended in from 8 px on
            x = lerp_clip(x, fromrgb(img, res - 1), lod_in - lod)
    return block(x, 2)


rows = []


def compare(label, ours, ref):
    err = (ours - ref).abs().max().item()
    scale = ref.abs().max().item()
    rows.append((label, err / scale, scale))


z = t(ex['inputs']['z'])
w = g_mapping(z)
compare('G_mapping w', t(ex['forward']['ws'])[:, 0], w)
dlatents = t(ex['forward']['ws'])  # ours, so that the synthesis is compared on its own
real = nchw(ex['inputs']['real'])
for lod, img in ex['forward']['images'].items():
    compare(f'G_synthesis images, lod {lod}', nchw(img), g_synthesis(dlatents, float(lod)))
for lod, logits in ex['forward']['logits'].items():
    compare(f'D_basic logits, lod {lod}', t(logits), d_basic(real, float(lod)))

worst = 0.0
for label, rel, scale in rows:
    worst = max(worst, rel)
    print(f'{label:32s} rel {rel:.2e}  (max |ref| {scale:.3g})')
print(('PASS' if worst < TOL else 'FAIL') + f': worst rel {worst:.2e} (tolerance {TOL:g})')
sys.exit(0 if worst < TOL else 1)
