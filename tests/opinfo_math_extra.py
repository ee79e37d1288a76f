"""OpInfo entries for the math_extra family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from opinfo import (
    EDGE,
    F32_BIG,
    Const,
    Gen,
    Sample,
    away_from_zero,
    binary_broadcast,
    binary_samples,
    fixed,
    fn,
    method,
    op,
    unary_samples,
    uniform,
)

_INF, _NAN = np.inf, np.nan


def _pos(low: float, high: float) -> Any:
    return lambda rng, s: uniform(rng, s, low, high)


def _edge2(a: tuple[float, ...], b: tuple[float, ...], order: int = 2) -> Any:
    return lambda rng: Sample((np.array(a), np.array(b)), fd=False, order=order, note="edge values")


# unary: name, domain of the random samples, edge values (compared with PyTorch, kept out of finite differences)
_UNARY_EXTRA = [
    ("erf", (-3, 3), (0.0, -0.0, 5.0, -5.0, 30.0, _INF, -_INF, _NAN)),
    ("erfc", (-3, 3), (0.0, 5.0, -5.0, 26.0, 30.0, _INF, -_INF, _NAN)),
    ("erfinv", (-0.95, 0.95), (0.0, -0.0, 0.999, -0.999, 1.0, -1.0, 1.5, _NAN)),
    ("lgamma", (0.2, 5.0), (1.0, 2.0, 0.5, -0.5, -2.5, 1e-3, 100.0, F32_BIG)),
    ("digamma", (0.2, 5.0), (1.0, 2.0, 0.5, -0.5, -2.5, 1e-2, 100.0, F32_BIG)),
    ("exp2", (-3, 3), (0.0, 10.0, -10.0, 200.0, -200.0, _INF, -_INF, _NAN)),
    ("deg2rad", (-400, 400), EDGE),
    ("rad2deg", (-4, 4), EDGE),
    ("sinc", (-3, 3), (0.5, -1.0, 2.0, F32_BIG, _NAN)),
    ("frac", (-3, 3), (0.0, -0.0, 0.5, -1.5, _INF, -_INF, _NAN)),
    ("sgn", (-2, 2), EDGE),
    ("logit", (0.05, 0.95), (0.5, 1e-3, 0.999, 0.0, 1.0, -0.5, 1.5, _NAN)),
    ("nan_to_num", (-2, 2), EDGE),
]
for _name, _dom, _edge in _UNARY_EXTRA:
    op(_name, fn(_name), unary_samples(*_dom, special=_edge))
    op(f"{_name}.method", method(_name), unary_samples(*_dom), gradgrad=False)

# the poles and infinities of lgamma/digamma: values compared; derivatives only to first order (PyTorch's
# polygamma gives arbitrary finite numbers at the poles, here ±inf)
op("lgamma.poles", fn("lgamma"), fixed(lambda rng: Sample((np.array([0.0, -0.0, -1.0, -3.0, _INF, -_INF, _NAN]),),
                                                          fd=False, order=1)), covers=("lgamma",))
# (−1 is left out: PyTorch's trigamma there is a rounding artefact, 6.58e32; ψ′ has a pole, inf here)
op("digamma.poles", fn("digamma"), fixed(lambda rng: Sample((np.array([0.0, -0.0, _INF, -_INF, _NAN]),),
                                                            fd=False, order=1)), covers=("digamma",))
op("digamma.negative", fn("digamma"), unary_samples(-3.9, -3.1), covers=("digamma",))
op("lgamma.negative", fn("lgamma"), unary_samples(-2.9, -2.1), covers=("lgamma",))
op("sinc.zero", fn("sinc"), fixed(lambda rng: Sample((np.array([0.0, 1e-20]),), fd=False, order=1)), covers=("sinc",))
op("logit.eps", lambda m, x: m.logit(x, eps=0.1), unary_samples(-0.5, 1.5), covers=("logit",))
op("logit.eps_edges", lambda m, x: m.logit(x, 0.2), unary_samples(special=(0.0, 1.0, 0.5, -1.0, 2.0)),
   covers=("logit",))
op("nan_to_num.values", lambda m, x: m.nan_to_num(x, nan=1.5, posinf=2.0, neginf=-3.0),
   unary_samples(special=EDGE), covers=("nan_to_num",))
op("positive", fn("positive"), unary_samples(special=EDGE))
op("positive.method", method("positive"), unary_samples(), covers=("positive",))
op("signbit", fn("signbit"), fixed(lambda rng: Sample((Const(np.array([0.0, -0.0, 1.0, -2.0, _INF, -_INF, _NAN])),)),
                                   lambda rng: Sample((np.array([-1, 0, 3]),))))

# binary
_away = away_from_zero
op("atan2", fn("atan2"), binary_samples(uniform, _away), broadcast=binary_broadcast(uniform, _away))
op("atan2.edges", fn("atan2"), fixed(_edge2((0.0, -0.0, 0.0, -0.0, 1.0, _INF, -_INF, _NAN),
                                            (0.0, 0.0, -0.0, -0.0, _INF, 1.0, _INF, 1.0), order=1)),
   covers=("atan2",))
op("arctan2", fn("arctan2"), binary_samples(uniform, _away))
op("atan2.method", method("atan2"), binary_samples(uniform, _away), gradgrad=False, covers=("atan2",))
op("hypot", fn("hypot"), binary_samples(_away, _away), broadcast=binary_broadcast(_away, _away))
op("hypot.edges", fn("hypot"), fixed(_edge2((_INF, _NAN, 3.0, F32_BIG), (_NAN, _INF, 4.0, F32_BIG), order=1)),
   covers=("hypot",))
_fmod_a = lambda r, s: np.asarray(uniform(r, s, 0.1, 0.9) + r.integers(-3, 3, s))  # noqa: E731
_fmod_b = lambda r, s: np.asarray(uniform(r, s, 1.1, 1.3) * r.choice([-1.0, 1.0], s))  # noqa: E731
op("fmod", fn("fmod"), binary_samples(_fmod_a, _fmod_b), broadcast=binary_broadcast(_fmod_a, _fmod_b))
op("fmod.scalar", lambda m, a: m.fmod(a, -1.5), unary_samples(0.1, 0.6), covers=("fmod",))
op("fmod.edges", fn("fmod"), fixed(_edge2((-3.0, 3.0, 5.0, _INF, 1.0), (2.0, -2.0, 0.0, 2.0, _INF), order=1)),
   covers=("fmod",))
op("logaddexp", fn("logaddexp"), binary_samples(), broadcast=binary_broadcast())
op("logaddexp2", fn("logaddexp2"), binary_samples(), broadcast=binary_broadcast())
op("logaddexp.edges", fn("logaddexp"), fixed(_edge2((_INF, -_INF, _INF, 1e3, 0.0), (1.0, 1.0, -_INF, -1e3, 0.0))),
   covers=("logaddexp",))
op("logaddexp2.edges", fn("logaddexp2"), fixed(_edge2((1e3, -1e3, 0.0, _INF), (-1e3, 1.0, 0.0, 1.0))),
   covers=("logaddexp2",))
op("xlogy", fn("xlogy"), binary_samples(uniform, _pos(0.2, 3.0)), broadcast=binary_broadcast(uniform, _pos(0.2, 3.0)))
op("xlogy.edges", fn("xlogy"), fixed(_edge2((0.0, 0.0, 0.0, 1.0, _NAN, 2.0), (0.0, _NAN, -1.0, 0.0, 1.0, -1.0),
                                            order=1)), covers=("xlogy",))
op("xlogy.scalar_other", lambda m, a: m.xlogy(a, 2.5), unary_samples(), covers=("xlogy",))
op("xlogy.scalar_self", lambda m, b: m.xlogy(2.0, b), unary_samples(0.2, 3.0), covers=("xlogy",))
op("copysign", fn("copysign"), binary_samples(_away, uniform), broadcast=binary_broadcast(_away, uniform))
op("copysign.scalar", lambda m, a: m.copysign(a, -1.0), unary_samples(gen=_away), covers=("copysign",))
op("copysign.edges", fn("copysign"), fixed(_edge2((0.0, 1.0, 1.0, -2.0, _INF), (-1.0, -0.0, _NAN, 3.0, -1.0))),
   covers=("copysign",))
op("float_power", fn("float_power"), binary_samples(_pos(0.3, 2.0), uniform))
op("float_power.scalar", lambda m, a: m.float_power(a, 2), unary_samples(), covers=("float_power",))
op("float_power.rscalar", lambda m, b: m.float_power(2.5, b), unary_samples(), covers=("float_power",))
op("heaviside", fn("heaviside"),
   fixed(lambda rng: Sample((Const(np.array([-1.0, 0.0, 2.0, -0.0, _NAN])), Const(np.array(0.5)))),
         lambda rng: Sample((np.array([-1, 0, 2]), np.array([7, 7, 7])))))

# lerp, addcmul, addcdiv
op("lerp", lambda m, a, b: m.lerp(a, b, 0.3), binary_samples(), broadcast=binary_broadcast())
op("lerp.high_weight", lambda m, a, b: m.lerp(a, b, 0.8), binary_samples(), covers=("lerp",))
op("lerp.tensor", fn("lerp"), fixed(*[lambda rng, s=s: Sample((uniform(rng, s[0]), uniform(rng, s[1]),
                                                                uniform(rng, s[2], -0.5, 1.5)))
                                      for s in [((), (), ()), ((3,), (2, 3), (1,)), ((2, 1), (3,), (2, 3))]]),
   covers=("lerp",))
op("lerp.method", lambda m, a, b: a.lerp(b, 0.25), binary_samples(), gradgrad=False, covers=("lerp",))


def _three(low: float = -2.0, high: float = 2.0) -> Any:
    shapes = [((), (), ()), ((3,), (2, 3), (1,)), ((2, 1), (3,), (2, 3)), ((0, 2), (2,), ())]

    def samples(rng: Gen) -> Any:
        for a, b, c in shapes:
            yield Sample((uniform(rng, a), uniform(rng, b), away_from_zero(rng, c)))
    return samples


op("addcmul", fn("addcmul"), _three())
op("addcmul.value", lambda m, a, b, c: m.addcmul(a, b, c, value=-0.5), _three(), covers=("addcmul",))
op("addcdiv", fn("addcdiv"), _three())
op("addcdiv.value", lambda m, a, b, c: m.addcdiv(a, b, c, value=2.5), _three(), covers=("addcdiv",))
op("addcmul.method", lambda m, a, b, c: a.addcmul(b, c, value=2), _three(), gradgrad=False, covers=("addcmul",))
