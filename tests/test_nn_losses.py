"""Losses of chainrule.nn.functional against live PyTorch, finite differences and pinned reference values.

The conformance table ``TABLE`` has one entry per public name of ``chainrule.ops.loss``. Each entry
yields cases (arguments + keyword options); the runner compares, for every reduction, float32 and
float64, and input scales 1, 30 and 1000: the value, the gradients with respect to every floating
argument that requires grad (input and target), and the second derivatives (the gradient of
⟨∇ℓ, v⟩ for a random v) with PyTorch. Float64 cases at scale 1 also go through gradcheck and
gradgradcheck.
"""

from __future__ import annotations

import os
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr
import chainrule.nn.functional as CF
from chainrule.ops import loss as loss_module

SCALES = (1.0, 30.0, 1000.0)
SEED_OFFSET = int(os.environ.get("CHAINRULE_TEST_SEED", "0"))  # vary to explore other random inputs
DTYPES = (np.float32, np.float64)
RED = ("mean", "sum", "none")


@dataclass
class Arg:
    """A floating argument: passed as a tensor of the dtype under test; ``grad`` says whether it requires grad."""

    array: np.ndarray
    grad: bool = True


@dataclass
class Case:
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    reductions: tuple[str, ...] = RED
    fd: bool = True  # smooth here: also gradcheck / gradgradcheck at scale 1


@dataclass
class Entry:
    cases: Callable[[np.random.Generator, float], Iterator[Case]]
    grad: bool = True


def _pm1(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def _log_softmax(a: np.ndarray, axis: int) -> np.ndarray:
    m = a.max(axis=axis, keepdims=True)
    return a - m - np.log(np.exp(a - m).sum(axis=axis, keepdims=True))


def _pair(rng: np.random.Generator, s: float, shape: tuple[int, ...] = (3, 4)) -> tuple[Arg, Arg]:
    return Arg(rng.standard_normal(shape) * s), Arg(rng.standard_normal(shape) * s)


def _mse(rng, s):
    yield Case(_pair(rng, s))
    yield Case(_pair(rng, s), {"weight": Arg(rng.random((3, 4)) + 0.5, grad=False)})


def _l1(rng, s):
    yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(rng.standard_normal((3, 4)) * s)), fd=False)
    yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(rng.standard_normal((3, 4)) * s)),
               {"weight": Arg(rng.random((3, 4)) + 0.5, grad=False)}, fd=False)


def _smooth_l1(rng, s):
    for beta in (1.0, 0.5, 0.0):
        yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(rng.standard_normal((3, 4)) * s)), {"beta": beta},
                   fd=False)


def _huber(rng, s):
    for delta in (1.0, 2.5):
        yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(rng.standard_normal((3, 4)) * s)), {"delta": delta},
                   fd=False)
    yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(rng.standard_normal((3, 4)) * s)),
               {"weight": Arg(rng.random((3, 4)) + 0.5, grad=False)}, fd=False)


def _bce(rng, s):
    def p():
        return Arg(rng.uniform(0.05, 0.95, (3, 4)))
    yield Case((p(), Arg(rng.random((3, 4)))))
    yield Case((p(), Arg(rng.random((3, 4)))), {"weight": Arg(rng.random(4) + 0.5, grad=False)})


def _bce_logits(rng, s):
    def x():
        return Arg(rng.standard_normal((3, 4)) * s)
    yield Case((x(), Arg(rng.random((3, 4)))))
    yield Case((x(), Arg(rng.random((3, 4)))), {"weight": Arg(rng.random(4) + 0.5, grad=False)})
    yield Case((x(), Arg(rng.random((3, 4)))), {"pos_weight": Arg(rng.random(4) * 3 + 0.2, grad=False)})
    yield Case((x(), Arg(rng.random((3, 4)))), {"pos_weight": Arg(rng.random(4) * 3 + 0.2, grad=False),
                                               "weight": Arg(rng.random((3, 4)) + 0.5, grad=False)})


def _targets(rng: np.random.Generator, n: int, c: int, shape: tuple[int, ...] | None = None) -> np.ndarray:
    return rng.integers(0, c, shape or (n,)).astype(np.int64)


