#!/usr/bin/env python3
"""Test oracle for the Inception parity test (libs/metrics inception.spec.ts); needs python3-torch.

    make-detector OUT.pt SEED          random-weight NVlabs-style detector, saved as TorchScript
    features DETECTOR.pt IMAGES.json OUT.npy   detector(img, return_features=True) per image
    fid A.npy B.npy                    NVlabs' compute_fid formula (get_mean_cov + scipy sqrtm)
IMAGES.json: [{"path": raw uint8 HWC file, "width", "height", "channels"}].
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "inception"))


def make_detector(out, seed):
    import torch
    from nvlabs_inception import random_inception

    torch.jit.script(random_inception(int(seed))).save(out)


def features(detector_path, images_json, out):
    import torch

    detector = torch.jit.load(detector_path).eval()
    rows = []
    for item in json.load(open(images_json)):
        hwc = np.fromfile(item["path"], dtype=np.uint8).reshape(item["height"], item["width"], item["channels"])
        img = torch.from_numpy(hwc.copy()).permute(2, 0, 1)[None]
        if img.shape[1] == 1:  # as metric_utils: grayscale repeated to 3 channels
            img = img.repeat([1, 3, 1, 1])
        with torch.no_grad():
            rows.append(detector(img, return_features=True).numpy())
    np.save(out, np.concatenate(rows).astype(np.float32))


def mean_cov(x):
    """FeatureStats.get_mean_cov: float64 raw sums / N, cov = E[xx^T] - mu mu^T."""
    x = x.astype(np.float64)
    mean = x.sum(0) / len(x)
    cov = x.T @ x / len(x) - np.outer(mean, mean)
    return mean, cov


def fid(a_path, b_path):
    import scipy.linalg

    mu_real, sigma_real = mean_cov(np.load(a_path))
    mu_gen, sigma_gen = mean_cov(np.load(b_path))
    m = np.square(mu_gen - mu_real).sum()
    s, _ = scipy.linalg.sqrtm(np.dot(sigma_gen, sigma_real), disp=False)
    print(json.dumps({"fid": float(np.real(m + np.trace(sigma_gen + sigma_real - s * 2)))}))


if __name__ == "__main__":
    {"make-detector": make_detector, "features": features, "fid": fid}[sys.argv[1]](*sys.argv[2:])
