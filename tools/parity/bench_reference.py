#!/usr/bin/env python3
"""PyTorch-CPU reference timing for tools/bench/stylegan2.ts: NVlabs stylegan2-ada-pytorch networks and
StyleGAN2Loss, one phase at a time as in training/training_loop.py (requires_grad toggles, zero_grad,
accumulate_gradients with gain = interval, Adam step with the lazy-regularisation correction).
Usage: python3 bench_reference.py NVLABS_SRC_DIR '<config json>' REPEATS [WARMUP=1]  → prints JSON {phase: median seconds}.
"""
import json
import sys
import time

import torch

sys.path.insert(0, sys.argv[1])
from training.networks import Generator, Discriminator  # noqa: E402
from training.loss import StyleGAN2Loss  # noqa: E402

cfg = json.loads(sys.argv[2])
repeats = int(sys.argv[3])
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 1
torch.set_num_threads(int(cfg.get('threads', 1)))
torch.manual_seed(0)
res, ch, n = cfg['resolution'], cfg['channels'], cfg['batch']
G = Generator(z_dim=cfg['zDim'], c_dim=0, w_dim=cfg['wDim'], img_resolution=res, img_channels=ch,
              mapping_kwargs=dict(num_layers=cfg['mappingLayers']),
              synthesis_kwargs=dict(channel_base=cfg['channelBase'], channel_max=cfg['channelMax'],
                                    num_fp16_res=0, conv_clamp=None))
D = Discriminator(c_dim=0, img_resolution=res, img_channels=ch, channel_base=cfg['channelBase'],
                  channel_max=cfg['channelMax'], num_fp16_res=0, conv_clamp=None,
                  epilogue_kwargs=dict(mbstd_group_size=cfg['mbstdGroupSize']))
loss = StyleGAN2Loss('cpu', G.mapping, G.synthesis, D, r1_gamma=cfg['r1Gamma'])


def adam(module, interval):
    ratio = interval / (interval + 1)
    return torch.optim.Adam(module.parameters(), lr=cfg['learningRate'] * ratio,
                            betas=[b ** ratio for b in cfg['betas']], eps=1e-8)


phases = {
    'Gmain': (G, adam(G, 4), 1), 'Greg': (G, None, 4),
    'Dmain': (D, adam(D, 16), 1), 'Dreg': (D, None, 16),
}
phases['Greg'] = (G, phases['Gmain'][1], 4)
phases['Dreg'] = (D, phases['Dmain'][1], 16)
real = torch.rand([n, ch, res, res]) * 2 - 1
c = torch.zeros([n, 0])


def run(name):
    module, opt, gain = phases[name]
    G.requires_grad_(module is G)
    D.requires_grad_(module is D)
    opt.zero_grad(set_to_none=True)
    z = torch.randn([n, cfg['zDim']])
    loss.accumulate_gradients(name, real, c, z, c, sync=False, gain=gain)
    for p in module.parameters():
        if p.grad is not None:
            torch.nan_to_num(p.grad, nan=0, posinf=1e5, neginf=-1e5, out=p.grad)
    opt.step()


times = {}
for name in phases:
    for _ in range(warmup):  # untimed, as tools/bench/stylegan2.ts
        run(name)
    each = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(name)
        each.append(time.perf_counter() - t0)
    times[name] = sorted(each)[len(each) // 2]  # median, as tools/bench/stylegan2.ts
print(json.dumps(times))
