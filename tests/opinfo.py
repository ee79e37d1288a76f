"""The OpInfo-style conformance table: one entry per public op, checked against live PyTorch.

Each ``OpInfo`` names an op, says how to call it on a module (``chainrule`` or
``torch``; the two speak the same API, so one lambda serves both) and yields
``Sample`` inputs. A sample's floating NumPy arrays become tensors in the dtype
under test that require grad; integer/bool arrays become plain tensors; other
values (ints, dims, Python scalars, index tuples) are passed through unchanged.
The runner lives in ``test_conformance_ops.py``.

Samples marked ``fd=False`` sit on a kink or an extreme value: they are compared
with PyTorch (values, inf/nan placement, first and second derivatives) but are
kept out of the finite-difference checks, which only hold where the op is smooth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Gen = np.random.Generator
F32_BIG = 1e4  # large enough to overflow exp in float32, small enough to be exact


@dataclass
class Const:
    """A floating array passed as a tensor that does not require grad."""

    array: np.ndarray


@dataclass
class Sample:
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    fd: bool = True  # smooth here: usable for gradcheck / gradgradcheck
    order: int = 2  # highest derivative order compared with PyTorch
    note: str = ""

    def __repr__(self) -> str:
        shapes = [a.shape if isinstance(a, np.ndarray) else a for a in self.args]
        return f"Sample({shapes}, {self.kwargs}{', ' + self.note if self.note else ''})"


@dataclass
class OpInfo:
    name: str  # the table key, e.g. "sum" or "sum.dim"
    call: Callable[..., Any]  # call(module, *args, **kwargs)
    samples: Callable[[Gen], Iterator[Sample]]
    covers: tuple[str, ...] | None = None  # functional names exercised (default: the name up to '.')
    grad: bool = True  # differentiable in PyTorch
    gradgrad: bool = True  # run gradgradcheck on the fd samples
    broadcast: Callable[[Gen, tuple[tuple[int, ...], ...]], Sample] | None = None  # binary ops: hypothesis
    signature: str | None = None  # gufunc signature for the Hypothesis shapes (matmul), else elementwise
    max_order: int = 2  # highest derivative order compared with PyTorch for every sample
    rtol32: float | None = None  # float32 tolerance overrides (defaults: oracle.tol)
    atol32: float | None = None

    @property
    def functions(self) -> tuple[str, ...]:
        return self.covers if self.covers is not None else (self.name.split(".")[0],)


# --- sample helpers ---------------------------------------------------------------------------------------

SHAPES = [(), (5,), (2, 3), (0, 3)]  # 0-d, vector, matrix, empty


def uniform(rng: Gen, shape: tuple[int, ...], low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return np.asarray(rng.uniform(low, high, shape))


def away_from_zero(rng: Gen, shape: tuple[int, ...], low: float = 0.5, high: float = 2.0) -> np.ndarray:
    """Magnitudes in [low, high] with random signs (keeps 1/x, x/|x| ... smooth)."""
    return np.asarray(rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape))


def distinct(rng: Gen, shape: tuple[int, ...]) -> np.ndarray:
    """Values with gaps >= 0.1 between all elements, so max/sort-like ops are smooth under ±1e-6."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 - n * 0.15 + rng.uniform(-0.05, 0.05, n)).reshape(shape)


def unary_samples(low: float = -2.0, high: float = 2.0, special: tuple[float, ...] = (),
                  gen: Callable[..., np.ndarray] | None = None, **kw: Any) -> Callable[[Gen], Iterator[Sample]]:
    def samples(rng: Gen) -> Iterator[Sample]:
        for s in SHAPES:
            yield Sample((gen(rng, s) if gen else uniform(rng, s, low, high),), dict(kw))
        if special:
            yield Sample((np.array(special),), dict(kw), fd=False, note="edge values")
    return samples


def binary_samples(gen_a: Callable[..., np.ndarray] = uniform, gen_b: Callable[..., np.ndarray] = uniform,
                   **kw: Any) -> Callable[[Gen], Iterator[Sample]]:
    """The broadcasting pairs every binary op is run on (HIPS binary_ufunc_check style)."""
    pairs = [((), ()), ((), (3, 2)), ((2,), (3, 2)), ((1, 2), (3, 1)), ((3, 2), (3, 2)), ((2, 1, 3), (4, 1)),
             ((0, 2), (2,))]

    def samples(rng: Gen) -> Iterator[Sample]:
        for sa, sb in pairs:
            yield Sample((gen_a(rng, sa), gen_b(rng, sb)), dict(kw))
    return samples


def binary_broadcast(gen_a: Callable[..., np.ndarray] = uniform, gen_b: Callable[..., np.ndarray] = uniform,
                     **kw: Any) -> Callable[[Gen, tuple[tuple[int, ...], ...]], Sample]:
    def make(rng: Gen, shapes: tuple[tuple[int, ...], ...]) -> Sample:
        return Sample((gen_a(rng, shapes[0]), gen_b(rng, shapes[1])), dict(kw))
    return make


def fixed(*samples: Callable[[Gen], Sample]) -> Callable[[Gen], Iterator[Sample]]:
    def gen(rng: Gen) -> Iterator[Sample]:
        for s in samples:
            yield s(rng)
    return gen


def method(name: str) -> Callable[..., Any]:
    """Call ``input.name(*rest)``: the Tensor-method spelling of an op."""
    return lambda m, x, *a, **k: getattr(x, name)(*a, **k)


def fn(name: str) -> Callable[..., Any]:
    """Call ``module.name(*args)``; tagged so the method-spelling test can call ``x.name(*rest)`` too."""
    call = lambda m, *a, **k: getattr(m, name)(*a, **k)  # noqa: E731
    call.function_name = name  # type: ignore[attr-defined]
    return call


EDGE = (0.0, -0.0, 1.0, -1.0, F32_BIG, -F32_BIG, np.inf, -np.inf, np.nan)
POS = (0.0, 1e-30, 1.0, F32_BIG, np.inf, np.nan)

# --- the table --------------------------------------------------------------------------------------------

OPS: list[OpInfo] = []


def op(*args: Any, **kwargs: Any) -> OpInfo:
    info = OpInfo(*args, **kwargs)
    assert all(o.name != info.name for o in OPS), info.name
    OPS.append(info)
    return info


