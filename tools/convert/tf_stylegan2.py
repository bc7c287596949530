"""TF StyleGAN2 network pickles laid out as NVlabs/stylegan2 (TensorFlow) writes them, with random weights.

No TensorFlow here and no real TF pickle: this writes what TF StyleGAN2's training_loop saves,
`pickle.dump((G, D, Gs), f, protocol=HIGHEST_PROTOCOL)` (training/misc.py save_pkl, Python 3.6/3.7: 4), each
a `dnnlib.tflib.network.Network` pickled through its __getstate__ (dnnlib/tflib/network.py): version 4,
name, static_kwargs, components, build_module_src, build_func_name and `variables`, the network's own
(local name, value) pairs in creation order. Names, shapes and order follow training/networks_stylegan2.py
(G_main with components synthesis = G_synthesis_stylegan2 and mapping = G_mapping; D_stylegan2), and
static_kwargs are what run_training.py passes (num_channels, resolution, label_size, fmap_base, ...).
NVlabs stylegan2-ada-pytorch's legacy.py unpickles the class as _TFNetworkStub and converts it; the test
in apps/trainer convert.spec.ts takes a pickle from here through legacy.py and `trainer convert`.
"""
import pickle
import sys
import types
from contextlib import contextmanager

import numpy as np

TF_NETWORK_MODULE = 'dnnlib.tflib.network'
# Network.__setstate__ exec()s this to rebuild the graph; legacy.py never reads it, and NVlabs' file is
# not ours to copy, so the fixture names it instead of carrying it.
BUILD_MODULE_SRC = '# training/networks_stylegan2.py of NVlabs/stylegan2 (source not carried by this fixture)\n'
# The D_stylegan2 default; run_training.py does not pass it, so real TF pickles do not hold it.
TF_MBSTD_GROUP_SIZE = 4


class Network:
    """Pickles as dnnlib.tflib.network.Network with the state dict its __getstate__ returns."""

    def __init__(self, state):
        self._state = state

    def __getstate__(self):
        return self._state


Network.__module__ = TF_NETWORK_MODULE


def tf_static_kwargs(cfg):
    """Our config -> (G, D) static_kwargs of a TF StyleGAN2 run; refuses what the TF networks lay out differently."""
    if cfg['channelBase'] % 2:
        raise SystemExit(f'channelBase {cfg["channelBase"]}: TF fmap_base is channel_base / 2, needs an even number')
    fmap_base = cfg['channelBase'] // 2
    if fmap_base < 2 * cfg['channelMax']:
        # TF's D Dense0/Output use nf(0) = min(fmap_base, fmap_max) features, NVlabs' epilogue nf(1).
        raise SystemExit(f'channelBase {cfg["channelBase"]} < 4 x channelMax {cfg["channelMax"]}: TF D_stylegan2 '
                         'and NVlabs D disagree on the epilogue width; legacy.py cannot convert such a network')
    if cfg['wAvgBeta'] != 0.995:
        raise SystemExit(f'wAvgBeta {cfg["wAvgBeta"]}: legacy.py reads no TF kwarg for it (dlatent_avg_beta is '
                         'rejected as unknown), so a TF pickle can only carry 0.995')
    common = dict(num_channels=cfg['channels'], resolution=cfg['resolution'], label_size=0,
                  fmap_base=fmap_base, fmap_max=cfg['channelMax'])
    g = dict(common, architecture=cfg['gArchitecture'], latent_size=cfg['zDim'], dlatent_size=cfg['wDim'],
             mapping_layers=cfg['mappingLayers'], mapping_fmaps=cfg['wDim'],
             mapping_lrmul=cfg['mappingLrMultiplier'])
    d = dict(common, architecture=cfg['dArchitecture'])
    if cfg['mbstdGroupSize'] != TF_MBSTD_GROUP_SIZE:
        d['mbstd_group_size'] = cfg['mbstdGroupSize']
    return g, d


class _Vars:
    """A network's own variables as Network.__getstate__ lists them, with random values."""

    def __init__(self, rng):
        self.rng, self.items = rng, []

    def add(self, name, shape, std=1.0):
        value = (self.rng.standard_normal(shape) * std).astype(np.float32)
        self.items.append((name, value if shape else np.float32(value)))  # tfutil.run gives 0-d as numpy scalars

    def modulated_conv(self, scope, fin, fout, kernel, wdim, noise):
        self.add(f'{scope}/weight', [kernel, kernel, fin, fout])
        self.add(f'{scope}/mod_weight', [wdim, fin])
        self.add(f'{scope}/mod_bias', [fin], 0.2)
        if noise:
            self.add(f'{scope}/noise_strength', [], 0.2)
        self.add(f'{scope}/bias', [fout], 0.2)

    def conv(self, scope, fin, fout, kernel, bias=True):
        self.add(f'{scope}/weight', [kernel, kernel, fin, fout])
        if bias:
            self.add(f'{scope}/bias', [fout], 0.2)

    def dense(self, scope, fin, fout, lrmul=1.0):
        self.add(f'{scope}/weight', [fin, fout], 1 / lrmul)  # get_weight: init std 1/lrmul, runtime coef × lrmul
        self.add(f'{scope}/bias', [fout], 0.2 / lrmul)