def _cross_entropy(rng, s):
    x = lambda *shape: Arg(rng.standard_normal(shape) * s)  # noqa: E731
    w = Arg(rng.random(4) + 0.5, grad=False)
    yield Case((x(5, 4), _targets(rng, 5, 4)))
    yield Case((x(5, 4), _targets(rng, 5, 4)), {"weight": w})
    t = _targets(rng, 5, 4)
    t[[1, 3]] = 2
    yield Case((x(5, 4), t), {"ignore_index": 2, "weight": w})
    yield Case((x(5, 4), t), {"ignore_index": 2, "label_smoothing": 0.2})
    yield Case((x(5, 4), _targets(rng, 5, 4)), {"label_smoothing": 0.1, "weight": w})
    yield Case((x(2, 4, 3), _targets(rng, 2, 4, (2, 3))))
    yield Case((x(2, 4, 3, 2), _targets(rng, 2, 4, (2, 3, 2))), {"weight": w, "label_smoothing": 0.3})
    yield Case((x(4), np.array(1, dtype=np.int64)))
    probs = lambda *shape: Arg(np.exp(_log_softmax(rng.standard_normal(shape), 1)))  # noqa: E731
    yield Case((x(5, 4), probs(5, 4)))
    yield Case((x(5, 4), probs(5, 4)), {"weight": w, "label_smoothing": 0.25})
    yield Case((x(2, 4, 3), probs(2, 4, 3)))


def _nll(rng, s):
    lp = lambda *shape: Arg(_log_softmax(rng.standard_normal(shape) * s, 1))  # noqa: E731
    w = Arg(rng.random(4) + 0.5, grad=False)
    yield Case((lp(5, 4), _targets(rng, 5, 4)))
    t = _targets(rng, 5, 4)
    t[0] = 1
    yield Case((lp(5, 4), t), {"weight": w, "ignore_index": 1})
    yield Case((lp(2, 4, 3), _targets(rng, 2, 4, (2, 3))), {"weight": w})


def _kl(rng, s):
    red = RED + ("batchmean",)
    x = Arg(_log_softmax(rng.standard_normal((3, 4)) * s, 1))
    yield Case((x, Arg(np.exp(_log_softmax(rng.standard_normal((3, 4)), 1)))), reductions=red)
    yield Case((Arg(_log_softmax(rng.standard_normal((3, 4)) * s, 1)),
                Arg(_log_softmax(rng.standard_normal((3, 4)), 1))), {"log_target": True}, reductions=red)


def _poisson(rng, s):
    s = min(s, 10.0)  # e^(1000·x) is inf in both libraries: nothing to compare
    yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(rng.random((3, 4)) * 5)))
    yield Case((Arg(rng.uniform(0.2, 5, (3, 4))), Arg(rng.random((3, 4)) * 5)), {"log_input": False, "full": True})
    yield Case((Arg(rng.uniform(0.2, 5, (3, 4))), Arg(rng.random((3, 4)) * 5)), {"log_input": False, "eps": 1e-3})


def _soft_margin(rng, s):
    s = min(s, 10.0)  # PyTorch's log1p(exp(−t·x)) overflows to inf for t·x < −88 in float32; ours stays finite
    yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(_pm1(rng, (3, 4)), grad=False)))


def _margin_ranking(rng, s):
    for margin in (0.0, 0.5):
        yield Case((Arg(rng.standard_normal(6) * s), Arg(rng.standard_normal(6) * s), Arg(_pm1(rng, (6,)), False)),
                   {"margin": margin}, fd=False)


def _hinge(rng, s):
    for margin in (1.0, 2.0):
        yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(_pm1(rng, (3, 4)), False)), {"margin": margin},
                   fd=False)


def _cosine(rng, s):
    for margin in (0.0, 0.3):
        yield Case((Arg(rng.standard_normal((4, 5)) * s), Arg(rng.standard_normal((4, 5)) * s),
                    Arg(_pm1(rng, (4,)), False)), {"margin": margin}, fd=False)
    yield Case((Arg(rng.standard_normal(5) * s), Arg(rng.standard_normal(5) * s), Arg(np.array(1.0), False)))


def _linear(rng, s):
    yield Case((Arg(rng.standard_normal((3, 4)) * s), Arg(rng.standard_normal((5, 4))), Arg(rng.standard_normal(5))),
               reductions=(None,))
    yield Case((Arg(rng.standard_normal((2, 3, 4)) * s), Arg(rng.standard_normal((5, 4)))), reductions=(None,))


def _dropout(rng, s):
    # the random mask is not PyTorch's stream: compare the deterministic settings here
    yield Case((Arg(rng.standard_normal((3, 4)) * s),), {"p": 0.0}, reductions=(None,))
    yield Case((Arg(rng.standard_normal((3, 4)) * s),), {"p": 0.7, "training": False}, reductions=(None,))


def _dropout2d(rng, s):
    # the random mask is not PyTorch's stream: the deterministic settings here (statistics in test_nn_misc)
    yield Case((Arg(rng.standard_normal((2, 3, 4, 5)) * s),), {"p": 0.0}, reductions=(None,))
    yield Case((Arg(rng.standard_normal((2, 3, 4, 5)) * s),), {"p": 0.7, "training": False}, reductions=(None,))


