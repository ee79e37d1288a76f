"""``chainrule.special`` (``torch.special``): the special functions under PyTorch's names.

Most are the library's own ops under a second name (``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``,
``psi`` is ``digamma``); the few new ones are composites of recorded ops, so their gradients follow:

    ndtr(x)      = Φ(x) = ½ erfc(−x/√2)
    log_ndtr(x)  = log Φ(x), for x < −1 as log(½ erfc(−x/√2)) (erfc keeps its relative accuracy there)
    entr(x)      = −x log x  (0 at x = 0, −inf for x < 0)
    xlog1py(x,y) = x log(1 + y)  (0 where x = 0)
    polygamma(n, x) = ψ⁽ⁿ⁾(x)   (n = 0 is digamma; higher orders through digamma's derivatives)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .autograd import grad as _grad
from .functional import exp2, expm1, log1p, logsumexp, round, sigmoid
from .ops.math_extra import digamma, erf, erfc, erfinv, lgamma, logit, sinc, xlogy
from .ops.softmax import log_softmax, softmax
from .tensor import Tensor

__all__ = ["expit", "logit", "erf", "erfc", "erfinv", "gammaln", "digamma", "psi", "polygamma", "ndtr", "log_ndtr",
           "entr", "xlogy", "xlog1py", "sinc", "exp2", "expm1", "log1p", "logsumexp", "round", "softmax",
           "log_softmax"]

expit = sigmoid
gammaln = lgamma
psi = digamma
_SQRT_HALF = math.sqrt(0.5)


def ndtr(input: Tensor) -> Tensor:
    """Φ(x) = ½ erfc(−x/√2), the standard normal CDF.   Φ′(x) = e^(−x²/2)/√(2π)."""
    return erfc(input * -_SQRT_HALF) * 0.5


def log_ndtr(input: Tensor) -> Tensor:
    """log Φ(x), accurate in the far left tail (where Φ underflows long before log Φ does); computed in
    float64 and rounded to the input's dtype."""
    from .ops.pointwise import log
    from .ops.selection import where

    x = input.double()
    # x ≥ −1: log1p(−Φ(−x)) avoids the log of a number near 1; −20 ≤ x < −1: the log of erfc, which keeps its
    # relative accuracy; x < −20 (where Φ underflows): the asymptotic series
    # log Φ(x) = −x²/2 − log(−x) − ½ log 2π + log(1 − 1/x² + 3/x⁴ − 15/x⁶ + 105/x⁸).
    # Each branch sees only inputs in its own range, so the branches not taken pass no inf or NaN gradient.
    upper = log1p(-ndtr(-where(x < -1, 0.0, x)))
    mid = log(ndtr(where((x < -1) & (x >= -20), x, -1.0)))
    z = where(x < -20, x, -20.0)
    r = 1 / (z * z)
    tail = -(z * z) * 0.5 - log(-z) - 0.5 * math.log(2 * math.pi) + log1p(r * (-1 + r * (3 + r * (-15 + r * 105))))
    return where(x < -20, tail, where(x < -1, mid, upper)).to(input.dtype)


def entr(input: Tensor) -> Tensor:
    """−x log x elementwise (0 at x = 0, −inf for x < 0).   d/dx = −(log x + 1)."""
    from .ops.pointwise import log
    from .ops.selection import where

    A = input._data
    safe = where(input > 0, input, 1.0)
    out = -(input * log(safe))
    out = where(Tensor._wrap(A == 0), 0.0, out)
    return where(Tensor._wrap(A < 0), -math.inf, out)


def xlog1py(input: Any, other: Any) -> Tensor:
    """x·log(1 + y), 0 where x = 0 (even for y = −1 or NaN), as ``xlogy`` with log1p."""
    from .ops.selection import where

    x = input if isinstance(input, Tensor) else Tensor._wrap(np.asarray(input, dtype=np.float32))
    y = other if isinstance(other, Tensor) else Tensor._wrap(np.asarray(other, dtype=x._data.dtype))
    safe_y = where(x == 0, 0.0, y)
    return where(x == 0, 0.0, x * log1p(safe_y))


def polygamma(n: int, input: Tensor) -> Tensor:
    """ψ⁽ⁿ⁾(x): digamma for n = 0, its n-th derivative otherwise (differentiable again)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input)
    x = input.detach().requires_grad_() if not input.requires_grad else input
    y = digamma(x)
    for _ in range(n):
        (y,) = _grad(y.sum(), x, create_graph=True)
    return y if input.requires_grad else y.detach()
