"""Activations of ``chainrule.nn.functional`` against live PyTorch, finite differences and known values.

* The conformance table (``CASES``) has one or more rows per activation: values, first and second
  derivatives against PyTorch at random inputs of scale 1, 30 and 1000, in float32 and float64,
  for every option; float64 ``gradcheck``/``gradgradcheck`` on each row.
* Kinks, extreme inputs (±1000, ±1e4), reference values and integer inputs are pinned separately,
  partly from PITFALLS.md (values reproduced with PyTorch 2.13), so the formulas are checked
  independently of the oracle too.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from oracle import assert_close, require_torch, to_torch

import chainrule as cr
import chainrule.nn.functional as NF
from chainrule.autograd import gradcheck, gradgradcheck
from chainrule.ops import activation as A
from chainrule.ops.catalogue import CATALOGUE


@dataclass(frozen=True)
class Case:
    """One row of the conformance table: ``name(x, **kwargs)`` (prelu also takes a weight of ``weight`` elements)."""

    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    shape: tuple[int, ...] = (3, 4)
    weight: int = 0  # prelu only: number of weights (0: not prelu)

    @property
    def id(self) -> str:
        opts = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.name}({opts})" + (f"[w{self.weight}]" if self.weight else "")


CASES = [
    Case("sigmoid"),
    Case("tanh"),
    Case("relu"),
    Case("relu6"),
    Case("leaky_relu"),
    Case("leaky_relu", {"negative_slope": 0.2}),
    Case("elu"),
    Case("elu", {"alpha": 0.5}),
    Case("selu"),
    Case("celu"),
    Case("celu", {"alpha": 2.0}),
    Case("gelu"),
    Case("gelu", {"approximate": "tanh"}),
    Case("silu"),
    Case("mish"),
    Case("softplus"),
    Case("softplus", {"beta": 2.0, "threshold": 5.0}),
    Case("softplus", {"beta": 0.5, "threshold": 30.0}),
    Case("softplus", {"beta": -1.0}),
    Case("softsign"),
    Case("hardtanh"),
    Case("hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    Case("hardsigmoid"),
    Case("hardswish"),
    Case("logsigmoid"),
    Case("tanhshrink"),
    Case("softshrink"),
    Case("softshrink", {"lambd": 1.5}),
    Case("hardshrink"),
    Case("hardshrink", {"lambd": 1.5}),
    Case("prelu", weight=1),
    Case("prelu", shape=(2, 3, 2), weight=3),
    Case("softmax", {"dim": 1}),
    Case("softmax", {"dim": 0}),
    Case("softmin", {"dim": 1}),
    Case("log_softmax", {"dim": 1}),
    Case("log_softmax", {"dim": -2}),
    Case("glu"),
    Case("glu", {"dim": 0}, shape=(4, 3)),
]

# PyTorch has no double backward for these (its backward of the backward raises "not implemented")
NO_TORCH_SECOND_ORDER = {"hardsigmoid"}

# functions with PyTorch's ``inplace=`` flag, and the grad_fn name PyTorch shows after the in-place form
INPLACE = {
    "relu": "ReluBackward0", "relu6": "HardtanhBackward0", "leaky_relu": "LeakyReluBackward1",
    "elu": "EluBackward1", "selu": "EluBackward1", "celu": "CeluBackward1", "silu": "SiluBackward0",
    "mish": "MishBackward0", "hardtanh": "HardtanhBackward0", "hardsigmoid": "HardsigmoidBackward0",
    "hardswish": "HardswishBackward0",
}

DTYPES = [np.float64, np.float32]
SCALES = [1, 30, 1000]


def _inputs(case: Case, dtype: Any, scale: float, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    arrays = [(rng.standard_normal(case.shape) * scale).astype(dtype)]
    if case.weight:
        arrays.append(rng.uniform(-0.5, 0.5, case.weight).astype(dtype))
    return arrays


def _ours(case: Case) -> Any:
    fn = getattr(A, case.name)
    return lambda *xs: fn(*xs, **case.kwargs)


def _theirs(case: Case) -> Any:
    torch = require_torch()
    fn = getattr(torch.nn.functional, case.name)
    return lambda *xs: fn(*xs, **case.kwargs)


def _second_order_tol(dtype: Any) -> dict[str, float]:
    # float32 second derivatives come from different (equivalent) formulas: allow a few more ulps
    return {"rtol": 1e-3, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-7, "atol": 1e-9}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("scale", SCALES)
def test_matches_pytorch(case: Case, dtype: Any, scale: float) -> None:
    torch = require_torch()
    arrays = _inputs(case, dtype, scale)
    xs = [cr.tensor(a, requires_grad=True) for a in arrays]
    ts = [to_torch(a, requires_grad=True) for a in arrays]
    y, yt = _ours(case)(*xs), _theirs(case)(*ts)
    assert_close(y, yt, msg=f"{case.id} value")
    assert y.grad_fn.name() == yt.grad_fn.name()
    assert yt.grad_fn.name() in CATALOGUE[case.name].node

    rng = np.random.default_rng(1)
    gout = rng.standard_normal(yt.shape).astype(dtype)
    gs = cr.autograd.grad(y, xs, cr.tensor(gout), create_graph=True)
    gts = torch.autograd.grad(yt, ts, torch.from_numpy(gout), create_graph=True)
    for g, gt in zip(gs, gts):
        assert_close(g, gt, msg=f"{case.id} gradient")

    # second order: the gradient of <v, first gradient> with respect to every input
    vs = [rng.standard_normal(a.shape).astype(dtype) for a in arrays]
    first = sum((g * cr.tensor(v)).sum() for g, v in zip(gs, vs))
    if case.name in NO_TORCH_SECOND_ORDER:
        # piecewise linear: the second derivative is 0 wherever it exists
        assert not first.requires_grad or all(
            np.all(to_np_(h) == 0) for h in cr.autograd.grad(first, xs, allow_unused=True, materialize_grads=True))
        return
    first_t = sum((g * torch.from_numpy(v)).sum() for g, v in zip(gts, vs))
    hts = torch.autograd.grad(first_t, ts, allow_unused=True, materialize_grads=True) if first_t.requires_grad \
        else [torch.zeros_like(t) for t in ts]
    if first.requires_grad:
        hs = cr.autograd.grad(first, xs, allow_unused=True, materialize_grads=True)
    else:  # no path back to the inputs: the derivative of the (piecewise constant) gradient is 0
        hs = [cr.zeros_like(x) for x in xs]
    for h, ht in zip(hs, hts):
        ht = ht.detach().numpy()
        finite = np.isfinite(ht)  # PyTorch's mish″ is NaN at x ≈ 1000; chainrule's is the finite limit 0
        assert_close(to_np_(h)[finite], ht[finite], **_second_order_tol(dtype), msg=f"{case.id} second derivative")
        assert np.all(np.isfinite(to_np_(h)))


def to_np_(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradcheck_and_gradgradcheck(case: Case) -> None:
    arrays = _inputs(case, np.float64, 1.0, seed=3)
    xs = [cr.tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(_ours(case), xs, eps=1e-6, atol=1e-6)
    assert gradgradcheck(_ours(case), xs, eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "hardtanh", "relu6", "softshrink", "hardshrink"])
def test_piecewise_linear_gradient_can_be_differentiated_again(name: str) -> None:
    """As in PyTorch, the create_graph gradient stays on the graph and its own derivative is 0."""
    x = cr.tensor([-1.0, 0.2, 2.0, 7.0], requires_grad=True)
    (g,) = cr.autograd.grad(getattr(A, name)(x).sum(), [x], create_graph=True)
    assert g.requires_grad
    (h,) = cr.autograd.grad(g.sum(), [x])
    assert h.tolist() == [0.0] * 4


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_matches_pytorch(name: str) -> None:
    torch = require_torch()
    a = np.array([-4.0, -1.0, -0.25, 0.5, 2.0, 7.0])
    x, xt = cr.tensor(a, requires_grad=True), to_torch(a, requires_grad=True)
    h, ht = x * 1.0, xt * 1.0
    out, out_t = getattr(A, name)(h, inplace=True), getattr(torch.nn.functional, name)(ht, inplace=True)
    assert out is h
    assert_close(h, ht)
    assert h.grad_fn.name() == out_t.grad_fn.name() == INPLACE[name]
    (g,), (gt,) = cr.autograd.grad(out.sum(), [x]), torch.autograd.grad(out_t.sum(), [xt])
    assert_close(g, gt)


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_refuses_a_leaf_that_requires_grad_and_works_without_grad(name: str) -> None:
    x = cr.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        getattr(A, name)(x, inplace=True)
    with cr.no_grad():
        expected = getattr(A, name)(x.detach().clone())
        out = getattr(A, name)(x, inplace=True)
    assert out is x
    assert_close(x, expected)
    plain = cr.tensor([-1.0, 0.5, 2.0])
    assert getattr(A, name)(plain, inplace=True) is plain


# ---------------------------------------------------------------------------------------------- kinks
# (function, kwargs, x, PyTorch's derivative there): PITFALLS §1.17 plus each boundary checked on torch 2.13
KINKS = [
    ("relu", {}, 0.0, 0.0),
    ("relu6", {}, 0.0, 0.0),
    ("relu6", {}, 6.0, 0.0),
    ("leaky_relu", {}, 0.0, 0.01),
    ("leaky_relu", {"negative_slope": 0.2}, 0.0, 0.2),
    ("elu", {}, 0.0, 1.0),
    ("elu", {"alpha": 2.0}, 0.0, 2.0),
    ("selu", {}, 0.0, 1.7580993408473766),
    ("celu", {"alpha": 2.0}, 0.0, 1.0),
    ("hardtanh", {}, -1.0, 0.0),
    ("hardtanh", {}, 1.0, 0.0),
    ("hardtanh", {"min_val": -3.0, "max_val": 3.0}, 3.0, 0.0),
    ("hardsigmoid", {}, -3.0, 0.0),
    ("hardsigmoid", {}, 3.0, 0.0),
    ("hardsigmoid", {}, 0.0, float(np.float32(1) / np.float32(6))),
    ("hardswish", {}, -3.0, 0.0),
    ("hardswish", {}, 3.0, 1.0),
    ("softshrink", {}, 0.5, 0.0),
    ("softshrink", {}, -0.5, 0.0),
    ("hardshrink", {}, 0.5, 0.0),
    ("hardshrink", {"lambd": 3.0}, -3.0, 0.0),
    ("gelu", {}, 0.0, 0.5),
    ("silu", {}, 0.0, 0.5),
    ("mish", {}, 0.0, 0.6),
    ("softplus", {}, 0.0, 0.5),
    ("softplus", {}, 20.0, 1.0 / (1.0 + math.exp(-20.0))),  # at the threshold: still the smooth branch
    ("softsign", {}, 0.0, 1.0),
]


@pytest.mark.parametrize("name,kwargs,x0,expected", KINKS, ids=[f"{k[0]}{k[1] or ''}@{k[2]}" for k in KINKS])
def test_kink_conventions(name: str, kwargs: dict, x0: float, expected: float) -> None:
    x = cr.tensor([x0], dtype=cr.float64, requires_grad=True)
    (g,) = cr.autograd.grad(getattr(A, name)(x, **kwargs).sum(), [x])
    assert g.item() == pytest.approx(expected, rel=1e-12, abs=1e-15)
    torch = require_torch()
    xt = to_torch(np.array([x0]), requires_grad=True)
    (gt,) = torch.autograd.grad(getattr(torch.nn.functional, name)(xt, **kwargs).sum(), [xt])
    assert g.item() == pytest.approx(gt.item(), rel=1e-12, abs=1e-15)


def test_prelu_weight_gradient_at_zero_and_channel_broadcast() -> None:
    x = cr.tensor([[-2.0, 0.0, 3.0], [1.0, -1.0, 0.0]], dtype=cr.float64, requires_grad=True)
    w = cr.tensor([0.25, 0.5, 0.75], dtype=cr.float64, requires_grad=True)
    y = A.prelu(x, w)
    assert_close(y, np.array([[-0.5, 0.0, 3.0], [1.0, -0.5, 0.0]]))
    gx, gw = cr.autograd.grad(y.sum(), [x, w])
    assert_close(gx, np.array([[0.25, 0.5, 1.0], [1.0, 0.5, 0.75]]))  # x = 0 takes the weight (negative branch)
    assert_close(gw, np.array([-2.0, -1.0, 0.0]))  # Σ x over the negative branch, per channel


# ---------------------------------------------------------------------------------------------- extreme inputs
EXTREME = ["sigmoid", "tanh", "softplus", "logsigmoid", "silu", "mish", "gelu", "elu", "selu", "celu", "softsign",
           "tanhshrink", "hardswish", "hardsigmoid", "leaky_relu", "log_softmax", "softmax", "glu"]


@pytest.mark.parametrize("name", EXTREME)
@pytest.mark.parametrize("dtype,big", [(np.float64, 1000.0), (np.float32, 1000.0), (np.float32, 1e4)],
                         ids=["f64-1e3", "f32-1e3", "f32-1e4"])
def test_extreme_inputs_are_finite_and_match_pytorch(name: str, dtype: Any, big: float) -> None:
    torch = require_torch()
    a = np.array([-big, -big / 2, -1.0, 0.0, 1.0, big / 2, big, -big, big, 0.5], dtype=dtype)
    kwargs = {"dim": 0} if name in ("log_softmax", "softmax", "glu") else {}
    x = cr.tensor(a, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow/invalid warnings at any input
        y = getattr(A, name)(x, **kwargs)
        (g,) = cr.autograd.grad(y, [x], cr.ones_like(y))
    xt = to_torch(a, requires_grad=True)
    yt = getattr(torch.nn.functional, name)(xt, **kwargs)
    (gt,) = torch.autograd.grad(yt, [xt], torch.ones_like(yt))
    assert np.all(np.isfinite(to_np_(y))) and np.all(np.isfinite(to_np_(g)))
    assert_close(y, yt, msg=f"{name} value")
    assert_close(g, gt, msg=f"{name} gradient")


def _value_and_grad(name: str, x0: float, dtype: Any = cr.float32, **kwargs: Any) -> tuple[float, float]:
    x = cr.tensor([x0], dtype=dtype, requires_grad=True)
    y = getattr(A, name)(x, **kwargs)
    (g,) = cr.autograd.grad(y.sum(), [x])
    return y.item(), g.item()


# PITFALLS §3 (PyTorch 2.13, float32): (function, x, value, derivative)
EDGE_VALUES = [
    ("sigmoid", 1000.0, 1.0, 0.0),
    ("sigmoid", -1000.0, 0.0, 0.0),
    ("sigmoid", -20.0, 2.061154e-09, 2.061154e-09),
    ("tanh", 1000.0, 1.0, 0.0),
    ("tanh", -1000.0, -1.0, 0.0),
    ("tanh", math.inf, 1.0, 0.0),
    ("softplus", 1000.0, 1000.0, 1.0),
    ("softplus", -1000.0, 0.0, 0.0),
    ("softplus", -100.0, 3.7835e-44, None),  # (the gradient is a float32 denormal: PyTorch's is 3.78e-44, ours 0)
    ("softplus", 0.0, 0.693147, 0.5),
    ("softplus", math.inf, math.inf, 1.0),
    ("softplus", -math.inf, 0.0, 0.0),
    ("logsigmoid", -1000.0, -1000.0, 1.0),
    ("logsigmoid", 1000.0, 0.0, 0.0),
    ("relu", math.inf, math.inf, 1.0),
]


@pytest.mark.parametrize("name,x0,value,deriv", EDGE_VALUES, ids=[f"{e[0]}({e[1]})" for e in EDGE_VALUES])
def test_edge_values(name: str, x0: float, value: float, deriv: float | None) -> None:
    y, g = _value_and_grad(name, x0)
    assert y == pytest.approx(value, rel=1e-5, abs=1e-45)
    if deriv is not None:
        assert g == pytest.approx(deriv, rel=1e-4, abs=1e-45)


def test_nan_inputs_follow_pytorch() -> None:
    y, g = _value_and_grad("relu", math.nan)
    assert math.isnan(y) and g == 1.0  # NaN passes the gradient through relu
    y, g = _value_and_grad("sigmoid", math.nan)
    assert math.isnan(y) and math.isnan(g)


UNARY = ["sigmoid", "tanh", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
         "softsign", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid", "tanhshrink", "softshrink", "hardshrink"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_nan_and_infinite_inputs_match_pytorch_without_warnings(name: str, dtype: Any) -> None:
    torch = require_torch()
    a = np.array([np.nan, np.inf, -np.inf, 0.0], dtype=dtype)
    x, xt = cr.tensor(a, requires_grad=True), to_torch(a, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(A, name)(x)
        (g,) = cr.autograd.grad(y.sum(), [x])
    yt = getattr(torch.nn.functional, name)(xt)
    (gt,) = torch.autograd.grad(yt.sum(), [xt])
    assert_close(y, yt)
    if name == "softsign":  # PyTorch composes it and gets inf/inf = nan at ±inf; the closed form gives the limit 0
        assert g.tolist()[1:] == [0.0, 0.0, 1.0]
        return
    assert_close(g, gt)


def test_float16_sigmoid_saturates_cleanly() -> None:
    y = A.sigmoid(cr.tensor([-20.0, 20.0], dtype=cr.float16))
    assert y.dtype == cr.float16
    assert y.tolist() == [0.0, 1.0]


# float64 reference values (PITFALLS §3), independent of the oracle: (function, kwargs, x, value, derivative)
REFERENCE = [
    ("sigmoid", {}, 1.0, 0.731059, 0.196612),
    ("tanh", {}, 1.0, 0.761594, 0.419974),
    ("gelu", {}, 1.0, 0.841345, 1.083315),
    ("gelu", {"approximate": "tanh"}, 1.0, 0.841192, 1.082964),
    ("silu", {}, 1.0, 0.731059, 0.927671),
    ("elu", {}, -1.0, -0.632121, 0.367879),
    ("selu", {}, 1.0, 1.050701, 1.050701),
    ("softplus", {}, 1.0, 1.313262, 0.731059),
    ("logsigmoid", {}, 0.0, -math.log(2.0), 0.5),
    ("mish", {}, 1.0, math.tanh(math.log1p(math.e)), None),
    ("softsign", {}, 3.0, 0.75, 1 / 16),
    ("tanhshrink", {}, 1.0, 1 - math.tanh(1.0), math.tanh(1.0) ** 2),
    ("hardswish", {}, 1.0, 4 / 6, 1 / 3 + 0.5),
    ("celu", {"alpha": 2.0}, -2.0, 2 * math.expm1(-1.0), math.exp(-1.0)),
]


@pytest.mark.parametrize("name,kwargs,x0,value,deriv", REFERENCE, ids=[f"{r[0]}{r[1] or ''}" for r in REFERENCE])
def test_reference_values(name: str, kwargs: dict, x0: float, value: float, deriv: float | None) -> None:
    y, g = _value_and_grad(name, x0, cr.float64, **kwargs)
    assert y == pytest.approx(value, abs=5e-7)
    if deriv is not None:
        assert g == pytest.approx(deriv, abs=5e-7)


def test_log_softmax_reference_and_extremes() -> None:
    y = A.log_softmax(cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64), dim=0)
    assert_close(y, np.array([-2.407606, -1.407606, -0.407606]), rtol=0, atol=1e-6)
    x = cr.tensor([1000.0, 0.0, -1000.0], requires_grad=True)
    y = A.log_softmax(x, dim=0)
    (g,) = cr.autograd.grad(y.sum(), [x])
    assert y.tolist() == [0.0, -1000.0, -2000.0]
    assert g.tolist() == [-2.0, 1.0, 1.0]
    assert A.softmax(x, dim=0).tolist() == [1.0, 0.0, 0.0]


def test_gelu_erf_matches_closed_form_without_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-NumPy erf (used when SciPy is absent) is accurate to ~1e-15 in float64."""
    from chainrule.ops import _special

    xs = np.concatenate([np.linspace(-7, 7, 2001), [0.0, 2.5, -2.5, 30.0, -np.inf, np.inf]])
    expected = np.array([math.erf(v) for v in xs])
    np.testing.assert_allclose(_special._erf_own(xs), expected, rtol=2e-15, atol=2e-16)
    monkeypatch.setattr(_special, "_scipy_erf", None)
    y, g = _value_and_grad("gelu", 1.0, cr.float64)
    assert y == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))), rel=1e-15)
    assert g == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))) + math.exp(-0.5) / math.sqrt(2 * math.pi),
                              rel=1e-15)


