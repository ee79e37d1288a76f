"""Array-level special functions in float64 without SciPy (SciPy's ufuncs are used when installed; the tests
check both against PyTorch): erfc, erfinv, lgamma and the polygamma family ψ⁽ⁿ⁾, for ``math_extra.py``.

* erfc x: 1 − erf x for |x| < 1, else Laplace's continued fraction e^(−x²)/(√π K(x)).
* erfinv x: Winitzki's closed-form guess, then Halley steps on erf (|x| < ½) or on erfc (the tail).
* lgamma x: the Taylor series of ln Γ about 1 and about 2 (coefficients ζ(k)/k), a product shift for
  3 ≤ x < 13, Stirling's series beyond, and the reflection ln Γ(x) = ln(π/|sin πx|) − ln Γ(1 − x) for x ≤ 0.
* ψ⁽ⁿ⁾(x) (digamma n = 0, trigamma n = 1, ...): the recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) − (−1)ⁿ n!/xⁿ⁺¹ up to
  x ≥ 15, then the asymptotic series with Bernoulli numbers; reflection for x ≤ 0 (n ≤ 2).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .._errstate import silent
from . import _special

_SQRT_PI = math.sqrt(math.pi)
_EULER = 0.57721566490153286061


def _erfc_own(x: np.ndarray) -> np.ndarray:
    """erfc in float64 to ~1e-15 relative, without SciPy: 1 − erf x for |x| < 1 (erfc ≥ 0.157 there), else
    e^(−x²)/(√π K), K = x + (1/2)/(x + 1/(x + (3/2)/(x + …))) (250 levels: < 1e-16 for x ≥ 1)."""
    x64 = np.asarray(x, dtype=np.float64)
    ax = np.abs(x64)
    out = np.empty_like(x64)
    with silent():
        small = ax < 1.0
        out[small] = 1.0 - _special._erf_own(x64[small])
        big = ~small & ~np.isnan(x64)
        xb = ax[big]
        if xb.size:
            k = xb.copy()
            for n in range(250, 0, -1):
                k = xb + (n / 2) / k
            tail = np.exp(-xb * xb) / (_SQRT_PI * k)
            tail = np.where(np.isfinite(xb), tail, 0.0)
            out[big] = np.where(x64[big] > 0, tail, 2.0 - tail)
    out[np.isnan(x64)] = np.nan
    return out


def _erfinv_own(x: np.ndarray) -> np.ndarray:
    """erfinv in float64 without SciPy: Winitzki's guess (≈2e-3 relative), then Halley steps.

    For f(y) = erf y − a:  f′ = (2/√π)e^(−y²), f″ = −2y f′, so a Halley step is y −= u/(1 + y u), u = f/f′.
    Near |a| = 1 the residual is taken as (1 − a) − erfc y, which does not cancel."""
    x64 = np.asarray(x, dtype=np.float64)
    a = np.abs(x64)
    with silent():
        lw = np.log((1.0 - a) * (1.0 + a))
        c = 2.0 / (math.pi * 0.147) + lw / 2
        y = np.sqrt(np.sqrt(c * c - lw / 0.147) - c)
        tail = a >= 0.5
        one_minus = 1.0 - a  # exact for a in [0.5, 1]
        for _ in range(4):
            ok = np.isfinite(y) & (a < 1)
            ys = np.where(ok, y, 0.5)
            deriv = (2.0 / _SQRT_PI) * np.exp(-ys * ys)
            resid = np.where(tail, one_minus - _erfc_own(ys), _erf_arr(ys) - a)  # erf y − a = (1 − a) − erfc y
            u = resid / deriv
            y = np.where(ok, ys - u / (1.0 + ys * u), y)
        y = np.where(a == 1, np.inf, np.where(a > 1, np.nan, y))
        y = np.where(a == 0, 0.0, y)
    return np.copysign(y, x64)


def _zeta_minus_one(k: int) -> float:
    """ζ(k) − 1 = Σ_{n≥2} n⁻ᵏ (k ≥ 2): 18 terms plus the Euler–Maclaurin tail (error < 1e-20)."""
    N = 20
    head = math.fsum(n ** -k for n in range(2, N))
    tail = N ** (1 - k) / (k - 1) + N ** -k / 2
    # Σ_j B₂ⱼ/(2j)! · k(k+1)…(k+2j−2) · N^(−k−2j+1)
    rising = k
    for j, b in enumerate(_BERNOULLI, start=1):
        tail += b / math.factorial(2 * j) * rising * N ** (-k - 2 * j + 1)
        rising *= (k + 2 * j - 1) * (k + 2 * j)
    return head + tail


_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330)
_NSER = 60
_ZM1 = [0.0, 0.0] + [_zeta_minus_one(k) for k in range(2, _NSER + 1)]
# ln Γ(1 + z) = −γz + Σ_{k≥2} (−1)ᵏ ζ(k)/k zᵏ;   ln Γ(2 + z) = (1 − γ)z + Σ_{k≥2} (−1)ᵏ (ζ(k) − 1)/k zᵏ
_C1 = [(-1) ** k * (_ZM1[k] + 1.0) / k for k in range(2, _NSER + 1)]
_C2 = [(-1) ** k * _ZM1[k] / k for k in range(2, _NSER + 1)]


def _series(z: np.ndarray, first: float, coeffs: list[float]) -> np.ndarray:
    acc = np.zeros_like(z)
    for c in reversed(coeffs):  # Horner on z²·Σ cₖ zᵏ⁻²
        acc = acc * z + c
    return z * (first + z * acc)


def _lgamma_pos(x: np.ndarray) -> np.ndarray:
    """ln Γ(x) for finite x > 0."""
    out = np.empty_like(x)
    r1 = x < 0.5
    z = x[r1]
    out[r1] = _series(z, -_EULER, _C1) - np.log(z)  # ln Γ(x) = ln Γ(1 + x) − ln x
    r2 = (x >= 0.5) & (x < 1.5)
    out[r2] = _series(x[r2] - 1.0, -_EULER, _C1)
    r3 = (x >= 1.5) & (x < 13.0)
    xs = x[r3]
    n = np.maximum(np.floor(xs - 2.0), 0.0)  # shift down into [1.5, 3)
    prod = np.ones_like(xs)
    for j in range(1, 11):
        prod = np.where(j <= n, prod * (xs - j), prod)
    out[r3] = _series(xs - n - 2.0, 1.0 - _EULER, _C2) + np.log(prod)
    r4 = x >= 13.0
    xb = x[r4]
    s = np.zeros_like(xb)
    inv2 = 1.0 / (xb * xb)
    for j in reversed(range(8)):  # Σ B₂ⱼ/(2j(2j−1) x^(2j−1))
        b = _BERNOULLI[j]
        s = s * inv2 + b / ((2 * j + 2) * (2 * j + 1))
    out[r4] = (xb - 0.5) * np.log(xb) - xb + 0.5 * math.log(2 * math.pi) + s / xb
    return out


def _sinpi_abs(x: np.ndarray) -> np.ndarray:
    """|sin πx| from the exact offset to the nearest integer (no loss near the integers)."""
    return np.abs(np.sin(math.pi * (x - np.round(x))))


def _lgamma_own(x: np.ndarray) -> np.ndarray:
    """ln |Γ(x)| in float64 without SciPy (inf at the poles 0, −1, −2, … and at ±inf; nan stays nan)."""
    x64 = np.asarray(x, dtype=np.float64)
    out = np.full(x64.shape, np.inf)
    with silent():
        pos = np.isfinite(x64) & (x64 > 0)
        out[pos] = _lgamma_pos(x64[pos])
        neg = np.isfinite(x64) & (x64 <= 0) & (x64 != np.round(x64))
        xn = x64[neg]
        out[neg] = np.log(math.pi / _sinpi_abs(xn)) - _lgamma_pos(1.0 - xn)
    out[np.isnan(x64)] = np.nan
    return out


def _asymptotic_polygamma(n: int, z: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(z) for z ≥ 15 from the asymptotic series."""
    if n == 0:
        inv2 = 1.0 / (z * z)
        s = np.zeros_like(z)
        for j in reversed(range(8)):
            s = s * inv2 + _BERNOULLI[j] / (2 * j + 2)
        return np.log(z) - 0.5 / z - s * inv2
    # (−1)ⁿ⁺¹ [ (n−1)!/zⁿ + n!/(2zⁿ⁺¹) + Σ_k B₂ₖ (2k+n−1)!/((2k)! z^(2k+n)) ]
    inv = 1.0 / z
    s = np.zeros_like(z)
    for k in reversed(range(1, 9)):
        s = s * inv * inv + _BERNOULLI[k - 1] * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
    total = math.factorial(n - 1) + math.factorial(n) * 0.5 * inv + s * inv * inv
    return (-1) ** (n + 1) * total * inv ** n