# unary pointwise: (name, domain, edge values)
_UNARY = [
    ("exp", (-3, 3), (0.0, 100.0, -100.0, 89.0, -104.0, F32_BIG, -F32_BIG, np.inf, -np.inf, np.nan)),
    ("log", (0.1, 3), (0.0, -1.0, 1e-30, F32_BIG, np.inf, np.nan)),
    ("log2", (0.1, 3), (0.0, -1.0, 1e-30, F32_BIG, np.inf)),
    ("log10", (0.1, 3), (0.0, -1.0, 1e-30, F32_BIG, np.inf)),
    ("log1p", (-0.9, 3), (-1.0, -2.0, 0.0, 1e-10, F32_BIG, np.inf)),
    ("expm1", (-3, 3), (0.0, 1e-10, 100.0, F32_BIG, -F32_BIG, np.inf, -np.inf)),
    ("sqrt", (0.1, 3), (0.0, -1.0, 1e-30, F32_BIG, np.inf, np.nan)),
    ("rsqrt", (0.1, 3), (0.0, -1.0, 1e-30, F32_BIG, np.inf)),
    ("abs", None, EDGE),
    ("neg", (-2, 2), EDGE),
    ("sin", (-3, 3), (0.0, F32_BIG, np.inf, np.nan)),
    ("cos", (-3, 3), (0.0, F32_BIG, np.inf, np.nan)),
    ("tan", (-1.2, 1.2), (0.0, F32_BIG)),
    ("tanh", (-3, 3), (0.0, 1000.0, -1000.0, 20.0, np.inf, -np.inf, np.nan)),
    ("sigmoid", (-4, 4), (0.0, 1000.0, -1000.0, -20.0, 20.0, np.inf, -np.inf, np.nan)),
    ("relu", None, (0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan)),
    ("atan", (-3, 3), (0.0, F32_BIG, -F32_BIG, np.inf, -np.inf)),
    ("asin", (-0.9, 0.9), (0.0, 1.0, -1.0, 2.0)),
    ("acos", (-0.9, 0.9), (0.0, 1.0, -1.0, 2.0)),
    ("sinh", (-3, 3), (0.0, 100.0, -100.0, F32_BIG, -F32_BIG)),
    ("cosh", (-3, 3), (0.0, 100.0, -100.0, F32_BIG, -F32_BIG)),
    ("reciprocal", None, (0.0, -0.0, F32_BIG, np.inf, -np.inf)),
    ("square", (-2, 2), (0.0, F32_BIG, -F32_BIG, np.inf)),
    ("sign", (-2, 2), (0.0, -0.0, 1.0, -1.0, np.inf, np.nan)),
    ("floor", (-2, 2), (0.5, -0.5, 1.0, np.inf)),
    ("ceil", (-2, 2), (0.5, -0.5, 1.0, np.inf)),
    ("round", (-2, 2), (0.5, 1.5, 2.5, -0.5, np.inf)),
    ("trunc", (-2, 2), (0.5, -0.5, 1.7, np.inf)),
    ("clone", (-2, 2), EDGE),
]
_AWAY = {"abs", "relu", "reciprocal"}  # kinks/poles at 0: random samples stay away from it
for _name, _dom, _edge in _UNARY:
    if _name in _AWAY:
        _samples = unary_samples(special=_edge, gen=away_from_zero)
    else:
        _samples = unary_samples(*_dom, special=_edge)
    op(_name, fn(_name), _samples)
    op(f"{_name}.method", method(_name), unary_samples(*(_dom or (0.5, 2.0))), gradgrad=False)

op("round.decimals", lambda m, x: m.round(x, decimals=2), unary_samples(-2, 2, special=(0.125, 0.135, -1.005)))


def _edge(values: tuple[float, ...]) -> Callable[[Gen], Sample]:
    return lambda rng: Sample((np.array(values),), fd=False, note=f"edge {values}")


# --- binary arithmetic ------------------------------------------------------------------------------------

op("add", fn("add"), binary_samples(), broadcast=binary_broadcast())
op("add.alpha", lambda m, a, b: m.add(a, b, alpha=2.5), binary_samples(), covers=("add",))
op("add.scalar", lambda m, a: m.add(a, 3.5), unary_samples(special=EDGE), covers=("add",))
op("sub", fn("sub"), binary_samples(), broadcast=binary_broadcast())
op("sub.alpha", lambda m, a, b: m.sub(a, b, alpha=-0.5), binary_samples(), covers=("sub",))
op("mul", fn("mul"), binary_samples(), broadcast=binary_broadcast())
op("mul.scalar", lambda m, a: m.mul(a, -1.5), unary_samples(special=EDGE), covers=("mul",))
op("div", fn("div"), binary_samples(uniform, away_from_zero), broadcast=binary_broadcast(uniform, away_from_zero))
# order=1: at b=0 PyTorch's second derivative is nan where the closed form (and chainrule) give ±inf
op("div.zero", fn("div"), fixed(lambda rng: Sample((np.array([1.0, -1.0, 0.0, 2.0, np.inf]),
                                                    np.array([0.0, 0.0, 0.0, np.inf, np.inf])), fd=False, order=1)),
   covers=("div",))
op("div.trunc", lambda m, a, b: m.div(a, b, rounding_mode="trunc"), binary_samples(uniform, away_from_zero),
   covers=("div",))
op("div.floor", lambda m, a, b: m.div(a, b, rounding_mode="floor"), binary_samples(uniform, away_from_zero),
   covers=("div",))
op("div.rscalar", lambda m, a: 2.0 / a, unary_samples(gen=away_from_zero), covers=())
op("remainder", fn("remainder"), binary_samples(lambda r, s: np.asarray(uniform(r, s, 0.1, 0.9) + r.integers(-3, 3, s)),
                                                lambda r, s: uniform(r, s, 1.1, 1.3)),
   max_order=1)  # PyTorch has no second derivative for remainder
