"""Reference values for the symmetry lib's specs, from Pillow + numpy (no OpenCV needed).

Run: /usr/bin/python3 libs/symmetry/src/lib/__fixtures__/reference.py > libs/symmetry/src/lib/__fixtures__/reference.json
(Debian bookworm: apt-get install python3-pil python3-numpy; produced with Pillow 9.4.0, numpy 1.24.2.)
Image generators below are mirrored in reference.spec-helpers.ts.
"""
import base64, json
import numpy as np
from PIL import Image


def test_image(w, h):  # RGB, max value 200 (< 255, so "divide by max" matters)
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([(x * 37 + y * 91 + c * 53 + x * y * 7) % 201 for c in range(3)], -1).astype(np.uint8)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).astype(np.uint8).tobytes()).decode()


def resize_cases():
    out = []
    for (w, h, ow, oh, f) in [(13, 9, 5, 4, 'lanczos'), (13, 9, 29, 17, 'lanczos'), (7, 5, 16, 11, 'bilinear'),
                              (40, 30, 9, 7, 'bilinear')]:
        im = Image.fromarray(test_image(w, h))
        r = im.resize((ow, oh), Image.LANCZOS if f == 'lanczos' else Image.BILINEAR)
        out.append(dict(width=w, height=h, outWidth=ow, outHeight=oh, filter=f, rgb=b64(np.array(r))))
    return out


def rembg_normalize(img, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225), size=(320, 320)):
    # rembg.sessions.base.BaseSession.normalize
    im = img.convert("RGB").resize(size, Image.LANCZOS)
    im_ary = np.array(im)
    im_ary = im_ary / np.max(im_ary)
    tmp = np.zeros((im_ary.shape[0], im_ary.shape[1], 3))
    for c in range(3):
        tmp[:, :, c] = (im_ary[:, :, c] - mean[c]) / std[c]
    return np.expand_dims(tmp.transpose((2, 0, 1)), 0).astype(np.float32)


def preprocess_case():
    t = rembg_normalize(Image.fromarray(test_image(24, 16))).ravel()
    idx = [(i * 6151) % t.size for i in range(64)]
    return dict(width=24, height=16, sum=float(t.astype(np.float64).sum()),
                sumSq=float((t.astype(np.float64) ** 2).sum()), indices=idx, values=[float(t[i]) for i in idx])


def pred320():
    y, x = np.mgrid[0:320, 0:320]
    return (((x * x + 3 * y) % 1000) / 37.0 - 5).astype(np.float32)


def postprocess_case(w=37, h=23):
    # the seed: normPRED, Image.fromarray(pred*255).convert('RGB'), resize BILINEAR, numpy
    d = pred320()
    ma, mi = d.max(), d.min()
    pred = (d - mi) / (ma - mi)
    im = Image.fromarray(pred * 255).convert('RGB')
    imo = im.resize((w, h), resample=Image.BILINEAR)
    return dict(width=w, height=h, mask=b64(np.array(imo)[:, :, 0]))


def seed_metric(img):
    # the seed, with cv.reduce(REDUCE_SUM, CV_32F) and compareHist(HISTCMP_BHATTACHARYYA) in numpy
    width = img.shape[1]
    cut = width // 2
    s1 = img[:, :cut]
    s2 = img[:, cut:][:, ::-1]
    g1 = s1.astype(np.float32).sum(1, dtype=np.float32).astype(np.float64)
    g2 = s2.astype(np.float32).sum(1, dtype=np.float32).astype(np.float64)
    overlap = np.sqrt(g1 * g2).sum()
    p = g1.sum() * g2.sum()
    scale = 1 / np.sqrt(p) if abs(p) > np.finfo(np.float32).eps else 1.0
    return float(np.sqrt(max(1 - overlap * scale, 0)))


def shoulder_mask(w, h, raise_px):  # head ellipse + shoulders, the right shoulder raised by raise_px rows
    y, x = np.mgrid[0:h, 0:w]
    cx = (w - 1) / 2
    head = ((x - cx) / (w * 0.18)) ** 2 + ((y - h * 0.35) / (h * 0.25)) ** 2 <= 1
    top = np.where(x < cx, h * 0.7, h * 0.7 - raise_px)
    body = y >= top
    return np.where(head | body, 255, 0).astype(np.uint8)


def metric_cases():
    out = []
    for (w, h, r) in [(64, 48, 0), (31, 20, 0), (31, 20, 3), (64, 48, 6), (65, 48, 0)]:
        m = shoulder_mask(w, h, r)
        out.append(dict(kind='shoulder', width=w, height=h, raisePx=r, mask=b64(m), score=seed_metric(m)))
    y, x = np.mgrid[0:17, 0:23]
    noise = ((x * 7 + y * 13 + x * y * 3) % 256).astype(np.uint8)
    out.append(dict(kind='pattern', width=23, height=17, raisePx=0, mask=b64(noise), score=seed_metric(noise)))
    return out


print(json.dumps(dict(resize=resize_cases(), preprocess=preprocess_case(), postprocess=postprocess_case(),
                      metric=metric_cases()), indent=1))
