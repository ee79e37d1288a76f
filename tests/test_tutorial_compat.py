"""Differences found by running tutorial-style code under both libraries, each checked against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr


def _outcome(lib, f):
    try:
        f(lib)
    except Exception as e:
        return type(e).__name__, str(e)
    return "ok"


def _set_row(L):
    t = L.zeros(2, 3)
    t[0] = L.ones(4)


def _assign_grad(L):
    x = L.ones(3, requires_grad=True)
    x.grad = L.ones(2)


def _inplace_on_expanded_leaf(L):
    x = L.ones(1, requires_grad=True)
    x.expand(3).add_(1)


def _version_error(L):
    a = L.ones(2, requires_grad=True)
    b = a.sigmoid()
    c = b * 2
    b.mul_(3)
    c.sum().backward()


CASES = [
    lambda L: L.nn.functional.max_pool2d(L.ones(1, 1, 1, 1), 2),
    lambda L: L.nn.functional.avg_pool2d(L.ones(1, 1, 1, 1), 2),
    lambda L: L.ones(2)[L.tensor([True])],
    lambda L: L.ones(2, 3)[L.tensor([[True, False]])],
    lambda L: L.ones(3).topk(4),
    _set_row, _assign_grad, _inplace_on_expanded_leaf, _version_error,
    lambda L: L.tensor([[1, 2], [3]]),
    lambda L: L.tensor(["a"]),
    lambda L: L.nn.Linear(2, 2)(L.ones(1, 2, dtype=L.float64)),
    lambda L: L.ones(2, 2).gather(1, L.tensor([[0], [1]], dtype=L.int32)),
    lambda L: L.ones(2) << 1,
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_errors_and_edge_results_match_pytorch(i: int) -> None:
    torch = require_torch()
    assert _outcome(cr, CASES[i]) == _outcome(torch, CASES[i])


def test_printed_results_match_pytorch() -> None:
    torch = require_torch()
    for build in (lambda L: L.tensor([3.0, 1.0, 2.0]).topk(2), lambda L: L.tensor([3.0, 1.0]).sort(),
                  lambda L: L.tensor([1, 2, 4]) << 1, lambda L: 1 << L.tensor([1, 2]),
                  lambda L: L.tensor([3.0, float("nan"), 1.0]).sort(descending=True)):
        assert repr(build(cr)) == repr(build(torch))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linspace_is_bit_identical(dtype: str) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    cases = [(-0.5, 0.5, 7), (0, 1, 5), (-3, 3, 100), (0, 2 * np.pi, 50), (-1, 1, 2), (5, 5, 3), (0, 1, 1),
             (0, 1, 0)] + [(float(rng.normal() * 5), float(rng.normal() * 5), int(rng.integers(2, 300)))
                           for _ in range(40)]
    for a, b, n in cases:
        ours = cr.linspace(a, b, n, dtype=getattr(cr, dtype)).numpy()
        theirs = torch.linspace(a, b, n, dtype=getattr(torch, dtype)).numpy()
        np.testing.assert_array_equal(ours, theirs)


def test_methods_found_missing() -> None:
    torch = require_torch()
    x = cr.ones(2, 3)
    assert tuple(x.mH.shape) == tuple(x.adjoint().shape) == tuple(x.H.shape) == (3, 2)
    assert cr.tensor([0.0, 0.0, 1.0]).multinomial(2).tolist() == torch.multinomial(
        torch.tensor([0.0, 0.0, 1.0]), 2).tolist()
    assert set(cr.tensor([0.3, 0.7]).bernoulli().tolist()) <= {0.0, 1.0}
    assert cr.cosine_similarity(cr.ones(2, 3), cr.ones(2, 3)).tolist() == pytest.approx([1.0, 1.0])
    with pytest.warns(UserWarning, match="x.T"):
        cr.ones(2, 3, 4).T


def test_diagonal_with_dims_matches_pytorch() -> None:
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for kw in ({}, {"offset": 1}, {"offset": -1, "dim1": 1, "dim2": 2}, {"dim1": -1, "dim2": 0},
               {"dim1": 2, "dim2": 1, "offset": 2}):
        ours = cr.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        a, b = cr.diagonal(ours, **kw), torch.diagonal(theirs, **kw)
        (a * a).sum().backward()
        (b * b).sum().backward()
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())


def test_batchnorm3d_matches_pytorch() -> None:
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((2, 3, 2, 3, 4))
    outs = []
    for lib in (torch, cr):
        m = lib.nn.BatchNorm3d(3).double()
        t = lib.from_numpy(x.copy()).requires_grad_()
        y = m(t)
        (y**3).sum().backward()
        m.eval()
        outs.append([y.detach().numpy(), t.grad.numpy(), m.running_mean.numpy(), m.running_var.numpy(),
                     m(t).detach().numpy(), repr(m)])
    for a, b in zip(*outs):
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