# ---------------------------------------------------------------------------------------------- dtypes, errors
FLOAT_RESULT = ["sigmoid", "tanh", "softsign", "tanhshrink"]
KEEP_INT = ["relu", "relu6", "hardtanh"]
KERNEL_ERRORS = {
    "leaky_relu": "leaky_relu_cpu", "elu": "elu_cpu", "selu": "elu_cpu", "celu": "elu_cpu", "gelu": "GeluKernelImpl",
    "silu": "silu_cpu", "mish": "mish_cpu", "softplus": "softplus_cpu", "hardsigmoid": "hardsigmoid_cpu",
    "hardswish": "hardswish_cpu", "logsigmoid": "log_sigmoid_cpu", "softshrink": "softshrink_check",
    "hardshrink": "hardshrink_cpu", "glu": "glu_cpu",
}


@pytest.mark.parametrize("name", FLOAT_RESULT + KEEP_INT)
def test_integer_inputs_follow_pytorch(name: str) -> None:
    torch = require_torch()
    a = np.array([-2, 1, 3, 8])
    y, yt = getattr(A, name)(cr.tensor(a)), getattr(torch.nn.functional, name)(torch.from_numpy(a))
    assert str(y.dtype) == str(yt.dtype)
    assert_close(y, yt)


@pytest.mark.parametrize("name", sorted(KERNEL_ERRORS))
def test_integer_inputs_raise_like_pytorch(name: str) -> None:
    with pytest.raises(NotImplementedError, match=f'"{KERNEL_ERRORS[name]}" not implemented for \'Long\''):
        getattr(A, name)(cr.tensor([1, 2]))


