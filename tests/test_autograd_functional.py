"""``autograd.functional`` (jacobian hessian vjp jvp hvp vhp) against ``torch.autograd.functional``.

Each function under test is written once with ``lib`` as a parameter and run on both
libraries with the same float64 inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_close, needs_torch, require_torch

import chainrule as cr

pytestmark = needs_torch

RNG = np.random.default_rng(0)
X3 = RNG.standard_normal(3)
X23 = RNG.standard_normal((2, 3))
W32 = RNG.standard_normal((3, 2))
V3 = RNG.standard_normal(3)
V2 = RNG.standard_normal(2)


def t(lib, a, rg=False):
    return lib.tensor(a, dtype=lib.float64, requires_grad=rg)


# functions R^n -> R^m written for either library
def f_vec(lib):
    return lambda x: (x.sin() * x.exp())[:2] * lib.tensor([1.0, -2.0], dtype=lib.float64)


def f_scalar(lib):
    return lambda x: (x ** 3).sum() + (x[0] * x[1] * x[2]) + x.tanh().pow(2).sum()


def f_two_in(lib):
    return lambda x, w: (x @ w).tanh()  # (2,3) @ (3,2)


def f_two_out(lib):
    return lambda x: (x.exp().sum(), x * x)


def f_two_in_scalar(lib):
    return lambda x, w: ((x @ w).sigmoid() ** 2).sum() + (w * w).sum() * x.sum()


def compare(a, b):
    torch = require_torch()
    if isinstance(b, torch.Tensor):
        assert_close(a, b, msg="value")
    else:
        assert isinstance(a, tuple) and len(a) == len(b), f"structure {type(a)} vs {type(b)}"
        for u, v in zip(a, b, strict=True):
            compare(u, v)


def run(fn):
    torch = require_torch()
    return fn(cr), fn(torch)


@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_single(create_graph):
    def go(lib):
        return lib.autograd.functional.jacobian(f_vec(lib), t(lib, X3), create_graph=create_graph)

    a, b = run(go)
    compare(a, b)
    assert a.requires_grad == b.requires_grad


def test_jacobian_tuple_inputs_and_outputs():
    a, b = run(lambda lib: lib.autograd.functional.jacobian(f_two_in(lib), (t(lib, X23), t(lib, W32))))
    compare(a, b)
    a, b = run(lambda lib: lib.autograd.functional.jacobian(f_two_out(lib), t(lib, X3)))
    compare(a, b)
    a, b = run(lambda lib: lib.autograd.functional.jacobian(lambda x, w: (x.sum() * w, x * 2),
                                                           (t(lib, X3), t(lib, V2))))
    compare(a, b)


def test_jacobian_of_unrelated_output_is_zero():
    a, b = run(lambda lib: lib.autograd.functional.jacobian(lambda x, y: x * 2, (t(lib, X3), t(lib, V2))))
    compare(a, b)


def test_jacobian_closed_form():
    x = cr.tensor(X3, dtype=cr.float64)
    J = cr.autograd.functional.jacobian(lambda v: v.exp(), x)
    np.testing.assert_allclose(J.numpy(), np.diag(np.exp(X3)), rtol=1e-12)


@pytest.mark.parametrize("create_graph", [False, True])
def test_hessian(create_graph):
    a, b = run(lambda lib: lib.autograd.functional.hessian(f_scalar(lib), t(lib, X3), create_graph=create_graph))
    compare(a, b)
    a, b = run(lambda lib: lib.autograd.functional.hessian(f_two_in_scalar(lib), (t(lib, X23), t(lib, W32))))
    compare(a, b)


def test_hessian_closed_form():
    # f = x0² x1 + x1³  ->  H = [[2 x1, 2 x0], [2 x0, 6 x1]]
    x = cr.tensor([1.5, -0.5], dtype=cr.float64)
    H = cr.autograd.functional.hessian(lambda v: v[0] ** 2 * v[1] + v[1] ** 3, x)
    np.testing.assert_allclose(H.numpy(), [[-1.0, 3.0], [3.0, -3.0]], rtol=1e-12)


@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp(create_graph):
    a, b = run(lambda lib: lib.autograd.functional.vjp(f_vec(lib), t(lib, X3), t(lib, V2),
                                                      create_graph=create_graph))
    compare(a, b)
    a, b = run(lambda lib: lib.autograd.functional.vjp(f_scalar(lib), t(lib, X3)))
    compare(a, b)
    a, b = run(lambda lib: lib.autograd.functional.vjp(f_two_in(lib), (t(lib, X23), t(lib, W32)),
                                                      t(lib, np.ones((2, 2)))))
    compare(a, b)


def test_vjp_tuple_outputs():
    a, b = run(lambda lib: lib.autograd.functional.vjp(f_two_out(lib), t(lib, X3),
                                                      (t(lib, 1.5), t(lib, V3))))
    compare(a, b)


@pytest.mark.parametrize("create_graph", [False, True])
def test_jvp(create_graph):
    a, b = run(lambda lib: lib.autograd.functional.jvp(f_vec(lib), t(lib, X3), t(lib, V3),
                                                      create_graph=create_graph))
    compare(a, b)
    a, b = run(lambda lib: lib.autograd.functional.jvp(f_two_in(lib), (t(lib, X23), t(lib, W32)),
                                                      (t(lib, np.ones((2, 3))), t(lib, W32 * 0.5))))
    compare(a, b)
    a, b = run(lambda lib: lib.autograd.functional.jvp(f_two_out(lib), t(lib, X3), t(lib, V3)))
    compare(a, b)


@pytest.mark.parametrize("name", ["hvp", "vhp"])
def test_hvp_vhp(name):
    a, b = run(lambda lib: getattr(lib.autograd.functional, name)(f_scalar(lib), t(lib, X3), t(lib, V3)))
    compare(a, b)
    a, b = run(lambda lib: getattr(lib.autograd.functional, name)(
        f_two_in_scalar(lib), (t(lib, X23), t(lib, W32)), (t(lib, np.ones((2, 3))), t(lib, W32))))
    compare(a, b)


def test_hvp_equals_hessian_times_v():
    x = cr.tensor(X3, dtype=cr.float64)
    v = cr.tensor(V3, dtype=cr.float64)
    H = cr.autograd.functional.hessian(f_scalar(cr), x)
    _, hv = cr.autograd.functional.hvp(f_scalar(cr), x, v)
    np.testing.assert_allclose(hv.numpy(), H.numpy() @ V3, rtol=1e-10)


def test_create_graph_results_are_differentiable():
    for lib in (cr, require_torch()):
        x = t(lib, X3, rg=True)
        _, g = lib.autograd.functional.vjp(f_scalar(lib), x, create_graph=True)
        assert g.requires_grad
        (gg,) = lib.autograd.grad(g.sum(), x)
        H = lib.autograd.functional.hessian(f_scalar(lib), t(lib, X3))
        np.testing.assert_allclose(gg.detach().numpy(), H.sum(0).numpy(), rtol=1e-10)


def test_inputs_not_modified_and_results_detached():
    for lib in (cr, require_torch()):
        x = t(lib, X3)
        out, g = lib.autograd.functional.vjp(f_scalar(lib), x)
        assert not x.requires_grad and not out.requires_grad and not g.requires_grad
        J = lib.autograd.functional.jacobian(f_vec(lib), x)
        assert not J.requires_grad


def test_vjp_without_v_on_non_scalar_raises():
    for lib in (cr, require_torch()):
        with pytest.raises(RuntimeError, match="The vector v can only be None if the user-provided function returns"):
            lib.autograd.functional.vjp(f_vec(lib), t(lib, X3))
