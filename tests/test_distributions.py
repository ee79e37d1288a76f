"""chainrule.distributions against live torch.distributions: values, first and second derivatives of
log_prob / entropy / kl / moments, shapes, reprs and validation errors; samples checked statistically."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr
import chainrule.distributions as D

DTYPES = ["float32", "float64"]
RNG = np.random.default_rng(0)
PARAMS: dict[str, np.ndarray] = {
    "loc": RNG.normal(size=(3,)), "scale": RNG.uniform(0.5, 2.0, size=(3,)),
    "loc2": RNG.normal(size=(3,)), "scale2": RNG.uniform(0.5, 2.0, size=(3,)),
    "p": RNG.uniform(0.1, 0.9, size=(3,)), "p2": RNG.uniform(0.1, 0.9, size=(3,)),
    "lg": RNG.normal(size=(3,)), "lg2": RNG.normal(size=(3,)),
    "cp": RNG.uniform(0.1, 1.0, size=(2, 4)), "cp2": RNG.uniform(0.1, 1.0, size=(2, 4)),
    "cl": RNG.normal(size=(2, 4)), "cl2": RNG.normal(size=(2, 4)),
    "low": RNG.uniform(-2, -1, size=(3,)), "high": RNG.uniform(1, 2, size=(3,)),
    "rate": RNG.uniform(0.5, 2.0, size=(3,)), "rate2": RNG.uniform(0.5, 2.0, size=(3,)),
    "mloc": RNG.normal(size=(2, 3)), "mloc2": RNG.normal(size=(3,)),
    "A": RNG.normal(size=(3, 3)), "B": RNG.normal(size=(2, 3, 3)),
}
VAL = {
    "real": RNG.normal(size=(4, 3)), "bool": RNG.integers(0, 2, size=(4, 3)).astype(float),
    "cat": RNG.integers(0, 4, size=(5, 2)), "unif": RNG.uniform(-0.9, 0.9, size=(4, 3)),
    "pos": RNG.uniform(0, 3, size=(4, 3)), "vec": RNG.normal(size=(4, 2, 3)),
}


def _spd(m: Any, a: Any) -> Any:
    """A symmetric positive-definite matrix built differentiably from a square ``a``."""
    n = a.shape[-1]
    return a @ a.transpose(-1, -2) + m.eye(n, dtype=a.dtype) * n


# name -> (builder(m, D, p), value key or None, quantity)
CASES: dict[str, tuple[Callable[..., Any], str | None, str]] = {
    "normal_log_prob": (lambda m, d, p: d.Normal(p["loc"], p["scale"]), "real", "log_prob"),
    "normal_scalar_loc": (lambda m, d, p: d.Normal(0.5, p["scale"]), "real", "log_prob"),
    "normal_entropy": (lambda m, d, p: d.Normal(p["loc"], p["scale"]), None, "entropy"),
    "normal_moments": (lambda m, d, p: d.Normal(p["loc"], p["scale"]), None, "moments"),
    "normal_cdf": (lambda m, d, p: d.Normal(p["loc"], p["scale"]), "real", "cdf"),
    "bern_probs_log_prob": (lambda m, d, p: d.Bernoulli(probs=p["p"]), "bool", "log_prob"),
    "bern_logits_log_prob": (lambda m, d, p: d.Bernoulli(logits=p["lg"]), "bool", "log_prob"),
    "bern_probs_entropy": (lambda m, d, p: d.Bernoulli(probs=p["p"]), None, "entropy"),
    "bern_logits_entropy": (lambda m, d, p: d.Bernoulli(logits=p["lg"]), None, "entropy"),
    "bern_moments": (lambda m, d, p: d.Bernoulli(logits=p["lg"]), None, "moments"),
    "bern_lazy_logits": (lambda m, d, p: d.Bernoulli(probs=p["p"]), None, "logits"),
    "cat_probs_log_prob": (lambda m, d, p: d.Categorical(probs=p["cp"]), "cat", "log_prob"),
    "cat_logits_log_prob": (lambda m, d, p: d.Categorical(logits=p["cl"]), "cat", "log_prob"),
    "cat_probs_entropy": (lambda m, d, p: d.Categorical(probs=p["cp"]), None, "entropy"),
    "cat_logits_entropy": (lambda m, d, p: d.Categorical(logits=p["cl"]), None, "entropy"),
    "cat_lazy_probs": (lambda m, d, p: d.Categorical(logits=p["cl"]), None, "probs"),
    "cat_lazy_logits": (lambda m, d, p: d.Categorical(probs=p["cp"]), None, "logits"),
    "uniform_log_prob": (lambda m, d, p: d.Uniform(p["low"], p["high"]), "unif", "log_prob"),
    "uniform_entropy": (lambda m, d, p: d.Uniform(p["low"], p["high"]), None, "entropy"),
    "uniform_moments": (lambda m, d, p: d.Uniform(p["low"], p["high"]), None, "moments"),
    "exp_log_prob": (lambda m, d, p: d.Exponential(p["rate"]), "pos", "log_prob"),
    "exp_entropy": (lambda m, d, p: d.Exponential(p["rate"]), None, "entropy"),
    "exp_moments": (lambda m, d, p: d.Exponential(p["rate"]), None, "moments"),
    "mvn_cov_log_prob": (lambda m, d, p: d.MultivariateNormal(p["mloc"], _spd(m, p["A"])), "vec", "log_prob"),
    "mvn_tril_log_prob": (lambda m, d, p: d.MultivariateNormal(
        p["mloc2"], scale_tril=m.linalg.cholesky(_spd(m, p["B"]))), "vec", "log_prob"),
    "mvn_prec_log_prob": (lambda m, d, p: d.MultivariateNormal(p["mloc2"], precision_matrix=_spd(m, p["A"])),
                          "vec", "log_prob"),
    "mvn_entropy": (lambda m, d, p: d.MultivariateNormal(p["mloc2"], _spd(m, p["B"])), None, "entropy"),
    "mvn_moments": (lambda m, d, p: d.MultivariateNormal(p["mloc"], _spd(m, p["A"])), None, "moments"),
    "indep_log_prob": (lambda m, d, p: d.Independent(d.Normal(p["mloc"], p["B"][0, :2].exp()), 1), "vec", "log_prob"),
    "indep_entropy": (lambda m, d, p: d.Independent(d.Normal(p["mloc"], p["B"][0, :2].exp()), 2), None, "entropy"),
    "kl_independent": (lambda m, d, p: d.kl_divergence(d.Independent(d.Normal(p["loc"], p["scale"]), 1),
                                                       d.Independent(d.Normal(p["loc2"], p["scale2"]), 1)),
                       None, "kl"),
    "kl_normal": (lambda m, d, p: d.kl_divergence(d.Normal(p["loc"], p["scale"]), d.Normal(p["loc2"], p["scale2"])),
                  None, "kl"),
    "kl_bernoulli": (lambda m, d, p: d.kl_divergence(d.Bernoulli(probs=p["p"]), d.Bernoulli(logits=p["lg2"])),
                     None, "kl"),
    "kl_categorical": (lambda m, d, p: d.kl_divergence(d.Categorical(logits=p["cl"]), d.Categorical(p["cp2"])),
                       None, "kl"),
    "kl_exponential": (lambda m, d, p: d.kl_divergence(d.Exponential(p["rate"]), d.Exponential(p["rate2"])),
                       None, "kl"),
    "kl_mvn": (lambda m, d, p: d.kl_divergence(d.MultivariateNormal(p["mloc"], _spd(m, p["A"])),
                                               d.MultivariateNormal(p["mloc2"], _spd(m, p["B"]))), None, "kl"),
}


def _run(m: Any, d: Any, name: str, dtype: str) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    build, vkey, what = CASES[name]
    dt = getattr(m, dtype)
    p = {k: m.tensor(v, dtype=dt, requires_grad=True) for k, v in PARAMS.items()}
    dist = build(m, d, p)
    if what == "log_prob":
        val = VAL[vkey]  # type: ignore[index]
        v = m.tensor(val) if vkey == "cat" else m.tensor(val, dtype=dt)
        outs = [dist.log_prob(v)]
    elif what == "cdf":
        outs = [dist.cdf(m.tensor(VAL[vkey], dtype=dt))]  # type: ignore[index]
    elif what == "entropy":
        outs = [dist.entropy()]
    elif what == "moments":
        outs = [dist.mean, dist.variance, dist.stddev]
        if isinstance(dist, d.MultivariateNormal):
            outs += [dist.covariance_matrix, dist.scale_tril, dist.precision_matrix]
    elif what == "kl":
        outs = [dist]
    else:
        outs = [getattr(dist, what)]
    ins = list(p.values())
    total = sum((o * (1 + m.arange(o.numel(), dtype=dt).reshape(o.shape) / 7)).sum() for o in outs)
    g1 = m.autograd.grad(total, ins, create_graph=True, allow_unused=True)
    g1 = [g if g is not None else m.zeros_like(x) for g, x in zip(g1, ins)]
    s = sum((g * g).sum() for g in g1)
    g2 = m.autograd.grad(s, ins, allow_unused=True) if s.requires_grad else [None] * len(ins)
    g2 = [g if g is not None else m.zeros_like(x) for g, x in zip(g2, ins)]
    return ([o.detach().numpy() for o in outs], [g.detach().numpy() for g in g1], [g.detach().numpy() for g in g2])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_grads_match_torch(name: str, dtype: str) -> None:
    torch = require_torch()
    import torch.distributions as TD
    ours = _run(cr, D, name, dtype)
    theirs = _run(torch, TD, name, dtype)
    tol = dict(rtol=2e-4, atol=2e-5) if dtype == "float32" else dict(rtol=1e-9, atol=1e-10)
    for kind, a_list, b_list in zip(("value", "grad", "gradgrad"), ours, theirs):
        assert len(a_list) == len(b_list)
        for a, b in zip(a_list, b_list):
            assert a.shape == b.shape, (kind, a.shape, b.shape)
            assert a.dtype == b.dtype, (kind, a.dtype, b.dtype)
            np.testing.assert_allclose(a, b, err_msg=f"{name} {kind}", **tol)  # type: ignore[arg-type]


def test_edge_values_match_torch() -> None:
    torch = require_torch()
    import torch.distributions as TD
    for m, d, res in ((cr, D, []), (torch, TD, [])):
        pr = m.tensor([0.0, 1.0, 0.5])
        res.append(d.Bernoulli(probs=pr).entropy())
        res.append(d.Bernoulli(probs=pr).logits)
        res.append(d.kl_divergence(d.Bernoulli(pr), d.Bernoulli(m.tensor([0.0, 0.0, 1.0]))))
        res.append(d.Categorical(m.tensor([0.0, 1.0])).entropy())
        res.append(d.kl_divergence(d.Categorical(m.tensor([0.0, 1.0])), d.Categorical(m.tensor([1.0, 0.0]))))
        res.append(d.Uniform(0.0, 1.0).log_prob(m.tensor([0.0, 0.5, 1.0])))
        res.append(d.Normal(0.0, 1.0, validate_args=False).log_prob(m.tensor(float("nan"))))
        res.append(d.Normal(0.0, 1.0).icdf(m.tensor([0.1, 0.5, 0.9])))
        res.append(d.Exponential(2.0).cdf(m.tensor(1.0)))
        res.append(d.Uniform(-1.0, 3.0, validate_args=False).cdf(m.tensor([-2.0, 0.0, 2.0])))
        res.append(d.Normal(0.0, 1.0).log_prob(m.tensor(1.0, dtype=m.float64)))
        res.append(d.Categorical(m.ones(2, 3)).mean)
        res.append(d.Exponential(m.tensor([1.0, 4.0])).stddev)
        res.append(d.Normal(m.zeros(2), 1.0).log_prob(m.zeros(3, 1)))
        res.append(d.Categorical(m.ones(2, 3)).log_prob(m.tensor([[0], [1]])))
        if m is cr:
            ours = res
        else:
            theirs = res
    for a, b in zip(ours, theirs):
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_shapes_and_reprs_match_torch() -> None:
    torch = require_torch()
    import torch.distributions as TD

    def build(m: Any, d: Any) -> list[Any]:
        return [d.Normal(0.0, 1.0), d.Normal(m.zeros(2), m.ones(2)), d.Normal(m.tensor([0.0]), 1.0),
                d.Normal(m.zeros(2, 1), m.ones(3)), d.Bernoulli(probs=0.3), d.Bernoulli(logits=m.zeros(2)),
                d.Categorical(m.ones(3)), d.Categorical(logits=m.ones(2, 3)), d.Uniform(0.0, m.ones(2)),
                d.Exponential(2.0), d.MultivariateNormal(m.zeros(2), m.eye(2)),
                d.MultivariateNormal(m.zeros(4, 2), scale_tril=m.eye(2)),
                d.Independent(d.Normal(m.zeros(3, 2), m.ones(3, 2)), 1)]
    for a, b in zip(build(cr, D), build(torch, TD)):
        assert repr(a) == repr(b)
        assert tuple(a.batch_shape) == tuple(b.batch_shape) and tuple(a.event_shape) == tuple(b.event_shape)
        assert a.has_rsample == b.has_rsample
        for shape in ((), (5,), (2, 3)):
            sa, sb = a.sample(shape), b.sample(shape)
            assert tuple(sa.shape) == tuple(sb.shape) and str(sa.dtype) == str(sb.dtype)
            assert not sa.requires_grad
    b = D.Bernoulli(probs=0.3)
    b.logits  # noqa: B018  (lazily computed, then shown, as in PyTorch)
    assert repr(b).startswith("Bernoulli(probs: 0.30000001192092896, logits: -0.84729")
    assert repr(D.constraints.real_vector) == "IndependentConstraint(Real(), 1)"


ERROR_CASES: list[Callable[[Any, Any], Any]] = [
    lambda m, d: d.Normal(m.zeros(2), m.tensor([1.0, -1.0])),
    lambda m, d: d.Normal(0.0, 1.0).log_prob(m.tensor(float("nan"))),
    lambda m, d: d.Normal(0.0, 1.0).log_prob(0.5),
    lambda m, d: d.Normal(m.zeros(2), 1.0).log_prob(m.zeros(3)),
    lambda m, d: d.Normal("a", 1.0),
    lambda m, d: d.Bernoulli(probs=m.tensor([0.5, 1.5])),
    lambda m, d: d.Bernoulli(probs=0.3).log_prob(m.tensor(0.5)),
    lambda m, d: d.Bernoulli(),
    lambda m, d: d.Bernoulli(probs=0.3, logits=0.1),
    lambda m, d: d.Categorical(m.tensor([0.2, -0.1])),
    lambda m, d: d.Categorical(m.tensor([0.2, 0.8])).log_prob(m.tensor(2)),
    lambda m, d: d.Categorical(m.tensor(0.5)),
    lambda m, d: d.Uniform(1.0, 0.0),
    lambda m, d: d.Uniform(m.zeros(2), m.ones(2)).log_prob(m.tensor([2.0, 0.5])),
    lambda m, d: d.Exponential(-1.0),
    lambda m, d: d.Exponential(1.0).log_prob(m.tensor(-1.0)),
    lambda m, d: d.MultivariateNormal(m.zeros(2)),
    lambda m, d: d.MultivariateNormal(m.zeros(2), m.tensor([[1.0, 2.0], [2.0, 1.0]])),
    lambda m, d: d.MultivariateNormal(m.zeros(2), scale_tril=m.tensor([[1.0, 1.0], [0.0, 1.0]])),
    lambda m, d: d.MultivariateNormal(m.tensor(0.0), m.eye(2)),
    lambda m, d: d.MultivariateNormal(m.zeros(2), m.eye(2)).log_prob(m.zeros(3)),
    lambda m, d: d.kl_divergence(d.Normal(0.0, 1.0), d.Categorical(m.ones(2))),
    lambda m, d: d.Independent(d.Normal(m.zeros(2), 1.0), 2),
    lambda m, d: d.kl_divergence(d.Independent(d.Normal(m.zeros(3, 2), 1.0), 1),
                                 d.Independent(d.Normal(m.zeros(3, 2), 1.0), 2)),
    lambda m, d: d.Independent(d.Normal(m.zeros(3, 2), 1.0), 1).log_prob(m.zeros(3)),
]


@pytest.mark.parametrize("i", range(len(ERROR_CASES)))
def test_errors_match_torch(i: int) -> None:
    torch = require_torch()
    import torch.distributions as TD
    with pytest.raises(Exception) as theirs:
        ERROR_CASES[i](torch, TD)
    with pytest.raises(Exception) as ours:
        ERROR_CASES[i](cr, D)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value).replace("chainrule", "torch") == str(theirs.value)


def test_validate_args_switch() -> None:
    assert D.Distribution._validate_args is True
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(0.0, -1.0)  # no error
        assert D.Exponential(1.0).log_prob(cr.tensor(-1.0)).item() == pytest.approx(1.0)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args(3)  # type: ignore[arg-type]
    D.Normal(0.0, -1.0, validate_args=False)


N = 40000


@pytest.mark.parametrize("dtype", DTYPES)
def test_sample_statistics(dtype: str) -> None:
    cr.manual_seed(0)
    dt = getattr(cr, dtype)
    dists = [D.Normal(cr.tensor([1.0, -2.0], dtype=dt), cr.tensor([0.5, 2.0], dtype=dt)),
             D.Uniform(cr.tensor([-1.0, 2.0], dtype=dt), cr.tensor([3.0, 2.5], dtype=dt)),
             D.Exponential(cr.tensor([0.5, 4.0], dtype=dt)),
             D.Bernoulli(probs=cr.tensor([0.2, 0.7], dtype=dt)),
             D.MultivariateNormal(cr.tensor([1.0, -1.0], dtype=dt),
                                  cr.tensor([[2.0, 0.6], [0.6, 1.0]], dtype=dt))]
    for d in dists:
        s = d.sample((N,))
        assert s.dtype == dt and tuple(s.shape) == (N, 2)
        assert bool(d.support.check(s).all())
        mean, var = s.mean(0).numpy(), s.var(0).numpy()
        np.testing.assert_allclose(mean, d.mean.numpy(), atol=5 * float(np.sqrt(d.variance.numpy().max() / N)))
        np.testing.assert_allclose(var, d.variance.numpy(), rtol=0.06)
    mvn = dists[-1]
    s = mvn.sample((N,)).numpy()
    np.testing.assert_allclose(np.cov(s.T), mvn.covariance_matrix.numpy(), atol=0.06)
    c = D.Categorical(cr.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]], dtype=dt))
    s = c.sample((N,))
    assert s.dtype == cr.int64 and tuple(s.shape) == (N, 2)
    freq = np.stack([(s.numpy() == k).mean(0) for k in range(3)], -1)
    np.testing.assert_allclose(freq, c.probs.numpy(), atol=0.015)
    assert not (s.numpy()[:, 1] == 2).any()


def test_manual_seed_reproducible_and_rsample_differentiable() -> None:
    loc = cr.tensor([0.5, -1.0], requires_grad=True)
    scale = cr.tensor([1.5, 0.3], requires_grad=True)
    rate = cr.tensor([2.0], requires_grad=True)
    cr.manual_seed(3)
    a = D.Normal(loc, scale).rsample((4,))
    cr.manual_seed(3)
    b = D.Normal(loc, scale).rsample((4,))
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    gl, gs = cr.autograd.grad(a.sum(), [loc, scale])
    eps = ((a - loc) / scale).detach()
    np.testing.assert_allclose(gl.numpy(), [4.0, 4.0])
    np.testing.assert_allclose(gs.numpy(), eps.sum(0).numpy(), rtol=1e-5)
    x = D.Exponential(rate).rsample((3,))
    (gr,) = cr.autograd.grad(x.sum(), [rate])
    np.testing.assert_allclose(gr.numpy(), [-(x.detach() / rate.detach()).sum().item()], rtol=1e-5)
    lo = cr.tensor(0.0, requires_grad=True)
    u = D.Uniform(lo, 2.0).rsample((5,))
    (g,) = cr.autograd.grad(u.sum(), [lo])
    np.testing.assert_allclose(g.numpy(), (5 - u.detach().sum() / 2).numpy(), rtol=1e-5)
    L = cr.tensor([[1.0, 0.0], [0.5, 2.0]], requires_grad=True)
    y = D.MultivariateNormal(cr.zeros(2), scale_tril=L).rsample((3,))
    (gL,) = cr.autograd.grad(y.sum(), [L])
    assert tuple(gL.shape) == (2, 2)
    assert not D.Normal(loc, scale).sample().requires_grad


def test_tutorial_patterns() -> None:
    """REINFORCE with Categorical(logits=...) and a VAE-style rsample + KL to N(0, 1) train end to end."""
    cr.manual_seed(0)
    net = cr.nn.Linear(4, 3)
    state = cr.randn(5, 4)
    dist = D.Categorical(logits=net(state))
    action = dist.sample()
    loss = -(dist.log_prob(action) * cr.ones(5)).mean() - 0.01 * dist.entropy().mean()
    loss.backward()
    assert net.weight.grad is not None and tuple(net.weight.grad.shape) == (3, 4)
    mu = cr.zeros(8, 2, requires_grad=True)
    logvar = cr.zeros(8, 2, requires_grad=True)
    q = D.Normal(mu, (0.5 * logvar).exp())
    z = q.rsample()
    kl = D.kl_divergence(q, D.Normal(cr.zeros_like(mu), cr.ones_like(mu))).sum(-1).mean()
    (z.pow(2).mean() + kl).backward()
    assert mu.grad is not None and logvar.grad is not None
    assert isinstance(D.Normal(0.0, 1.0).sample().item(), float)
    assert isinstance(D.Categorical(cr.ones(3)).sample().item(), int)
