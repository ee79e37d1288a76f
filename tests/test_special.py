"""chainrule.special against torch.special: values and gradients in float64, edge values."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr

X = np.array([-1e3, -40.0, -25.0, -20.5, -19.5, -5.0, -1.5, -1.0, -0.2, 0.0, 0.7, 3.0, 9.0])
POS = np.array([0.25, 0.5, 1.3, 2.5, 7.0])


@pytest.mark.parametrize(("name", "arr"), [
    ("ndtr", X), ("log_ndtr", X), ("expit", X), ("entr", POS), ("gammaln", POS), ("psi", POS), ("digamma", POS),
    ("erf", X), ("erfc", X), ("logit", POS / 10), ("sinc", X), ("exp2", X[5:]), ("expm1", X[5:]),
    ("log1p", POS),
])
def test_unary_matches_pytorch(name: str, arr: np.ndarray) -> None:
    torch = require_torch()
    a, b = torch.tensor(arr, requires_grad=True), cr.tensor(arr, requires_grad=True)
    ya, yb = getattr(torch.special, name)(a), getattr(cr.special, name)(b)
    ya.sum().backward()
    yb.sum().backward()
    # (atol: PyTorch's ndtr underflows to 0 below x ≈ −20 in float64; chainrule's stays accurate there)
    np.testing.assert_allclose(yb.detach().numpy(), ya.detach().numpy(), rtol=1e-10, atol=1e-80)
    np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-8, atol=1e-80)


def test_edges_polygamma_and_xlog1py_match_pytorch() -> None:
    torch = require_torch()
    t, c = torch, cr
    edge = [0.0, -1.0, 0.5]
    assert c.special.entr(c.tensor(edge)).tolist() == t.special.entr(t.tensor(edge)).tolist()
    assert c.special.xlog1py(c.tensor([0.0, 2.0]), c.tensor([-1.0, 1.0])).tolist() == pytest.approx(
        t.special.xlog1py(t.tensor([0.0, 2.0]), t.tensor([-1.0, 1.0])).tolist())
    for n in (0, 1, 2):
        ours = c.special.polygamma(n, c.tensor(POS)).numpy()
        np.testing.assert_allclose(ours, t.special.polygamma(n, t.tensor(POS)).numpy(), rtol=1e-8)
    with pytest.raises(RuntimeError):
        cr.special.polygamma(-1, cr.tensor(POS))
    assert cr.special.log_ndtr(cr.tensor([-1e3], dtype=cr.float32)).dtype == cr.float32