def _one_hot(rng, s):
    yield Case((np.array([0, 3, 1], dtype=np.int64),), reductions=(None,))
    yield Case((np.array([[0, 2], [1, 1]], dtype=np.int64), 5), reductions=(None,))


def _normalize(rng, s):
    yield Case((Arg(rng.standard_normal((3, 4)) * s),), reductions=(None,))
    yield Case((Arg(rng.standard_normal((3, 4)) * s),), {"p": 1.0, "dim": 0}, reductions=(None,), fd=False)
    yield Case((Arg(rng.standard_normal((2, 3, 4)) * s),), {"p": 3.0, "dim": -1}, reductions=(None,))


def _pad(rng, s):
    x = lambda: Arg(rng.standard_normal((2, 3, 4)) * s)  # noqa: E731
    yield Case((x(), (1, 2)), reductions=(None,))
    yield Case((x(), (1, -1, 2, 0)), reductions=(None,))
    yield Case((x(), (0, 1, -1, 1, 2, 0)), {"value": 0.5}, reductions=(None,))


TABLE: dict[str, Entry] = {
    "mse_loss": Entry(_mse),
    "l1_loss": Entry(_l1),
    "smooth_l1_loss": Entry(_smooth_l1),
    "huber_loss": Entry(_huber),
    "binary_cross_entropy": Entry(_bce),
    "binary_cross_entropy_with_logits": Entry(_bce_logits),
    "cross_entropy": Entry(_cross_entropy),
    "nll_loss": Entry(_nll),
    "kl_div": Entry(_kl),
    "poisson_nll_loss": Entry(_poisson),
    "soft_margin_loss": Entry(_soft_margin),
    "margin_ranking_loss": Entry(_margin_ranking),
    "hinge_embedding_loss": Entry(_hinge),
    "cosine_embedding_loss": Entry(_cosine),
    "linear": Entry(_linear),
    "dropout": Entry(_dropout),
    "dropout2d": Entry(_dropout2d),
    "one_hot": Entry(_one_hot, grad=False),
    "normalize": Entry(_normalize),
    "pad": Entry(_pad),
}


def test_every_public_name_has_a_table_entry() -> None:
    assert sorted(loss_module.__all__) == sorted(TABLE)
    for name in loss_module.__all__:
        assert getattr(CF, name) is getattr(loss_module, name)


# -- the runner ---------------------------------------------------------------------------------------

def _build(args: tuple[Any, ...], kwargs: dict[str, Any], dtype: Any, lib: str) -> tuple[list[Any], dict[str, Any],
                                                                                         list[Any]]:
    torch = require_torch()

    def conv(a: Any, diff: list[Any]) -> Any:
        if isinstance(a, Arg):
            arr = a.array.astype(dtype)
            t = cr.tensor(arr, requires_grad=a.grad) if lib == "cr" else torch.tensor(arr, requires_grad=a.grad)
            if a.grad:
                diff.append(t)
            return t
        if isinstance(a, np.ndarray):
            return cr.tensor(a) if lib == "cr" else torch.tensor(a)
        return a

    diff: list[Any] = []
    built = [conv(a, diff) for a in args]
    kw = {k: conv(v, diff) for k, v in kwargs.items()}
    return built, kw, diff


def _np(x: Any) -> np.ndarray:
    if x is None:
        return None
    if isinstance(x, cr.Tensor):
        return np.asarray(x.detach().numpy())
    return np.asarray(x.detach().numpy(force=True))  # force: PyTorch's lazy ZeroTensor


def _check(actual: Any, expected: Any, dtype: Any, what: str) -> None:
    a, e = _np(actual), _np(expected)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
    assert a.dtype == e.dtype, f"{what}: dtype {a.dtype} != {e.dtype}"
    rtol = 2e-4 if dtype == np.float32 else 1e-7
    finite = e[np.isfinite(e)]
    atol = rtol * max(1.0, float(np.abs(finite).max()) if finite.size else 1.0)
    np.testing.assert_allclose(a.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True,
                               err_msg=what)


def _grads(lib_autograd: Any, out: Any, diff: list[Any], v: Any, create: bool) -> list[Any]:
    return list(lib_autograd.grad(out, diff, grad_outputs=v, create_graph=create, allow_unused=True))


