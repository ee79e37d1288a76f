"""math_extra: the SciPy-free special functions, dtype rules, errors and in-place variants, against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr
from chainrule.ops import _special_math as me

GRID = np.concatenate([np.linspace(-6.0, 6.0, 1201), [1e-300, 1e-10, 0.5, 1.0, 2.0, 3.0, 12.9, 13.0, 50.0, 1e5]])
UNIT = np.concatenate([np.linspace(-0.999999, 0.999999, 1201), [1e-300, 1e-10, 1 - 1e-16, -1 + 1e-16]])


def _rel(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Largest error relative to max(|theirs|, 1e-2) (absolute near the zeros of the function)."""
    m = np.isfinite(theirs)
    assert np.array_equal(np.isnan(ours), np.isnan(theirs))
    return float(np.max(np.abs(ours[m] - theirs[m]) / np.maximum(np.abs(theirs[m]), 1e-2)))


@pytest.mark.parametrize("name", ["erfc", "erfinv", "lgamma", "digamma", "trigamma", "polygamma2"])
def test_scipy_free_routines_match_torch(name: str) -> None:
    torch = require_torch()
    x = UNIT if name == "erfinv" else GRID
    own = {"erfc": me._erfc_own, "erfinv": me._erfinv_own, "lgamma": me._lgamma_own,
           "digamma": lambda a: me._polygamma_own(0, a), "trigamma": lambda a: me._polygamma_own(1, a),
           "polygamma2": lambda a: me._polygamma_own(2, a)}[name](x)
    t = torch.from_numpy(x)
    ref = {"erfc": torch.erfc, "erfinv": torch.erfinv, "lgamma": torch.lgamma, "digamma": torch.digamma,
           "trigamma": lambda a: torch.polygamma(1, a), "polygamma2": lambda a: torch.polygamma(2, a)}[name](t).numpy()
    if name in ("trigamma", "polygamma2"):  # PyTorch's own values are ~5e-10 off; its poles are finite artefacts
        keep = x != np.round(x)
        assert _rel(own[keep], ref[keep]) < 1e-8
    else:
        assert _rel(own, ref) < (1e-13 if name in ("lgamma", "digamma") else 2e-14)  # (cancellation at the roots)


def test_without_scipy(monkeypatch: Any) -> None:
    torch = require_torch()
    monkeypatch.setattr(me, "_sp", None)
    x = np.array([-2.5, -0.3, 0.2, 1.5, 4.0, 30.0])
    u = np.array([-0.99, -0.2, 0.0, 0.5, 0.9999])
    for f, arr in (("lgamma", x), ("digamma", x), ("erfc", x), ("erfinv", u)):
        ours = getattr(cr, f)(cr.tensor(arr)).numpy()
        np.testing.assert_allclose(ours, getattr(torch, f)(torch.tensor(arr)).numpy(), rtol=1e-13)
    a = cr.tensor([0.7, 2.5], dtype=cr.float64, requires_grad=True)
    (g,) = cr.autograd.grad(cr.lgamma(a).sum(), a, create_graph=True)
    (gg,) = cr.autograd.grad(g.sum(), a)
    ta = torch.tensor([0.7, 2.5], dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.lgamma(ta).sum(), ta, create_graph=True)
    (tgg,) = torch.autograd.grad(tg.sum(), ta)
    np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-8)


def test_digamma_third_derivative() -> None:
    torch = require_torch()
    xs = [0.3, 1.7, -1.4]
    a = cr.tensor(xs, dtype=cr.float64, requires_grad=True)
    t = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    outs = []
    for m, v in ((cr, a), (torch, t)):
        (g,) = m.autograd.grad(m.digamma(v).sum(), v, create_graph=True)
        (g2,) = m.autograd.grad(g.sum(), v, create_graph=True)
        (g3,) = m.autograd.grad(g2.sum(), v)
        outs.append(g3.detach().numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-7)


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv", "lgamma", "digamma", "exp2", "logit", "sinc", "deg2rad",
                                  "rad2deg", "sgn", "signbit", "nan_to_num", "positive", "frac"])
@pytest.mark.parametrize("dtype", ["int64", "bool", "float64"])
def test_unary_dtypes_and_errors(name: str, dtype: str) -> None:
    torch = require_torch()
    vals = [1, 0, 1] if dtype == "bool" else [3, 0, -2]
    res = []
    for m in (cr, torch):
        try:
            res.append(str(getattr(m, name)(m.tensor(vals, dtype=getattr(m, dtype))).dtype).split(".")[-1])
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            res.append(type(e).__name__ + str(e)[:20])
    assert res[0] == res[1]


@pytest.mark.parametrize("name", ["atan2", "hypot", "fmod", "logaddexp", "logaddexp2", "xlogy", "copysign",
                                  "float_power", "heaviside"])
@pytest.mark.parametrize("pair", ["ii", "if", "i_int", "i_float", "f_int", "bb", "scalar_first", "shapes"])
def test_binary_dtypes_and_errors(name: str, pair: str) -> None:
    torch = require_torch()

    def make(m: Any) -> tuple[Any, Any]:
        i, f, b = m.tensor([3, 2, -4]), m.tensor([1.5, -2.0, 0.5]), m.tensor([True, False, True])
        return {"ii": (i, i), "if": (i, f), "i_int": (i, 2), "i_float": (i, 2.5), "f_int": (f, 2), "bb": (b, b),
                "scalar_first": (2.0, f), "shapes": (f, m.ones(2))}[pair]

    res = []
    for m in (cr, torch):
        try:
            r = getattr(m, name)(*make(m))
            vals = np.nan_to_num(np.round(r.numpy().astype(float), 5), nan=7e7).tolist()
            res.append((str(r.dtype).split(".")[-1], vals))
        except Exception as e:  # noqa: BLE001
            res.append(type(e).__name__)
    assert res[0] == res[1], res


