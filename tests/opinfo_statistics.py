"""OpInfo entries for the statistics family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from opinfo import Const, Sample, distinct, fixed, op, uniform


def _s(*args: Any, fd: bool = True, order: int = 2, **kw: Any) -> Any:
    return lambda rng: Sample(tuple(a(rng) if callable(a) else a for a in args), kw, fd=fd, order=order)


def _u(*shape: int) -> Any:
    return lambda rng: uniform(rng, shape)


def _d(*shape: int) -> Any:
    return lambda rng: distinct(rng, shape)


def _arr(*values: Any) -> Any:
    return lambda rng: np.array(values)


_ZEROS = np.array([[1.5, 0.0, 2.0, -0.5], [0.0, 0.0, 2.0, 1.5], [2.0, -1.0, 0.5, 0.0]])

# --- cumulative ------------------------------------------------------------------------------------------------

op("cumprod", lambda m, x, d, **k: m.cumprod(x, d, **k),
   fixed(_s(_u(), 0), _s(_u(4), 0), _s(_u(2, 3), 1), _s(_u(2, 3), -2), _s(_u(0, 2), 0),
         _s(_arr(1.5, 0.0, 2.0, -0.5), 0, fd=False), _s(lambda rng: _ZEROS, 1, fd=False),
         _s(lambda rng: _ZEROS, 0, fd=False)))
op("cumprod.method", lambda m, x: x.cumprod(1), fixed(_s(_u(2, 3))), covers=("cumprod",))
op("cumprod.dtype", lambda m, x: m.cumprod(x, 0, dtype=m.float64), fixed(_s(_u(3))), covers=("cumprod",))
op("cumprod.int", lambda m, x: m.cumprod(x, 0), fixed(_s(_arr(1, 2, -3))), grad=False, covers=("cumprod",))
op("cumprod_.method", lambda m, x: (x * 1).cumprod_(0), fixed(_s(_u(3, 2))), covers=())
op("cumsum_.method", lambda m, x: (x * 1).cumsum_(1), fixed(_s(_u(3, 2))), covers=())
for _n in ("cummax", "cummin"):
    op(_n, lambda m, x, d, n=_n: getattr(m, n)(x, d),
       fixed(_s(_d(3, 4), 1), _s(_d(5), 0), _s(_d(2, 3), 0), _s(_u(), 0),
             _s(_arr(1.0, 3.0, 3.0, 2.0, np.nan, 5.0, np.nan, 0.0), 0, fd=False)))
op("logcumsumexp", lambda m, x, d: m.logcumsumexp(x, d),
   fixed(_s(_u(), 0), _s(_u(4), 0), _s(_u(2, 3), 1), _s(_u(2, 3), -2), _s(_u(0, 2), 0)))
op("logcumsumexp.extreme", lambda m, x: m.logcumsumexp(x, 0),
   fixed(_s(_arr(1000.0, 0.0, -1000.0, 999.0), fd=False)), covers=("logcumsumexp",))
op("diff", lambda m, x, *a, **k: m.diff(x, *a, **k),
   fixed(_s(_u(5)), _s(_u(3, 4), 2), _s(_u(3, 4), 1, 0), _s(_u(2), 4)))
op("diff.prepend", lambda m, x, p: m.diff(x, 3, -1, prepend=p), fixed(_s(_u(3, 4), _u(3, 1))), covers=("diff",))
op("diff.append", lambda m, x, a, p: m.diff(x, 1, 0, p, append=a), fixed(_s(_u(2, 3), _u(1, 3), _u(2, 3))),
   covers=("diff",))
op("diff.bool", lambda m, x: m.diff(x), fixed(_s(_arr(True, False, False, True))), grad=False, covers=("diff",))

# --- order statistics -------------------------------------------------------------------------------------------

op("aminmax", lambda m, x, **k: m.aminmax(x, **k),
   fixed(_s(_d(3, 4)), _s(_d(3, 4), dim=1), _s(_d(3, 4), dim=0, keepdim=True), _s(_u()),
         _s(_arr([1.0, 3.0, 3.0], [0.0, 0.0, 1.0]), fd=False), _s(_arr([1.0, 3.0, 3.0], [0.0, 0.0, 1.0]), dim=1,
                                                                   fd=False)))
op("kthvalue", lambda m, x, k, *a: m.kthvalue(x, k, *a),
   fixed(_s(_d(3, 5), 2), _s(_d(4, 3), 4, 0), _s(_d(2, 3), 3, -1, True), _s(_u(), 1)))
op("mode", lambda m, x, *a: m.mode(x, *a),
   fixed(_s(_arr([2.0, 1.0, 2.0, 1.0, 3.0, 1.0, 2.0], [1.0, 2.0, 3.0, 3.0, 2.0, 5.0, 5.0]), fd=False),
         _s(_arr([2.0, 1.0], [2.0, 1.0], [0.5, 1.0]), 0, True, fd=False), _s(_d(4)), _s(_u(), 0)))
op("nanmedian", lambda m, x, *a: m.nanmedian(x, *a),
   fixed(_s(_d(3, 4)), _s(_d(5)), _s(_d(3, 4), 1), _s(_d(4, 3), 0, True),
         _s(_arr([2.0, np.nan, 1.0, 2.0, 1.0], [np.nan] * 5, [3.0, 1.0, 2.0, 5.0, 4.0]), 1, fd=False),
         _s(_arr(2.0, np.nan, 1.0, 2.0, 1.0, 1.0), fd=False), _s(_arr(np.nan, np.nan), fd=False)))

_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")
for _n in ("quantile", "nanquantile"):
    op(_n, lambda m, x, q, *a, n=_n, **k: getattr(m, n)(x, q, *a, **k),
       fixed(_s(_d(3, 4), 0.3), _s(_d(3, 4), 0.5, 1), _s(_d(4, 3), 0.25, 0, True), _s(_d(5), 1.0),
             _s(_d(3, 4), Const(np.array([0.1, 0.5, 0.9])), 1),
             _s(_d(3, 4), Const(np.array(0.7)), None, True), _s(_u(), 0.4),
             *(_s(_d(3, 4), 0.4, 1, interpolation=i) for i in _INTERP),
             *(_s(_arr([1.0, np.nan, np.nan], [2.0, 3.0, np.nan], [0.5, 7.0, np.nan]), 0.4, 0, fd=False,
                  interpolation=i) for i in _INTERP)))

# --- NaN-aware reductions ---------------------------------------------------------------------------------------

_NANS = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, np.nan], [0.5, -1.0, 3.0]])
op("nansum", lambda m, x, *a, **k: m.nansum(x, *a, **k),
   fixed(_s(_u(3, 4)), _s(_u(3, 4), 1), _s(_u(3, 4), (0, 1), True), _s(_u()), _s(_u(0, 3), 0),
         _s(lambda rng: _NANS, fd=False), _s(lambda rng: _NANS, 1, fd=False)))
op("nansum.int", lambda m, x: m.nansum(x), fixed(_s(_arr(1, 2, 3))), grad=False, covers=("nansum",))
op("nanmean", lambda m, x, *a, **k: m.nanmean(x, *a, **k),
   fixed(_s(_u(3, 4)), _s(_u(3, 4), 1), _s(_u(3, 4), keepdim=True), _s(_u()), _s(lambda rng: _NANS, fd=False),
         _s(lambda rng: _NANS, 0, True, fd=False)))

# --- cov / corrcoef ---------------------------------------------------------------------------------------------

op("cov", lambda m, x, **k: m.cov(x, **k),
   fixed(_s(_u(3, 5)), _s(_u(5)), _s(_u(2, 4), correction=0),
         _s(_u(2, 4), correction=4, fd=False)))
op("cov.fweights", lambda m, x, f: m.cov(x, fweights=f), fixed(_s(_u(2, 4), _arr(1, 2, 1, 3))), covers=("cov",))
op("cov.aweights", lambda m, x, a: m.cov(x, aweights=a),
   fixed(_s(_u(2, 4), lambda rng: rng.uniform(0.5, 2.0, 4))), covers=("cov",))
op("cov.both", lambda m, x, f, a: m.cov(x, fweights=f, aweights=a, correction=2),
   fixed(_s(_u(2, 4), _arr(1, 2, 1, 3), lambda rng: rng.uniform(0.5, 2.0, 4))), covers=("cov",))
op("corrcoef", lambda m, x: m.corrcoef(x), fixed(_s(_u(3, 5)), _s(_u(2, 4)), _s(_u(6))))

# --- counting and searching (not differentiable) ----------------------------------------------------------------

op("bincount", lambda m, x, *a, **k: m.bincount(x, *a, **k),
   fixed(_s(_arr(1, 1, 3, 0)), _s(_arr(1, 1, 3), minlength=6), _s(lambda rng: np.zeros(0, np.int64), minlength=2),
         _s(_arr(2, 0, 2), Const(np.array([0.5, 1.0, 2.0])))), grad=False)
op("histc", lambda m, x, *a, **k: m.histc(x, *a, **k),
   fixed(_s(_u(20)), _s(_u(3, 5), 4), _s(_u(30), bins=5, min=-1, max=1), _s(_arr(0.0, 1, 2, 3, 4), 4, 0, 4),
         _s(_arr(1.0, 1.0), bins=4)), grad=False)
_SORTED = np.array([-1.0, 0.0, 0.5, 2.0, 2.0, 3.0])
op("searchsorted", lambda m, s, v, **k: m.searchsorted(s, v, **k),
   fixed(_s(lambda rng: _SORTED, _arr(2.0, -3.0, 0.25, 4.0, 0.0)),
         _s(lambda rng: _SORTED, _arr([2.0, 0.0], [5.0, 0.5]), right=True),
         _s(lambda rng: _SORTED, 2.0, side="right", out_int32=True),
         _s(_arr([1.0, 3.0], [2.0, 4.0]), _arr([2.0, 3.0, 0.0], [3.0, 5.0, 2.0])),
         _s(_arr(5.0, 1.0, 3.0), _arr(2.0, 4.0))), grad=False)
op("searchsorted.sorter", lambda m, s, v, o: m.searchsorted(s, v, sorter=o),
   fixed(_s(_arr(5.0, 1.0, 3.0), _arr(2.0, 4.0, 0.0), _arr(1, 2, 0))), grad=False, covers=("searchsorted",))
op("bucketize", lambda m, x, b, **k: m.bucketize(x, b, **k),
   fixed(_s(_arr([1.0, 4.0], [6.0, 9.0]), lambda rng: _SORTED), _s(_arr(2.0, 3.0, -5.0), lambda rng: _SORTED,
                                                                     right=True, out_int32=True),
         _s(2.0, lambda rng: _SORTED)), grad=False)
op("isin", lambda m, a, b, **k: m.isin(a, b, **k),
   fixed(_s(_arr(1, 2, 3, 2), _arr(2, 5)), _s(_arr([1.0, 2.0], [3.0, 4.0]), _arr(4.0, 1.0), invert=True),
         _s(_arr(1, 2, 3), 2), _s(2, _arr(1, 2))), grad=False)

# --- distances --------------------------------------------------------------------------------------------------

# PyTorch has no second derivative for cdist (_cdist_backward): first order only
op("cdist", lambda m, a, b, *p: m.cdist(a, b, *p),
   fixed(_s(_u(3, 2), _u(4, 2)), _s(_u(3, 2), _u(4, 2), 1.0), _s(_u(3, 2), _u(2, 2), 3.0),
         _s(_u(2, 3), _u(2, 3), 0.5), _s(_d(3, 2), _d(2, 2), float("inf")), _s(_u(3, 2), _u(4, 2), 0.0),
         _s(_u(2, 3, 2), _u(1, 4, 2)),
         _s(_arr([1.0, 2.0], [0.5, -1.0]), _arr([1.0, 2.0], [3.0, 1.0]), fd=False)),
   gradgrad=False, max_order=1)
op("cdist.mm", lambda m, a, b: m.cdist(a, b), fixed(_s(_u(26, 2), _u(2, 2))), gradgrad=False, max_order=1,
   covers=("cdist",))
op("dist", lambda m, a, b, *p: m.dist(a, b, *p),
   fixed(_s(_u(3, 2), _u(3, 2)), _s(_u(3, 2), _u(2), 1), _s(_u(3), _u(3), 3), _s(_u(4), _u(4), 0.5),
         _s(_d(2, 3), _d(2, 3), float("inf")), _s(_u(), _u(2)),
         _s(_arr(1.0, 2.0), _arr(1.0, 2.0), fd=False, order=1)))

# --- trapezoidal rule -------------------------------------------------------------------------------------------

for _n in ("trapezoid", "trapz", "cumulative_trapezoid"):
    op(_n, lambda m, y, *a, n=_n, **k: getattr(m, n)(y, *a, **k),
       fixed(_s(_u(5)), _s(_u(3, 4)), _s(_u(3, 4), dim=0), _s(_u(3, 4), dx=2.5),
             _s(_u(3, 4), lambda rng: np.sort(rng.uniform(0, 3, 4))), _s(_u(3, 4), _u(3, 4), dim=0),
             _s(_u(2, 0)), _s(_u(2, 1))))