op("remainder.scalar", lambda m, a: m.remainder(a, -1.5), unary_samples(0.1, 0.6), covers=("remainder",))
op("floor_divide", fn("floor_divide"), binary_samples(uniform, away_from_zero), grad=False)
op("maximum", fn("maximum"), binary_samples(distinct, distinct), broadcast=binary_broadcast(distinct, distinct))
op("minimum", fn("minimum"), binary_samples(distinct, distinct), broadcast=binary_broadcast(distinct, distinct))
op("maximum.ties", fn("maximum"), fixed(lambda rng: Sample((np.array([1.0, 2.0, 3.0, np.nan]),
                                                            np.array([1.0, 1.0, 4.0, 0.0])), fd=False)),
   covers=("maximum",))
op("minimum.ties", fn("minimum"), fixed(lambda rng: Sample((np.array([1.0, 2.0, 3.0, np.nan]),
                                                            np.array([1.0, 1.0, 4.0, 0.0])), fd=False)),
   covers=("minimum",))

# pow: tensor ** tensor (positive base), tensor ** scalar, scalar ** tensor, edges at 0
_pos = lambda rng, s: uniform(rng, s, 0.3, 2.0)  # noqa: E731
op("pow", fn("pow"), binary_samples(_pos, uniform), broadcast=binary_broadcast(_pos, uniform))
for _e in (2, 3, 0.5, -1, 0, 1.5, -2.5):
    op(f"pow.scalar{_e}", lambda m, a, e=_e: m.pow(a, e), unary_samples(0.3, 2.0), covers=("pow",))
op("pow.int_exp", lambda m, a: m.pow(a, 3), unary_samples(-2, 2), covers=("pow",))
op("pow.rscalar", lambda m, e: m.pow(2.5, e), unary_samples(-2, 2), covers=("pow",))
# order=1: PyTorch's second derivative at base 0, exponent 2 is nan (its log(0)·0 term); the true value is finite
op("pow.zero_base", lambda m, a, e: m.pow(a, e),
   fixed(lambda rng: Sample((np.array([0.0, 0.0, 0.0, 0.0, 2.0, -2.0]),
                             np.array([0.0, 0.5, 2.0, -1.0, 0.0, 2.0])), fd=False, order=1)), covers=("pow",))
op("pow.kinks", lambda m, a: m.stack([a ** 0, a ** 0.5, a ** 2, a ** 1, a ** -1]),
   fixed(lambda rng: Sample((np.array([0.0, 1.0, -1.0]),), fd=False)), covers=("pow", "stack"))
op("pow.negative_base", lambda m, a, e: m.pow(a, e),
   fixed(lambda rng: Sample((np.array([-2.0, -0.5]), np.array([2.0, 3.0])), fd=False)), covers=("pow",))

# --- operators --------------------------------------------------------------------------------------------

op("__add__", lambda m, a, b: a + b, binary_samples(), covers=())
op("__radd__", lambda m, a: 1.5 + a, unary_samples(), covers=())
op("__sub__", lambda m, a, b: a - b, binary_samples(), covers=())
op("__rsub__", lambda m, a: 1.5 - a, unary_samples(), covers=())
op("__mul__", lambda m, a, b: a * b, binary_samples(), covers=())
op("__rmul__", lambda m, a: 3 * a, unary_samples(), covers=())
op("__truediv__", lambda m, a, b: a / b, binary_samples(uniform, away_from_zero), covers=())
op("__rtruediv__", lambda m, a: 3 / a, unary_samples(gen=away_from_zero), covers=())
op("__pow__", lambda m, a, b: a ** b, binary_samples(_pos, uniform), covers=())
op("__pow__.scalar", lambda m, a: a ** 2, unary_samples(), covers=())
op("__rpow__", lambda m, a: 2 ** a, unary_samples(), covers=())
op("__neg__", lambda m, a: -a, unary_samples(special=EDGE), covers=())
op("__matmul__", lambda m, a, b: a @ b, fixed(lambda rng: Sample((uniform(rng, (2, 3)), uniform(rng, (3, 4))))),
   covers=())
op("__iadd__.nonleaf", lambda m, a, b: _iadd(a, b), binary_samples(uniform, uniform), covers=())


def _iadd(a: Any, b: Any) -> Any:
    y = a * 1  # in-place on a non-leaf is recorded
    y += b.sum() * b.sum() if b.dim() else b * b
    return y


_CMP_PAIRS = lambda: fixed(lambda rng: Sample((np.array([1.0, 2.0, np.nan, 3.0]),  # noqa: E731
                                               np.array([1.0, 1.0, np.nan, 4.0]))),
                           lambda rng: Sample((uniform(rng, (3, 1)), uniform(rng, (2,)))))
for _n, _fn in (("__eq__", lambda m, a, b: a == b), ("__ne__", lambda m, a, b: a != b),
                ("__lt__", lambda m, a, b: a < b), ("__le__", lambda m, a, b: a <= b),
                ("__gt__", lambda m, a, b: a > b), ("__ge__", lambda m, a, b: a >= b),
                ("__gt__.scalar", lambda m, a, b: a > 1.0)):
    op(_n, _fn, _CMP_PAIRS(), grad=False, covers=())

# --- comparisons and predicates (values only) -------------------------------------------------------------

for _n in ("eq", "ne", "lt", "le", "gt", "ge", "isclose"):
    op(_n, fn(_n), _CMP_PAIRS(), grad=False)
for _n in ("equal", "allclose"):
    op(_n, fn(_n), fixed(lambda rng: Sample((np.array([1.0, 2.0]), np.array([1.0, 2.0]))),
                         lambda rng: Sample((np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9])))), grad=False)
for _n in ("logical_and", "logical_or", "logical_xor"):
    op(_n, fn(_n), fixed(lambda rng: Sample((np.array([0.0, 1.0, 0.0, 2.0]), np.array([0.0, 0.0, 3.0, -1.0]))),
                         lambda rng: Sample((np.array([True, False]), np.array([[True], [False]])))), grad=False)
op("logical_not", fn("logical_not"), fixed(lambda rng: Sample((np.array([0.0, 1.0, np.nan]),)),
                                           lambda rng: Sample((np.array([True, False]),))), grad=False)
for _n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    op(_n, fn(_n), fixed(lambda rng: Sample((np.array([5, 3, -1]), np.array([3, 6, 4]))),
                         lambda rng: Sample((np.array([True, False]), np.array([True, True])))), grad=False)