def _run_case(name: str, case: Case, dtype: Any, reduction: str | None, rng: np.random.Generator) -> None:
    torch = require_torch()
    kwargs = dict(case.kwargs)
    if reduction is not None:
        kwargs["reduction"] = reduction
    ca, ckw, cdiff = _build(case.args, kwargs, dtype, "cr")
    ta, tkw, tdiff = _build(case.args, kwargs, dtype, "torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # kl_div's 'mean' notice (tested separately)
        out = getattr(CF, name)(*ca, **ckw)
        ref = getattr(torch.nn.functional, name)(*ta, **tkw)
    what = f"{name}{kwargs} {np.dtype(dtype).name}"
    _check(out, ref, dtype, what + " value")
    if not tdiff or not ref.requires_grad:
        return
    v = rng.standard_normal(tuple(ref.shape)).astype(dtype)
    g_c = _grads(cr.autograd, out, cdiff, cr.tensor(v), True)
    g_t = _grads(torch.autograd, ref, tdiff, torch.tensor(v), True)
    for i, (a, e) in enumerate(zip(g_c, g_t)):
        if e is None:
            assert a is None or not np.any(_np(a)), f"{what}: grad {i} should be zero"
            continue
        _check(a, e, dtype, f"{what} grad[{i}]")
    # second derivatives: ∇ of ⟨∇ℓ, w⟩ for a random w, through every differentiable argument
    pairs = [(a, e) for a, e in zip(g_c, g_t) if e is not None and e.requires_grad]
    if not pairs:
        return
    ws = [rng.standard_normal(tuple(e.shape)).astype(dtype) for _, e in pairs]
    s_c = sum(((a * cr.tensor(w)).sum() for (a, _), w in zip(pairs, ws)), cr.tensor(np.zeros((), dtype)))
    s_t = sum(((e * torch.tensor(w)).sum() for (_, e), w in zip(pairs, ws)), torch.tensor(np.zeros((), dtype)))
    if not s_c.requires_grad:
        assert all(x is None or not x.requires_grad or not np.any(_np(torch.autograd.grad(s_t, x, allow_unused=True,
                                                                                           retain_graph=True)[0]))
                   for x in tdiff if x is not None)
        return
    gg_c = _grads(cr.autograd, s_c, cdiff, None, False)
    gg_t = _grads(torch.autograd, s_t, tdiff, None, False)
    for i, (a, e) in enumerate(zip(gg_c, gg_t)):
        a_np = np.zeros(tdiff[i].shape, dtype) if a is None else _np(a)
        e_np = np.zeros(tdiff[i].shape, dtype) if e is None else _np(e)
        _check(cr.tensor(a_np), torch.tensor(e_np), dtype, f"{what} second derivative[{i}]")


@pytest.mark.parametrize("name", list(TABLE))
def test_matches_pytorch(name: str) -> None:
    """Values, gradients and second derivatives against PyTorch: every case × reduction × dtype × scale."""
    require_torch()
    rng = np.random.default_rng(zlib.crc32(name.encode()) + SEED_OFFSET)
    entry = TABLE[name]
    n = 0
    for scale in SCALES:
        for case in entry.cases(rng, scale):
            for dtype in DTYPES:
                for red in case.reductions:
                    _run_case(name, case, dtype, red, rng)
                    n += 1
    assert n > 0


@pytest.mark.parametrize("name", [n for n in TABLE if TABLE[n].grad])
def test_gradcheck_and_gradgradcheck(name: str) -> None:
    """float64 central differences of first and second derivatives, through every differentiable argument."""
    rng = np.random.default_rng(7)
    for k, case in enumerate(TABLE[name].cases(rng, 1.0)):
        if not case.fd:
            continue
        # one reduction per case, rotating, keeps this fast; the oracle test covers every reduction
        for red in (case.reductions[k % len(case.reductions)],):
            kwargs = dict(case.kwargs)
            if red is not None:
                kwargs["reduction"] = red
            args, kw, diff = _build_cr(case.args, kwargs)
            positions = [i for i, a in enumerate(args) if isinstance(a, cr.Tensor) and a.requires_grad]

            def fn(*xs: Any, _args=args, _pos=positions, _kw=kw) -> Any:
                full = list(_args)
                for p, x in zip(_pos, xs):
                    full[p] = x
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    return getattr(CF, name)(*full, **_kw)

            inputs = tuple(args[p] for p in positions)
            assert cr.autograd.gradcheck(fn, inputs), (name, kwargs)
            assert cr.autograd.gradgradcheck(fn, inputs), (name, kwargs)


def _build_cr(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any], list[Any]]:
    diff: list[Any] = []

    def conv(a: Any) -> Any:
        if isinstance(a, Arg):
            t = cr.tensor(a.array.astype(np.float64), requires_grad=a.grad)
            if a.grad:
                diff.append(t)
            return t
        if isinstance(a, np.ndarray):
            return cr.tensor(a)
        return a

    return [conv(a) for a in args], {k: conv(v) for k, v in kwargs.items()}, diff


