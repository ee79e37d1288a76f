"""Scatter / index ops: tutorial idioms, in-place autograd rules and misuse errors, against live PyTorch."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr


def _both(f: Callable[[Any], Any]) -> tuple[Any, Any]:
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return f(cr), f(torch)


def _same(a: Any, b: Any) -> None:
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-6)


def test_one_hot_idioms() -> None:
    def onehot(m: Any) -> Any:
        y = m.tensor([2, 0, 1, 2])
        return (m.zeros(4, 3).scatter_(1, y.unsqueeze(1), 1.0), m.zeros(4, 3).scatter_(1, y.unsqueeze(1),
                                                                                        m.ones(4, 1)),
                m.zeros(4, 3, dtype=m.long).scatter_(1, y.view(-1, 1), 1))
    for a, b in zip(*_both(onehot)):
        _same(a, b)


def test_accumulating_repeated_indices() -> None:
    def acc(m: Any) -> Any:
        idx = m.tensor([0, 2, 0, 0])
        src = m.arange(8.0).reshape(4, 2)
        x = m.zeros(3, 2)
        x.index_add_(0, idx, src)
        y = m.zeros(3).scatter_add(0, m.tensor([1, 1, 2, 1]), m.tensor([1.0, 2.0, 3.0, 4.0]))
        z = m.zeros(5).put_(m.tensor([0, 0, 4]), m.tensor([1.0, 2.0, 3.0]), accumulate=True)
        w = m.zeros(2, 3).index_put_((m.tensor([0, 0]), m.tensor([1, 1])), m.tensor([1.0, 2.0]), accumulate=True)
        return x, y, z, w
    for a, b in zip(*_both(acc)):
        _same(a, b)


def test_scatter_gradients_input_and_src() -> None:
    def grads(m: Any) -> Any:
        x = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        s = m.tensor([[10.0, 20.0, 30.0]], requires_grad=True)
        y = m.scatter(x, 0, m.tensor([[1, 0, 1]]), s)
        (y * m.arange(6.0).reshape(2, 3)).sum().backward()
        return x.grad, s.grad, y.grad_fn.name()
    (gx, gs, n), (tx, ts, tn) = _both(grads)
    _same(gx, tx)
    _same(gs, ts)
    assert n == tn == "ScatterBackward0"


def test_inplace_on_nonleaf_records_and_bumps_version() -> None:
    def f(m: Any) -> Any:
        w = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = w * 2
        v0 = h._version
        h.index_fill_(0, m.tensor([1]), 0.0)
        (h * h).sum().backward()
        return w.grad, h.grad_fn.name(), h._version - v0
    (g, n, dv), (tg, tn, tdv) = _both(f)
    _same(g, tg)
    assert n == tn and dv == tdv == 1


def test_inplace_with_src_requiring_grad_on_plain_tensor() -> None:
    def f(m: Any) -> Any:
        s = m.tensor([1.0, 2.0], requires_grad=True)
        x = m.zeros(4)
        x.scatter_(0, m.tensor([3, 1]), s)
        (x * m.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        return s.grad, x.grad_fn.name()
    (g, n), (tg, tn) = _both(f)
    _same(g, tg)
    assert n == tn


@pytest.mark.parametrize("call", [
    lambda m, x: x.scatter_(0, m.tensor([0]), 1.0),
    lambda m, x: x.index_add_(0, m.tensor([0]), m.ones(1)),
    lambda m, x: x.put_(m.tensor([0]), m.ones(1)),
    lambda m, x: x.index_put_((m.tensor([0]),), m.ones(1)),
    lambda m, x: x.masked_scatter_(m.tensor([True, False, False]), m.ones(3)),
])
def test_leaf_requiring_grad_refuses_inplace(call: Any) -> None:
    torch = require_torch()
    for m in (cr, torch):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            call(m, m.zeros(3, requires_grad=True))


def test_saved_tensor_modified_by_scatter_() -> None:
    torch = require_torch()
    for m in (cr, torch):
        w = m.tensor([1.0, 2.0], requires_grad=True)
        h = w * 1
        y = h * h
        h.scatter_(0, m.tensor([0]), 5.0)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_legacy_reduce_not_differentiable() -> None:
    torch = require_torch()
    for m in (cr, torch):
        x = m.ones(2, 3, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            y = m.scatter(x * 1, 0, m.tensor([[0, 0, 0]]), m.full((1, 3), 3.0), reduce="multiply")
        assert y.grad_fn.name() == "torch::autograd::NotImplemented"
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
            y.sum().backward()
    a, b = _both(lambda m: m.ones(2, 3).scatter(0, m.tensor([[0, 0, 0], [0, 1, 0]]), 2.0, reduce="add"))
    _same(a, b)


def test_scatter_reduce_mean_integer_and_exclude_self() -> None:
    def f(m: Any) -> Any:
        x = m.arange(6).reshape(2, 3)
        i = m.zeros(2, 3, dtype=m.long)
        s = m.tensor([[5, 6, 7], [1, 1, 1]])
        return [x.scatter_reduce(0, i, s, r, include_self=inc) for r in ("sum", "prod", "mean", "amax", "amin")
                for inc in (True, False)]
    for a, b in zip(*_both(f)):
        _same(a, b)


def test_scatter_reduce_prod_zero_gradient() -> None:
    def f(m: Any) -> Any:
        x = m.tensor([2.0, 3.0], requires_grad=True)
        s = m.tensor([0.0, 4.0, 0.0, 5.0], requires_grad=True)
        y = m.scatter_reduce(x, 0, m.tensor([0, 0, 1, 1]), s, "prod")
        y.sum().backward()
        return x.grad, s.grad
    for a, b in zip(*_both(f)):
        _same(a, b)


def test_take_along_dim_with_argmax() -> None:
    def f(m: Any) -> Any:
        x = m.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
        y = m.take_along_dim(x, x.argmax(dim=1, keepdim=True), dim=1)
        y.sum().backward()
        return y, x.grad
    for a, b in zip(*_both(f)):
        _same(a, b)


def test_zero_dim_and_empty() -> None:
    def f(m: Any) -> Any:
        return (m.scatter(m.tensor(1.0), 0, m.tensor(0), m.tensor(5.0)),
                m.scatter(m.tensor([1.0, 2.0]), 0, m.tensor([], dtype=m.long), m.tensor([5.0])),
                m.take(m.tensor(3.0), m.tensor([0, 0])),
                m.tensor(3.0).index_add_(0, m.tensor([0]), m.tensor(2.0)))
    for a, b in zip(*_both(f)):
        _same(a, b)


MISUSE: dict[str, Callable[[Any], Any]] = {
    "scatter_float_index": lambda m: m.zeros(3, 4).scatter(0, m.zeros(1, 4), 1.0),
    "scatter_ndim": lambda m: m.zeros(3, 4).scatter(0, m.zeros(4, dtype=m.long), m.ones(3, 4)),
    "scatter_out_of_range": lambda m: m.zeros(3, 4).scatter(0, m.tensor([[5, 0, 0, 0]]), m.ones(1, 4)),
    "scatter_negative": lambda m: m.zeros(3, 4).scatter(0, m.tensor([[-1, 0, 0, 0]]), 1.0),
    "scatter_index_too_big": lambda m: m.zeros(3, 4).scatter(0, m.zeros(2, 5, dtype=m.long), m.ones(3, 4)),
    "scatter_dtype": lambda m: m.zeros(3, 4).scatter(0, m.zeros(1, 4, dtype=m.long), m.ones(1, 4).double()),
    "scatter_reduce_kw": lambda m: m.zeros(3).scatter(0, m.tensor([0]), m.ones(1), reduce="max"),
    "scatter_0d_tensor_value": lambda m: m.zeros(2, 3).scatter(0, m.tensor([[0, 1, 0]]), m.tensor(3.0)),
    "scatter_add_out_of_range": lambda m: m.zeros(3).scatter_add(0, m.tensor([3]), m.ones(1)),
    "index_add_count": lambda m: m.zeros(3, 4).index_add(0, m.tensor([0, 1]), m.ones(3, 4)),
    "index_add_float_index": lambda m: m.zeros(3, 4).index_add(0, m.tensor([0.0]), m.ones(1, 4)),
    "index_add_matrix_index": lambda m: m.zeros(3, 4).index_add(0, m.tensor([[0, 1]]), m.ones(2, 4)),
    "index_add_range": lambda m: m.zeros(3, 4).index_add(0, m.tensor([0, 5]), m.ones(2, 4)),
    "index_add_shape": lambda m: m.zeros(3, 4).index_add(0, m.tensor([0, 1]), m.ones(2, 3)),
    "index_add_dtype": lambda m: m.zeros(3, 4).index_add(0, m.tensor([0, 1]), m.ones(2, 4).double()),
    "index_copy_int32": lambda m: m.zeros(3, 4).index_copy(0, m.tensor([0], dtype=m.int32), m.ones(1, 4)),
    "index_copy_range": lambda m: m.zeros(3, 4).index_copy(0, m.tensor([0, 5]), m.ones(2, 4)),
    "index_copy_count": lambda m: m.zeros(3, 4).index_copy(0, m.tensor([0, 1]), m.ones(3, 4)),
    "index_fill_int32": lambda m: m.zeros(3, 4).index_fill(0, m.tensor([0], dtype=m.int32), 1.0),
    "index_fill_range": lambda m: m.zeros(3, 4).index_fill(0, m.tensor([0, 5]), 1.0),
    "index_fill_vector_value": lambda m: m.zeros(3, 4).index_fill(0, m.tensor([0]), m.tensor([1.0, 2.0])),
    "take_range": lambda m: m.take(m.zeros(3, 4), m.tensor([12])),
    "take_int32": lambda m: m.take(m.zeros(3, 4), m.tensor([1], dtype=m.int32)),
    "take_along_dim_float": lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[0.0]]), 1),
    "take_along_dim_ndim": lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[[0]]]), 1),
    "take_along_dim_broadcast": lambda m: m.take_along_dim(m.zeros(3, 4), m.tensor([[0], [1]]), 1),
    "masked_scatter_long_mask": lambda m: m.zeros(4).masked_scatter(m.tensor([1, 0, 1, 0]), m.ones(4)),
    "masked_scatter_short_source": lambda m: m.zeros(4).masked_scatter(m.tensor([True, True, True, False]),
                                                                       m.ones(2)),
    "masked_scatter_dtype": lambda m: m.zeros(4).masked_scatter(m.tensor([True, False, True, False]),
                                                                m.ones(4).double()),
    "put_range": lambda m: m.zeros(5).put_(m.tensor([0, 5]), m.ones(2)),
    "put_count": lambda m: m.zeros(5).put_(m.tensor([0, 1]), m.ones(3)),
    "put_dtype": lambda m: m.zeros(5).put_(m.tensor([0, 1]), m.ones(2).double()),
    "put_int32": lambda m: m.zeros(5).put_(m.tensor([0, 1], dtype=m.int32), m.ones(2)),
    "index_put_range": lambda m: m.zeros(2, 3).index_put_((m.tensor([0, 5]),), m.tensor(1.0)),
    "index_put_dtype": lambda m: m.zeros(2, 3).index_put_((m.tensor([0, 1]),), m.tensor(1.0).double()),
    "index_put_number": lambda m: m.zeros(2, 3).index_put_((m.tensor([0, 1]),), 1.0),
    "index_put_shape": lambda m: m.zeros(2, 3).index_put_((m.tensor([0, 1]),), m.ones(3, 3)),
    "scatter_inplace_float_into_long": lambda m: m.zeros(3, dtype=m.long).scatter_add_(0, m.tensor([0]),
                                                                                        m.ones(1)),
}

# PyTorch's wording where it is one sentence worth keeping (the others: the exception type is compared)
PHRASES = {
    "scatter_float_index": "Expected dtype int32/int64 for index",
    "scatter_out_of_range": "index 5 is out of bounds for dimension 0 with size 3",
    "scatter_index_too_big": "Expected index [2, 5] to be no larger than self [3, 4] apart from dimension 0",
    "scatter_dtype": "Expected self.dtype to be equal to src.dtype",
    "index_add_count": "Number of indices (2) should be equal to source.size(dim): (3)",
    "index_fill_int32": "Expected dtype int64 for index",
    "take_range": "out of range: tried to access index 12 on a tensor of 12 elements",
    "masked_scatter_short_source": "Number of elements of source < number of ones in mask",
    "put_count": "Expected source and index to have the same number of elements",
    "index_put_shape": "shape mismatch",
}


@pytest.mark.parametrize("name", sorted(MISUSE))
def test_misuse_matches_torch(name: str) -> None:
    torch = require_torch()
    errors = []
    for m in (cr, torch):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                MISUSE[name](m)
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            errors.append(e)
        else:
            errors.append(None)
    ours, theirs = errors
    assert theirs is not None, f"{name}: torch accepts this"
    assert ours is not None, f"{name}: chainrule accepts this, torch raises {theirs!r}"
    assert type(ours) is type(theirs), f"{name}: {ours!r} vs {theirs!r}"
    if name in PHRASES:
        assert PHRASES[name] in str(ours) and PHRASES[name] in str(theirs)
