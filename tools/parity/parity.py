#!/usr/bin/env python3
"""Replays tools/parity/export.ts in NVlabs' stylegan2-ada-pytorch (training/networks.py, training/loss.py)
and compares forward outputs and per-parameter gradients of every loss phase.

Metric: for each loss phase, the parameter gradients form one vector g; rel = max|g_ours - g_ref| / max|g_ref|
(likewise per forward output). Pass: < 1e-4. The per-tensor ratio is printed too: it is large only for
tensors whose gradient is analytically zero and hence pure float32 noise on both sides (R1 w.r.t. the D biases
before the minibatch-std layer: a bias shifts every sample equally, which neither the std nor the piecewise-
linear input gradient sees).
Usage: python3 parity.py EXPORT.json NVLABS_SRC_DIR
"""
import json
import os
import sys

import numpy as np
import torch

EXPORT, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'convert'))
import nvlabs  # noqa: E402  (the one config/tensor-name mapping)

nvlabs.use_checkout(SRC)
from training.loss import StyleGAN2Loss  # noqa: E402

torch.backends.cudnn.enabled = False
TOL = 1e-4
ex = json.load(open(EXPORT))
cfg = ex['config']


def tensor(entry):
    return torch.tensor(np.array(entry['data'], dtype=np.float32).reshape(entry['shape']))


def nchw(entry):
    return tensor(entry).permute(0, 3, 1, 2).contiguous()


def arrays(weights):
    return {k: np.array(v['data'], dtype=np.float32).reshape(v['shape']) for k, v in weights.items()}


G, D = nvlabs.build_networks(cfg)
nvlabs.load_state(G, arrays(ex['G']), 'G')
nvlabs.load_state(D, arrays(ex['D']), 'D')

rows = []


def compare(label, ours, ref):
    ref = ref.detach().double()
    ours = ours.double()
    rows.append((label, (ours - ref).abs().max().item(), ref.abs().max().item()))


inp = ex['inputs']
z, mix_z = tensor(inp['z']), tensor(inp['mixZ'])
real = nchw(inp['real'])
pl_noise = nchw(inp['plNoise'])
c = torch.zeros([z.shape[0], 0])

# Forward outputs (eval mode: NVlabs uses the fused grouped-conv path there).
G.eval()
D.eval()
with torch.no_grad():
    compare('forward G(z)', nchw(ex['forward']['img']), G(z, c, noise_mode='const'))
    compare('forward G(z, psi, cutoff)', nchw(ex['forward']['imgTruncated']),
            G(z, c, truncation_psi=inp['truncationPsi'], truncation_cutoff=inp['truncationCutoff'], noise_mode='const'))
    compare('forward D(real)', tensor(ex['forward']['logitsReal']), D(real, c))


class FixedLoss(StyleGAN2Loss):
    """NVlabs StyleGAN2Loss with its random draws (mixing cutoff, mixing z, synthesis noise) fixed."""

    def run_G(self, z, c, sync):
        ws = self.G_mapping(z, c, skip_w_avg_update=True)
        cutoff = inp['mixCutoff']
        ws[:, cutoff:] = self.G_mapping(mix_z[:z.shape[0]], c, skip_w_avg_update=True)[:, cutoff:]
        img = self.G_synthesis(ws, noise_mode='const')
        return img, ws


G.train()
D.train()
gains = {'Gmain': 1, 'Greg': cfg['gRegInterval'], 'Dmain': 1, 'Dreg': cfg['dRegInterval']}
real_randn_like = torch.randn_like
for phase, gain in gains.items():
    loss = FixedLoss('cpu', G.mapping, G.synthesis, D, r1_gamma=cfg['r1Gamma'], pl_batch_shrink=cfg['plBatchShrink'],
                     pl_decay=cfg['plDecay'], pl_weight=cfg['plWeight'], style_mixing_prob=0)
    loss.pl_mean.fill_(ex['plMean'])
    module = G if phase.startswith('G') else D
    G.requires_grad_(module is G)
    D.requires_grad_(module is D)
    for p in module.parameters():
        p.grad = None
    hw = pl_noise.shape[2] * pl_noise.shape[3]
    torch.randn_like = lambda t: pl_noise * np.sqrt(hw)  # the PL noise draw
    try:
        loss.accumulate_gradients(phase, real, c, z, c, sync=False, gain=gain)
    finally:
        torch.randn_like = real_randn_like
    ours = ex['phases'][phase]
    for name, p in module.named_parameters():
        ref = p.grad if p.grad is not None else torch.zeros_like(p)
        compare(f'{phase} grad {name}', tensor(ours['grads'][name]), ref)
    if phase == 'Greg':
        compare('Greg pl_mean', torch.tensor(ours['plMean']), loss.pl_mean)

GROUPS = ['forward', 'Gmain', 'Greg', 'Dmain', 'Dreg']
group_scale = {g: max(r[2] for r in rows if r[0].startswith(g)) for g in GROUPS}
table = []
for label, diff, scale in rows:
    group = label.split(' ')[0]
    denom = scale if group == 'forward' else group_scale[group]
    table.append((label, diff / denom, diff / scale if scale > 0 else 0.0, scale))
width = max(len(r[0]) for r in table)
for label, rel, raw, scale in table:
    flag = '' if rel < TOL else '  <-- FAIL'
    print(f'{label:<{width}}  rel {rel:.2e}  per-tensor {raw:.2e}  (max|ref| {scale:.3g}){flag}')
for g in GROUPS:
    sel = [r for r in table if r[0].startswith(g)]
    print(f'SUMMARY {g:<8} tensors {len(sel):3d}  max rel diff {max(r[1] for r in sel):.2e}  '
          f'(per-tensor max {max(r[2] for r in sel):.2e})')
worst = max(r[1] for r in table)
rows = table
print(f'PARITY {"PASS" if worst < TOL else "FAIL"}: max relative difference {worst:.2e} over {len(rows)} tensors (tolerance {TOL:g})')
sys.exit(0 if worst < TOL else 1)