# -- reference values pinned independently of the oracle (PyTorch docs / PITFALLS §3) -----------------

def _f64(*v: Any) -> Any:
    return cr.tensor(np.array(v, dtype=np.float64))


def test_pinned_reference_values() -> None:
    x = _f64([1.0, 2.0, 3.0])
    t0 = cr.tensor([0])
    assert CF.cross_entropy(x, t0).item() == pytest.approx(2.407606, abs=1e-6)
    assert CF.cross_entropy(x, t0, label_smoothing=0.1).item() == pytest.approx(2.307606, abs=1e-6)
    assert CF.cross_entropy(x, _f64([0.2, 0.3, 0.5])).item() == pytest.approx(1.107606, abs=1e-6)
    x2 = _f64([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    w = cr.tensor([1.0, 1.0, 3.0], dtype=cr.float64)
    assert CF.cross_entropy(x2, cr.tensor([0, 2]), weight=w).item() == pytest.approx(0.907606, abs=1e-6)
    assert CF.binary_cross_entropy(_f64(0.7), _f64(1.0)).item() == pytest.approx(0.356675, abs=1e-6)
    assert CF.binary_cross_entropy_with_logits(_f64(0.5), _f64(1.0)).item() == pytest.approx(0.474077, abs=1e-6)
    pw = CF.binary_cross_entropy_with_logits(_f64(0.0), _f64(1.0), pos_weight=_f64(3.0))
    assert pw.item() == pytest.approx(3 * np.log(2), abs=1e-6)  # 2.079442
    kl = CF.kl_div(cr.log(_f64([0.25, 0.75])), _f64([0.5, 0.5]), reduction="batchmean")
    assert kl.item() == pytest.approx(0.143841, abs=1e-6)


def test_smooth_l1_and_huber_table() -> None:
    d = cr.tensor(np.array([-1.0, 0.5, 1.0, 2.0]), requires_grad=True)
    loss = CF.smooth_l1_loss(d, cr.zeros(4, dtype=cr.float64), reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [0.5, 0.125, 0.5, 1.5])
    loss.sum().backward()
    np.testing.assert_allclose(d.grad.numpy(), [-1.0, 0.5, 1.0, 1.0])
    x = cr.tensor([3.0], requires_grad=True)
    h = CF.huber_loss(x, cr.zeros(1), delta=2.0)
    (gh,) = cr.autograd.grad(h, x)
    assert h.item() == pytest.approx(4.0) and gh.item() == pytest.approx(2.0)
    s = CF.smooth_l1_loss(x, cr.zeros(1), beta=2.0)
    (gs,) = cr.autograd.grad(s, x)
    assert s.item() == pytest.approx(2.0) and gs.item() == pytest.approx(1.0)
    # β = 0 is exactly L1: gradient ±1 and 0 at the kink, never NaN
    z = cr.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    CF.smooth_l1_loss(z, cr.zeros(3), beta=0.0, reduction="sum").backward()
    np.testing.assert_array_equal(z.grad.numpy(), [-1.0, 0.0, 1.0])


# -- numerics at the extremes -------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [cr.float32, cr.float64])
def test_cross_entropy_huge_logits(dtype: Any) -> None:
    big = 1e4 if dtype == cr.float32 else 1000.0
    x = cr.tensor([big, 0.0, -big], dtype=dtype, requires_grad=True)
    loss = CF.cross_entropy(x, cr.tensor(2))
    loss.backward()
    assert loss.item() == pytest.approx(2 * big)
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, -1.0])
    xb = cr.tensor(np.array([[big, -big], [-big, big]]), dtype=dtype, requires_grad=True)
    for kw in ({}, {"label_smoothing": 0.2}, {"weight": cr.tensor([1.0, 2.0], dtype=dtype)}):
        out = CF.cross_entropy(xb, cr.tensor([1, 1]), **kw)
        (g,) = cr.autograd.grad(out, xb)
        assert np.isfinite(out.item()) and np.isfinite(g.numpy()).all()


