"""The extra losses, activations and dropouts of chainrule.nn.functional (functional_losses_extra) against PyTorch.

Deterministic functions: values, first and second derivatives against live torch in float32 and float64
(pdist: first derivatives against torch -- PyTorch has no double backward for it -- and gradgradcheck for
chainrule's own). Random functions: statistics, eval-mode identity and the straight-through gradient.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr
import chainrule.nn as cnn
import chainrule.nn.functional as CF
from chainrule.nn import functional_losses_extra as X
from chainrule.ops.catalogue import CATALOGUE

TOL = {np.float32: dict(rtol=2e-4, atol=2e-5), np.float64: dict(rtol=1e-9, atol=1e-10)}


class G:
    """A floating argument that requires grad."""

    def __init__(self, a: Any) -> None:
        self.a = np.asarray(a, dtype=np.float64)


class C:
    """A floating argument that does not require grad."""

    def __init__(self, a: Any) -> None:
        self.a = np.asarray(a, dtype=np.float64)


def _build(args: tuple[Any, ...], dt: Any, lib: Any) -> tuple[list[Any], list[Any]]:
    out, wrt = [], []
    for a in args:
        if isinstance(a, (G, C)):
            t = lib.tensor(a.a.astype(dt), requires_grad=isinstance(a, G))
            if isinstance(a, G):
                wrt.append(t)
            out.append(t)
        elif isinstance(a, np.ndarray):
            out.append(lib.tensor(a))
        else:
            out.append(a)
    return out, wrt


def _kw(kwargs: dict[str, Any], dt: Any, lib: Any) -> dict[str, Any]:
    return {k: (lib.tensor(v.a.astype(dt)) if isinstance(v, C) else v) for k, v in kwargs.items()}


def compare(name: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None, second: bool = True,
            node: str | None = None) -> None:
    torch = require_torch()
    kwargs = kwargs or {}
    for dt in (np.float32, np.float64):
        ca, cw = _build(args, dt, cr)
        ta, tw = _build(args, dt, torch)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            co = getattr(CF, name)(*ca, **_kw(kwargs, dt, cr))
            to = getattr(torch.nn.functional, name)(*ta, **_kw(kwargs, dt, torch))
        tol = TOL[dt]
        assert co.shape == tuple(to.shape) and str(co.dtype) == str(to.dtype)
        np.testing.assert_allclose(co.detach().numpy(), to.detach().numpy(), **tol)
        if node is not None:
            assert co.grad_fn.name() == to.grad_fn.name() == node
        if not cw:
            continue
        rng = np.random.default_rng(1)
        v = rng.standard_normal(tuple(to.shape)).astype(dt)
        cg = cr.autograd.grad(co, cw, cr.tensor(v), create_graph=second)
        tg = torch.autograd.grad(to, tw, torch.tensor(v), create_graph=second)
        for a, b in zip(cg, tg):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **tol)
        if not second:
            continue
        ws = [rng.standard_normal(tuple(b.shape)).astype(dt) for b in tg]
        cs = sum((a * cr.tensor(w)).sum() for a, w in zip(cg, ws))
        ts = sum((b * torch.tensor(w)).sum() for b, w in zip(tg, ws))
        if not ts.requires_grad:
            continue
        cgg = cr.autograd.grad(cs, cw, allow_unused=True) if cs.requires_grad else [None] * len(cw)
        tgg = torch.autograd.grad(ts, tw, allow_unused=True)
        for a, b in zip(cgg, tgg):
            bz = np.zeros(1) if b is None else b.numpy()
            az = np.zeros(1) if a is None else a.detach().numpy()
            np.testing.assert_allclose(az, bz, **tol)


def _r(*shape: int, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape) * scale


RED = ("mean", "sum", "none")


# ------------------------------------------------------------------------------------ activations
def test_threshold_and_rrelu_eval() -> None:
    x = _r(4, 5)
    x[0, 0] = 0.1  # exactly at the threshold
    compare("threshold", (G(x), 0.1, 20.0), node="ThresholdBackward0")
    compare("rrelu", (G(x),), node="RreluWithNoiseBackward0")
    compare("rrelu", (G(x), 0.2, 0.6, False))
    torch = require_torch()
    for name in ("threshold",):
        assert str(CF.threshold(cr.tensor([1, 2, 3]), 1, 5)) .startswith("tensor([5, 2, 3]")
        assert torch.equal(torch.nn.functional.threshold(torch.tensor([1, 2, 3]), 1, 5), torch.tensor([5, 2, 3]))
        _ = name
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal"):
        CF.rrelu(cr.randn(3), 0.5, 0.2)
    with pytest.raises(NotImplementedError, match="threshold_cpu"):
        CF.threshold(cr.tensor([True]), 0, 1)


def test_inplace_aliases_match_torch() -> None:
    torch = require_torch()
    x = _r(3, 4, seed=2)
    cases = [("threshold_", (0.2, -1.0)), ("rrelu_", ()), ("elu_", (0.7,)), ("celu_", (1.3,)),
             ("leaky_relu_", (0.05,)), ("hardtanh_", (-0.5, 0.5)), ("selu_", ())]
    for name, extra in cases:
        cl = cr.tensor(x, requires_grad=True)
        tl = torch.tensor(x, requires_grad=True)
        c = cl * 1
        t = tl * 1
        cr_out = getattr(CF, name)(c, *extra)
        t_out = getattr(torch.nn.functional, name)(t, *extra)
        assert cr_out is c and t_out is t
        assert c.grad_fn.name() == t.grad_fn.name(), name
        np.testing.assert_allclose(c.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-12)
        (c * c).sum().backward()
        (t * t).sum().backward()
        np.testing.assert_allclose(cl.grad.numpy(), tl.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_rrelu_training_is_random_with_slopes_in_range() -> None:
    cr.manual_seed(0)
    x = cr.tensor(-np.abs(_r(200, 50)) - 0.01, requires_grad=True)
    y = CF.rrelu(x, 0.1, 0.3, training=True)
    assert y.grad_fn.name() == "RreluWithNoiseBackward0"
    slope = (y / x).detach().numpy()
    assert slope.min() >= 0.1 and slope.max() <= 0.3
    assert abs(slope.mean() - 0.2) < 0.005 and abs(slope.var() - 0.2**2 / 12) < 0.0005  # U(0.1, 0.3)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=1e-12)  # dy/dx = the drawn slope
    pos = cr.tensor(np.abs(_r(5, 5)) + 0.1)
    assert np.array_equal(CF.rrelu(pos, training=True).numpy(), pos.numpy())
    m = cnn.RReLU(0.1, 0.3)
    m.eval()
    np.testing.assert_allclose(m(x).detach().numpy(), x.detach().numpy() * 0.2, rtol=1e-12)
    assert repr(cnn.RReLU()) == "RReLU(lower=0.125, upper=0.3333333333333333)"


# ------------------------------------------------------------------------------------ losses
@pytest.mark.parametrize("reduction", RED)
def test_gaussian_nll_loss(reduction: str) -> None:
    x, t = _r(3, 4, seed=1), _r(3, 4, seed=2)
    v = np.abs(_r(3, 4, seed=3)) + 0.1
    v[0, 0] = 1e-8  # clamped at eps: the gradient still passes
    compare("gaussian_nll_loss", (G(x), G(t), G(v)), {"reduction": reduction})
    compare("gaussian_nll_loss", (G(x), C(t), G(v[:, 0])), {"reduction": reduction, "full": True})
    compare("gaussian_nll_loss", (G(x), C(t), G(v[:, :1])), {"reduction": reduction, "eps": 0.3})
    compare("gaussian_nll_loss", (G(x), C(t), 0.7), {"reduction": reduction})


def test_gaussian_nll_loss_errors() -> None:
    x = cr.randn(3, 4)
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        CF.gaussian_nll_loss(x, x, -cr.ones(3, 4))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        CF.gaussian_nll_loss(x, x, cr.ones(2, 4))
    with pytest.raises(ValueError, match="foo is not valid"):
        CF.gaussian_nll_loss(x, x, cr.ones(3, 4), reduction="foo")


@pytest.mark.parametrize("reduction", RED)
def test_triplet_margin_losses(reduction: str) -> None:
    a, p, n = _r(4, 5, seed=1), _r(4, 5, seed=2), _r(4, 5, seed=3)
    compare("triplet_margin_loss", (G(a), G(p), G(n)), {"reduction": reduction, "margin": 2.0})
    compare("triplet_margin_loss", (G(a), G(p), G(n)), {"reduction": reduction, "p": 1, "swap": True,
                                                         "margin": 3.0}, second=False)
    compare("triplet_margin_loss", (G(a[0]), G(p[0]), G(n[0])), {"reduction": reduction, "margin": 3.0})
    compare("triplet_margin_with_distance_loss", (G(a), G(p), G(n)), {"reduction": reduction, "margin": 2.0,
                                                                       "swap": True})


def test_triplet_custom_distance_and_errors() -> None:
    torch = require_torch()
    a, p, n = _r(4, 5, seed=1), _r(4, 5, seed=2), _r(4, 5, seed=3)

    def cdist(u: Any, v: Any) -> Any:
        return 1 - CF.cosine_similarity(u, v)

    def tdist(u: Any, v: Any) -> Any:
        return 1 - torch.nn.functional.cosine_similarity(u, v)

    c = CF.triplet_margin_with_distance_loss(cr.tensor(a), cr.tensor(p), cr.tensor(n), distance_function=cdist)
    t = torch.nn.functional.triplet_margin_with_distance_loss(torch.tensor(a), torch.tensor(p), torch.tensor(n),
                                                               distance_function=tdist)
    np.testing.assert_allclose(c.numpy(), t.numpy(), rtol=1e-12)
    x = cr.randn(3, 4)
    with pytest.raises(RuntimeError, match="anchor 2D, positive 1D, and negative 2D"):
        CF.triplet_margin_loss(x, x[0], x)
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        CF.triplet_margin_loss(x, x, x, margin=0)
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        CF.triplet_margin_with_distance_loss(x, x, x, reduction="foo")


@pytest.mark.parametrize("reduction", RED)
def test_multi_margin_loss(reduction: str) -> None:
    x = _r(5, 4, seed=4)
    y = np.array([0, 3, 1, 2, 3])
    w = np.array([0.5, 1.0, 2.0, 1.5])
    # PyTorch has no double backward here: second derivatives are checked by gradgradcheck below
    compare("multi_margin_loss", (G(x), y), {"reduction": reduction}, False, "MultiMarginLossBackward0")
    compare("multi_margin_loss", (G(x), y), {"reduction": reduction, "p": 2, "margin": 0.7, "weight": C(w)}, False)
    compare("multi_margin_loss", (G(x[0]), np.array(2)), {"reduction": reduction, "p": 2}, False)
    compare("multi_margin_loss", (G(x[0]), np.array([1])), {"reduction": reduction}, False)
    xt = cr.tensor(x, requires_grad=True)
    for kw in ({"p": 2, "margin": 0.7, "weight": cr.tensor(w)}, {"p": 1}):
        fn = lambda a, kw=kw: CF.multi_margin_loss(a, cr.tensor(y), reduction=reduction, **kw)  # noqa: E731
        assert cr.autograd.gradcheck(fn, (xt,)) and cr.autograd.gradgradcheck(fn, (xt,))


def test_multi_margin_loss_errors() -> None:
    x = cr.randn(3, 4)
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        CF.multi_margin_loss(x, cr.tensor([0, 1, 2]), p=3)
    with pytest.raises(RuntimeError, match="target out of range"):
        CF.multi_margin_loss(x, cr.tensor([0, 4, 1]))
    with pytest.raises(RuntimeError, match="Expected target size \\[3\\], but got \\[2\\]"):
        CF.multi_margin_loss(x, cr.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="inconsistent weight size, expected 4 but got \\[3\\]"):
        CF.multi_margin_loss(x, cr.tensor([0, 1, 2]), weight=cr.ones(3))
    with pytest.raises(RuntimeError, match="expected scalar type Long but found Float"):
        CF.multi_margin_loss(x, cr.tensor([0.0, 1.0, 2.0]))


@pytest.mark.parametrize("reduction", RED)
def test_multilabel_margin_loss(reduction: str) -> None:
    x = _r(3, 4, seed=5)
    y = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [1, 1, -1, 0]])
    compare("multilabel_margin_loss", (G(x), y), {"reduction": reduction}, False, "MultilabelMarginLossBackward0")
    compare("multilabel_margin_loss", (G(x[0]), y[0]), {"reduction": reduction}, False)
    xt = cr.tensor(x, requires_grad=True)
    fn = lambda a: CF.multilabel_margin_loss(a, cr.tensor(y), reduction=reduction)  # noqa: E731
    assert cr.autograd.gradcheck(fn, (xt,)) and cr.autograd.gradgradcheck(fn, (xt,))  # piecewise linear: f'' = 0
    with pytest.raises(RuntimeError, match="'target' is out of range"):
        CF.multilabel_margin_loss(cr.tensor(x), cr.tensor([[4, 0, -1, 1]] * 3))
    with pytest.raises(RuntimeError, match="inconsistent target size: \\[3, 3\\] for input of size: \\[3, 4\\]"):
        CF.multilabel_margin_loss(cr.tensor(x), cr.zeros(3, 3, dtype=cr.int64))


@pytest.mark.parametrize("reduction", RED)
def test_multilabel_soft_margin_loss(reduction: str) -> None:
    x = _r(3, 4, seed=6, scale=3)
    t = (np.random.default_rng(7).random((3, 4)) < 0.5).astype(float)
    compare("multilabel_soft_margin_loss", (G(x), G(t)), {"reduction": reduction})
    compare("multilabel_soft_margin_loss", (G(x), C(t)), {"reduction": reduction, "weight": C([1, 2, 0.5, 1])})


@pytest.mark.parametrize("p", [2, 1, 3.0, 0.5, float("inf"), 0])
def test_pdist(p: float) -> None:
    x = _r(5, 3, seed=8)
    x[4] = x[1]  # a zero distance: gradient 0 there
    compare("pdist", (G(x), p), second=False, node="PdistBackward0")
    if p not in (0.5,):
        xa = _r(4, 3, seed=9)
        t = cr.tensor(xa, requires_grad=True)
        assert cr.autograd.gradcheck(lambda a: CF.pdist(a, p), (t,))
        if p in (2, 3.0):
            assert cr.autograd.gradgradcheck(lambda a: CF.pdist(a, p), (t,))


def test_pdist_errors() -> None:
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 1D"):
        CF.pdist(cr.randn(3))
    with pytest.raises(RuntimeError, match="non-negative p"):
        CF.pdist(cr.randn(3, 2), -1)
    assert CF.pdist(cr.randn(1, 3)).shape == (0,)


# ------------------------------------------------------------------------------------ random functions
def test_gumbel_softmax_soft_and_straight_through() -> None:
    cr.manual_seed(0)
    logits = cr.tensor(np.log(np.array([[0.1, 0.2, 0.7]] * 4000)), requires_grad=True)
    y = CF.gumbel_softmax(logits, tau=0.5)
    assert y.grad_fn.name() == "SoftmaxBackward0"
    np.testing.assert_allclose(y.detach().numpy().sum(-1), 1, rtol=1e-12)
    h = CF.gumbel_softmax(logits, hard=True)
    H = h.detach().numpy()
    assert h.grad_fn.name() == "AddBackward0" and set(np.unique(H)) <= {0.0, 1.0}
    np.testing.assert_allclose(H.sum(-1), 1)
    np.testing.assert_allclose(H.mean(0), [0.1, 0.2, 0.7], atol=0.03)  # argmax(logits + Gumbel) ~ softmax(logits)
    # straight-through: the gradient is the soft sample's, taken from the same draw
    cr.manual_seed(5)
    soft = CF.gumbel_softmax(logits[:3], tau=2.0)
    (gs,) = cr.autograd.grad((soft * cr.tensor([[1.0, 2.0, 3.0]])).sum(), [logits])
    cr.manual_seed(5)
    hard = CF.gumbel_softmax(logits[:3], tau=2.0, hard=True)
    (gh,) = cr.autograd.grad((hard * cr.tensor([[1.0, 2.0, 3.0]])).sum(), [logits])
    np.testing.assert_allclose(gh.numpy(), gs.numpy(), rtol=1e-12)
    np.testing.assert_allclose(hard.detach().numpy().argmax(-1), soft.detach().numpy().argmax(-1))
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        CF.gumbel_softmax(logits, eps=1e-5)


def test_alpha_dropout_statistics_and_eval() -> None:
    cr.manual_seed(0)
    x = cr.tensor(np.random.default_rng(0).standard_normal(200_000))
    assert CF.alpha_dropout(x, 0.5) is x and CF.alpha_dropout(x, 0.3, training=False) is x
    for p in (0.2, 0.5):
        y = CF.alpha_dropout(x, p, training=True).numpy()
        assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.02  # SELU's fixed point is kept
    a = 1 / np.sqrt((1.7580993408473766**2 * 0.5 + 1) * 0.5)
    y = CF.alpha_dropout(x, 0.5, training=True).numpy()
    dropped = np.isclose(y, -1.7580993408473766 * a + 1.7580993408473766 * a * 0.5)
    assert abs(dropped.mean() - 0.5) < 0.01
    xt = cr.tensor(_r(4, 6), requires_grad=True)
    out = CF.alpha_dropout(xt, 0.4, True)
    out.sum().backward()
    g = xt.grad.numpy()
    assert set(np.round(np.unique(g), 12)) <= {0.0, round(1 / np.sqrt((1.7580993408473766**2 * 0.4 + 1) * 0.6), 12)}
    assert np.array_equal(CF.alpha_dropout(xt, 1.0, True).detach().numpy(), np.zeros((4, 6)))
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        CF.alpha_dropout(xt, 1.5, True)


def test_feature_dropouts() -> None:
    cr.manual_seed(1)
    x = cr.ones(64, 32, 5, 2)
    y = CF.feature_alpha_dropout(x, 0.5, True).numpy()
    assert np.all(y == y[:, :, :1, :1])  # one draw per (sample, channel)
    assert abs(np.mean(y[:, :, 0, 0] < 0) - 0.5) < 0.05
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        CF.feature_alpha_dropout(cr.ones(4), 0.5, True)
    # dropout1d: (N, C, L) and unbatched (C, L)
    z = CF.dropout1d(cr.ones(100, 40, 6), 0.25, True).numpy()
    assert np.all(z == z[:, :, :1]) and set(np.unique(z)) <= {0.0, np.float32(1 / 0.75)}
    assert abs(np.mean(z == 0) - 0.25) < 0.03
    u = CF.dropout1d(cr.ones(300, 4), 0.5).numpy()
    assert u.shape == (300, 4) and np.all(u == u[:, :1])
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 1D input"):
        CF.dropout1d(cr.ones(4))
    # dropout3d: (N, C, D, H, W) and unbatched (C, D, H, W); other ranks warn
    v = CF.dropout3d(cr.ones(10, 30, 2, 2, 2), 0.5).numpy()
    assert np.all(v == v[:, :, :1, :1, :1]) and 0.35 < np.mean(v == 0) < 0.65
    w = CF.dropout3d(cr.ones(200, 2, 2, 2), 0.5).numpy()
    assert np.all(w == w[:, :1, :1, :1])
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input"):
        CF.dropout3d(cr.ones(2, 2, 2), 0.5)
    t = cr.ones(3, 5)
    assert CF.dropout1d(t, 0.5, True, inplace=True) is t and t.shape == (3, 5)
    e = cr.tensor(_r(2, 3, 4), requires_grad=True)
    assert np.array_equal(CF.dropout1d(e, 0.5, training=False).detach().numpy(), e.detach().numpy())
    out = CF.dropout3d(e, 0.5, training=False) if False else CF.dropout1d(e[0], 0.5, False)
    assert out.grad_fn.name() == "SqueezeBackward1"


def test_dropout_modules_train_and_eval() -> None:
    cr.manual_seed(2)
    x = cr.ones(8, 16, 4, 3, 3)
    for cls in (cnn.AlphaDropout, cnn.FeatureAlphaDropout, cnn.Dropout1d, cnn.Dropout3d):
        m = cls(0.5)
        inp = x if cls is not cnn.Dropout1d else x[:, :, 0, 0]
        assert not np.array_equal(m(inp).numpy(), inp.numpy())
        m.eval()
        assert np.array_equal(m(inp).numpy(), inp.numpy())
        assert repr(m) == f"{cls.__name__}(p=0.5, inplace=False)"
    with pytest.raises(ValueError, match="dropout probability"):
        cnn.AlphaDropout(1.5)


# ------------------------------------------------------------------------------------ modules
def test_loss_modules_match_torch() -> None:
    torch = require_torch()
    tn = torch.nn
    x, t = _r(4, 5, seed=11), _r(4, 5, seed=12)
    v = np.abs(_r(4, 5, seed=13)) + 0.5
    y = np.array([0, 4, 2, 1])
    yl = np.array([[0, 4, -1, 0, 0], [1, -1, 0, 0, 0], [2, 3, 4, -1, 0], [0, 1, 2, 3, 4]])
    w = np.array([1.0, 0.5, 2.0, 1.0, 1.5])
    cases = [
        ("GaussianNLLLoss", {"full": True}, (x, t, v)),
        ("TripletMarginLoss", {"margin": 2.0, "p": 1.0, "swap": True}, (x, t, v)),
        ("TripletMarginWithDistanceLoss", {"margin": 3.0, "reduction": "sum"}, (x, t, v)),
        ("MultiMarginLoss", {"p": 2, "reduction": "none"}, (x, y)),
        ("MultiLabelMarginLoss", {}, (x, yl)),
        ("MultiLabelSoftMarginLoss", {"reduction": "sum"}, (x, (t > 0).astype(float))),
    ]
    for name, kw, args in cases:
        c = getattr(cnn, name)(**kw)(*[cr.tensor(a) for a in args])
        tt = getattr(tn, name)(**kw)(*[torch.tensor(a) for a in args])
        np.testing.assert_allclose(c.numpy(), tt.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
    c = cnn.MultiMarginLoss(weight=cr.tensor(w))(cr.tensor(x), cr.tensor(y))
    tt = tn.MultiMarginLoss(weight=torch.tensor(w))(torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(c.numpy(), tt.numpy(), rtol=1e-12)
    assert "weight" in dict(cnn.MultiLabelSoftMarginLoss(weight=cr.tensor(w)).named_buffers())
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        m = cnn.MultiLabelMarginLoss(size_average=False)
    assert m.reduction == "sum"
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        cnn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        cnn.TripletMarginLoss(margin=0)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        out = CF.multi_margin_loss(cr.tensor(x), cr.tensor(y), reduce=False)
    assert out.shape == (4,)


def test_public_names_and_catalogue() -> None:
    for name in X.__all__:
        assert getattr(CF, name) is getattr(X, name)
    for name in X.CATALOGUED:
        assert name in CF.__all__ and name in CATALOGUE
        e = CATALOGUE[name]
        assert e.family and e.formula and e.derivative and e.node
    for name in ("RReLU", "GaussianNLLLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss", "MultiMarginLoss",
                 "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "AlphaDropout", "FeatureAlphaDropout",
                 "Dropout1d", "Dropout3d", "Threshold"):
        assert name in cnn.__all__ and isinstance(getattr(cnn, name), type)