op("bitwise_not", fn("bitwise_not"), fixed(lambda rng: Sample((np.array([5, 0, -1]),)),
                                           lambda rng: Sample((np.array([True, False]),))), grad=False)
for _n in ("isnan", "isinf", "isfinite"):
    op(_n, fn(_n), fixed(_edge(EDGE)), grad=False)

# --- linear algebra ---------------------------------------------------------------------------------------

_MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
                  ((3,), (2, 3, 4)), ((2, 1, 2, 3), (5, 3, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]
op("matmul", fn("matmul"), lambda rng: (Sample((uniform(rng, a), uniform(rng, b))) for a, b in _MATMUL_SHAPES),
   broadcast=binary_broadcast(), signature="(m?,n),(n,p?)->(m?,p?)")
op("mm", fn("mm"), fixed(lambda rng: Sample((uniform(rng, (2, 3)), uniform(rng, (3, 4)))),
                         lambda rng: Sample((uniform(rng, (0, 3)), uniform(rng, (3, 2))))))
op("bmm", fn("bmm"), fixed(lambda rng: Sample((uniform(rng, (2, 2, 3)), uniform(rng, (2, 3, 4))))))
op("dot", fn("dot"), fixed(lambda rng: Sample((uniform(rng, (4,)), uniform(rng, (4,))))))
op("mv", fn("mv"), fixed(lambda rng: Sample((uniform(rng, (2, 3)), uniform(rng, (3,))))))
op("outer", fn("outer"), fixed(lambda rng: Sample((uniform(rng, (3,)), uniform(rng, (2,))))))

# --- selection --------------------------------------------------------------------------------------------

op("where", lambda m, c, a, b: m.where(c, a, b),
   lambda rng: (Sample((np.asarray(rng.random(sc) > 0.5), uniform(rng, sa), uniform(rng, sb)))
                for sc, sa, sb in [((), (), ()), ((3, 2), (2,), ()), ((3, 1), (1, 2), (3, 2)), ((0,), (0,), ())]),
   broadcast=lambda rng, s: Sample((np.asarray(rng.random(s[0]) > 0.5), uniform(rng, s[1]), uniform(rng, s[2]))))
op("where.scalar", lambda m, c, a: m.where(c, a, 0.0),
   fixed(lambda rng: Sample((rng.random((3, 2)) > 0.5, uniform(rng, (3, 2))))), covers=("where",))
op("where.scalar_left", lambda m, c, b: m.where(c, -1.0, b),
   fixed(lambda rng: Sample((rng.random((3, 2)) > 0.5, uniform(rng, (2,))))), covers=("where",))
op("where.nan_leak", lambda m, x: m.stack([m.where(x > 0, m.sqrt(x), 0.0), m.where(x > 0, m.log(x), 0.0)]),
   fixed(lambda rng: Sample((np.array([-1.0, 0.0, 4.0]),), fd=False)), covers=("where", "sqrt", "log"))
op("where.condition_only", lambda m, c: m.where(c), fixed(lambda rng: Sample((np.array([[0.0, 1.0], [2.0, 0.0]]),))),
   grad=False, covers=("where",))
op("clamp", lambda m, x: m.clamp(x, -0.5, 0.7), unary_samples(special=(-0.5, 0.7, 0.0, -1.0, 1.0, np.nan)))
op("clamp.min", lambda m, x: m.clamp(x, min=-0.5), unary_samples(special=(-0.5, 0.0)), covers=("clamp",))
op("clamp.max", lambda m, x: m.clamp(x, max=0.3), unary_samples(special=(0.3, 0.0)), covers=("clamp",))
op("clamp.tensor", lambda m, x, lo, hi: m.clamp(x, lo, hi),
   fixed(lambda rng: Sample((uniform(rng, (3, 2)), uniform(rng, (2,), -2, -0.5), uniform(rng, (3, 1), 0.5, 2))),
         lambda rng: Sample((np.array([-1.0, 0.0, 1.0, 2.0]), np.array([-1.0, -1.0, 1.0, 0.0]),
                             np.array([1.0, 0.0, 1.0, 1.0])), fd=False, note="at the bounds; lo > hi")),
   covers=("clamp",))
op("clamp.min_tensor", lambda m, x, lo: m.clamp(x, min=lo),
   fixed(lambda rng: Sample((distinct(rng, (3, 2)), distinct(rng, (2,))))), covers=("clamp",))
op("clip", lambda m, x: m.clip(x, -0.5, 0.7), unary_samples())
op("clamp_min", lambda m, x: m.clamp_min(x, 0.2), unary_samples(special=(0.2,)))
op("clamp_max", lambda m, x: m.clamp_max(x, 0.2), unary_samples(special=(0.2,)))
op("masked_fill", lambda m, x, mask: m.masked_fill(x, mask, -3.0),
   fixed(lambda rng: Sample((uniform(rng, (3, 2)), rng.random((2,)) > 0.5)),
         lambda rng: Sample((uniform(rng, (2, 3)), np.array(True)))))
op("masked_fill.tensor_value", lambda m, x, mask, v: m.masked_fill(x, mask, v),
   fixed(lambda rng: Sample((uniform(rng, (3, 2)), rng.random((3, 2)) > 0.5, Const(np.array(2.0))))),
   covers=("masked_fill",))

# --- reductions -------------------------------------------------------------------------------------------


def reduce_samples(gen: Callable[..., np.ndarray] = uniform, dims: bool = True,
                   empty: bool = True, tuple_dims: bool = True, smooth_0d: bool = True,
                   **extra: Any) -> Callable[[Gen], Iterator[Sample]]:
    """0-d, vector, 3-d and empty inputs, then dim / dim-tuple / keepdim variants.

    ``smooth_0d=False`` keeps 0-d inputs out of finite differences (var of one element is nan).
    """
    def samples(rng: Gen) -> Iterator[Sample]:
        yield Sample((gen(rng, ()),), dict(extra), fd=smooth_0d)
        yield Sample((gen(rng, (5,)),), dict(extra))
        yield Sample((gen(rng, (2, 3, 2)),), dict(extra))
        if empty:
            yield Sample((gen(rng, (0, 3)),), dict(extra))
        if dims:
            for kw in ({"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": (0, 2)}, {"dim": (2, -3), "keepdim": True}):
                if isinstance(kw["dim"], tuple) and not tuple_dims:
                    continue
                yield Sample((gen(rng, (2, 3, 2)),), {**kw, **extra})
            yield Sample((gen(rng, ()),), {"dim": 0, **extra}, fd=smooth_0d)
    return samples


op("sum", fn("sum"), reduce_samples())
op("sum.method", method("sum"), reduce_samples(), gradgrad=False)
op("sum.dim_list", lambda m, x: m.sum(x, [0, 1]), fixed(lambda rng: Sample((uniform(rng, (2, 3)),))), covers=("sum",))
op("sum.empty_dim", lambda m, x: m.sum(x, 0), fixed(lambda rng: Sample((uniform(rng, (0, 3)),))), covers=("sum",))
op("mean", fn("mean"), reduce_samples())
op("mean.empty_dim", lambda m, x: m.mean(x, 1), fixed(lambda rng: Sample((uniform(rng, (2, 0)),), fd=False)),
   covers=("mean",))
op("var", fn("var"), reduce_samples())
op("var.correction0", fn("var"), reduce_samples(correction=0, empty=False), covers=("var",))
op("var.correction2", fn("var"), reduce_samples(correction=2, dims=False, empty=False), covers=("var",))
op("var.unbiased_false", lambda m, x: m.var(x, -1, False, True), reduce_samples(dims=False), covers=("var",))
op("var.single", fn("var"), fixed(lambda rng: Sample((uniform(rng, (1,)),), fd=False, note="n=1: nan")),
   covers=("var",))
op("std", fn("std"), reduce_samples())
op("std.correction0", fn("std"), reduce_samples(correction=0, empty=False), covers=("std",))
op("std.unbiased_false", lambda m, x: m.std(x, 0, unbiased=False), reduce_samples(dims=False, empty=False),
   covers=("std",))
op("std.constant", fn("std"), fixed(lambda rng: Sample((np.ones(3),), fd=False, note="std 0: grad nan")),
   covers=("std",))
op("var_mean", fn("var_mean"), reduce_samples(smooth_0d=False))
op("std_mean", fn("std_mean"), reduce_samples(empty=False, smooth_0d=False))
op("prod", fn("prod"), reduce_samples(dims=False))
op("prod.dim", lambda m, x, **k: m.prod(x, 1, **k),
   fixed(lambda rng: Sample((uniform(rng, (2, 3)),)), lambda rng: Sample((uniform(rng, (2, 3)),), {"keepdim": True})),
   covers=("prod",))
op("prod.zeros", lambda m, x: m.stack([m.prod(x[0]), m.prod(x[1]), m.prod(x[2])]),
   fixed(lambda rng: Sample((np.array([[1.5, 0.0, 2.0], [0.0, 3.0, 0.0], [1.0, 2.0, 3.0]]),), fd=False)),
   covers=("prod",))
op("prod.zeros_dim", lambda m, x: m.prod(x, 1),
   fixed(lambda rng: Sample((np.array([[1.5, 0.0, 2.0], [0.0, 3.0, 0.0], [1.0, 2.0, 3.0]]),))), covers=("prod",))
op("max", fn("max"), reduce_samples(distinct, dims=False, empty=False))
op("max.dim", lambda m, x, **k: m.max(x, **k),
   fixed(lambda rng: Sample((distinct(rng, (2, 3)),), {"dim": 1}),
         lambda rng: Sample((distinct(rng, (2, 3)),), {"dim": 0, "keepdim": True}),
         lambda rng: Sample((distinct(rng, ()),), {"dim": 0})), covers=("max",))
op("max.ties", fn("max"), fixed(_edge((1.0, 3.0, 3.0, -1.0))), covers=("max",))
op("max.dim_ties", lambda m, x: m.max(x, 1), fixed(lambda rng: Sample((np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),),
                                                                    fd=False)), covers=("max",))