@pytest.mark.parametrize("dtype", [cr.float32, cr.float64])
def test_bce_with_logits_extremes(dtype: Any) -> None:
    x = cr.tensor([-1000.0, 1000.0, -1000.0, 1000.0], dtype=dtype, requires_grad=True)
    t = cr.tensor([0.0, 1.0, 1.0, 0.0], dtype=dtype, requires_grad=True)
    loss = CF.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_array_equal(loss.detach().numpy(), [0.0, 0.0, 1000.0, 1000.0])
    gx, gt = cr.autograd.grad(loss.sum(), (x, t), create_graph=True)
    np.testing.assert_array_equal(gx.detach().numpy(), [0.0, 0.0, -1.0, 1.0])
    np.testing.assert_array_equal(gt.detach().numpy(), [1000.0, -1000.0, 1000.0, -1000.0])
    (ggx,) = cr.autograd.grad(gx.sum(), x)
    np.testing.assert_array_equal(ggx.numpy(), [0.0, 0.0, 0.0, 0.0])
    pw = CF.binary_cross_entropy_with_logits(x, t, pos_weight=cr.tensor([3.0], dtype=dtype), reduction="none")
    np.testing.assert_array_equal(pw.detach().numpy(), [0.0, 0.0, 3000.0, 1000.0])


def test_bce_clamps_log_at_minus_100() -> None:
    p = cr.tensor([0.0, 0.0, 1.0, 1.0], requires_grad=True)
    t = cr.tensor([0.0, 1.0, 1.0, 0.0])
    loss = CF.binary_cross_entropy(p, t, reduction="none")
    np.testing.assert_array_equal(loss.detach().numpy(), [0.0, 100.0, 0.0, 100.0])
    loss.sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), [0.0, -1e12, 0.0, 1e12])


def test_soft_margin_stable() -> None:
    x = cr.tensor([-1000.0, 1000.0], requires_grad=True)
    loss = CF.soft_margin_loss(x, cr.tensor([1.0, 1.0]), reduction="none")
    np.testing.assert_array_equal(loss.detach().numpy(), [1000.0, 0.0])  # PyTorch: inf for the first
    loss.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, 0.0])


def test_ignored_and_empty_batches_like_pytorch() -> None:
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    assert np.isnan(CF.cross_entropy(cr.tensor(x), cr.tensor([-100, -100])).item())
    assert np.isnan(CF.nll_loss(cr.tensor(x), cr.tensor([1, 1]), ignore_index=1).item())
    e = cr.zeros(0, 3, requires_grad=True)
    te = torch.zeros(0, 3, requires_grad=True)
    for red in RED:
        for fn, tgt, ttgt in (("cross_entropy", cr.zeros(0, dtype=cr.int64), torch.zeros(0, dtype=torch.int64)),
                              ("cross_entropy", cr.zeros(0, 3), torch.zeros(0, 3)),
                              ("mse_loss", cr.zeros(0, 3), torch.zeros(0, 3)),
                              ("binary_cross_entropy_with_logits", cr.zeros(0, 3), torch.zeros(0, 3))):
            out = getattr(CF, fn)(e, tgt, reduction=red)
            ref = getattr(torch.nn.functional, fn)(te, ttgt, reduction=red)
            np.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
            if red != "none":
                (g,) = cr.autograd.grad(out, e)
                assert g.shape == (0, 3)


def test_no_numpy_warnings_at_extremes() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = cr.tensor([[-1e4, 1e4, 0.0], [float("-inf"), 0.0, 1.0]], requires_grad=True)
        for red in RED:
            out = CF.cross_entropy(x, cr.tensor([0, 1]), reduction=red, label_smoothing=0.1)
            cr.autograd.grad(out.sum(), x, create_graph=True)
        y = cr.tensor([-1e4, 1e4, 0.0], requires_grad=True)
        out = CF.binary_cross_entropy_with_logits(y, cr.tensor([1.0, 0.0, 0.5]))
        (g,) = cr.autograd.grad(out, y, create_graph=True)
        cr.autograd.grad(g.sum(), y)
        p = cr.tensor([0.0, 1.0, 0.5], requires_grad=True)
        CF.binary_cross_entropy(p, cr.tensor([1.0, 0.0, 0.5])).backward()
        CF.kl_div(cr.tensor([-1.0, -2.0]), cr.tensor([0.0, 0.5]), reduction="sum")


# -- errors and warnings, PyTorch's type and key phrase ---------------------------------------------

