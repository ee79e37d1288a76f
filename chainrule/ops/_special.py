"""Array-level special functions (pure NumPy; SciPy used for erf when installed).

Shared by the activation forwards and by the array namespace that backward
formulas run on, so a first-order backward and a forward use the same numerics.

σ(x) = 1/(1 + e⁻ˣ)              e⁻ˣ overflows to inf for x ≪ 0 and 1/inf = 0 exactly: no branch needed
softplus(x) = max(x, 0) + ln(1 + e^(−|x|))   never overflows, exact at both tails
erf(x) = 2/√π ∫₀ˣ e^(−t²) dt   SciPy's ufunc, or a float64 series / continued fraction below
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_F16 = np.dtype(np.float16)


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) in four in-place passes over one buffer (no temporaries, no warnings)."""
    if a.dtype == _F16:  # float16 is computed in float32 and rounded once, like PyTorch's opmath
        return sigmoid(a.astype(np.float32)).astype(_F16)
    out = np.negative(a, out=np.empty(a.shape, a.dtype))
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def softplus(a: np.ndarray) -> np.ndarray:
    """ln(1 + eᵃ) as max(a, 0) + ln(1 + e^(−|a|)): finite for every finite a."""
    t = np.abs(a)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    t += np.maximum(a, 0)
    return t


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SERIES_TERMS = 46  # (2x²)ⁿ/(2n+1)!! < 1e-17 of the sum for |x| < 2.5
_CF_DEPTH = 90  # continued fraction of erfc: error < 1e-17 relative for |x| ≥ 2.5


def _erf_own(x: np.ndarray) -> np.ndarray:
    """erf in float64 to ~1 ulp, without SciPy.

    |x| < 2.5:  erf x = (2/√π) x e^(−x²) Σₙ (2x²)ⁿ / (1·3·…·(2n+1))   (all terms positive: no cancellation)
    |x| ≥ 2.5:  erfc x = e^(−x²) / (√π K),  K = x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))
    """
    x64 = np.asarray(x, dtype=np.float64)
    ax = np.abs(x64)
    out = np.empty_like(x64)
    small = ax < 2.5
    xs = x64[small]
    if xs.size:
        two_x2 = 2 * xs * xs
        term = np.ones_like(xs)
        total = np.ones_like(xs)
        for n in range(1, _SERIES_TERMS):
            term *= two_x2 / (2 * n + 1)
            total += term
        out[small] = _TWO_OVER_SQRT_PI * xs * np.exp(-xs * xs) * total
    big = ~small
    xb = ax[big]
    if xb.size:
        with np.errstate(over="ignore", invalid="ignore"):
            k = xb.copy()
            for n in range(_CF_DEPTH, 0, -1):
                k = xb + (n / 2) / k
            erfc = np.exp(-xb * xb) / (math.sqrt(math.pi) * k)
        erfc = np.where(np.isfinite(xb), erfc, 0.0)  # erf(±inf) = ±1
        out[big] = np.copysign(1.0 - erfc, x64[big])
    out[np.isnan(x64)] = np.nan
    return out


try:  # SciPy is an optional extra ("chainrule[fast]")
    from scipy.special import erf as _scipy_erf
except ImportError:  # pragma: no cover - depends on the environment
    _scipy_erf = None


def erf(a: np.ndarray, out: Any = None) -> np.ndarray:
    """erf(a) in a's dtype (SciPy's ufunc when available, else the float64 routine above)."""
    if _scipy_erf is not None and a.dtype != _F16:
        return _scipy_erf(a, out=out) if out is not None else np.asarray(_scipy_erf(a))
    r = _erf_own(a).astype(a.dtype, copy=False)
    if out is not None:
        out[...] = r
        return out
    return r