op("max.nan", fn("max"), fixed(_edge((1.0, np.nan, 3.0))), covers=("max",))
op("max.binary", lambda m, a, b: m.max(a, b), binary_samples(distinct, distinct), covers=("max",))
op("min", fn("min"), reduce_samples(distinct, dims=False, empty=False))
op("min.dim", lambda m, x: m.min(x, dim=-1), fixed(lambda rng: Sample((distinct(rng, (2, 3)),))), covers=("min",))
op("min.ties", fn("min"), fixed(_edge((1.0, -3.0, -3.0, -3.0))), covers=("min",))
op("amax", fn("amax"), reduce_samples(distinct, empty=False))
op("amax.ties", lambda m, x: m.amax(x, 1), fixed(lambda rng: Sample((np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),),
                                                                  fd=False)), covers=("amax",))
op("amin", fn("amin"), reduce_samples(distinct, empty=False))
op("amin.ties", lambda m, x: m.amin(x, (0, 1)),
   fixed(lambda rng: Sample((np.array([[1.0, 1.0], [3.0, 1.0]]),), fd=False)),
   covers=("amin",))
op("argmax", fn("argmax"), reduce_samples(distinct, empty=False, tuple_dims=False), grad=False)
op("argmax.ties", lambda m, x: m.argmax(x, 1),
   fixed(lambda rng: Sample((np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),))), grad=False, covers=("argmax",))
op("argmin", fn("argmin"), reduce_samples(distinct, empty=False, tuple_dims=False), grad=False)
op("logsumexp", lambda m, x, d, **k: m.logsumexp(x, d, **k),
   lambda rng: (Sample((uniform(rng, s), d), k) for s, d, k in
                (((), 0, {}), ((5,), 0, {}), ((2, 3, 2), 1, {}), ((2, 3, 2), (0, 2), {"keepdim": True}),
                 ((2, 3), -1, {"keepdim": True}), ((0, 3), 1, {}), ((0, 3), 0, {}))))
op("logsumexp.extreme", lambda m, x: m.logsumexp(x, 1),
   fixed(lambda rng: Sample((np.array([[1000.0, 0.0, -1000.0], [-np.inf, -np.inf, -np.inf], [np.inf, 0.0, 1.0],
                                       [-F32_BIG, -F32_BIG, -F32_BIG]]),), fd=False)), covers=("logsumexp",))
