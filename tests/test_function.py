"""Custom ops (``autograd.Function``) and ``gradcheck``/``gradgradcheck``, against PyTorch and closed forms."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from oracle import assert_close, needs_torch, require_torch

import chainrule as cr

pytestmark = needs_torch


def make_functions(lib):
    """The same custom Functions written once per library (only ``lib`` differs)."""

    class Cube(lib.autograd.Function):
        """y = x³,  dy/dx = 3x² (backward written with library ops, so it is differentiable again)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    class ScaleShift(lib.autograd.Function):
        """y = a·x + b with a non-tensor scale a; records needs_input_grad."""

        @staticmethod
        def forward(ctx, x, a, b):
            ctx.a = a
            ctx.flags = ctx.needs_input_grad
            return x * a + b

        @staticmethod
        def backward(ctx, g):
            return g * ctx.a, None, g if ctx.needs_input_grad[2] else None

    class SinCos(lib.autograd.Function):
        """Two outputs: (sin x, cos x)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin(), x.cos()

        @staticmethod
        def backward(ctx, gs, gc):
            (x,) = ctx.saved_tensors
            return gs * x.cos() - gc * x.sin()

    class ReluWithMask(lib.autograd.Function):
        """relu(x) and its (non-differentiable) float mask x > 0, marked as such."""

        @staticmethod
        def forward(ctx, x):
            mask = (x > 0).to(x.dtype)
            ctx.save_for_backward(mask)
            ctx.mark_non_differentiable(mask)
            return x * mask, mask

        @staticmethod
        def backward(ctx, g, g_mask):
            (mask,) = ctx.saved_tensors
            return g * mask

    class WrongSquare(lib.autograd.Function):
        """Deliberately wrong: y = x², but backward returns x instead of 2x."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x

    return Cube, ScaleShift, SinCos, ReluWithMask, WrongSquare


def both(fn):
    return fn(cr, *make_functions(cr)), fn(require_torch(), *make_functions(require_torch()))


def test_forward_backward_and_saved_tensors():
    def f(lib, Cube, *_):
        x = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = Cube.apply(x)
        y.sum().backward()
        return y.detach(), x.grad, y.requires_grad, y.is_leaf

    (cy, cg, cr_, cl), (ty, tg, tr, tl) = both(f)
    assert_close(cy, ty)
    assert_close(cg, tg)
    assert (cr_, cl) == (tr, tl) == (True, False)


def test_grad_fn_name():
    def f(lib, Cube, *_):
        return Cube.apply(lib.ones(1, requires_grad=True)).grad_fn.name()

    a, b = both(f)
    assert a == b == "CubeBackward"


def test_non_tensor_args_and_needs_input_grad():
    def f(lib, _, ScaleShift, *rest):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([0.5, 0.5])
        y = ScaleShift.apply(x, 3.0, b)
        y.sum().backward()
        x2 = lib.tensor([1.0, 2.0])
        b2 = lib.tensor([0.5, 0.5], requires_grad=True)
        y2 = ScaleShift.apply(x2, 2.0, b2)
        y2.sum().backward()
        return x.grad, b2.grad, b.grad, x2.grad

    (cx, cb2, cb, cx2), (tx, tb2, tb, tx2) = both(f)
    assert_close(cx, tx)
    assert_close(cb2, tb2)
    assert cb is None and tb is None and cx2 is None and tx2 is None


def test_needs_input_grad_values():
    seen = {}
    for lib in (cr, require_torch()):
        _, ScaleShift, *_ = make_functions(lib)

        class Probe(ScaleShift):
            @staticmethod
            def forward(ctx, x, a, b):
                seen[lib.__name__] = tuple(ctx.needs_input_grad)
                return x * a + b

        Probe.apply(lib.ones(2, requires_grad=True), 2.0, lib.ones(2))
    assert seen["chainrule"] == seen["torch"] == (True, False, False)


def test_multiple_outputs():
    def f(lib, _c, _s, SinCos, *_):
        x = lib.tensor([0.3, 1.2], requires_grad=True)
        s, c = SinCos.apply(x)
        (s * 2 + c * 3).sum().backward()
        g_only_s = lib.autograd.grad(SinCos.apply(x)[0].sum(), x)[0]  # unused output gets zeros
        return s.detach(), c.detach(), x.grad, g_only_s

    a, b = both(f)
    for u, v in zip(a, b, strict=True):
        assert_close(u, v)


def test_mark_non_differentiable():
    def f(lib, _c, _s, _sc, ReluWithMask, _w):
        x = lib.tensor([3.0, -1.0, 2.0], requires_grad=True)
        v, m = ReluWithMask.apply(x)
        (v * lib.tensor([1.0, 10.0, 100.0])).sum().backward()
        return v.detach(), m, x.grad, v.requires_grad, m.requires_grad

    (cv, cm, cg, cvr, cmr), (tv, tm, tg, tvr, tmr) = both(f)
    assert_close(cv, tv)
    assert_close(cm, tm)
    assert_close(cg, tg)
    assert (cvr, cmr) == (tvr, tmr) == (True, False)


