"""scikit-learn's bundled datasets (shipped inside scikit-learn, no download): ``digits`` and ``iris``.

scikit-learn is an optional extra: ``pip install chainrule[datasets]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor


def _sklearn_datasets() -> Any:
    try:
        import sklearn.datasets as skd
    except ImportError:
        raise ImportError("chainrule.datasets.digits/iris need scikit-learn, an optional extra: "
                          "pip install chainrule[datasets]  (or: pip install scikit-learn)") from None
    return skd


def digits(normalize: bool = True) -> tuple[Tensor, Tensor]:
    """The 1,797 8×8 handwritten digits: X float32 (1797, 64), y int64 in 0..9.

    Pixels are 0..16 in the data; ``normalize=True`` (default) divides by 16 so X lies in [0, 1].
    """
    d = _sklearn_datasets().load_digits()
    X = d.data.astype(np.float32)
    if normalize:
        X /= np.float32(16.0)
    return Tensor._wrap(X), Tensor._wrap(d.target.astype(np.int64))


def iris() -> tuple[Tensor, Tensor]:
    """Fisher's 150 irises: X float32 (150, 4) in cm (sepal length/width, petal length/width), y int64 in 0..2."""
    d = _sklearn_datasets().load_iris()
    return Tensor._wrap(d.data.astype(np.float32)), Tensor._wrap(d.target.astype(np.int64))