op("norm", fn("norm"), reduce_samples(empty=False))
op("norm.p", lambda m, x, p: m.norm(x, p), lambda rng: (Sample((uniform(rng, (2, 3)), p)) for p in (1, 3, 0.5)),
   covers=("norm",))
op("norm.inf", lambda m, x: m.norm(x, float("inf")), fixed(lambda rng: Sample((distinct(rng, (2, 3)),))),
   covers=("norm",))
op("norm.dim", lambda m, x: m.norm(x, 2, 1, True), fixed(lambda rng: Sample((uniform(rng, (2, 3)),))),
   covers=("norm",))
# order=1: ‖x‖'' at 0 is nan in PyTorch, 0 in chainrule (the masked first derivative is constant there)
op("norm.zero", fn("norm"), fixed(lambda rng: Sample((np.zeros(3),), fd=False, order=1)), covers=("norm",))
op("cumsum", lambda m, x, d: m.cumsum(x, d),
   lambda rng: (Sample((uniform(rng, s), d)) for s, d in (((), 0), ((4,), 0), ((2, 3), 1), ((2, 3), -2), ((0, 2), 0))))
for _n in ("any", "all"):
    op(_n, fn(_n), fixed(lambda rng: Sample((np.array([[0.0, 1.0], [0.0, 0.0]]),)),
                         lambda rng: Sample((np.array([[0.0, 1.0], [2.0, 0.0]]),), {"dim": 1}),
                         lambda rng: Sample((np.zeros((0,)),))), grad=False)
op("count_nonzero", fn("count_nonzero"), fixed(lambda rng: Sample((np.array([[0.0, 1.0], [2.0, 0.0]]),)),
                                               lambda rng: Sample((np.array([[0.0, 1.0], [2.0, 3.0]]),), {"dim": 1})),
   grad=False)

# --- softmax ----------------------------------------------------------------------------------------------

for _n in ("softmax", "log_softmax"):
    op(_n, lambda m, x, d, n=_n: getattr(m, n)(x, d),
       lambda rng: (Sample((uniform(rng, s, -3, 3), d)) for s, d in (((), 0), ((4,), 0), ((2, 3), 1), ((2, 3), 0),
                                                                       ((2, 3, 2), -1), ((0, 3), 1))))
    op(f"{_n}.extreme", lambda m, x, n=_n: getattr(m, n)(x, -1),
       fixed(lambda rng: Sample((np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 0.0], [F32_BIG, -F32_BIG, 0.0]]),),
                                fd=False)), covers=(_n,))
    op(f"{_n}.dtype", lambda m, x, n=_n: getattr(m, n)(x, 0, dtype=m.float64),
       fixed(lambda rng: Sample((uniform(rng, (3,)),))), covers=(_n,))

# --- shape ------------------------------------------------------------------------------------------------

_x23 = lambda rng: uniform(rng, (2, 3))  # noqa: E731
_x234 = lambda rng: uniform(rng, (2, 3, 4))  # noqa: E731


def shape_op(name: str, call: Callable[..., Any], *builders: Callable[[Gen], tuple[Any, ...]], **kw: Any) -> None:
    op(name, call, fixed(*(lambda rng, b=b: Sample(b(rng)) for b in builders)), **kw)


shape_op("cat", lambda m, xs, d: m.cat(xs, d), lambda r: ([_x23(r), uniform(r, (1, 3))], 0),
         lambda r: ([_x23(r), uniform(r, (2, 1)), _x23(r)], -1), lambda r: ([uniform(r, (0, 3)), _x23(r)], 0),
         lambda r: ([uniform(r, (3,)), uniform(r, (0,))], 0))
shape_op("cat.legacy_empty", lambda m, xs: m.cat(xs), lambda r: ([_x23(r), uniform(r, (0,))],), covers=("cat",))
shape_op("concat", lambda m, xs: m.concat(xs, 1), lambda r: ([_x23(r), _x23(r)],))
shape_op("concatenate", lambda m, xs: m.concatenate(xs, 0), lambda r: ([_x23(r), _x23(r)],))
shape_op("stack", lambda m, xs, d: m.stack(xs, d), lambda r: ([_x23(r), _x23(r)], 0),
         lambda r: ([_x23(r), _x23(r), _x23(r)], 2), lambda r: ([uniform(r, ()), uniform(r, ())], 0),
         lambda r: ([_x23(r), _x23(r)], -2))
shape_op("hstack", lambda m, xs: m.hstack(xs), lambda r: ([_x23(r), uniform(r, (2, 1))],),
         lambda r: ([uniform(r, (2,)), uniform(r, (3,))],))
shape_op("vstack", lambda m, xs: m.vstack(xs), lambda r: ([_x23(r), uniform(r, (3,))],))
shape_op("reshape", lambda m, x, s: m.reshape(x, s), lambda r: (_x23(r), (3, 2)), lambda r: (_x23(r), (-1,)),
         lambda r: (uniform(r, ()), (1, 1)), lambda r: (_x234(r), (4, -1)), lambda r: (uniform(r, (0, 3)), (3, 0, 1)))
shape_op("reshape.method", lambda m, x: x.reshape(3, 2), lambda r: (_x23(r),), covers=("reshape",))
shape_op("view.method", lambda m, x: x.view(-1, 2), lambda r: (_x23(r),), covers=())
shape_op("flatten", lambda m, x, *a: m.flatten(x, *a), lambda r: (_x234(r),), lambda r: (_x234(r), 1),
         lambda r: (_x234(r), 0, 1), lambda r: (uniform(r, ()),))
shape_op("unflatten", lambda m, x: m.unflatten(x, 1, (2, -1)), lambda r: (uniform(r, (3, 4)),))
shape_op("squeeze", lambda m, x, *a: m.squeeze(x, *a), lambda r: (uniform(r, (1, 3, 1)),),
         lambda r: (uniform(r, (1, 3, 1)), 0), lambda r: (uniform(r, (1, 3, 1)), 1),
         lambda r: (uniform(r, (1, 3, 1)), (0, 2)), lambda r: (uniform(r, ()),), lambda r: (uniform(r, ()), 0))
