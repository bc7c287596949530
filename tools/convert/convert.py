#!/usr/bin/env python3
"""portrait-forge checkpoints <-> NVlabs stylegan2-ada-pytorch network pickles, run by `trainer convert`.

  convert.py to-pkl     NET.ckpt OUT.pkl   --nvlabs DIR   # our G, D, G_ema -> network-snapshot pickle
  convert.py from-pkl   NET.pkl  OUT.ckpt  --nvlabs DIR   # SG2-ADA or TF StyleGAN2 pickle (legacy.py) -> ours
  convert.py generate   NET.pkl  Z.npy OUT.npy --nvlabs DIR   # NVlabs G_ema(z), noise const, NHWC rows
  convert.py random-pkl CONFIG.json OUT.pkl --nvlabs DIR  # NVlabs networks from random init (tests)
  convert.py tf-random-pkl CONFIG.json OUT.pkl --nvlabs DIR  # a TF StyleGAN2 pickle, random weights (tests; tf_stylegan2.py)

The pickle is what NVlabs' training_loop writes (dict of G, D, G_ema as persistent-class modules,
training_set_kwargs, augment_pipe); `portrait_forge_meta` adds our config so the way back is exact.
from-pkl writes an intermediate checkpoint whose meta holds the NVlabs config; `trainer convert`
completes it into our config.
"""
import argparse
import copy
import json
import pickle
import sys
from os.path import dirname

import numpy as np

sys.path.insert(0, dirname(__file__))
import nvlabs  # noqa: E402
import tf_stylegan2  # noqa: E402

IMPORT_FORMAT = 'nvlabs-import/1'  # libs/training network-checkpoint.ts reads it
GROUPS = ('G', 'D', 'G_ema')


def snapshot_pickle(G, D, G_ema, training_set_kwargs, extra):
    data = dict(training_set_kwargs=training_set_kwargs, augment_pipe=None, **extra)
    for name, module in (('G', G), ('D', D), ('G_ema', G_ema)):
        data[name] = copy.deepcopy(module).eval().requires_grad_(False)
    return data


def to_pkl(a):
    import torch  # noqa: F401
    meta, groups = nvlabs.read_checkpoint(a.input)
    cfg = meta['config']
    missing = [g for g in GROUPS if g not in groups]
    if missing:
        raise SystemExit(f'{a.input}: no tensor group(s) {missing}; convert a checkpoint written by trainer train')
    nets = {}
    for name in GROUPS:
        G, D = nvlabs.build_networks(cfg)
        module = D if name == 'D' else G
        nvlabs.load_state(module, groups[name], f'{a.input} {name}')
        nets[name] = module
    options = meta.get('options', {})
    training_set_kwargs = dict(class_name='training.dataset.ImageFolderDataset', path=options.get('data'),
                               use_labels=False, max_size=None, xflip=bool(options.get('mirror', False)),
                               resolution=cfg['resolution'])
    keep = {k: meta[k] for k in ('format', 'config', 'kimg') if k in meta}
    data = snapshot_pickle(nets['G'], nets['D'], nets['G_ema'], training_set_kwargs,
                           dict(portrait_forge_meta=json.dumps(keep)))
    with open(a.output, 'wb') as f:
        pickle.dump(data, f)


def load_pkl(path):
    import legacy
    with open(path, 'rb') as f:
        return legacy.load_network_pkl(f)


def from_pkl(a):
    data = load_pkl(a.input)
    network, notes = nvlabs.config_from_kwargs(dict(data['G_ema'].init_kwargs), dict(data['D'].init_kwargs))
    original = data.get('portrait_forge_meta')
    meta = dict(format=IMPORT_FORMAT, network=network, notes=notes,
                original=json.loads(original) if original else None)
    groups = {name: nvlabs.state_of(data[name]) for name in GROUPS}
    nvlabs.write_checkpoint(a.output, meta, groups)


def generate(a):
    import torch
    G = load_pkl(a.input)['G_ema'].eval()
    z = torch.from_numpy(np.load(a.z).astype(np.float32))
    with torch.no_grad():
        img = G(z, torch.zeros([z.shape[0], G.c_dim]), truncation_psi=1, noise_mode='const')
    np.save(a.output, img.permute(0, 2, 3, 1).reshape(z.shape[0], -1).numpy().astype('<f4'))


def random_pkl(a):
    import torch
    cfg = json.load(open(a.input))
    torch.manual_seed(a.seed)
    G, D = nvlabs.build_networks(cfg)
    # Move biases, noise strengths and w_avg off their zero init so no tensor is trivially equal.
    with torch.no_grad():
        for module in (G, D):
            for name, t in module.state_dict().items():
                if not name.endswith(nvlabs.DERIVED_BUFFER_SUFFIX):
                    t.add_(torch.randn_like(t) * 0.2)
    G_ema = copy.deepcopy(G)
    data = snapshot_pickle(G, D, G_ema, None, {})
    with open(a.output, 'wb') as f:
        pickle.dump(data, f)


def tf_random_pkl(a):
    tf_stylegan2.write_random_tf_pickle(json.load(open(a.input)), a.output, a.seed)


COMMANDS = {'to-pkl': to_pkl, 'from-pkl': from_pkl, 'generate': generate, 'random-pkl': random_pkl,
            'tf-random-pkl': tf_random_pkl}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('command', choices=list(COMMANDS))
    p.add_argument('input')
    p.add_argument('output')
    p.add_argument('extra', nargs='?')
    p.add_argument('--nvlabs', required=True, help='checkout of NVlabs/stylegan2-ada-pytorch')
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    nvlabs.use_checkout(a.nvlabs)
    if a.command == 'generate':
        a.z, a.output = a.output, a.extra
        if not a.output:
            raise SystemExit('generate needs NET.pkl Z.npy OUT.npy')
    COMMANDS[a.command](a)


if __name__ == '__main__':
    main()