def _polygamma_shift(n: int, x: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(x) by the recurrence up to x ≥ 15, then the asymptotic series (any non-pole x)."""
    z = x.copy()
    acc = np.zeros_like(x)
    sign_fact = (-1) ** (n + 1) * math.factorial(n)
    for _ in range(int(max(0.0, 15.0 - float(np.min(x, initial=15.0)))) + 1):
        low = z < 15.0
        if not low.any():
            break
        acc = np.where(low, acc + (1.0 / z if n == 0 else sign_fact / z ** (n + 1)), acc)
        z = np.where(low, z + 1.0, z)
    return _asymptotic_polygamma(n, z) - acc if n == 0 else _asymptotic_polygamma(n, z) + acc


def _polygamma_own(n: int, x: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(x) in float64 without SciPy (n = 0 is digamma).  Edge values as PyTorch's digamma: ψ(±0) = ∓inf,
    nan at the negative integers and −inf, ψ(inf) = inf; for n ≥ 1 the poles give (−1)ⁿ⁺¹·inf."""
    x64 = np.asarray(x, dtype=np.float64)
    out = np.full(x64.shape, np.nan)
    with silent():
        pos = np.isfinite(x64) & (x64 > 0)
        out[pos] = _polygamma_shift(n, x64[pos])
        neg = np.isfinite(x64) & (x64 < 0) & (x64 != np.round(x64))
        xn = x64[neg]
        if xn.size:
            r = math.pi * (xn - np.round(xn))  # πx up to a whole multiple of π
            if n == 0:  # ψ(x) = ψ(1 − x) − π/tan(πx)
                out[neg] = _polygamma_shift(0, 1.0 - xn) - math.pi / np.tan(r)
            elif n == 1:  # ψ′(x) = π²/sin²(πx) − ψ′(1 − x)
                out[neg] = math.pi ** 2 / np.sin(r) ** 2 - _polygamma_shift(1, 1.0 - xn)
            elif n == 2:  # ψ″(x) = ψ″(1 − x) − 2π³ cos(πx)/sin³(πx)
                out[neg] = _polygamma_shift(2, 1.0 - xn) - 2 * math.pi ** 3 * np.cos(r) / np.sin(r) ** 3
            else:
                out[neg] = _polygamma_shift(n, xn)
        poles = (x64 <= 0) & (x64 == np.round(x64)) & np.isfinite(x64)
        if n == 0:
            out[poles] = np.nan
            out[x64 == 0] = -np.copysign(np.inf, x64[x64 == 0])
            out[x64 == np.inf] = np.inf
        else:
            out[poles] = (-1) ** (n + 1) * np.inf
            out[x64 == np.inf] = 0.0
            out[x64 == -np.inf] = np.nan
    return out


try:  # SciPy is optional: its ufuncs when installed, the routines above otherwise
    from scipy import special as _sp
except ImportError:  # pragma: no cover - depends on the environment
    _sp = None


def _erf_arr(a: np.ndarray) -> np.ndarray:
    return np.asarray(_special.erf(np.asarray(a, dtype=np.float64)))


def _erfc_arr(a: np.ndarray) -> np.ndarray:
    return np.asarray(_sp.erfc(a)) if _sp is not None else _erfc_own(a)


def _erfinv_arr(a: np.ndarray) -> np.ndarray:
    return np.asarray(_sp.erfinv(a)) if _sp is not None else _erfinv_own(a)


def _lgamma_arr(a: np.ndarray) -> np.ndarray:
    if _sp is None:
        return _lgamma_own(a)
    r = np.asarray(_sp.gammaln(a))
    return np.where(a == -np.inf, np.inf, r)  # ln |Γ(−inf)| = inf, as PyTorch (SciPy: −inf)


def _polygamma_arr(n: int, a: np.ndarray) -> np.ndarray:
    if _sp is not None:
        a64 = np.asarray(a, dtype=np.float64)
        r = np.asarray(_sp.digamma(a64) if n == 0 else _sp.polygamma(n, a64))
        # PyTorch's edge values (SciPy differs at the poles): the own routine decides those
        edge = ~np.isfinite(a64) | ((a64 <= 0) & (a64 == np.round(a64)))
        if edge.any():
            r = np.where(edge, _polygamma_own(n, a64), r)
        return r
    return _polygamma_own(n, a)


def _in_dtype(fn: Callable[[np.ndarray], np.ndarray], A: np.ndarray) -> np.ndarray:
    """A float64 routine applied to A, rounded once to A's dtype."""
    with silent():
        return np.asarray(fn(A.astype(np.float64, copy=False))).astype(A.dtype, copy=False)