shape_op("unsqueeze", lambda m, x, d: m.unsqueeze(x, d), lambda r: (_x23(r), 0), lambda r: (_x23(r), -1),
         lambda r: (uniform(r, ()), 0), lambda r: (_x23(r), 2))
shape_op("transpose", lambda m, x, a, b: m.transpose(x, a, b), lambda r: (_x234(r), 0, 2),
         lambda r: (_x23(r), -1, 0), lambda r: (uniform(r, (3,)), 0, 0))
shape_op("t", lambda m, x: m.t(x), lambda r: (_x23(r),), lambda r: (uniform(r, (3,)),), lambda r: (uniform(r, ()),))
shape_op("permute", lambda m, x, p: m.permute(x, p), lambda r: (_x234(r), (2, 0, 1)), lambda r: (_x234(r), (-1, 1, 0)))
shape_op("permute.method", lambda m, x: x.permute(1, 0), lambda r: (_x23(r),), covers=("permute",))
shape_op("swapaxes", lambda m, x: m.swapaxes(x, 0, 2), lambda r: (_x234(r),))
shape_op("swapdims", lambda m, x: m.swapdims(x, 1, 0), lambda r: (_x23(r),))
shape_op("movedim", lambda m, x, s, d: m.movedim(x, s, d), lambda r: (_x234(r), 0, -1),
         lambda r: (_x234(r), (0, 1), (2, 0)))
shape_op("expand", lambda m, x, s: m.expand(x, s) if hasattr(m, "expand") else x.expand(s),
         lambda r: (uniform(r, (3, 1)), (3, 4)), lambda r: (uniform(r, (3, 1)), (2, -1, 4)),
         lambda r: (uniform(r, ()), (2, 2)), lambda r: (uniform(r, (1,)), (0,)))
shape_op("expand.method", lambda m, x: x.expand(2, 3, -1), lambda r: (uniform(r, (3, 1)),), covers=("expand",))
shape_op("broadcast_to", lambda m, x, s: m.broadcast_to(x, s), lambda r: (uniform(r, (2,)), (3, 2)))
shape_op("broadcast_tensors", lambda m, a, b: m.broadcast_tensors(a, b),
         lambda r: (uniform(r, (2,)), uniform(r, (3, 1))))
shape_op("split", lambda m, x, s, d: m.split(x, s, d), lambda r: (uniform(r, (5, 2)), 2, 0),
         lambda r: (uniform(r, (2, 5)), [1, 4], 1))
shape_op("chunk", lambda m, x, c, d: m.chunk(x, c, d), lambda r: (uniform(r, (5, 2)), 3, 0),
         lambda r: (uniform(r, (2, 6)), 4, -1))
shape_op("unbind", lambda m, x, d: m.unbind(x, d), lambda r: (_x23(r), 0), lambda r: (_x23(r), 1))
shape_op("narrow", lambda m, x, d, s, n: m.narrow(x, d, s, n), lambda r: (_x234(r), 2, 1, 2),
         lambda r: (_x23(r), 0, -1, 1))
shape_op("flip", lambda m, x, d: m.flip(x, d), lambda r: (_x234(r), (0, 2)), lambda r: (_x23(r), (-1,)),
         lambda r: (uniform(r, ()), ()))
shape_op("repeat", lambda m, x, s: x.repeat(*s) if not hasattr(m, "repeat") else m.repeat(x, *s),
         lambda r: (_x23(r), (2, 1)), lambda r: (uniform(r, (3,)), (2, 2)), lambda r: (uniform(r, ()), (3,)),
         lambda r: (_x23(r), (1, 0)))
shape_op("tile", lambda m, x, s: m.tile(x, s), lambda r: (_x23(r), (2, 1)), lambda r: (uniform(r, (3,)), (2, 2)),
         lambda r: (_x23(r), (2,)))
shape_op("ravel", lambda m, x: m.ravel(x), lambda r: (_x234(r),), lambda r: (uniform(r, ()),))
shape_op("meshgrid", lambda m, a, b: m.meshgrid(a, b, indexing="ij"), lambda r: (uniform(r, (2,)), uniform(r, (3,))))
shape_op("meshgrid.xy", lambda m, a, b, c: m.meshgrid(a, b, c, indexing="xy"),
         lambda r: (uniform(r, (2,)), uniform(r, (3,)), uniform(r, (4,))), covers=("meshgrid",))
shape_op("einsum", lambda m, a, b: m.einsum("ij,jk->ik", a, b), lambda r: (_x23(r), uniform(r, (3, 4))))
shape_op("einsum.batched", lambda m, a, b: m.einsum("bij,bkj->bik", a, b),
         lambda r: (uniform(r, (2, 2, 3)), uniform(r, (2, 4, 3))), covers=("einsum",))
shape_op("einsum.implicit_broadcast", lambda m, a, b: m.einsum("...ij,j", a, b),
         lambda r: (uniform(r, (2, 3, 4)), uniform(r, (4,))), covers=("einsum",))
shape_op("einsum.sum_one_operand", lambda m, a, b: m.einsum("ij,k->i", a, b),
         lambda r: (_x23(r), uniform(r, (4,))), covers=("einsum",))
shape_op("roll", lambda m, x, *a: m.roll(x, *a), lambda r: (_x23(r), 1), lambda r: (_x23(r), (1, -2), (0, 1)),
         lambda r: (_x234(r), 5, 2))
shape_op("repeat_interleave", lambda m, x, *a: m.repeat_interleave(x, *a), lambda r: (_x23(r), 2),
         lambda r: (_x23(r), 2, 1), lambda r: (_x23(r), np.array([1, 3]), 0))
shape_op("median", lambda m, x: m.median(x), lambda r: (distinct(r, (3, 4)),), lambda r: (distinct(r, (5,)),))
shape_op("median.dim", lambda m, x: m.median(x, 1).values, lambda r: (distinct(r, (3, 4)),), covers=("median",))
shape_op("median.keepdim", lambda m, x: m.median(x, 0, True).values, lambda r: (distinct(r, (4, 3)),),
         covers=("median",))
shape_op("gather", lambda m, x, d, i: m.gather(x, d, i),
         lambda r: (uniform(r, (3, 4)), 1, np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]])),
         lambda r: (uniform(r, (3, 4)), 0, np.array([[0, 2, 2, 2]])),
         lambda r: (uniform(r, ()), 0, np.array(0)))
