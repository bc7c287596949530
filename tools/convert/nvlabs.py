"""The one mapping between portrait-forge StyleGAN2 networks and NVlabs stylegan2-ada-pytorch modules.

Our tensors already carry NVlabs' state_dict names (libs/stylegan2), so tensors map 1:1 by name; what is
mapped here is the network config: ours (libs/stylegan2 config.ts, camelCase) <-> NVlabs' constructor
kwargs (`init_kwargs` of training.networks.Generator / Discriminator). Used by tools/parity/parity.py and
tools/convert/convert.py. Call `use_checkout(DIR)` before anything that imports NVlabs code.
"""
import json
import struct
import sys

import numpy as np

CKPT_MAGIC = b'PFCKPT01'  # libs/training/src/lib/checkpoint.ts
# NVlabs buffers that we do not store: the fixed FIR filters, rebuilt by the constructors.
DERIVED_BUFFER_SUFFIX = 'resample_filter'


def use_checkout(src):
    """Puts the user's NVlabs checkout (training/, dnnlib/, torch_utils/) first on sys.path."""
    import os
    if not os.path.isdir(os.path.join(src, 'training')) or not os.path.isdir(os.path.join(src, 'torch_utils')):
        raise SystemExit(f'--nvlabs {src}: not a stylegan2-ada-pytorch checkout (needs training/ and torch_utils/); '
                         'git clone https://github.com/NVlabs/stylegan2-ada-pytorch')
    sys.path.insert(0, src)


def nvlabs_kwargs(cfg):
    """Our config -> (G kwargs, D kwargs) for training.networks. Refuses what NVlabs' networks cannot express."""
    if not cfg.get('demodulate', True):
        raise SystemExit(f'config {cfg["name"]} has no weight demodulation; stylegan2-ada-pytorch always demodulates')
    g = dict(z_dim=cfg['zDim'], c_dim=0, w_dim=cfg['wDim'], img_resolution=cfg['resolution'],
             img_channels=cfg['channels'],
             mapping_kwargs=dict(num_layers=cfg['mappingLayers'], lr_multiplier=cfg['mappingLrMultiplier'],
                                 w_avg_beta=cfg['wAvgBeta']),
             synthesis_kwargs=dict(channel_base=cfg['channelBase'], channel_max=cfg['channelMax'],
                                   num_fp16_res=0, conv_clamp=None, architecture=cfg['gArchitecture']))
    d = dict(c_dim=0, img_resolution=cfg['resolution'], img_channels=cfg['channels'],
             architecture=cfg['dArchitecture'], channel_base=cfg['channelBase'], channel_max=cfg['channelMax'],
             num_fp16_res=0, conv_clamp=None, epilogue_kwargs=dict(mbstd_group_size=cfg['mbstdGroupSize']))
    return g, d


def config_from_kwargs(g, d):
    """NVlabs init_kwargs -> the network part of our config (the rest comes from a named preset), plus notes
    on what we do not reproduce (conv_clamp, fp16, labels)."""
    mk, sk = dict(g.get('mapping_kwargs', {})), dict(g.get('synthesis_kwargs', {}))
    ek = dict(d.get('epilogue_kwargs', {}))
    notes = []
    if g.get('c_dim', 0) or d.get('c_dim', 0):
        raise SystemExit(f'conditional network (c_dim {g.get("c_dim")}); portrait-forge trains unconditional networks only')
    if sk.get('conv_clamp') is not None or d.get('conv_clamp') is not None:
        notes.append(f'conv_clamp {sk.get("conv_clamp")} dropped (activations are not clamped here; '
                     'it only bites on fp16 overflow)')
    if sk.get('num_fp16_res', 0) or d.get('num_fp16_res', 0):
        notes.append('fp16 layers run in float32 here')
    if ek.get('mbstd_num_channels', 1) != 1:
        raise SystemExit(f'mbstd_num_channels {ek["mbstd_num_channels"]}: only 1 is implemented')
    if mk.get('layer_features') not in (None, g['w_dim']):
        raise SystemExit(f'mapping layers of {mk["layer_features"]} features (TF mapping_fmaps) with w_dim {g["w_dim"]}; '
                         'portrait-forge mapping layers are w_dim wide')
    for kind, kwargs in (('G', sk), ('D', dict(d.get('block_kwargs', {})))):
        if kwargs.get('activation', 'lrelu') != 'lrelu' or list(kwargs.get('resample_filter', [1, 3, 3, 1])) != [1, 3, 3, 1]:
            raise SystemExit(f'{kind} activation {kwargs.get("activation")} / resample filter '
                             f'{kwargs.get("resample_filter")}: only lrelu and [1,3,3,1] are implemented')
    if not sk.get('use_noise', True):
        raise SystemExit('synthesis without noise inputs (use_noise False) is not implemented')
    mbstd_group_size = ek.get('mbstd_group_size', 4)
    if mbstd_group_size is None:
        # legacy.py reads no group size from TF pickles (None: the whole minibatch in NVlabs' D); TF's
        # D_stylegan2 trained with its default.
        mbstd_group_size = 4
        notes.append('minibatch-stddev group size not in the pickle (TF StyleGAN2); D_stylegan2\'s default 4 used')
    cfg = dict(zDim=g['z_dim'], wDim=g['w_dim'], resolution=g['img_resolution'], channels=g['img_channels'],
               mappingLayers=mk.get('num_layers', 8), mappingLrMultiplier=mk.get('lr_multiplier', 0.01),
               wAvgBeta=mk.get('w_avg_beta', 0.995), channelBase=sk.get('channel_base', 32768),
               channelMax=sk.get('channel_max', 512), gArchitecture=sk.get('architecture', 'skip'),
               dArchitecture=d.get('architecture', 'resnet'), mbstdGroupSize=mbstd_group_size)
    if cfg['channelBase'] != d.get('channel_base', 32768) or cfg['channelMax'] != d.get('channel_max', 512):
        raise SystemExit('G and D have different channel_base/channel_max; portrait-forge configs share one pair')
    return cfg, notes


