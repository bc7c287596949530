"""sha256 of a (large) file, shared by the one-time weight converters in this folder."""
import hashlib


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