def test_softmax_family_rejects_integers_and_warns_without_dim() -> None:
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        A.softmax(cr.tensor([1, 2]), dim=0)
    for fn in (A.softmax, A.softmin, A.log_softmax):
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            y = fn(cr.tensor([[1.0, 2.0], [3.0, 5.0]]))
        assert_close(y, fn(cr.tensor([[1.0, 2.0], [3.0, 5.0]]), dim=1))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: A.gelu(cr.tensor([1.0]), approximate="sigmoid"), RuntimeError, "approximate argument must be either"),
    (lambda: A.glu(cr.tensor([1.0, 2.0, 3.0])), RuntimeError, "Halving dimension must be even, but dimension 0"),
    (lambda: A.glu(cr.tensor(1.0)), RuntimeError, "glu does not support scalars"),
    (lambda: A.prelu(cr.randn(2, 3), cr.rand(2)), RuntimeError, "Found parameter numbers = 2 and channel size = 3"),
    (lambda: A.prelu(cr.randn(3), cr.rand(3)), RuntimeError, "parameter numbers = 3 and channel size = 1"),
    (lambda: A.prelu(cr.randn(2, 3), cr.rand(1, 1)), RuntimeError, "to be a scalar or 1D tensor, but got: ndim = 2"),
    (lambda: A.prelu(cr.randn(2, 3), cr.rand(3, dtype=cr.float64)), RuntimeError,
     "prelu: Type promoting not supported. Got Float and Double"),
    (lambda: A.prelu(cr.randn(2, 3), 0.25), TypeError, "argument 'weight' .*must be Tensor, not float"),
    (lambda: A.softshrink(cr.tensor([1.0]), -1.0), RuntimeError, r"lambda must be in range \[0, 3.40282e\+38\]"),
    (lambda: A.celu(cr.tensor([1.0]), alpha=0.0), RuntimeError, "alpha cannot be 0 for CELU"),
    (lambda: A.hardtanh(cr.tensor([1.0]), 2.0, 1.0), ValueError, "min_val cannot be greater than max_val"),
    (lambda: A.hardtanh(cr.tensor([True])), RuntimeError, "Bool inputs not supported for hardtanh"),
])
def test_misuse_raises_pytorchs_error(call: Any, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("name", [n for n in UNARY if n not in ("sigmoid", "tanh")] + ["glu"])
def test_non_tensor_input_is_a_type_error_naming_the_argument(name: str) -> None:
    with pytest.raises(TypeError, match="argument 'input' .*must be Tensor, not float"):
        getattr(A, name)(3.0)


def test_prelu_scalar_and_single_weight_shapes() -> None:
    torch = require_torch()
    for xs, ws in [((3,), (1,)), ((), (1,)), ((2, 3), ()), ((2, 3, 4), (3,))]:
        a, w = np.random.standard_normal(xs), np.random.uniform(0, 1, ws)
        y = A.prelu(cr.tensor(a), cr.tensor(w))
        yt = torch.nn.functional.prelu(torch.from_numpy(np.array(a)), torch.from_numpy(np.array(w)))
        assert_close(y, yt)


# ---------------------------------------------------------------------------------------------- completeness
def test_public_names_are_these_functions() -> None:
    """``chainrule.nn.functional.X`` is the activation tested here; the top-level math names keep working."""
    for name in A.__all__:
        assert getattr(NF, name) is getattr(A, name), name
    for name in ("sigmoid", "tanh", "relu", "softmax", "log_softmax"):
        x = cr.tensor([-1.0, 0.5, 2.0])
        kwargs = {"dim": 0} if "softmax" in name else {}
        assert_close(getattr(cr, name)(x, **kwargs), getattr(A, name)(x, **kwargs))
        assert_close(getattr(x, name)(**kwargs), getattr(A, name)(x, **kwargs))


@pytest.mark.parametrize("case", [c for c in CASES if c.name != "glu" and c.weight <= 1], ids=lambda c: c.id)
def test_zero_dim_inputs(case: Case) -> None:
    torch = require_torch()
    arrays = [np.array(0.7), *(np.array([0.3]) for _ in range(bool(case.weight)))]
    kwargs = {"dim": 0} if "dim" in case.kwargs else {}
    kwargs.update({k: v for k, v in case.kwargs.items() if k != "dim"})
    xs = [cr.tensor(a, requires_grad=True) for a in arrays]
    ts = [to_torch(a, requires_grad=True) for a in arrays]
    y = getattr(A, case.name)(*xs, **kwargs)
    yt = getattr(torch.nn.functional, case.name)(*ts, **kwargs)
    assert_close(y, yt)
    for g, gt in zip(cr.autograd.grad(y, xs), torch.autograd.grad(yt, ts)):
        assert_close(g, gt)


@pytest.mark.parametrize("case", [c for c in CASES if c.weight <= 1], ids=lambda c: c.id)
def test_empty_inputs(case: Case) -> None:
    torch = require_torch()
    arrays = [np.zeros((0, 4)), *(np.array([0.3]) for _ in range(bool(case.weight)))]
    kwargs = {**case.kwargs, "dim": 1} if "dim" in case.kwargs else case.kwargs
    xs = [cr.tensor(a, requires_grad=True) for a in arrays]
    ts = [to_torch(a, requires_grad=True) for a in arrays]
    y = getattr(A, case.name)(*xs, **kwargs)
    yt = getattr(torch.nn.functional, case.name)(*ts, **kwargs)
    assert_close(y, yt)
    for g, gt in zip(cr.autograd.grad(y.sum(), xs), torch.autograd.grad(yt.sum(), ts)):
        assert_close(g, gt)


@pytest.mark.parametrize("name", ["softmax", "softmin", "log_softmax"])
def test_softmax_family_dtype_argument(name: str) -> None:
    torch = require_torch()
    a = np.random.standard_normal((2, 3)).astype(np.float32)
    x, xt = cr.tensor(a, requires_grad=True), to_torch(a, requires_grad=True)
    y = getattr(A, name)(x, dim=1, dtype=cr.float64)
    yt = getattr(torch.nn.functional, name)(xt, dim=1, dtype=torch.float64)
    assert_close(y, yt)
    (g,), (gt,) = cr.autograd.grad(y[:, 0].sum(), [x]), torch.autograd.grad(yt[:, 0].sum(), [xt])
    assert_close(g, gt)


def test_every_activation_has_a_table_row_and_a_catalogue_entry() -> None:
    tested = {c.name for c in CASES}
    assert set(A.__all__) <= tested, f"missing from the conformance table: {set(A.__all__) - tested}"
    missing = [n for n in A.__all__ if n not in CATALOGUE]
    assert not missing, f"missing from the derivative catalogue: {missing}"
    for name in A.__all__:
        e = CATALOGUE[name]
        assert e.family == "activation" and e.formula and e.derivative and e.kink and e.node, name


def test_activation_nodes_carry_their_math() -> None:
    """Every Node class in the module documents its function and derivative ("y = …   dy/dx = …")."""
    for obj in vars(A).values():
        if isinstance(obj, type) and issubclass(obj, cr.autograd.graph.Node) and obj.__module__ == A.__name__:
            assert obj.__doc__ and "y =" in obj.__doc__ and ("dy/dx" in obj.__doc__ or "∂" in obj.__doc__), obj
