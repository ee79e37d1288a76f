"""``repr(tensor)`` must be PyTorch's, character for character, for a battery of tensors."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import needs_torch, require_torch

import chainrule as cr

pytestmark = needs_torch

EXPRESSIONS = [
    "lib.tensor([1., 2.])", "lib.tensor([1, 2, 3])", "lib.tensor([True, False])", "lib.tensor(3.5)", "lib.tensor(3)",
    "lib.tensor(True)", "lib.tensor([])", "lib.zeros(0, 3)", "lib.zeros(2, 0)", "lib.zeros(2, 3, 0)",
    "lib.tensor([[1., 2.], [3., 4.]])", "lib.arange(24.).reshape(2, 3, 4)", "lib.tensor([[[1.]]])",
    "lib.tensor([float('nan'), float('inf'), -float('inf'), 1.5])", "lib.tensor(float('nan'))",
    "lib.tensor([1e10, 1.0])", "lib.tensor([1e-10, 1.0])", "lib.tensor([1e-5, 1.0])", "lib.tensor([123456.7, 0.1])",
    "lib.tensor([1e20, -1e-20])", "lib.tensor(1e-20)", "lib.tensor([0.1, 0.25, 100.0])",
    "lib.tensor([[1e-8, 1.0], [2.0, 3.0]])", "lib.tensor([100., 1000., 10000.])", "lib.tensor([1e4, 1e5])",
    "lib.tensor([1e3, 1e-3])", "lib.tensor([0.0001, 0.001])", "lib.tensor([12345678.])", "lib.tensor([-0.0, 0.0])",
    "lib.tensor([1., -2.5, 3.25])", "lib.tensor([1.5, float('nan')])", "lib.tensor([1, -200000000000])",
    "lib.tensor([1., 2.], requires_grad=True)", "lib.tensor([1., 2.], requires_grad=True) * 2",
    "lib.tensor([1., 2.], requires_grad=True).sum()", "lib.tensor([1., 2.], requires_grad=True).exp()",
    "lib.tensor(2.0, requires_grad=True)", "lib.tensor([1., 2.], dtype=lib.float64, requires_grad=True)",
    "lib.tensor([1., 2.], dtype=lib.float64)", "lib.tensor(2.5, dtype=lib.float64)", "lib.tensor([1., 2.]).double()",
    "lib.tensor([1, 2], dtype=lib.int32)", "lib.tensor([1., 2.], dtype=lib.float16)",
    "lib.tensor([3.0], dtype=lib.float16) * 2", "lib.tensor([65504.], dtype=lib.float16)",
    "lib.tensor([], dtype=lib.int64)", "lib.tensor([], dtype=lib.float64)",
    "lib.tensor([[True, False], [False, True]])",
    "lib.tensor([1e308], dtype=lib.float64)", "lib.arange(12.).reshape(3, 4) / 7", "lib.arange(30.) / 3",
    "lib.arange(40.) * 1.123", "lib.arange(100).reshape(4, 25)", "lib.ones(2, 600)",
    # more than 1000 elements: summarised with '...'
    "lib.arange(2000.)", "lib.arange(2000)", "lib.arange(2000.).reshape(40, 50)", "lib.ones(1001)",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_repr_matches_torch(expr):
    torch = require_torch()
    assert repr(eval(expr, {"lib": cr})) == repr(eval(expr, {"lib": torch}))
    assert str(eval(expr, {"lib": cr})) == str(eval(expr, {"lib": torch}))


def _arrays():
    rs = np.random.RandomState(0)
    f32 = np.float32
    return [
        rs.randn(5).astype(f32), rs.randn(3, 4).astype(f32) * 100, rs.randn(2, 3, 4), rs.rand(7).astype(f32) * 1e-3,
        rs.randn(30).astype(f32), (rs.randn(4, 30) * 1e6).astype(f32), rs.randint(-1000, 1000, (3, 40)),
        rs.randn(1100).astype(f32), rs.randn(3, 500).astype(f32), np.array([1e8, 1.0], f32), np.array([1e7, 1.0], f32),
        np.array([99999.0, 0.5], f32), np.array([0.5, 1e-4], f32), rs.randn(2, 2, 2, 2).astype(f32),
        np.array([[1.0, np.nan], [np.inf, 2.0]], f32), np.array([2 ** 40, 1]), rs.randn(1001),
        np.arange(12, dtype=np.int32).reshape(3, 4), np.array([1.123456789]), np.array([[True] * 30] * 2),
        np.array([np.nan] * 3, f32), np.array([1e-5, 1e5], f32), rs.randn(0, 2).astype(np.float16),
    ]


@pytest.mark.parametrize("k", range(len(_arrays())))
@pytest.mark.parametrize("requires_grad", [False, True])
def test_repr_of_random_values_matches_torch(k, requires_grad):
    torch = require_torch()
    a = _arrays()[k]
    if requires_grad and a.dtype.kind != "f":
        pytest.skip("only float tensors can require grad")
    assert repr(cr.tensor(a, requires_grad=requires_grad)) == repr(torch.tensor(a, requires_grad=requires_grad))


def test_repr_of_custom_function_output():
    torch = require_torch()
    out = {}
    for lib in (cr, torch):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        out[lib] = repr(Double.apply(lib.tensor([1.0, 2.0], requires_grad=True)))
    assert out[cr] == out[torch] == "tensor([2., 4.], grad_fn=<DoubleBackward>)"


def test_repr_and_printoptions():
    torch = require_torch()
    try:
        for lib in (cr, torch):
            lib.set_printoptions(precision=2)
        assert repr(cr.tensor([1.23456, 2.5])) == repr(torch.tensor([1.23456, 2.5]))
    finally:
        for lib in (cr, torch):
            lib.set_printoptions(profile="default")
    assert repr(cr.tensor([1.23456])) == "tensor([1.2346])"


FORMAT_CASES = [
    ('f"{lib.tensor(1.5)}"', None), ('"{}".format(lib.tensor(3))', None), ('f"{lib.tensor(2.0) * 1:.3f}"', None),
    ('f"{lib.tensor(1.0, requires_grad=True) * 2}"', None), ('f"{lib.tensor([1., 2.])}"', None),
    ('f"{lib.tensor(True)}"', None), ('f"{lib.tensor(7):>4}"', None), ('f"{lib.tensor([1., 2.]):.2f}"', TypeError),
]


@pytest.mark.parametrize("expr, error", FORMAT_CASES)
def test_format_matches_torch(expr: str, error: type | None) -> None:
    """``f"loss: {loss}"`` prints the number for a 0-d tensor (with or without a spec), as PyTorch."""
    torch = require_torch()
    if error is not None:
        for lib in (torch, cr):
            with pytest.raises(error, match="unsupported format string passed to Tensor.__format__"):
                eval(expr, {"lib": lib})
        return
    assert eval(expr, {"lib": cr}) == eval(expr, {"lib": torch})


@pytest.mark.parametrize("options", [{"sci_mode": False}, {"sci_mode": True}, {"profile": "short"}, {"profile": "full"},
                                     {"precision": 2, "sci_mode": False}])
def test_set_printoptions_matches_torch(options: dict) -> None:
    torch = require_torch()
    exprs = ["lib.tensor([1e-5, 1e5])", "lib.tensor([1.5, 2.25])", "lib.tensor([1., 2000.])", "lib.tensor([1e10, 1.])",
             "lib.arange(2000.)", "lib.tensor([0.123456789, 12.5])"]
    try:
        for lib in (torch, cr):
            lib.set_printoptions(**options)
        for e in exprs:
            assert repr(eval(e, {"lib": cr})) == repr(eval(e, {"lib": torch})), e
    finally:
        for lib in (torch, cr):
            lib.set_printoptions(profile="default")