def build_networks(cfg):
    from training.networks import Generator, Discriminator
    g, d = nvlabs_kwargs(cfg)
    return Generator(**g), Discriminator(**d)


def load_state(module, weights, label):
    """module.state_dict() <- weights (name -> float32 ndarray); the name sets must agree exactly."""
    import torch
    state = module.state_dict()
    theirs = {k for k in state if not k.endswith(DERIVED_BUFFER_SUFFIX)}
    ours = set(weights)
    if ours != theirs:
        raise SystemExit(f'{label}: tensor names differ; only ours {sorted(ours - theirs)}, only NVlabs {sorted(theirs - ours)}')
    for name, value in weights.items():
        if tuple(value.shape) != tuple(state[name].shape):
            raise SystemExit(f'{label}: {name} shape {tuple(value.shape)} vs NVlabs {tuple(state[name].shape)}')
        with torch.no_grad():
            state[name].copy_(torch.from_numpy(np.array(value, dtype=np.float32)))  # a copy, 0-d kept 0-d


def state_of(module):
    """name -> float32 ndarray, in our naming (the derived FIR buffers left out)."""
    return {k: v.detach().cpu().numpy().astype(np.float32)
            for k, v in module.state_dict().items() if not k.endswith(DERIVED_BUFFER_SUFFIX)}


def read_checkpoint(path):
    """A portrait-forge checkpoint -> (meta, {group: {name: ndarray}}); layout in checkpoint.ts."""
    buf = open(path, 'rb').read()
    if buf[:8] != CKPT_MAGIC:
        raise SystemExit(f'{path}: not a portrait-forge checkpoint (bad magic); pass a network-snapshot-*.ckpt')
    (n,) = struct.unpack_from('<I', buf, 8)
    header = json.loads(buf[12:12 + n].decode('utf8'))
    start = 12 + n + (-(12 + n) % 8)
    groups = {}
    for e in header['tensors']:
        dtype = np.int32 if e['dtype'] == 'int32' else np.float32
        off = start + e['offset']
        arr = np.frombuffer(buf, dtype=dtype, count=e['bytes'] // 4, offset=off).reshape(e['shape'])
        groups.setdefault(e['group'], {})[e['name']] = arr
    return header['meta'], groups


def write_checkpoint(path, meta, groups):
    """Inverse of read_checkpoint, byte for byte the layout encodeCheckpoint writes."""
    entries, blobs, offset = [], [], 0
    for group, tensors in groups.items():
        for name, arr in tensors.items():
            data = np.ascontiguousarray(arr, dtype=np.float32).tobytes()
            pad = -len(data) % 8
            entries.append(dict(group=group, name=name, shape=list(arr.shape), dtype='float32', offset=offset,
                                bytes=len(data)))
            blobs += [data, b'\0' * pad]
            offset += len(data) + pad
    header = json.dumps(dict(meta=meta, tensors=entries), separators=(',', ':')).encode('utf8')
    with open(path, 'wb') as f:
        f.write(CKPT_MAGIC + struct.pack('<I', len(header)) + header + b'\0' * (-(12 + len(header)) % 8))
        for b in blobs:
            f.write(b)