def _nf(kw):
    return lambda stage: int(np.clip(int(kw['fmap_base'] / 2.0 ** stage), 1, kw['fmap_max']))


def _state(name, func, static_kwargs, variables, components=None):
    return Network(dict(version=4, name=name, static_kwargs=static_kwargs, components=components or {},
                        build_module_src=BUILD_MODULE_SRC, build_func_name=func, variables=variables))


def g_synthesis_vars(kw, rng):
    nf, log2 = _nf(kw), int(np.log2(kw['resolution']))
    arch, wdim, channels = kw['architecture'], kw['dlatent_size'], kw['num_channels']
    v = _Vars(rng)
    for i in range(log2 * 2 - 3):
        res = 2 ** ((i + 5) // 2)
        v.add(f'noise{i}', [1, 1, res, res])
    v.add('4x4/Const/const', [1, nf(1), 4, 4])
    v.modulated_conv('4x4/Conv', nf(1), nf(1), 3, wdim, noise=True)
    if arch == 'skip':
        v.modulated_conv('4x4/ToRGB', nf(1), channels, 1, wdim, noise=False)
    for res in range(3, log2 + 1):
        scope = f'{2 ** res}x{2 ** res}'
        v.modulated_conv(f'{scope}/Conv0_up', nf(res - 2), nf(res - 1), 3, wdim, noise=True)
        v.modulated_conv(f'{scope}/Conv1', nf(res - 1), nf(res - 1), 3, wdim, noise=True)
        if arch == 'resnet':
            v.conv(f'{scope}/Skip', nf(res - 2), nf(res - 1), 1, bias=False)
        if arch == 'skip' or res == log2:
            v.modulated_conv(f'{scope}/ToRGB', nf(res - 1), channels, 1, wdim, noise=False)
    return v.items


def g_mapping_vars(kw, rng):
    v = _Vars(rng)
    for i in range(kw['mapping_layers']):
        fin = kw['latent_size'] if i == 0 else kw['mapping_fmaps']
        fout = kw['dlatent_size'] if i == kw['mapping_layers'] - 1 else kw['mapping_fmaps']
        v.dense(f'Dense{i}', fin, fout, kw['mapping_lrmul'])
    return v.items


def g_main(name, kw, rng):
    """G_main: own variables lod and dlatent_avg; components built in G_main's order, synthesis first."""
    log2 = int(np.log2(kw['resolution']))
    synthesis = _state('G_synthesis', 'G_synthesis_stylegan2', dict(kw), g_synthesis_vars(kw, rng))
    mapping = _state('G_mapping', 'G_mapping', dict(kw, dlatent_broadcast=log2 * 2 - 2), g_mapping_vars(kw, rng))
    own = [('lod', np.float32(0)),
           ('dlatent_avg', (rng.standard_normal([kw['dlatent_size']]) * 0.2).astype(np.float32))]
    return _state(name, 'G_main', dict(kw), own, dict(synthesis=synthesis, mapping=mapping))


def d_stylegan2(name, kw, rng):
    nf, log2, arch = _nf(kw), int(np.log2(kw['resolution'])), kw['architecture']
    mbstd = kw.get('mbstd_group_size', TF_MBSTD_GROUP_SIZE)
    v = _Vars(rng)
    for res in range(log2, 2, -1):
        scope = f'{2 ** res}x{2 ** res}'
        if arch == 'skip' or res == log2:
            v.conv(f'{scope}/FromRGB', kw['num_channels'], nf(res - 1), 1)
        v.conv(f'{scope}/Conv0', nf(res - 1), nf(res - 1), 3)
        v.conv(f'{scope}/Conv1_down', nf(res - 1), nf(res - 2), 3)
        if arch == 'resnet':
            v.conv(f'{scope}/Skip', nf(res - 1), nf(res - 2), 1, bias=False)
    if arch == 'skip':
        v.conv('4x4/FromRGB', kw['num_channels'], nf(1), 1)
    v.conv('4x4/Conv', nf(1) + (1 if mbstd > 1 else 0), nf(1), 3)
    v.dense('4x4/Dense0', nf(1) * 16, nf(0))
    v.dense('Output', nf(0), 1)
    return _state(name, 'D_stylegan2', dict(kw), v.items)


@contextmanager
def _tf_network_importable():
    """pickle records a class by module and name and checks it can import it back: register the stand-in."""
    names = ('dnnlib', 'dnnlib.tflib', TF_NETWORK_MODULE)
    saved = {n: sys.modules.get(n) for n in names}
    for n in names:
        sys.modules[n] = types.ModuleType(n)
    sys.modules[TF_NETWORK_MODULE].Network = Network
    try:
        yield
    finally:
        for n, module in saved.items():
            if module is None:
                del sys.modules[n]
            else:
                sys.modules[n] = module


def write_random_tf_pickle(cfg, path, seed):
    """(G, D, Gs) with random weights; Gs gets its own values, as an EMA would differ from G."""
    g_kw, d_kw = tf_static_kwargs(cfg)
    rng = np.random.default_rng(seed)
    nets = (g_main('G', g_kw, rng), d_stylegan2('D', d_kw, rng), g_main('Gs', g_kw, rng))
    with _tf_network_importable(), open(path, 'wb') as f:
        pickle.dump(nets, f, protocol=4)