shape_op("index_select", lambda m, x, d, i: m.index_select(x, d, i),
         lambda r: (uniform(r, (3, 4)), 1, np.array([3, 0, 3])), lambda r: (uniform(r, (3,)), 0, np.array([2, 2])))
for _n in ("tril", "triu"):
    shape_op(_n, lambda m, x, *a, n=_n: getattr(m, n)(x, *a), lambda r: (uniform(r, (3, 4)),),
             lambda r: (uniform(r, (3, 4)), 1), lambda r: (uniform(r, (2, 3, 3)), -1))

# --- indexing and in-place assignment (PyTorch's IndexBackward0 / CopySlices) ------------------------------

_INDEXES: list[tuple[str, Any]] = [
    ("int", 1), ("neg_int", -1), ("slice", slice(1, None)), ("step_slice", (slice(None, None, 2), 1)),
    ("none", (None, 0)), ("ellipsis", (Ellipsis, 1)), ("mixed", (0, None, Ellipsis, slice(0, 2))),
    ("int_list", [0, 2, 0]), ("int_lists", ([0, 2, 2], [1, 1, 1])), ("list_and_slice", (slice(None), [3, 0, 3])),
    ("empty_slice", slice(2, 1)),
]
for _label, _idx in _INDEXES:
    op(f"getitem.{_label}", lambda m, x, i=_idx: x[i], fixed(lambda rng: Sample((uniform(rng, (3, 4)),))), covers=())
    # a repeated index is written twice: the last write wins, yet PyTorch (and chainrule) give every
    # copy of the value its gradient, so finite differences do not apply there
    _repeats = np.unique(np.arange(12).reshape(3, 4)[_idx]).size != np.arange(12).reshape(3, 4)[_idx].size
    op(f"setitem.{_label}", lambda m, x, v, i=_idx: _setitem(x, i, v),
       fixed(lambda rng, i=_idx, r=_repeats: Sample((uniform(rng, (3, 4)), uniform(rng, np.empty((3, 4))[i].shape)),
                                                    fd=not r),
             lambda rng, r=_repeats: Sample((uniform(rng, (3, 4)), uniform(rng, ())), fd=not r)), covers=())
op("getitem.bool_mask", lambda m, x, mask: x[mask],
   fixed(lambda rng: Sample((uniform(rng, (3, 4)), np.arange(12).reshape(3, 4) % 3 == 0)),
         lambda rng: Sample((uniform(rng, (3, 4)), np.array([True, False, True])))), covers=())
op("getitem.tensor_index", lambda m, x, i: x[i],
   fixed(lambda rng: Sample((uniform(rng, (3, 4)), np.array([[0, 2], [2, 2]]))),
         lambda rng: Sample((uniform(rng, (3,)), np.array(1)))), covers=())
op("setitem.bool_mask", lambda m, x, mask, v: _setitem(x, mask, v),
   fixed(lambda rng: Sample((uniform(rng, (3, 4)), np.arange(12).reshape(3, 4) % 3 == 0, uniform(rng, ())))),
   covers=())
op("setitem.python_scalar", lambda m, x: _setitem(x, (slice(None), 1), 2.5),
   fixed(lambda rng: Sample((uniform(rng, (3, 4)),))), covers=())


def _setitem(x: Any, index: Any, value: Any) -> Any:
    y = x * 2  # a non-leaf copy, so the assignment is recorded as CopySlices
    y[index] = value
    return y * y

# --- sorting and selection (values differentiable through gather / indexing) -------------------------------

shape_op("sort", lambda m, x, d, **k: m.sort(x, d, **k), lambda r: (distinct(r, (3, 4)), 1),
         lambda r: (distinct(r, (5,)), 0), lambda r: (distinct(r, (2, 3)), 0))
shape_op("sort.descending", lambda m, x: m.sort(x, -1, descending=True), lambda r: (distinct(r, (3, 4)),),
         covers=("sort",))
shape_op("argsort", lambda m, x: m.argsort(x, 1, descending=True), lambda r: (distinct(r, (3, 4)),), grad=False)
shape_op("topk", lambda m, x, k: m.topk(x, k), lambda r: (distinct(r, (3, 5)), 2), lambda r: (distinct(r, (4,)), 4))
shape_op("topk.smallest", lambda m, x: m.topk(x, 2, 0, largest=False), lambda r: (distinct(r, (4, 2)),),
         covers=("topk",))
shape_op("nonzero", lambda m, x: m.nonzero(x), lambda r: (np.array([[0.0, 1.5], [2.0, 0.0]]),), grad=False)
shape_op("argwhere", lambda m, x: m.argwhere(x), lambda r: (np.array([0.0, 1.5, 0.0, 2.0]),), grad=False)
shape_op("masked_select", lambda m, x, k: m.masked_select(x, k), lambda r: (uniform(r, (3, 4)),
         np.array([True, False, True, True])))
shape_op("unique", lambda m, x: m.unique(x, return_counts=True), lambda r: (np.array([3.0, 1.0, 3.0, 2.0]),),
         grad=False)
shape_op("diag", lambda m, x, *a: m.diag(x, *a), lambda r: (uniform(r, (3,)),), lambda r: (uniform(r, (3,)), 1),
         lambda r: (uniform(r, (3, 4)),), lambda r: (uniform(r, (3, 4)), -1))
shape_op("diagonal", lambda m, x: m.diagonal(x, 1), lambda r: (uniform(r, (3, 4)),))
shape_op("trace", lambda m, x: m.trace(x), lambda r: (uniform(r, (3, 3)),), lambda r: (uniform(r, (2, 4)),))

# entries of the families added in the third session, one file each (they append to OPS via ``op``/``shape_op``)
import opinfo_decompositions  # noqa: E402,F401
import opinfo_inplace_extra  # noqa: E402,F401
import opinfo_math_extra  # noqa: E402,F401
import opinfo_nn_layers  # noqa: E402,F401
import opinfo_nn_losses  # noqa: E402,F401
import opinfo_scatter  # noqa: E402,F401
import opinfo_shape_extra  # noqa: E402,F401
import opinfo_statistics  # noqa: E402,F401