def test_double_backward_through_function():
    def f(lib, Cube, *_):
        x = lib.tensor([2.0, -1.0], dtype=lib.float64, requires_grad=True)
        y = Cube.apply(x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g.detach(), gg

    (cg, cgg), (tg, tgg) = both(f)
    assert_close(cg, tg)
    assert_close(cgg, tgg)
    assert cgg.tolist() == [12.0, -6.0]  # d²(x³)/dx² = 6x


def test_function_without_grad_mode_records_nothing():
    def f(lib, Cube, *_):
        x = lib.tensor([2.0], requires_grad=True)
        with lib.no_grad():
            y = Cube.apply(x)
        z = Cube.apply(lib.tensor([2.0]))
        return y.requires_grad, y.grad_fn is None, z.requires_grad

    a, b = both(f)
    assert a == b == (False, True, False)


def test_forward_runs_without_recording():
    for lib in (cr, require_torch()):
        inner = {}

        class Probe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * 2
                inner["rg"] = y.requires_grad
                inner["mode"] = lib.is_grad_enabled()
                return y

            @staticmethod
            def backward(ctx, g):
                return g * 2

        Probe.apply(lib.ones(1, requires_grad=True))
        assert inner == {"rg": False, "mode": False}


def test_saved_tensors_freed_after_backward():
    def f(lib, Cube, *_):
        x = lib.tensor([1.0], requires_grad=True)
        y = Cube.apply(x).sum()
        y.backward()
        y.backward()

    for lib in (cr, require_torch()):
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            f(lib, *make_functions(lib))


def test_saved_tensor_modified_inplace_detected():
    def f(lib, Cube, *_):
        x = lib.tensor([1.0], requires_grad=True)
        h = x * 1.0
        y = Cube.apply(h)
        h.add_(1)
        y.sum().backward()

    for lib in (cr, require_torch()):
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            f(lib, *make_functions(lib))


def test_wrong_number_of_gradients():
    for lib in (cr, require_torch()):
        class TooFew(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, g):
                return (g,)

        with pytest.raises(RuntimeError, match="incorrect number of gradients"):
            TooFew.apply(lib.ones(1, requires_grad=True), lib.ones(1, requires_grad=True)).sum().backward()


def test_function_in_larger_graph():
    def f(lib, Cube, _s, SinCos, *_):
        w = lib.tensor([[0.5, -0.3], [0.2, 0.8]], requires_grad=True)
        x = lib.tensor([1.0, 2.0])
        h = Cube.apply(w @ x)
        s, c = SinCos.apply(h)
        (s * c + h).sum().backward()
        return w.grad

    a, b = both(f)
    assert_close(a, b)


# --------------------------------------------------------------------------- gradcheck
def test_gradcheck_passes_on_correct_functions():
    Cube, ScaleShift, SinCos, _, _ = make_functions(cr)
    x = cr.tensor([0.3, -1.1, 2.0], dtype=cr.float64, requires_grad=True)
    w = cr.tensor([[0.2, 0.5, -0.4]], dtype=cr.float64, requires_grad=True)
    assert cr.autograd.gradcheck(Cube.apply, (x,))
    assert cr.autograd.gradcheck(lambda t: SinCos.apply(t), (x,))
    assert cr.autograd.gradcheck(lambda a, b: (a * b).tanh().sum(1), (w, x))
    assert cr.autograd.gradcheck(lambda a: cr.softmax(a, 0) * a.exp(), (x,))
    assert cr.autograd.gradgradcheck(Cube.apply, (x,))
    assert cr.autograd.gradgradcheck(lambda a, b: (a * b).sigmoid(), (w, x))


def test_gradcheck_catches_a_wrong_backward():
    torch = require_torch()
    errors = {cr: cr.autograd.GradcheckError, torch: sys.modules["torch.autograd.gradcheck"].GradcheckError}
    for lib in (cr, torch):
        *_, WrongSquare = make_functions(lib)
        x = lib.tensor([0.5, 1.5], dtype=lib.float64, requires_grad=True)
        with pytest.raises(errors[lib], match="Jacobian mismatch"):
            lib.autograd.gradcheck(WrongSquare.apply, (x,))
        assert lib.autograd.gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False
    assert issubclass(cr.autograd.GradcheckError, RuntimeError)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    class CubeBadSecond(cr.autograd.Function):
        """Correct first derivative, but computed from a detached x, so the second derivative is lost (0)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x.detach() ** 2

    x = cr.tensor([0.5, 1.5], dtype=cr.float64, requires_grad=True)
    assert cr.autograd.gradcheck(CubeBadSecond.apply, (x,))
    with pytest.raises(cr.autograd.GradcheckError):
        cr.autograd.gradgradcheck(CubeBadSecond.apply, (x,))
    assert cr.autograd.gradgradcheck(CubeBadSecond.apply, (x,), raise_exception=False) is False


def test_gradcheck_float32_inputs_warn_like_torch():
    # PyTorch warns (does not fail) when inputs are not double precision; results may be unreliable
    x = cr.tensor([0.5, 1.5], requires_grad=True)
    with pytest.warns(UserWarning, match="double precision"):
        cr.autograd.gradcheck(lambda t: t * 2, (x,), raise_exception=False)


def test_gradcheck_closed_form_numbers():
    # numerical check of the engine itself on a known closed form: d/dx log(1 + x²) = 2x / (1 + x²)
    xs = np.array([-2.0, 0.0, 0.7])
    x = cr.tensor(xs, requires_grad=True)
    (g,) = cr.autograd.grad((1 + x * x).log().sum(), x)
    np.testing.assert_allclose(g.numpy(), 2 * xs / (1 + xs ** 2), rtol=1e-12)


@pytest.mark.parametrize("returned", ["(g * 2,)", "(g * 2, None)", "(g * 2, None, None)", "(g * 2, None, g)", "g * 2"])
def test_backward_must_return_one_gradient_per_forward_argument(returned: str) -> None:
    """PyTorch's rule: one gradient per forward argument (numbers included); surplus trailing Nones pass."""
    torch = require_torch()
    results = []
    for L in (torch, cr):
        class Scale(L.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return eval(returned, {"g": g})

        x = L.ones(2, requires_grad=True)
        try:
            Scale.apply(x, 2.0).sum().backward()
            results.append(x.grad.tolist())
        except RuntimeError as e:
            results.append(str(e))
    assert results[0] == results[1]
