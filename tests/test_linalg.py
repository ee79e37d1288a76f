"""chainrule.linalg against PyTorch: values, first gradients, second-order gradients and errors."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import needs_torch, require_torch

import chainrule as cr

pytestmark = needs_torch

_rng = np.random.default_rng(0)
A = _rng.standard_normal((3, 3)) + 3 * np.eye(3)
AB = _rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
B = _rng.standard_normal((3, 2))
BV = _rng.standard_normal(3)
BB = _rng.standard_normal((2, 3, 2))
X = _rng.standard_normal((4, 5))

CASES = {
    "vector_norm": ("L.linalg.vector_norm(P)", [X]),
    "vector_norm ord 1, dim": ("L.linalg.vector_norm(P, 1, dim=1)", [X]),
    "vector_norm inf": ("L.linalg.vector_norm(P, float('inf'))", [X]),
    "norm": ("L.linalg.norm(P)", [X]),
    "norm fro": ("L.linalg.norm(P, 'fro')", [X]),
    "norm ord 3, dim": ("L.linalg.norm(P, 3, dim=0)", [X]),
    "matrix_norm": ("L.linalg.matrix_norm(P)", [X]),
    "inv": ("L.linalg.inv(P)", [A]),
    "inv batched": ("L.linalg.inv(P)", [AB]),
    "det": ("L.linalg.det(P)", [A]),
    "det batched": ("L.linalg.det(P)", [AB]),
    "solve matrix": ("L.linalg.solve(P, Q)", [A, B]),
    "solve vector": ("L.linalg.solve(P, Q)", [A, BV]),
    "solve batched": ("L.linalg.solve(P, Q)", [AB, BB]),
}


def _run(L, expr, arrays):
    ts = [L.tensor(a, requires_grad=True) for a in arrays]
    out = eval(expr, {"L": L, "P": ts[0], "Q": ts[1] if len(ts) > 1 else None})
    w = L.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)))
    (out * w).sum().backward()
    return [out.detach().numpy()] + [t.grad.numpy() for t in ts]


@pytest.mark.parametrize("case", list(CASES))
def test_values_and_gradients_match_pytorch(case: str) -> None:
    torch = require_torch()
    expr, arrays = CASES[case]
    for got, want in zip(_run(cr, expr, arrays), _run(torch, expr, arrays), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


def test_second_order_gradients_match_pytorch() -> None:
    torch = require_torch()
    results = []
    for L in (torch, cr):
        a, b = L.tensor(A, requires_grad=True), L.tensor(B, requires_grad=True)
        g, = L.autograd.grad(L.linalg.det(a), a, create_graph=True)
        h, = L.autograd.grad((g * g).sum(), a)
        g2, = L.autograd.grad(L.linalg.solve(a, b).sum(), a, create_graph=True)
        h2, = L.autograd.grad((g2 ** 2).sum(), b)
        gi, = L.autograd.grad(L.linalg.inv(a).sum(), a, create_graph=True)
        hi, = L.autograd.grad((gi ** 2).sum(), a)
        results.append([h.numpy(), h2.numpy(), hi.numpy()])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def test_gradcheck_in_float64() -> None:
    a, b = cr.tensor(A, requires_grad=True), cr.tensor(B, requires_grad=True)
    assert cr.autograd.gradcheck(cr.linalg.inv, (a,))
    assert cr.autograd.gradgradcheck(cr.linalg.det, (a,))
    assert cr.autograd.gradgradcheck(cr.linalg.solve, (a, b))


@pytest.mark.parametrize("expr", ["L.linalg.inv(L.zeros(2, 2))", "L.linalg.det(L.ones(2, 3))",
                                  "L.linalg.solve(L.zeros(2, 2), L.ones(2))"])
def test_errors_match_pytorch(expr: str) -> None:
    torch = require_torch()
    messages = []
    for L in (torch, cr):
        with pytest.raises(RuntimeError) as err:
            eval(expr, {"L": L})
        messages.append(str(err.value).split("\n")[0])
    assert messages[0] == messages[1]
    if "zeros" in expr:
        with pytest.raises(cr.linalg.LinAlgError):
            eval(expr, {"L": cr})
