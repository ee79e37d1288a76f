"""The in-place variants and small pointwise extras (chainrule/ops/inplace_extra.py) against PyTorch:
values, dtypes, ``self`` returned, version bumps, the leaf error, gradients through a non-leaf, misuse."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr

torch = require_torch()

UNARY = {  # name -> a domain where the op is smooth
    "acos_": (-0.9, 0.9), "asin_": (-0.9, 0.9), "atan_": (-2, 2), "arccos_": (-0.9, 0.9),
    "arcsin_": (-0.9, 0.9), "arctan_": (-2, 2), "cosh_": (-2, 2), "sinh_": (-2, 2), "tan_": (-1.2, 1.2),
    "log10_": (0.2, 3), "log2_": (0.2, 3), "log1p_": (-0.5, 3), "expm1_": (-2, 2), "rsqrt_": (0.2, 3),
    "reciprocal_": (0.5, 2), "square_": (-2, 2), "sign_": (-2, 2), "trunc_": (-3, 3), "fix_": (-3, 3),
    "ceil_": (-3, 3), "negative_": (-2, 2), "absolute_": (0.3, 2), "asinh_": (-2, 2), "acosh_": (1.2, 3),
    "atanh_": (-0.9, 0.9), "arcsinh_": (-2, 2), "arccosh_": (1.2, 3), "arctanh_": (-0.9, 0.9),
}
BINARY = {  # name -> (other as an array or a number, extra kwargs)
    "clamp_min_": (0.3, {}), "clamp_max_": (0.3, {}), "remainder_": (0.7, {}), "true_divide_": ("t", {}),
    "subtract_": ("t", {}), "subtract_.alpha": ("t", {"alpha": 2.5}), "multiply_": ("t", {}),
    "divide_": ("t", {}), "divide_.floor": ("t", {"rounding_mode": "floor"}), "ldexp_": ("i", {}),
    "nextafter_": ("t", {}), "remainder_.tensor": ("t", {}),
}
COMPARE = ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "less_", "greater_equal_", "less_equal_",
           "not_equal_"]


def _both(a: np.ndarray, **kw: Any) -> tuple[Any, Any]:
    return cr.tensor(a.copy(), **kw), torch.tensor(a.copy(), **kw)


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _close(ours: Any, theirs: Any, rtol: float = 1e-5) -> None:
    a, e = _np(ours), _np(theirs)
    assert a.dtype == e.dtype and a.shape == e.shape
    np.testing.assert_allclose(a, e, rtol=rtol, atol=1e-6, equal_nan=True)


def _outcome(m: Any, f: Any) -> tuple[Any, ...]:
    try:
        r = f(m)
    except Exception as exc:  # noqa: BLE001 - the exception *is* the outcome compared
        return type(exc).__name__, str(exc)[:40]
    if isinstance(r, m.Tensor):
        return "ok", str(np.asarray(r.numpy()).dtype), np.asarray(r.numpy()).copy()
    return "ok", r


def _same(f: Any) -> None:
    ours, theirs = _outcome(cr, f), _outcome(torch, f)
    if ours[0] == theirs[0] == "ok" and len(ours) == 3:
        assert ours[1] == theirs[1], f"dtype: chainrule {ours[1]}, torch {theirs[1]}"
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6, equal_nan=True)
        assert ours[2].shape == theirs[2].shape
    else:
        assert ours == theirs, f"chainrule {ours}, torch {theirs}"


def _split(name: str) -> tuple[str, str]:
    return name.split(".")[0], name


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_inplace(name: str, dtype: str) -> None:
    lo, hi = UNARY[name]
    a = np.random.default_rng(0).uniform(lo, hi, (2, 3)).astype(dtype)
    c, t = _both(a)
    v = c._version
    assert getattr(c, name)() is c and getattr(t, name)() is t
    assert c._version == v + 1
    _close(c, t)
    # the leaf rule
    c, t = _both(a, requires_grad=True)
    for x in (c, t):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            getattr(x, name)()
    # gradient through the op on a non-leaf, and the grad_fn name
    w = np.random.default_rng(1).standard_normal((2, 3)).astype(dtype)
    names = []
    for m, x in ((cr, c), (torch, t)):
        y = x * 1.0
        if m is torch and name.startswith(("asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh")):
            y = getattr(y, name[:-1])()  # PyTorch has no derivative for these in place; chainrule does
        else:
            getattr(y, name)()
        (y * m.tensor(w)).sum().backward()
        names.append(y.grad_fn.name())
    assert names[0] == names[1]
    _close(c.grad, t.grad, rtol=1e-4)
    # integer and bool tensors: the result must fit
    for arr in (np.array([1, 2, -3]), np.array([True, False])):
        _same(lambda m, arr=arr: getattr(m.tensor(arr), name)())


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_inplace(name: str) -> None:
    meth, _ = _split(name)
    other, kw = BINARY[name]
    rng = np.random.default_rng(2)
    a = rng.uniform(0.5, 2, (2, 3))
    ob = {"t": rng.uniform(0.5, 2, (3,)), "i": np.array([1, 2, 0])}.get(other, other)  # type: ignore[call-overload]

    def arg(m: Any) -> Any:
        return m.tensor(ob) if isinstance(ob, np.ndarray) else ob

    for dt in ("float32", "float64"):
        c, t = _both(a.astype(dt))
        v = c._version
        assert getattr(c, meth)(arg(cr), **kw) is c and getattr(t, meth)(arg(torch), **kw) is t
        assert c._version == v + 1
        _close(c, t)
    if meth != "nextafter_" and "floor" not in name:  # gradient through a non-leaf
        for m in (cr, torch):
            x = m.tensor(a, requires_grad=True)
            with pytest.raises(RuntimeError, match="a leaf Variable"):
                getattr(x, meth)(arg(m), **kw)
            y = x * 2
            getattr(y, meth)(arg(m), **kw)
            (y * y).sum().backward()
            m.g = x.grad  # type: ignore[attr-defined]
            m.n = y.grad_fn.name()  # type: ignore[attr-defined]
        assert cr.n == torch.n  # type: ignore[attr-defined]
        _close(cr.g, torch.g)  # type: ignore[attr-defined]
    for arr in (np.array([5, 2, -3]), np.array([True, False, True])):
        _same(lambda m, arr=arr: getattr(m.tensor(arr), meth)(arg(m), **kw))


def test_binary_int_results_and_errors() -> None:
    i = np.array([7, -5, 4])
    _same(lambda m: m.tensor(i).remainder_(3))
    _same(lambda m: m.tensor(i).floor_divide_(2))
    _same(lambda m: m.tensor(i).floor_divide_(2.5))
    _same(lambda m: m.tensor(i).remainder_(m.tensor(0)))
    _same(lambda m: m.tensor(i).clamp_min_(1))
    _same(lambda m: m.tensor(i).clamp_max_(m.tensor(1.5)))
    _same(lambda m: m.tensor(i).true_divide_(2))
    _same(lambda m: m.tensor(i).multiply_(3))
    _same(lambda m: m.tensor(i).subtract_(m.tensor([1, 1, 1]), alpha=2))
    _same(lambda m: m.tensor([1.0, 2.0]).add_(m.tensor([[1.0], [2.0]])))


def test_floor_divide_on_non_leaf_has_no_derivative() -> None:
    for m in (cr, torch):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        assert y.floor_divide_(2.0) is y
        assert y.requires_grad
        np.testing.assert_array_equal(_np(y), [1.0, 2.0, 3.0])
        with pytest.raises(RuntimeError, match="derivative for aten::floor_divide_ is not implemented"):
            y.sum().backward()


@pytest.mark.parametrize("name", COMPARE)
def test_compare_inplace(name: str) -> None:
    a, b = np.array([1.0, 2.0, np.nan, 3.0]), np.array([1.0, 1.0, np.nan, 4.0])
    for dt in ("float32", "float64", "int64", "bool"):
        for other in ("t", 2):
            p, q = (a, b) if dt.startswith("float") else (np.nan_to_num(a), np.nan_to_num(b))
            _same(lambda m, dt=dt, other=other, p=p, q=q: getattr(m.tensor(p).to(getattr(m, dt)), name)(
                m.tensor(q).to(getattr(m, dt)) if other == "t" else other))
    c = cr.tensor(a)
    v = c._version
    assert getattr(c, name)(2.0) is c and c._version == v + 1
    for m in (cr, torch):
        x = m.tensor(a, requires_grad=True)
        z = m.tensor(b, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable"):
            getattr(x, name)(z)
        y = x * 2
        getattr(y, name)(z)
        m.n1 = y.grad_fn.name()  # type: ignore[attr-defined]
        y.sum().backward()
        m.g = (x.grad, z.grad)  # type: ignore[attr-defined]
        y = x * 2
        getattr(y, name)(1.5)
        m.n0 = y.grad_fn.name()  # type: ignore[attr-defined]
    assert (cr.n0, cr.n1) == (torch.n0, torch.n1)  # type: ignore[attr-defined]
    for ours, theirs in zip(cr.g, torch.g, strict=True):  # type: ignore[attr-defined]
        _close(ours, theirs)
    _same(lambda m: getattr(m.tensor([1.0, 2.0, 3.0]), name)(m.tensor([1.0, 2.0])))
    _same(lambda m: getattr(m.tensor([1.0, 2.0, 3.0]), name)(m.tensor([[1.0], [2.0]])))


@pytest.mark.parametrize("name", ["logical_and_", "logical_or_", "logical_xor_", "logical_not_"])
def test_logical_inplace(name: str) -> None:
    a, b = np.array([0.0, 1.0, 2.0, 0.0]), np.array([0.0, 0.0, 3.0, -1.0])
    args = (lambda m: ()) if name == "logical_not_" else (lambda m: (m.tensor(b),))
    for dt in ("float32", "int64", "bool"):
        _same(lambda m, dt=dt: getattr(m.tensor(a).to(getattr(m, dt)), name)(*args(m)))
    for m in (cr, torch):  # PyTorch does not track logical ops: no leaf error, the graph is unchanged
        x = m.tensor(a, requires_grad=True)
        v = x._version
        assert getattr(x, name)(*args(m)) is x and x._version == v + 1 and x.grad_fn is None
        y = x * 2
        getattr(y, name)(*args(m))
        m.n = y.grad_fn.name()  # type: ignore[attr-defined]
        y.sum().backward()
        m.g = x.grad  # type: ignore[attr-defined]
    assert cr.n == torch.n  # type: ignore[attr-defined]
    _close(cr.g, torch.g)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["bitwise_and_", "bitwise_or_", "bitwise_xor_", "bitwise_not_"])
def test_bitwise_inplace(name: str) -> None:
    a, b = np.array([5, 3, -1]), np.array([3, 6, 4])
    unary = name == "bitwise_not_"
    for other in ("t", 6, 2.5, "f"):
        if unary and other != "t":
            continue

        def call(m: Any, x: Any, other: Any = other) -> Any:
            if unary:
                return getattr(x, name)()
            o = m.tensor(b) if other == "t" else m.tensor([1.0]) if other == "f" else other
            return getattr(x, name)(o)

        _same(lambda m, call=call: call(m, m.tensor(a)))
        _same(lambda m, call=call: call(m, m.tensor(a, dtype=m.int32)))
        _same(lambda m, call=call: call(m, m.tensor(a).bool()))
        _same(lambda m, call=call: call(m, m.tensor(a).float()))
    c = cr.tensor(a)
    v = c._version
    assert (c.bitwise_not_() if unary else getattr(c, name)(cr.tensor(b))) is c and c._version == v + 1
    x = cr.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable"):
        x.bitwise_not_()


def test_cumsum_inplace() -> None:
    a = np.array([[1.0, 2.0, 3.0], [4.0, -1.0, 0.5]])
    for dim in (0, 1, -1):
        _same(lambda m, dim=dim: m.tensor(a).cumsum_(dim))
    _same(lambda m: m.tensor([1, 2, 3], dtype=m.int32).cumsum_(0))
    _same(lambda m: m.tensor([1, 2, 3]).cumsum_(0, dtype=m.float32))
    _same(lambda m: m.tensor([1.0, 2.0]).cumsum_(0, dtype=m.float64))
    _same(lambda m: m.tensor([1.0, 2.0]).cumsum_(0, dtype=m.float32))
    _same(lambda m: m.tensor([True, False]).cumsum_(0))
    for m in (cr, torch):
        x = m.tensor(a, requires_grad=True)
        y = x * 3
        assert y.cumsum_(1) is y
        m.n = y.grad_fn.name()  # type: ignore[attr-defined]
        (y * y).sum().backward()
        m.g = x.grad  # type: ignore[attr-defined]
    assert cr.n == torch.n  # type: ignore[attr-defined]
    _close(cr.g, torch.g)  # type: ignore[attr-defined]


def test_sign_square_negative_on_bool() -> None:
    for name in ("sign_", "square_", "negative_", "trunc_", "ceil_", "fix_", "absolute_"):
        _same(lambda m, name=name: getattr(m.tensor([True, False]), name)())
        _same(lambda m, name=name: getattr(m.tensor([3, -2, 0]), name)())


def test_saved_tensor_modified_in_place() -> None:
    for m in (cr, torch):
        x = m.tensor([0.5, 1.0], requires_grad=True)
        y = x * 2
        z = y.asin()  # saves y
        y.tan_()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


# --- the new functions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh"])
def test_inverse_hyperbolic(name: str) -> None:
    edge = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, np.inf, -np.inf, np.nan])
    for dt in ("float32", "float64"):
        c, t = _both(edge.astype(dt), requires_grad=True)
        rc, rt = getattr(cr, name)(c), getattr(torch, name)(t)
        assert rc.grad_fn.name() == rt.grad_fn.name()
        _close(rc, rt)
        _close(getattr(c, name)(), rt)
        rc.backward(cr.ones_like(rc))
        rt.backward(torch.ones_like(rt))
        _close(c.grad, t.grad)
    _same(lambda m: getattr(m, name)(m.tensor([1, 2, 3])))
    _same(lambda m: getattr(m, name)([1.0]))


def test_fmax_fmin() -> None:
    a = np.array([1.0, np.nan, 3.0, 2.0, np.nan, -np.inf])
    b = np.array([1.0, 2.0, np.nan, 3.0, np.nan, 0.0])
    for name in ("fmax", "fmin"):
        for m in (cr, torch):
            x, z = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
            r = getattr(m, name)(x, z)
            m.r, m.n = r, r.grad_fn.name()  # type: ignore[attr-defined]
            r.backward(m.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))
            m.g = x.grad, z.grad  # type: ignore[attr-defined]
        assert cr.n == torch.n  # type: ignore[attr-defined]
        _close(cr.r, torch.r)  # type: ignore[attr-defined]
        for ours, theirs in zip(cr.g, torch.g, strict=True):  # type: ignore[attr-defined]
            _close(ours, theirs)
        _same(lambda m, name=name: getattr(m, name)(m.tensor([1, 5]), m.tensor([3.0, 2.0])))
        _same(lambda m, name=name: getattr(m, name)(m.tensor([1, 5]), m.tensor([[3], [2]])))
        _same(lambda m, name=name: getattr(m.tensor([1, 5]), name)(m.tensor([3, 7], dtype=m.int32)))
        _same(lambda m, name=name: getattr(m, name)(m.tensor([1.0]), 2.0))
        _same(lambda m, name=name: getattr(m, name)(m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0, 3.0])))


def test_gcd_lcm() -> None:
    a, b = np.array([12, -18, 0, 7, 0]), np.array([8, 12, 5, -3, 0])
    for name in ("gcd", "lcm"):
        _same(lambda m, name=name: getattr(m, name)(m.tensor(a), m.tensor(b)))
        _same(lambda m, name=name: getattr(m, name)(m.tensor(a, dtype=m.int32), m.tensor(b)))
        _same(lambda m, name=name: getattr(m.tensor(a), name)(m.tensor([[4], [6]])))
        _same(lambda m, name=name: getattr(m, name)(m.tensor([1.0]), m.tensor([2.0])))
        _same(lambda m, name=name: getattr(m, name)(m.tensor([True]), m.tensor([True])))
        _same(lambda m, name=name: getattr(m, name)(m.tensor(a), 4))
        _same(lambda m, name=name: getattr(m.tensor(a), name + "_")(m.tensor(b)))
        _same(lambda m, name=name: getattr(m.tensor(a, dtype=m.int32), name + "_")(m.tensor(b)))
        _same(lambda m, name=name: getattr(m.tensor([1.0]), name + "_")(m.tensor([2])))


def test_ldexp() -> None:
    for m in (cr, torch):
        x = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        e = m.tensor([1.0, -1.0, 0.5], requires_grad=True)
        r = m.ldexp(x, e)
        m.r, m.n = r, r.grad_fn.name()  # type: ignore[attr-defined]
        (g,) = m.autograd.grad(r.sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), e)
        r2 = m.ldexp(x, e)
        r2.backward(m.tensor([1.0, 2.0, 3.0]))
        m.g = x.grad, e.grad, gg  # type: ignore[attr-defined]
    assert cr.n == torch.n  # type: ignore[attr-defined]
    _close(cr.r, torch.r)  # type: ignore[attr-defined]
    for ours, theirs in zip(cr.g, torch.g, strict=True):  # type: ignore[attr-defined]
        _close(ours, theirs)
    _same(lambda m: m.ldexp(m.tensor([1, 2]), m.tensor([1, 2])))
    _same(lambda m: m.ldexp(m.tensor([1.0], dtype=m.float64), m.tensor([3])))
    _same(lambda m: m.ldexp(m.tensor([1.0]), m.tensor([3.0], dtype=m.float64)))
    _same(lambda m: m.ldexp(m.tensor([1.0]), m.tensor([200])))
    _same(lambda m: m.ldexp(m.tensor([1.0]), 2))
    _same(lambda m: m.tensor([4.0, 6.0]).ldexp(m.tensor([4])))
    _same(lambda m: m.tensor([4.0, 6.0]).ldexp_(m.tensor([4])))
    _same(lambda m: m.tensor([4, 6]).ldexp_(m.tensor([4])))


def test_nextafter() -> None:
    a, b = np.array([1.0, 2.0, np.nan, 0.0, 1.0]), np.array([np.nan, 2.0, 1.0, -0.0, 0.0])
    for dt in ("float32", "float64"):
        _same(lambda m, dt=dt: m.nextafter(m.tensor(a).to(getattr(m, dt)), m.tensor(b).to(getattr(m, dt))))
    for m in (cr, torch):
        x, z = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        r = m.nextafter(x, z)
        m.n = r.grad_fn.name()  # type: ignore[attr-defined]
        r.sum().backward()
        m.g = x.grad, z.grad  # type: ignore[attr-defined]
    assert cr.n == torch.n  # type: ignore[attr-defined]
    for ours, theirs in zip(cr.g, torch.g, strict=True):  # type: ignore[attr-defined]
        _close(ours, theirs)
    _same(lambda m: m.nextafter(m.tensor([1.0]), m.tensor([2.0], dtype=m.float64)))
    _same(lambda m: m.nextafter(m.tensor([1]), m.tensor([2])))
    _same(lambda m: m.tensor([1.0, 2.0]).nextafter_(m.tensor([3.0, 0.0])))


def test_predicates_and_fix() -> None:
    edge = np.array([1.0, np.inf, -np.inf, np.nan, 0.0])
    for name in ("isposinf", "isneginf", "isreal"):
        for arr in (edge, edge.astype(np.float32), np.array([1, 2]), np.array([True])):
            _same(lambda m, name=name, arr=arr: getattr(m, name)(m.tensor(arr)))
            _same(lambda m, name=name, arr=arr: getattr(m.tensor(arr), name)())
        _same(lambda m, name=name: getattr(m, name)(1.0))
    a = np.array([1.7, -1.7, 0.5, -0.0, np.inf])
    _same(lambda m: m.fix(m.tensor(a)))
    _same(lambda m: m.tensor(a).fix())
    _same(lambda m: m.tensor([3, -2]).fix())
    for m in (cr, torch):
        x = m.tensor(a, requires_grad=True)
        m.n = m.fix(x).grad_fn.name()  # type: ignore[attr-defined]
    assert cr.n == torch.n  # type: ignore[attr-defined]


# --- apply_ / map_ -------------------------------------------------------------------------------------------

def test_apply_() -> None:
    for arr in (np.array([[1.0, -2.0], [3.5, 0.0]]), np.array([1, 2, -3]), np.array([True, False])):
        for fn in (lambda v: v * 2.5, lambda v: type(v).__name__ == "int", lambda v: v):
            _same(lambda m, arr=arr, fn=fn: m.tensor(arr).apply_(fn))
    _same(lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]]).t().apply_(lambda v: v + 1))
    _same(lambda m: m.tensor([1.0]).apply_(lambda v: None))
    _same(lambda m: m.tensor([1.0]).apply_(lambda v: "a"))
    _same(lambda m: m.tensor([1]).apply_(lambda v: 1e30))
    _same(lambda m: m.tensor([1.0]).apply_(5))
    _same(lambda m: m.tensor([1.0]).apply_(lambda v: m.tensor(3.0)))
    _same(lambda m: m.tensor([1.0], requires_grad=True).apply_(lambda v: v))
    _same(lambda m: (m.tensor([1.0], requires_grad=True) * 2).apply_(lambda v: v))
    seen: list[Any] = []
    x = cr.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.apply_(lambda v: seen.append(v) or v) is x and seen == [1.0, 2.0, 3.0, 4.0]


def test_map_() -> None:
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    _same(lambda m: m.tensor(a).map_(m.tensor([10.0, 20.0]), lambda x, y: x + y))
    _same(lambda m: m.tensor(a).map_(m.tensor(a), lambda x, y: x * y))
    _same(lambda m: m.tensor([1, 2]).map_(m.tensor([3, 4]), lambda x, y: x // y + 0.5))
    _same(lambda m: m.tensor([1.0, 2.0]).map_(m.tensor([[10.0], [20.0]]), lambda x, y: x + y))
    _same(lambda m: m.tensor([1.0, 2.0]).map_(m.tensor([1.0, 2.0, 3.0]), lambda x, y: x + y))
    _same(lambda m: m.tensor([1.0, 2.0]).map_(m.tensor([10, 20]), lambda x, y: x + y))
    _same(lambda m: m.tensor([1.0, 2.0]).map_(5, lambda x, y: x + y))
    _same(lambda m: m.tensor([1.0, 2.0]).map_(m.tensor([1.0, 2.0]), 5))
    _same(lambda m: m.tensor([1.0], requires_grad=True).map_(m.tensor([1.0]), lambda x, y: x))
    _same(lambda m: m.tensor([1.0]).map_(m.tensor([1.0], requires_grad=True), lambda x, y: x))
    x = cr.tensor([1.0, 2.0])
    assert x.map_(x, lambda p, q: p * q) is x