def test_edge_values_xlogy_atan2_fmod() -> None:
    torch = require_torch()
    nan, inf = float("nan"), float("inf")
    cases = [("xlogy", [0.0, 0.0, 0.0, 1.0, nan], [0.0, nan, -1.0, 0.0, 1.0]),
             ("atan2", [0.0, -0.0, 0.0, -0.0, inf], [0.0, 0.0, -0.0, -0.0, -inf]),
             ("fmod", [-3.0, 3.0, 5.0, -0.0], [2.0, -2.0, 0.0, 1.0]),
             ("copysign", [1.0, 1.0, 1.0], [-0.0, nan, -nan]), ("hypot", [inf, nan], [nan, inf])]
    for name, a, b in cases:
        ours = getattr(cr, name)(cr.tensor(a), cr.tensor(b)).numpy()
        theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(b)).numpy()
        np.testing.assert_array_equal(ours, theirs)
        assert np.array_equal(np.signbit(ours), np.signbit(theirs)), name
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        cr.fmod(cr.tensor([1, 2]), cr.tensor([1, 0]))


def test_lerp_addc_errors() -> None:
    torch = require_torch()
    calls = {
        "end_dtype": lambda m: m.lerp(m.ones(3), m.ones(3, dtype=m.float64), 0.5),
        "weight_dtype": lambda m: m.lerp(m.ones(3), m.ones(3), m.ones(3, dtype=m.float64)),
        "int": lambda m: m.lerp(m.tensor([1, 2]), m.tensor([1, 2]), 0.5),
        "addcdiv_int": lambda m: m.addcdiv(m.ones(2), m.tensor([1, 2]), m.tensor([1, 2])),
        "addcmul_int_value": lambda m: m.addcmul(m.tensor([1, 2]), m.tensor([1, 2]), m.tensor([3, 4]), value=0.5),
        "addcmul_promote": lambda m: m.addcmul(m.ones(2), m.ones(2, dtype=m.float64), m.tensor([1, 2])),
        "value_positional": lambda m: m.addcmul(m.ones(2), m.ones(2), m.ones(2), 2),
        "heaviside_dtypes": lambda m: m.heaviside(m.ones(2), m.ones(2, dtype=m.float64)),
        "heaviside_scalar": lambda m: m.heaviside(m.ones(2), 0.5),
        "atan2_scalar": lambda m: m.atan2(m.ones(2), 2.0),
        "logit_eps": lambda m: m.logit(m.tensor([0.0, 1.0, 0.5, -1.0]), eps=0.25),
        "nan_to_num_int": lambda m: m.nan_to_num(m.tensor([1, 2]), nan=3.0),
    }
    for key, call in calls.items():
        out = []
        for m in (cr, torch):
            try:
                r = call(m)
                out.append((str(r.dtype).split(".")[-1], r.tolist()))
            except Exception as e:  # noqa: BLE001
                out.append((type(e).__name__, str(e)[:40]))
        assert out[0] == out[1], key


def test_heaviside_backward_raises_and_positive_is_identity() -> None:
    x = cr.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    h = cr.heaviside(x, cr.tensor(0.5))
    assert h.requires_grad and h.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        h.sum().backward()
    assert cr.positive(x) is x and x.positive() is x
    assert cr.float_power(cr.tensor([2, 3]), 2).dtype == cr.float64
    assert cr.arctan2 is cr.atan2


INPLACE = [("lerp_", (lambda m: m.ones(3, dtype=m.float64) * 2, 0.25)),
           ("addcmul_", (lambda m: m.ones(3), lambda m: m.ones(3) * 3)),
           ("addcdiv_", (lambda m: m.ones(3), lambda m: m.ones(3) * 4)), ("nan_to_num_", ()), ("erf_", ()),
           ("fmod_", (0.7,)), ("atan2_", (lambda m: m.ones(3),)), ("copysign_", (-1.0,)), ("logit_", ()),
           ("exp2_", ()), ("xlogy_", (3.0,)), ("hypot_", (lambda m: m.ones(3),)), ("sgn_", ()), ("frac_", ()),
           ("deg2rad_", ()), ("rad2deg_", ())]


def _args(m: Any, spec: tuple[Any, ...]) -> list[Any]:
    return [a(m) if callable(a) else a for a in spec]


@pytest.mark.parametrize("name,spec", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_variants(name: str, spec: tuple[Any, ...]) -> None:
    torch = require_torch()
    base = np.array([0.25, -1.5, 0.75])
    kw = {"value": 0.5} if name.startswith("addc") else {}
    res, grads = [], []
    for m in (cr, torch):
        x = m.tensor(base.copy())
        v0 = x._version
        r = getattr(x, name)(*_args(m, spec), **kw)
        assert r is x and x._version == v0 + 1
        res.append(x.numpy().copy())
        leaf = m.tensor(base.copy(), requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            getattr(leaf, name)(*_args(m, spec), **kw)
        y = leaf * 1.0  # a non-leaf: recorded
        getattr(y, name)(*_args(m, spec), **kw)
        assert y.grad_fn is not None
        (y * y).sum().backward()
        grads.append(leaf.grad.numpy(force=True) if m is torch else leaf.grad.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, equal_nan=True)


def test_inplace_integer_refused() -> None:
    torch = require_torch()
    for m in (cr, torch):
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
            m.tensor([1, 2]).erf_()
