"""OpInfo entries for the inplace_extra family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from opinfo import EDGE, Gen, Sample, binary_broadcast, binary_samples, distinct, fixed, fn, op, unary_samples, uniform

# --- inverse hyperbolic functions (and their arc* aliases) ------------------------------------------------

for _name, _alias, _dom, _edge in (
    ("asinh", "arcsinh", (-3, 3), (0.0, 1e4, -1e4, np.inf, -np.inf, np.nan)),
    ("acosh", "arccosh", (1.2, 3), (1.0, 0.5, -2.0, 1e4, np.inf, np.nan)),
    ("atanh", "arctanh", (-0.9, 0.9), (0.0, 1.0, -1.0, 2.0, np.nan)),
):
    op(_name, fn(_name), unary_samples(*_dom, special=_edge))
    op(_alias, fn(_alias), unary_samples(*_dom))


def _nonleaf(method: str, *args: Any, **kw: Any) -> Any:
    """``(x * 1.5).method(*args)``: the in-place op recorded on a non-leaf, differentiated through."""
    def call(m: Any, x: Any, *rest: Any) -> Any:
        y = x * 1.5
        return getattr(y, method)(*rest, *args, **kw)
    return call


# in-place methods on a non-leaf: values, first and second derivatives against PyTorch
# (not asinh_ / acosh_ / atanh_: PyTorch has no derivative for those in place; tests/test_inplace_extra.py
# checks chainrule's against the out-of-place one)
for _m, _dom in (("tan_", (-0.8, 0.8)),
                 ("acos_", (-0.6, 0.6)), ("asin_", (-0.6, 0.6)), ("atan_", (-2, 2)), ("cosh_", (-2, 2)),
                 ("sinh_", (-2, 2)), ("log10_", (0.2, 2)), ("log2_", (0.2, 2)), ("log1p_", (-0.5, 2)),
                 ("expm1_", (-2, 2)), ("rsqrt_", (0.2, 2)), ("reciprocal_", (0.5, 2)), ("square_", (-2, 2))):
    op(f"{_m}.nonleaf", _nonleaf(_m), unary_samples(*_dom), covers=())
op("cumsum_.nonleaf", _nonleaf("cumsum_", 1), fixed(lambda r: Sample((uniform(r, (2, 3)),))), covers=())
op("clamp_min_.nonleaf", _nonleaf("clamp_min_", 0.3), fixed(lambda r: Sample((distinct(r, (2, 3)),))), covers=())
op("clamp_max_.nonleaf", _nonleaf("clamp_max_", 0.3), fixed(lambda r: Sample((distinct(r, (2, 3)),))), covers=())


def _into(rng: Gen) -> Any:
    """(self, other) pairs where other broadcasts to self's shape, as an in-place op needs."""
    for sa, sb in (((3, 2), (2,)), ((3, 2), ()), ((2, 3), (2, 3)), ((), ())):
        yield Sample((uniform(rng, sa), uniform(rng, sb, 0.5, 2.0)))


op("multiply_.nonleaf", _nonleaf("multiply_"), _into, covers=())
op("subtract_.nonleaf", _nonleaf("subtract_", alpha=2.0), _into, covers=())
op("divide_.nonleaf", _nonleaf("divide_"), _into, covers=())
op("true_divide_.nonleaf", _nonleaf("true_divide_"), _into, covers=())
op("remainder_.nonleaf", _nonleaf("remainder_"), _into, covers=(), max_order=1)
op("fmax.method_nonleaf", lambda m, a, b: (a * 1.0).fmax(b), _into, covers=())

# --- NaN-ignoring max / min --------------------------------------------------------------------------------

for _n in ("fmax", "fmin"):
    op(_n, fn(_n), binary_samples(distinct, distinct), broadcast=binary_broadcast(distinct, distinct))
    op(f"{_n}.nan_ties", fn(_n), fixed(lambda rng: Sample((np.array([1.0, np.nan, 3.0, 2.0, np.nan]),
                                                           np.array([1.0, 2.0, np.nan, 3.0, np.nan])), fd=False)),
       covers=(_n,))


# --- ldexp, nextafter ---------------------------------------------------------------------------------------

def _exponents(rng: Gen, shape: tuple[int, ...]) -> np.ndarray:
    # non-negative: PyTorch's gradient for a negative *integer* exponent is 0 (it computes 2**e in integers);
    # chainrule gives the true 2**e
    return np.asarray(rng.integers(0, 4, shape))


op("ldexp", fn("ldexp"), binary_samples(uniform, uniform), broadcast=binary_broadcast(uniform, uniform))
op("ldexp.int_exponent", fn("ldexp"), binary_samples(uniform, _exponents), covers=("ldexp",))
op("nextafter", fn("nextafter"), binary_samples(uniform, uniform), gradgrad=False)
op("nextafter.equal", fn("nextafter"), fixed(lambda rng: Sample((np.array([1.0, 2.0, 0.0, np.nan]),
                                                                 np.array([1.0, 3.0, -0.0, 1.0])), fd=False)),
   covers=("nextafter",))

# --- integer functions and predicates (values only: nothing to differentiate) -------------------------------

for _n in ("gcd", "lcm"):
    op(_n, fn(_n), fixed(lambda rng: Sample((np.array([12, -18, 0, 7, 0]), np.array([8, 12, 5, -3, 0]))),
                         lambda rng: Sample((np.array([[4], [9]]), np.array([6, 3, 0])))))
for _n in ("isposinf", "isneginf", "isreal"):
    op(_n, fn(_n), fixed(lambda rng: Sample((np.array(EDGE),), fd=False),
                         lambda rng: Sample((np.array([1, -2]),))))
op("fix", fn("fix"), unary_samples(-2, 2, special=(0.5, -0.5, 1.7, np.inf)))
