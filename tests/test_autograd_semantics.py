"""Autograd semantics against PyTorch: grad/backward arguments, accumulation, freeing, errors.

Every case runs the same code on chainrule and on torch (the oracle) and compares
values, exception types and PyTorch's key phrase in the message.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from oracle import assert_close, needs_torch, require_torch

import chainrule as cr

pytestmark = [needs_torch, pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")]


def both(fn):
    """Run ``fn(lib)`` on chainrule and torch; return both results."""
    return fn(cr), fn(require_torch())


def both_raise(fn, phrase: str, exc: type = RuntimeError) -> None:
    """``fn(lib)`` raises the same exception type with ``phrase`` in both libraries."""
    torch = require_torch()
    with pytest.raises(exc, match=None) as t_err:
        fn(torch)
    assert phrase in str(t_err.value), f"oracle says: {t_err.value}"
    with pytest.raises(exc) as c_err:
        fn(cr)
    assert phrase in str(c_err.value), f"chainrule says: {c_err.value}"


# --------------------------------------------------------------------------- autograd.grad
def test_grad_scalar_and_grad_outputs():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (gs,) = lib.autograd.grad((x * x).sum(), x)
        y = x.exp()
        (gv,) = lib.autograd.grad(y, x, grad_outputs=lib.tensor([1.0, 0.5, -2.0]))
        return gs, gv

    (a1, a2), (b1, b2) = both(f)
    assert_close(a1, b1)
    assert_close(a2, b2)


def test_grad_multiple_outputs_and_inputs():
    def f(lib):
        x = lib.tensor([0.5, -1.0], requires_grad=True)
        w = lib.tensor([[1.0, 2.0], [3.0, -4.0]], requires_grad=True)
        y1 = (w @ x).tanh().sum()
        y2 = (x * w).sum()
        return lib.autograd.grad([y1, y2], [x, w])

    (gx, gw), (tx, tw) = both(f)
    assert_close(gx, tx)
    assert_close(gw, tw)


def test_grad_does_not_touch_dot_grad():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    cr.autograd.grad((x * 3).sum(), x)
    assert x.grad is None


def test_grad_non_leaf_input():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 3
        y = (h * h).sum()
        return lib.autograd.grad(y, [h, x])

    (gh, gx), (th, tx) = both(f)
    assert_close(gh, th)
    assert_close(gx, tx)


def test_grad_retain_graph():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp().sum()
        g1 = lib.autograd.grad(y, x, retain_graph=True)[0]
        g2 = lib.autograd.grad(y, x)[0]
        return g1 + g2

    a, b = both(f)
    assert_close(a, b)


def test_grad_second_time_raises():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp().sum()
        lib.autograd.grad(y, x)
        lib.autograd.grad(y, x)

    both_raise(f, "Trying to backward through the graph a second time")


def test_grad_allow_unused_and_materialize():
    def unused(lib):
        x = lib.tensor([1.0], requires_grad=True)
        z = lib.tensor([2.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x, z])

    both_raise(unused, "appears to not have been used in the graph")

    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        z = lib.tensor([2.0, 3.0], requires_grad=True)
        a = lib.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
        b = lib.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
        return a, b

    (ca, cb), (ta, tb) = both(f)
    assert ca[1] is None and ta[1] is None
    assert_close(ca[0], ta[0])
    assert_close(cb[1], tb[1])
    assert_close(cb[0], tb[0])


def test_grad_index_in_unused_message():
    x = cr.tensor([1.0], requires_grad=True)
    z = cr.tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="differentiated Tensor at index 1 appears"):
        cr.autograd.grad((x * 2).sum(), [x, z])


def test_grad_input_not_requiring_grad():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        z = lib.tensor([2.0])
        lib.autograd.grad((x * z).sum(), [x, z])

    both_raise(f, "One of the differentiated Tensors does not require grad")


def test_grad_output_not_requiring_grad():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        with lib.no_grad():
            y = (x * 2).sum()
        lib.autograd.grad(y, x)

    both_raise(f, "element 0 of tensors does not require grad and does not have a grad_fn")


def test_grad_non_scalar_without_grad_outputs():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.grad(x * 2, x)

    both_raise(f, "grad can be implicitly created only for scalar outputs")


def test_grad_outputs_shape_mismatch_message():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.grad(x * 2, x, grad_outputs=lib.ones(3))

    both_raise(f, "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape "
                  "of torch.Size([2])")


def test_gradient_shape_must_match_exactly():
    def f(lib):
        x = lib.ones(2, requires_grad=True)
        (x * 2).sum().backward(lib.tensor([2.0]))  # one element, but shape [1] vs []

    both_raise(f, "Mismatch in shape: grad_output[0] has a shape of torch.Size([1]) and output[0] has a shape "
                  "of torch.Size([])")


def test_gradient_must_be_a_tensor():
    def f(lib):
        x = lib.ones(2, requires_grad=True)
        (x * 2).backward([1.0, 2.0])

    both_raise(f, "gradients can be either Tensors or None, but got float", TypeError)

    def g(lib):
        x = lib.ones(2, requires_grad=True)
        lib.autograd.grad(x * 2, x, grad_outputs=np.ones(2, dtype=np.float32))

    both_raise(g, "gradients can be either Tensors or None", TypeError)


def test_gradient_dtype_is_cast():
    def f(lib):
        x = lib.ones(2, requires_grad=True)
        (x * 2).backward(lib.tensor([1.0, 3.0], dtype=lib.float64))
        return x.grad

    a, b = both(f)
    assert_close(a, b)


def test_one_element_non_scalar_is_implicit():
    def f(lib):
        x = lib.tensor([[3.0]], requires_grad=True)
        (x * x).backward()
        return x.grad

    a, b = both(f)
    assert_close(a, b)


def test_grad_create_graph_returns_differentiable():
    def f(lib):
        x = lib.tensor([2.0], requires_grad=True)
        (g,) = lib.autograd.grad((x ** 3).sum(), x, create_graph=True)
        assert g.requires_grad and g.grad_fn is not None
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g, gg

    (g, gg), (tg, tgg) = both(f)
    assert_close(g.detach(), tg.detach())
    assert_close(gg, tgg)
    assert gg.item() == 12.0


def test_grad_without_create_graph_is_constant():
    def f(lib):
        x = lib.tensor([2.0], requires_grad=True)
        (g,) = lib.autograd.grad((x ** 3).sum(), x)
        assert not g.requires_grad
        lib.autograd.grad(g.sum(), x)

    both_raise(f, "does not require grad and does not have a grad_fn")


# --------------------------------------------------------------------------- backward
def test_backward_accumulates_twice():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        return x.grad

    a, b = both(f)
    assert_close(a, b)
    assert a.tolist() == [6.0, 6.0]


def test_backward_gradient_argument():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x.sin()
        y.backward(lib.tensor([1.0, -1.0, 0.5]))
        return x.grad

    a, b = both(f)
    assert_close(a, b)


def test_backward_non_scalar_raises():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).backward()

    both_raise(f, "grad can be implicitly created only for scalar outputs")


def test_backward_gradient_wrong_shape():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).backward(lib.ones(3))

    both_raise(f, "Mismatch in shape")


def test_backward_retain_graph_doubles():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    a, b = both(f)
    assert_close(a, b)


def test_backward_twice_with_saved_tensors_raises():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp().sum()
        y.backward()
        y.backward()

    both_raise(f, "Trying to backward through the graph a second time")


def test_backward_twice_without_saved_tensors_works():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        return x.grad

    a, b = both(f)
    assert_close(a, b)
    assert a.tolist() == [2.0, 2.0]


def test_backward_on_detached_raises():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().detach().backward()

    both_raise(f, "element 0 of tensors does not require grad and does not have a grad_fn")


def test_backward_on_plain_tensor_raises():
    both_raise(lambda lib: lib.tensor(1.0).backward(), "does not require grad and does not have a grad_fn")


def test_backward_inputs_restricts_accumulation():
    def f(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0], requires_grad=True)
        (a * b).sum().backward(inputs=[a])
        return a.grad, b.grad

    (ca, cb), (ta, tb) = both(f)
    assert_close(ca, ta)
    assert cb is None and tb is None


def test_backward_inputs_non_leaf():
    def f(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        h = a * 2
        (h * h).sum().backward(inputs=[h])
        return h.grad, a.grad

    (ch, ca), (th, ta) = both(f)
    assert_close(ch, th)
    assert ca is None and ta is None


def test_backward_create_graph_grad_has_grad_fn():
    def f(lib):
        x = lib.tensor([2.0], requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        assert g.requires_grad and g.grad_fn is not None
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g.detach(), gg

    (g, gg), (tg, tgg) = both(f)
    assert_close(g, tg)
    assert_close(gg, tgg)


def test_autograd_backward_function_multiple_tensors():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y1 = x * 2
        y2 = (x ** 2).sum()
        lib.autograd.backward([y1, y2], [lib.tensor([1.0, 1.0]), None])
        return x.grad

    a, b = both(f)
    assert_close(a, b)


def test_shared_subexpression_sums_gradients():
    def f(lib):
        a = lib.tensor([-4.0], requires_grad=True)
        b = a + a
        c = b + b * a
        (c * c).sum().backward()
        return a.grad

    a, b = both(f)
    assert_close(a, b)


# --------------------------------------------------------------------------- non-leaf .grad, retain_grad
def test_non_leaf_grad_warns_and_is_none():
    x = cr.tensor([1.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None
    torch = require_torch()
    tx = torch.tensor([1.0], requires_grad=True)
    ty = tx * 2
    ty.sum().backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert ty.grad is None


def test_leaf_grad_does_not_warn():
    x = cr.tensor([1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is None


def test_retain_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x.exp()
        h.retain_grad()
        (h * h).sum().backward()
        return h.grad, h.retains_grad, x.grad

    (h, r, g), (th, tr, tg) = both(f)
    assert_close(h, th)
    assert_close(g, tg)
    assert r is tr is True


def test_retain_grad_accumulates_over_two_passes():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        h = x * 3
        h.retain_grad()
        y = (h * h).sum()
        y.backward(retain_graph=True)
        y.backward()
        return h.grad

    a, b = both(f)
    assert_close(a, b)


# --------------------------------------------------------------------------- requires_grad
def test_requires_grad_on_int_raises():
    both_raise(lambda lib: lib.tensor([1, 2], requires_grad=True),
               "Only Tensors of floating point and complex dtype can require gradients")
    both_raise(lambda lib: lib.tensor([1, 2]).requires_grad_(),
               "only Tensors of floating point")
    both_raise(lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True), "Only Tensors of floating point")

    def attr(lib):
        lib.tensor([True]).requires_grad = True

    both_raise(attr, "only Tensors of floating point and complex dtype can require gradients")


def test_requires_grad_false_on_non_leaf():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        y = x * 2
        y.requires_grad = False

    both_raise(f, "you can only change requires_grad flags of leaf variables")

    def g(lib):
        x = lib.tensor([1.0], requires_grad=True)
        y = x * 2
        y.requires_grad_(False)

    both_raise(g, "you can only change requires_grad flags of leaf variables")


def test_requires_grad_true_on_non_leaf_is_fine():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        y = (x * 2).requires_grad_()
        return y.requires_grad, y.is_leaf

    assert both(f)[0] == both(f)[1] == (True, False)


def test_requires_grad_propagation_and_is_leaf():
    def f(lib):
        a = lib.tensor([1.0])
        b = lib.tensor([1.0], requires_grad=True)
        c = a * 2
        d = a * b
        e = b.detach()
        return [(t.requires_grad, t.is_leaf, t.grad_fn is None) for t in (a, b, c, d, e)]

    a, b = both(f)
    assert a == b


def test_requires_grad_method_returns_self():
    x = cr.zeros(2)
    assert x.requires_grad_() is x and x.requires_grad


# --------------------------------------------------------------------------- grad mode
def test_no_grad_context_and_decorator():
    torch = require_torch()
    for lib in (cr, torch):
        x = lib.tensor([1.0], requires_grad=True)
        with lib.no_grad():
            assert not lib.is_grad_enabled()
            y = x * 2
        assert lib.is_grad_enabled()
        assert not y.requires_grad and y.grad_fn is None

        @lib.no_grad()
        def f(t):
            return t * 2

        assert not f(x).requires_grad
        assert lib.is_grad_enabled()


def test_enable_grad_nested_inside_no_grad():
    torch = require_torch()
    for lib in (cr, torch):
        x = lib.tensor([1.0], requires_grad=True)
        with lib.no_grad():
            with lib.enable_grad():
                y = x * 2
            z = x * 2
            assert not lib.is_grad_enabled()

        @lib.enable_grad()
        def f(t):
            return t * 2

        with lib.no_grad():
            w = f(x)
        assert y.requires_grad and not z.requires_grad and w.requires_grad


def test_set_grad_enabled_forms():
    torch = require_torch()
    for lib in (cr, torch):
        x = lib.tensor([1.0], requires_grad=True)
        with lib.set_grad_enabled(False):
            assert not (x * 2).requires_grad
            with lib.set_grad_enabled(True):
                assert (x * 2).requires_grad
            assert not lib.is_grad_enabled()
        assert lib.is_grad_enabled()
        # as a plain function call it switches the mode until switched back
        lib.set_grad_enabled(False)
        try:
            assert not lib.is_grad_enabled()
        finally:
            lib.set_grad_enabled(True)
        assert lib.is_grad_enabled()

        @lib.set_grad_enabled(False)
        def f(t):
            return t * 2

        assert lib.is_grad_enabled()  # decorating does not change the mode
        assert not f(x).requires_grad


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with cr.no_grad():
            raise ValueError
    assert cr.is_grad_enabled()


def test_no_grad_does_not_affect_backward_of_existing_graph():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        with lib.no_grad():
            y.backward()
        return x.grad

    a, b = both(f)
    assert_close(a, b)


# --------------------------------------------------------------------------- deep chains
def test_long_chain_no_recursion_error():
    x = cr.tensor(0.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert x.grad.item() == 1.0
    assert y.item() == 100_000.0


def test_long_chain_with_saved_values():
    x = cr.tensor(1.0, dtype=cr.float64, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = y * 1.0001
    y.backward()
    assert np.isclose(x.grad.item(), 1.0001 ** 5_000)


# --------------------------------------------------------------------------- higher order
def test_second_derivative_of_cube():
    x = cr.tensor(2.0, requires_grad=True)
    (g,) = cr.autograd.grad(x ** 3, x, create_graph=True)
    (gg,) = cr.autograd.grad(g, x)
    assert g.item() == 12.0 and gg.item() == 12.0


def test_third_derivative():
    def f(lib):
        x = lib.tensor([0.7, -1.3], dtype=lib.float64, requires_grad=True)
        y = (x.sin() * x.exp()).sum()
        out = []
        g = y
        for _ in range(3):
            (g,) = lib.autograd.grad(g.sum(), x, create_graph=True)
            out.append(g)
        return out

    a, b = both(f)
    for ga, gb in zip(a, b):
        assert_close(ga.detach(), gb.detach())
    # closed form: d³/dx³ (eˣ sin x) = 2eˣ(cos x − sin x)
    xs = np.array([0.7, -1.3])
    np.testing.assert_allclose(a[2].detach().numpy(), 2 * np.exp(xs) * (np.cos(xs) - np.sin(xs)), rtol=1e-12)


def test_grad_of_grad_through_mixed_ops():
    def f(lib):
        x = lib.tensor([[0.3, -0.2], [1.1, 0.5]], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([[0.4, 0.1], [-0.7, 0.9]], dtype=lib.float64, requires_grad=True)
        h = (x @ w).tanh()
        y = (h.sigmoid() * x.exp()).sum() + (h ** 2).mean() + (x / (w.abs() + 1)).sum()
        gx, gw = lib.autograd.grad(y, (x, w), create_graph=True)
        z = (gx ** 2).sum() + (gw * x).sum()
        return lib.autograd.grad(z, (x, w))

    (a1, a2), (b1, b2) = both(f)
    assert_close(a1, b1)
    assert_close(a2, b2)


def test_create_graph_leaf_grad_matches_torch_grad_fn_presence():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x.exp()).sum().backward(create_graph=True)
        return x.grad.requires_grad, x.grad.grad_fn is not None

    assert both(f)[0] == both(f)[1]


# --------------------------------------------------------------------------- in place and versions
def test_saved_tensor_modified_inplace():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        z = y.sum() * 1.0
        y2 = y * y  # saves y
        y.add_(1)
        (y2.sum() + z).backward()

    both_raise(f, "modified by an inplace operation")


def test_saved_output_modified_inplace():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()  # saves its output
        y.mul_(2)
        y.sum().backward()

    both_raise(f, "modified by an inplace operation")


def test_inplace_error_message_details():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError) as err:
        y.sum().backward()
    msg = str(err.value)
    assert "[torch.FloatTensor [2]]" in msg and "is at version 1; expected version 0 instead" in msg


def test_inplace_on_leaf_requiring_grad():
    msg = "a leaf Variable that requires grad is being used in an in-place operation."
    for op in ("add_", "sub_", "mul_", "div_"):
        both_raise(lambda lib, op=op: getattr(lib.tensor([1.0], requires_grad=True), op)(2.0), msg)
    both_raise(lambda lib: lib.tensor([1.0], requires_grad=True).zero_(), msg)
    both_raise(lambda lib: lib.tensor([1.0], requires_grad=True).fill_(3.0), msg)
    both_raise(lambda lib: lib.tensor([1.0], requires_grad=True).copy_(lib.tensor([2.0])), msg)

    def iadd(lib):
        x = lib.tensor([1.0], requires_grad=True)
        x += 1

    both_raise(iadd, msg)

    def setitem(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x[0] = 5.0

    both_raise(setitem, msg)


def test_inplace_on_leaf_under_no_grad_is_fine():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.no_grad():
            x.mul_(2)
            x -= 1
            x[0] = 7.0
        (x * x).sum().backward()
        return x.detach(), x.grad, x.requires_grad, x.is_leaf

    (cx, cg, cr_rg, cl), (tx, tg, tr, tl) = both(f)
    assert_close(cx, tx)
    assert_close(cg, tg)
    assert (cr_rg, cl) == (tr, tl) == (True, True)


def test_inplace_on_non_leaf_records():
    def f(lib):
        x = lib.tensor([0.5, -1.5, 2.0], requires_grad=True)
        y = x * 2
        y.add_(1)
        y.mul_(x)
        y.sub_(x.sin())
        y.div_(3.0)
        y.sum().backward()
        return y.detach(), x.grad, y.grad_fn.name()

    (cy, cg, cn), (ty, tg, tn) = both(f)
    assert_close(cy, ty)
    assert_close(cg, tg)
    assert cn == tn


@pytest.mark.parametrize("op", ["zero_()", "fill_(3.0)", "normal_()", "uniform_()"])
def test_overwriting_inplace_on_non_leaf_stays_in_graph(op):
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        eval("y." + op)
        (y * x).sum().backward()
        return y.requires_grad, y.grad_fn.name(), y.is_leaf

    a, b = both(f)
    assert a == b


def test_overwritten_non_leaf_passes_zero_gradient():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.zero_()
        y.sum().backward()
        return x.grad

    a, b = both(f)
    assert_close(a, b)


def test_inplace_on_factor_of_constant_product_is_allowed():
    # z = y * 2 needs only the constant 2 for its gradient, so changing y afterwards is harmless
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y * 2
        y.add_(1)
        z.sum().backward()
        return x.grad

    a, b = both(f)
    assert_close(a, b)

    def g(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        y = x * 1
        z = y * w  # now y is needed for w's gradient
        y.add_(1)
        z.sum().backward()

    both_raise(g, "modified by an inplace operation")


def test_inplace_setitem_on_non_leaf():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = lib.tensor([4.0, 5.0], requires_grad=True)
        y = x * 1.0
        y[1:] = w * w
        (y * y).sum().backward()
        return x.grad, w.grad

    (cx, cw), (tx, tw) = both(f)
    assert_close(cx, tx)
    assert_close(cw, tw)


def test_inplace_version_counter_increments():
    def f(lib):
        x = lib.zeros(3)
        v = [x._version]
        x.add_(1)
        v.append(x._version)
        x[0] = 2.0
        v.append(x._version)
        x.detach().mul_(2)  # detach shares the version counter
        v.append(x._version)
        return v

    a, b = both(f)
    assert a == b


def test_data_modification_not_tracked():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        x.data.mul_(10)  # not seen by autograd: exp's backward uses its own saved output
        z = x * x
        x.data.add_(1)  # modifies x behind autograd's back; no error
        (y.sum() + z.sum()).backward()
        return x.grad, x.detach()

    (cg, cx), (tg, tx) = both(f)
    assert_close(cg, tg)
    assert_close(cx, tx)


def test_data_assignment():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.data = lib.tensor([5.0, 6.0])
        (x * x).sum().backward()
        return x.grad, x.requires_grad

    (cg, cr_), (tg, tr) = both(f)
    assert_close(cg, tg)
    assert cr_ == tr


def test_numpy_on_requires_grad():
    both_raise(lambda lib: lib.tensor([1.0], requires_grad=True).numpy(),
               "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")


def test_item_breaks_graph():
    x = cr.tensor([2.0], requires_grad=True)
    y = cr.tensor((x * 3).item())
    assert not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


# --------------------------------------------------------------------------- gradient aliasing
def test_two_leaves_do_not_share_grad_array():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad += 1
    assert b.grad.tolist() == [1.0, 1.0]
    assert a.grad.tolist() == [2.0, 2.0]


def test_same_leaf_used_twice_and_other_leaf():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor([3.0, 4.0], requires_grad=True)
    c = cr.tensor([5.0, 6.0], requires_grad=True)
    (a + b + c + a).sum().backward()
    grads = [a.grad, b.grad, c.grad]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not np.shares_memory(grads[i].numpy(), grads[j].numpy())
    b.grad.mul_(10)
    assert a.grad.tolist() == [2.0, 2.0] and c.grad.tolist() == [1.0, 1.0]


def test_backward_does_not_alias_user_gradient():
    v = cr.tensor([1.0, 2.0])
    x = cr.tensor([0.0, 0.0], requires_grad=True)
    x.backward(v)
    assert not np.shares_memory(x.grad.numpy(), v.numpy())
    x.grad += 1
    assert v.tolist() == [1.0, 2.0]
    y = cr.tensor([0.0, 0.0], requires_grad=True)
    w = y + 0.0
    w.backward(v)
    y.grad.mul_(3)
    assert v.tolist() == [1.0, 2.0]


def test_grad_result_does_not_alias_user_grad_outputs():
    v = cr.tensor([1.0, 2.0])
    x = cr.tensor([0.0, 0.0], requires_grad=True)
    (g,) = cr.autograd.grad(x * 1, x, grad_outputs=v)
    g.add_(1)
    assert v.tolist() == [1.0, 2.0]


def test_grad_results_do_not_alias_each_other_or_grad_outputs():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor([3.0, 4.0], requires_grad=True)
    v = cr.tensor([1.0, 1.0])
    ga, gb = cr.autograd.grad(a + b, [a, b], grad_outputs=v)  # AddBackward passes v through to both
    ga.add_(1)
    assert gb.tolist() == [1.0, 1.0] and v.tolist() == [1.0, 1.0]
    ga, gb = cr.autograd.grad((a + b).sum(), [a, b])
    assert not np.shares_memory(ga.numpy(), gb.numpy())
    (g,) = cr.autograd.grad(a, a, grad_outputs=v)  # the output is the input: the seed is the result
    g.mul_(5)
    assert v.tolist() == [1.0, 1.0]
    h = a * 2
    g1, g2 = cr.autograd.grad(h + 0.0, [h, h], grad_outputs=v)
    g1.add_(1)
    assert g2.tolist() == [1.0, 1.0] and v.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("use_inputs", [False, True])
def test_backward_create_graph_grads_do_not_alias(use_inputs):
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True, inputs=[a, b] if use_inputs else None)
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad.detach().numpy(), b.grad.detach().numpy())
    v = cr.ones(2)
    c = cr.tensor([1.0, 2.0], requires_grad=True)
    c.backward(v, create_graph=True)
    assert c.grad is not v and not np.shares_memory(c.grad.detach().numpy(), v.numpy())


def test_grad_does_not_alias_leaf_data():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    (x.sum()).backward()
    x.grad.add_(5)
    assert x.detach().tolist() == [1.0, 2.0]


def test_repeated_backward_accumulates_without_aliasing():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor([3.0, 4.0], requires_grad=True)
    for _ in range(3):
        (a + b).sum().backward()
    assert a.grad.tolist() == [3.0, 3.0] and b.grad.tolist() == [3.0, 3.0]
    first = a.grad
    (a * 2).sum().backward()
    assert a.grad is first  # accumulated in place, like PyTorch
    assert a.grad.tolist() == [5.0, 5.0] and b.grad.tolist() == [3.0, 3.0]


def test_expand_and_view_gradients_are_owned():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor(3.0, requires_grad=True)
    (a * 1 + b).sum().backward()
    a.grad.add_(1)
    b.grad.add_(1)
    assert a.grad.tolist() == [2.0, 2.0] and b.grad.item() == 3.0
    c = cr.tensor([[1.0, 2.0]], requires_grad=True)
    d = cr.tensor([[1.0, 2.0]], requires_grad=True)
    (c.reshape(2) + d.reshape(2)).sum().backward()
    c.grad.add_(1)
    assert d.grad.tolist() == [[1.0, 1.0]]


def test_grad_dtype_matches_leaf():
    def f(lib):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * y).sum().backward()
        return x.grad, y.grad

    (cx, cy), (tx, ty) = both(f)
    assert_close(cx, tx)
    assert_close(cy, ty)


def test_grad_fn_names_and_next_functions():
    def f(lib):
        x = lib.tensor([1.0], requires_grad=True)
        y = (x.exp() * 2).sum()
        return (y.grad_fn.name(), y.grad_fn.next_functions[0][0].name(),
                type(y.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]).__name__)

    a, b = both(f)
    assert a == b


# --------------------------------------------------------------------------- random graphs: values and aliasing
_GRAPH_OPS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "neg": lambda a, b: -a,
    "expand": lambda a, b: a[0:1].expand(2, 3), "reshape": lambda a, b: a.reshape(3, 2).reshape(2, 3),
    "clone": lambda a, b: a.clone(), "sum0": lambda a, b: a.sum(0, keepdim=True).expand(2, 3),
    "index": lambda a, b: a[:, [0, 0, 2]], "detached": lambda a, b: a + b.detach(), "tt": lambda a, b: a.t().t(),
    "scalar": lambda a, b: a + 1.0,
}


def _random_graph(lib, seed: int, mode: str):
    """Three (2, 3) leaves, a few random ops, then backward / grad; returns the leaves, v and the grads."""
    pick = np.random.RandomState(seed)
    leaves = [lib.tensor(pick.randn(2, 3).astype(np.float32), requires_grad=True) for _ in range(3)]
    pool = list(leaves)
    names = sorted(_GRAPH_OPS)
    for _ in range(pick.randint(1, 6)):
        op = names[pick.randint(len(names))]
        a, b = pool[pick.randint(len(pool))], pool[pick.randint(len(pool))]
        pool.append(_GRAPH_OPS[op](a, b))
    out = pool[-1]
    v = lib.full((2, 3), 0.5)
    if mode == "backward":
        out.backward(v)
        grads = [x.grad for x in leaves]
    elif mode == "create_graph":
        out.backward(v, create_graph=True)
        grads = [None if x.grad is None else x.grad.detach() for x in leaves]
    else:
        grads = list(lib.autograd.grad(out, leaves, grad_outputs=v, allow_unused=True))
    return leaves, v, grads


@pytest.mark.parametrize("mode", ["backward", "create_graph", "grad"])
def test_random_graphs_match_torch_and_never_alias(mode):
    torch = require_torch()
    for seed in range(40):
        leaves, v, grads = _random_graph(cr, seed, mode)
        _, _, expected = _random_graph(torch, seed, mode)
        owned = [g.numpy() for g in grads if g is not None]
        others = owned + [x.detach().numpy() for x in leaves] + [v.numpy()]
        for i, g in enumerate(owned):
            assert not any(np.shares_memory(g, o) for j, o in enumerate(others) if j != i), f"seed {seed}"
        for g, e in zip(grads, expected, strict=True):
            assert (g is None) == (e is None), f"seed {seed}"
            if g is not None:
                assert_close(g, e, msg=f"seed {seed}")


# --------------------------------------------------------------------------- engine shortcuts
# loss.backward() has a direct entry, chain-shaped graphs skip the DFS, and the version check is
# skipped while nothing was edited in place: each case below takes one shortcut's edge.


@pytest.mark.parametrize("shape", ["chain", "node-used-twice", "diamond", "leaf-used-twice", "two-roots-sum"])
def test_graph_shapes_give_pytorchs_gradients(shape: str) -> None:
    def run(lib):
        g = lib.Generator().manual_seed(0) if lib is cr else None
        x = lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
        w = lib.tensor([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]], requires_grad=True)
        del g
        h = (x @ w).sigmoid()
        if shape == "chain":
            out = h.tanh().exp().sum()
        elif shape == "node-used-twice":
            out = (h * h).sum()
        elif shape == "diamond":
            out = (h.exp() + h.tanh()).sum()
        elif shape == "leaf-used-twice":
            out = ((h @ w.T) * x).sum()
        else:
            out = h.sum() + h.mean()
        out.backward()
        return x.grad, w.grad

    (cx, cw), (tx, tw) = both(run)
    assert_close(cx, tx)
    assert_close(cw, tw)


def test_inplace_edit_of_a_saved_tensor_is_caught_among_unrelated_edits() -> None:
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = y.exp()  # saves its output
        other = lib.zeros(3)
        other.add_(1)  # an unrelated in-place edit before the forward ends ...
        loss = (z * y).sum()
        z.mul_(2)  # ... and the one that matters, after
        other.add_(1)
        loss.backward()

    both_raise(run, "modified by an inplace operation")


def test_backward_of_a_scalar_keeps_retain_graph_and_hook_semantics() -> None:
    def run(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        loss = (x.sigmoid() * x).sum()
        seen = []
        loss.register_hook(lambda g: seen.append(float(g)) or g * 3)
        loss.retain_grad()
        loss.backward(retain_graph=True)
        loss.backward()
        return x.grad, loss.grad, seen

    (cg, cl, cs), (tg, tl, ts) = both(run)
    assert_close(cg, tg)
    assert_close(cl, tl)
    assert cs == ts
