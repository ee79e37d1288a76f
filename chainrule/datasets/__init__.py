"""``chainrule.datasets``: small datasets for learning and testing, as ``(X, y)`` chainrule tensors.

* generated, deterministic given ``seed``: ``xor moons circles spirals blobs`` (X float32, y int64);
* scikit-learn's bundled ``digits`` and ``iris`` (needs the extra: ``pip install chainrule[datasets]``);
* readers: ``read_csv`` (numeric columns, a named target), ``read_idx``/``load_idx`` (the MNIST IDX format).
"""

from .bundled import digits, iris
from .generated import blobs, circles, moons, spirals, xor
from .readers import load_idx, read_csv, read_idx

__all__ = ["blobs", "circles", "digits", "iris", "load_idx", "moons", "read_csv", "read_idx", "spirals", "xor"]
