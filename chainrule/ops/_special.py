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

from .. import _kernels
from .._errstate import silent
from ._consts import ONE

_F16 = np.dtype(np.float16)


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) in four in-place passes over one buffer (no temporaries, no warnings).

    1/(1 + e^(−a)) is exact in floating point at any a once the overflow warning is silenced:
    e^(−a) → inf gives 1/inf = 0, and e^(−a) → 0 gives 1."""
    dt = a.dtype
    if dt == _F16:  # float16 is computed in float32 and rounded once, like PyTorch's opmath
        return sigmoid(a.astype(np.float32)).astype(_F16)
    if a.size >= _kernels.MIN_SIZE and (fast := _kernels.sigmoid(a)) is not None:
        return fast
    e = -a if a.ndim else np.negative(a, out=np.empty((), dt))  # (``out``: a 0-d array, not a scalar)
    try:  # the overflow warning is silenced by _errstate's filter for this module ...
        np.exp(e, out=e)
    except (RuntimeWarning, FloatingPointError):  # ... or, where warnings are errors, by an errstate
        np.negative(a, out=e)
        with silent():
            np.exp(e, out=e)
    e += ONE[dt]
    return np.reciprocal(e, out=e)


def softplus(a: np.ndarray) -> np.ndarray:
    """ln(1 + eᵃ) as max(a, 0) + ln(1 + e^(−|a|)): finite for every finite a."""
    t = np.abs(a, out=np.empty(a.shape, a.dtype))  # (out= keeps 0-d results arrays)
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
        with silent():
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


_SQRT_HALF = math.sqrt(0.5)
# Φ(−u) = e^(−u²/2)·t·P(t), t = 1/(1 + 0.425·u/√2), u ≥ 0: P (degree 7, highest first) was fitted to
# ½·erfcx(u/√2) by reweighted least squares (relative error < 1.4e-7 for u ≤ 14, float32's rounding
# level). The same numbers are in csrc/fastmath.c (tests/test_kernels.py checks they agree).
_TAIL_T_SCALE = 0.425 * _SQRT_HALF
_TAIL_COEFFS = (0.03580909222364426, -0.15686944127082825, 0.20430918037891388, -0.05208486691117287,
                0.1277855932712555, 0.10027983784675598, 0.12093198299407959, 0.11983855813741684)


def _cdf_tail_f32(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Φ(−|a|), e^(−a²/2)) for float32 ``a``: Φ(−|a|) = e^(−a²/2)·t·P(t), t = 1/(1 + 0.425·|a|/√2).

    Relative error < 1e-6 for |a| ≤ 4 and < 5e-6 down to the subnormals (from rounding a² in float32),
    where PyTorch's ½(1 + erf(x/√2)) cancels to 0 (x < −5.5) or loses digits (1e-3 relative at x ≈ −4)."""
    u = np.abs(a, out=np.empty(a.shape, a.dtype))  # (out=: 0-d inputs stay arrays for the in-place ops)
    u *= _TAIL_T_SCALE
    u += 1
    np.reciprocal(u, out=u)  # u is now t
    poly = np.multiply(u, _TAIL_COEFFS[0], out=np.empty(a.shape, a.dtype))
    for c in _TAIL_COEFFS[1:]:
        poly += c
        poly *= u
    e = np.multiply(a, a, out=u)  # t is no longer needed: reuse its buffer
    e *= -0.5
    np.exp(e, out=e)
    poly *= e
    return poly, e


def _add_upper_half(out: np.ndarray, tail: np.ndarray, a: np.ndarray) -> np.ndarray:
    """out += Φ(a), given tail = Φ(−|a|); destroys ``tail``.

    Φ(a) = Φ(−|a|) + [a ≥ 0]·(1 − 2Φ(−|a|)): branch-free (a masked write mispredicts on random signs, 10× slower).
    """
    out += tail
    tail *= -2
    tail += 1
    tail *= a >= 0
    out += tail
    return out


def normal_cdf(a: np.ndarray) -> np.ndarray:
    """Φ(a) = ½(1 + erf(a/√2)), the standard normal CDF (gelu's gate).

    float64: the exact erf (matches PyTorch to ~1 ulp). float32: the fitted tail above on |a|, faster than
    SciPy's erf and at least as accurate as PyTorch's everywhere; the tail ½·erfc(|a|/√2) is computed
    directly, so it never cancels.
    """
    if a.dtype == np.float64 or a.dtype.kind != "f":
        t = np.multiply(a, _SQRT_HALF, out=np.empty(a.shape, np.float64))
        erf(t, out=t)
        t += 1
        t *= 0.5
        return t
    if a.dtype == _F16:
        return normal_cdf(a.astype(np.float32)).astype(_F16)
    tail, e = _cdf_tail_f32(a)
    e[...] = 0
    return _add_upper_half(e, tail, a)


_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def gelu_derivative(a: np.ndarray) -> np.ndarray:
    """Φ(a) + a·φ(a), φ(a) = e^(−a²/2)/√(2π): exact gelu's derivative (float32 shares one exp with Φ)."""
    if a.dtype == _F16:
        return gelu_derivative(a.astype(np.float32)).astype(_F16)
    if a.dtype == np.float64:
        d = np.multiply(a, a, out=np.empty(a.shape, a.dtype))
        d *= -0.5
        np.exp(d, out=d)
        d *= a
        d *= _INV_SQRT_2PI
        d += normal_cdf(a)
        return d
    tail, e = _cdf_tail_f32(a)
    e *= a
    e *= _INV_SQRT_2PI
    return _add_upper_half(e, tail, a)