def test_class_target_errors() -> None:
    x = cr.randn(2, 5)
    with pytest.raises(IndexError, match="Target 5 is out of bounds."):
        CF.cross_entropy(x, cr.tensor([0, 5]))
    with pytest.raises(IndexError, match="Target -3 is out of bounds."):
        CF.nll_loss(x, cr.tensor([-3, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        CF.nll_loss(x, cr.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Int"):
        CF.cross_entropy(x, cr.tensor([0, 1], dtype=cr.int32))
    with pytest.raises(RuntimeError, match=r"label_smoothing must be between 0\.0 and 1\.0\. Got: 1\.5"):
        CF.cross_entropy(x, cr.tensor([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"Expected input batch_size \(2\) to match target batch_size \(3\)\."):
        CF.cross_entropy(x, cr.tensor([0, 1, 1]))
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 5 classes"):
        CF.cross_entropy(x, cr.tensor([0, 1]), weight=cr.ones(4))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 5\]"):
        CF.cross_entropy(cr.randn(2, 3, 4), cr.zeros(2, 5, dtype=cr.int64))
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point target"):
        CF.cross_entropy(x, cr.rand(2, 5), ignore_index=1)
    # uint8 targets are accepted, as in PyTorch
    assert np.isfinite(CF.cross_entropy(x, cr.tensor([0, 4], dtype=cr.uint8)).item())


def test_binary_errors() -> None:
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        CF.binary_cross_entropy(cr.tensor([1.5]), cr.tensor([1.0]))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        CF.binary_cross_entropy(cr.tensor([float("nan")]), cr.tensor([1.0]))
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        CF.binary_cross_entropy(cr.tensor([0.5]), cr.tensor([2.0]))
    msg = (r"Using a target size \(torch.Size\(\[2\]\)\) that is different to the input size "
           r"\(torch.Size\(\[1\]\)\) is deprecated. Please ensure they have the same size.")
    with pytest.raises(ValueError, match=msg):
        CF.binary_cross_entropy(cr.tensor([0.5]), cr.tensor([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"Target size \(torch.Size\(\[2\]\)\) must be the same as input size"):
        CF.binary_cross_entropy_with_logits(cr.tensor([0.5]), cr.tensor([1.0, 1.0]))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        CF.binary_cross_entropy(cr.tensor([0.5]), cr.tensor([1.0]), weight=cr.ones(1, requires_grad=True))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'pos_weight'"):
        CF.binary_cross_entropy_with_logits(cr.tensor([0.5]), cr.tensor([1.0]),
                                            pos_weight=cr.ones(1, requires_grad=True))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
        CF.soft_margin_loss(cr.tensor([0.5]), cr.tensor([1.0], requires_grad=True))


def test_reduction_and_size_warnings() -> None:
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        CF.mse_loss(cr.ones(2), cr.ones(2), reduction="foo")
    with pytest.raises(ValueError, match="batchmean is not a valid value for reduction"):
        CF.l1_loss(cr.ones(2), cr.ones(2), reduction="batchmean")
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[2\]\)\) that is different to the "
                                         r"input size \(torch.Size\(\[2, 1\]\)\). This will likely lead to incorrect "
                                         "results due to broadcasting"):
        out = CF.mse_loss(cr.tensor([[1.0], [2.0]]), cr.tensor([1.0, 2.0]))
    assert out.item() == pytest.approx(0.5)  # the N×N broadcast PyTorch also computes
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(2\) must match the size of tensor b \(3\) at "
                                           "non-singleton dimension 0"), pytest.warns(UserWarning):
        CF.mse_loss(cr.ones(2), cr.ones(3))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        CF.kl_div(cr.zeros(2), cr.ones(2))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use "
                                         "reduction='sum' instead."):
        out = CF.mse_loss(cr.ones(2), cr.zeros(2), size_average=False)
    assert out.item() == 2.0
    with pytest.raises(NotImplementedError, match="\"mse_cpu\" not implemented for 'Long'"):
        CF.mse_loss(cr.tensor([1, 2]), cr.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values for beta."):
        CF.smooth_l1_loss(cr.ones(2), cr.ones(2), beta=-1.0)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values for delta."):
        CF.huber_loss(cr.ones(2), cr.ones(2), delta=0.0)
    with pytest.raises(ValueError, match="Weights and input must have the same size."):
        CF.mse_loss(cr.ones(2), cr.ones(2), weight=cr.ones(3))


def test_grad_fn_names_match_pytorch() -> None:
    torch = require_torch()
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    t = np.random.default_rng(2).random((3, 4)).astype(np.float32)
    for name in ("mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy_with_logits", "soft_margin_loss"):
        ours = getattr(CF, name)(cr.tensor(x, requires_grad=True), cr.tensor(t)).grad_fn.name()
        theirs = getattr(torch.nn.functional, name)(torch.tensor(x, requires_grad=True), torch.tensor(t))
        assert ours == theirs.grad_fn.name()
    ce = CF.cross_entropy(cr.tensor(x, requires_grad=True), cr.tensor([0, 1, 2]))
    assert ce.grad_fn.name() == "NllLossBackward0"


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss",
                                  "kl_div", "binary_cross_entropy_with_logits"])
def test_mixed_dtypes_give_pytorchs_result_dtype(name: str) -> None:
    torch = require_torch()
    a = np.array([0.2, -0.4, 0.9], dtype=np.float32)
    t = np.array([0.0, 1.0, 0.5])
    for target in (t, t.astype(np.int64)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            try:
                ref = getattr(torch.nn.functional, name)(torch.tensor(a, requires_grad=True), torch.tensor(target))
            except RuntimeError as err:
                with pytest.raises(RuntimeError, match=str(err)[:30]):
                    getattr(CF, name)(cr.tensor(a, requires_grad=True), cr.tensor(target))
                continue
            x = cr.tensor(a, requires_grad=True)
            out = getattr(CF, name)(x, cr.tensor(target))
        _check(out, ref, np.float32, f"{name} {target.dtype}")
        out.backward()
        assert x.grad.dtype == cr.float32


BCE_EDGE_VALUES = [0.0, 1.0, -0.0, 1e-45, 1 - 2**-24, -1e-30, 1 + 2**-23, 2.0, -1.0, float("nan"), float("inf")]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_range_checks_match_pytorch(reduction: str) -> None:
    """Every pair of edge values for (p, t): the same error or the same loss and gradient as PyTorch
    (the range checks are folded into the loss computation, so each branch is exercised here)."""
    torch = require_torch()
    for pv in BCE_EDGE_VALUES:
        for tv in BCE_EDGE_VALUES:
            p = [0.25, pv, 0.75]
            t = [1.0, tv, 0.0]
            results = []
            for lib in (cr, torch):
                x = lib.tensor(p, requires_grad=True)
                try:
                    loss = lib.nn.functional.binary_cross_entropy(x, lib.tensor(t), reduction=reduction)
                    loss.sum().backward()
                    results.append(("ok", loss.detach().numpy(), x.grad.numpy()))
                except RuntimeError as e:
                    results.append(("error", str(e).split("\n")[0], None))
            (kind, val, grad), (tkind, tval, tgrad) = results
            assert kind == tkind, (pv, tv, results)
            if kind == "error":
                assert val == tval, (pv, tv)
            else:
                np.testing.assert_allclose(val, tval, rtol=1e-6, atol=0, equal_nan=True, err_msg=f"{pv}, {tv}")
                np.testing.assert_allclose(grad, tgrad, rtol=1e-6, atol=0, equal_nan=True, err_msg=f"{pv}, {tv}")


LOSS_DTYPE_CASES = {
    "bce f32 input, f64 target": "F.binary_cross_entropy(L.tensor([0.3]), L.tensor([1.], dtype=L.float64))",
    "bce f64 input, f32 target": "F.binary_cross_entropy(L.tensor([0.3], dtype=L.float64), L.tensor([1.]))",
    "bce bool target": "F.binary_cross_entropy(L.tensor([0.3]), L.tensor([True]))",
    "bce f16 input, f32 target": "F.binary_cross_entropy(L.tensor([0.3], dtype=L.float16), L.tensor([1.]))",
    "bce int input": "F.binary_cross_entropy(L.tensor([0]), L.tensor([1.]))",
    "ce f64 weight": "F.cross_entropy(L.tensor([[0.2, 0.7]]), L.tensor([1]), "
                     "weight=L.tensor([1., 2.], dtype=L.float64))",
    "ce int weight": "F.cross_entropy(L.tensor([[0.2, 0.7]]), L.tensor([1]), weight=L.tensor([1, 2]))",
    "nll f64 weight": "F.nll_loss(L.tensor([[0.2, 0.7]]), L.tensor([1]), weight=L.tensor([1., 2.], dtype=L.float64))",
    "ce f64 everything": "F.cross_entropy(L.tensor([[0.2, 0.7]], dtype=L.float64), L.tensor([1]), "
                         "weight=L.tensor([1., 2.], dtype=L.float64))",
    "mse promotes": "F.mse_loss(L.tensor([0.3]), L.tensor([1.], dtype=L.float64))",
}


@pytest.mark.parametrize("case", list(LOSS_DTYPE_CASES))
def test_loss_dtype_mismatches_match_pytorch(case: str) -> None:
    """BCE takes no promotion and class weights must have the input's dtype: PyTorch's classic
    "Found dtype Double but expected Float"; the regression losses promote."""
    torch = require_torch()
    results = []
    for L in (torch, cr):
        try:
            r = eval(LOSS_DTYPE_CASES[case], {"L": L, "F": L.nn.functional})
            results.append((str(r.dtype), round(float(r), 5)))
        except RuntimeError as e:
            results.append(("RuntimeError", str(e)))
    assert results[0] == results[1]
