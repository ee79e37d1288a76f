"""The shape_extra family beyond the OpInfo table: views and version counters, in-place ops, layout
attributes, misuse errors (type and message, against PyTorch), and vander's gradient."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr


def _outcome(m: Any, f: Any) -> str:
    try:
        out = f(m)
    except Exception as e:  # noqa: BLE001 - the exception type and text are what is compared
        return f"{type(e).__name__}: {e}"
    return repr(out).replace("torch.", "").replace("chainrule.", "")


def same(f: Any) -> None:
    torch = require_torch()
    ours, theirs = _outcome(cr, f), _outcome(torch, f)
    assert ours == theirs, f"\n chainrule: {ours}\n torch:     {theirs}"


# --- errors ------------------------------------------------------------------------------------------------

ERRORS = {
    "column_stack_tensor": lambda m: m.column_stack(m.ones(2)),
    "dstack_empty": lambda m: m.dstack([]),
    "row_stack_empty": lambda m: m.row_stack([]),
    "column_stack_empty": lambda m: m.column_stack([]),
    "block_diag_3d": lambda m: m.block_diag(m.ones(2, 2, 2)),
    "cartesian_prod_2d": lambda m: m.cartesian_prod(m.ones(2, 2)),
    "cartesian_prod_dtypes": lambda m: m.cartesian_prod(m.tensor([1, 2]), m.tensor([3.0])),
    "combinations_2d": lambda m: m.combinations(m.ones(2, 2)),
    "combinations_neg": lambda m: m.combinations(m.ones(3), -1),
    "vander_2d": lambda m: m.vander(m.ones(2, 2)),
    "vander_neg": lambda m: m.vander(m.ones(2), N=-1),
    "tensor_split_0d": lambda m: m.tensor_split(m.ones(()), 2),
    "tensor_split_zero": lambda m: m.tensor_split(m.ones(3), 0),
    "tensor_split_float_idx": lambda m: m.tensor_split(m.ones(3), m.tensor([1.5])),
    "hsplit_0d": lambda m: m.hsplit(m.ones(()), 2),
    "vsplit_1d": lambda m: m.vsplit(m.ones(3), 2),
    "dsplit_indivisible": lambda m: m.dsplit(m.ones(2, 2, 4), 3),
    "hsplit_zero": lambda m: m.hsplit(m.ones(4, 6), 0),
    "split_with_sizes_int": lambda m: m.ones(5).split_with_sizes(2, 3),
    "split_with_sizes_sum": lambda m: m.ones(5).split_with_sizes([2, 2]),
    "diag_embed_range": lambda m: m.diag_embed(m.ones(2, 3), 0, 0, 3),
    "diag_embed_same": lambda m: m.diag_embed(m.ones(2, 3), 0, 1, 1),
    "rot90_same": lambda m: m.rot90(m.ones(2, 3), 1, (0, 0)),
    "rot90_range": lambda m: m.rot90(m.ones(2, 3), 1, (0, 2)),
    "rot90_one_dim": lambda m: m.rot90(m.ones(2, 3), 1, (0,)),
    "rot90_1d": lambda m: m.rot90(m.ones(3)),
    "flipud_0d": lambda m: m.flipud(m.ones(())),
    "fliplr_1d": lambda m: m.fliplr(m.ones(3)),
    "select_0d": lambda m: m.select(m.ones(()), 0, 0),
    "select_oob": lambda m: m.select(m.ones(2, 3), 1, 3),
    "select_dim": lambda m: m.select(m.ones(2, 3), 2, 0),
    "narrow_copy_oob": lambda m: m.narrow_copy(m.ones(2, 3), 1, 2, 2),
    "is_same_size_list": lambda m: m.ones(2, 3).is_same_size([1]),
    "unique_consecutive_dim": lambda m: m.unique_consecutive(m.tensor([[1, 1], [2, 2]]), dim=2),
    "unique_consecutive_backward": lambda m: m.unique_consecutive(m.tensor([1.0, 1, 2], requires_grad=True))
    .sum().backward(),
    "sum_to_size_bad": lambda m: m.ones(2, 3).sum_to_size((4, 2, 3)),
    "sum_to_size_bad2": lambda m: m.ones(2, 3).sum_to_size(2),
    "unfold_dim": lambda m: m.ones(3).unfold(1, 2, 1),
    "unfold_size": lambda m: m.ones(3).unfold(0, -1, 1),
    "unfold_big": lambda m: m.ones(()).unfold(0, 2, 1),
    "unfold_step": lambda m: m.ones(3).unfold(0, 2, 0),
    "stride_range": lambda m: m.ones(2, 3).stride(2),
    "triu_indices_neg": lambda m: m.triu_indices(-3, 4),
    "tril_indices_neg_col": lambda m: m.tril_indices(3, -4),
    "triu_indices_dtype": lambda m: m.triu_indices(3, 4, dtype=m.int16),
    "tril_indices_float": lambda m: m.tril_indices(3, 4, dtype=m.float32),
    "fill_diagonal_1d": lambda m: m.zeros(3).fill_diagonal_(1),
    "fill_diagonal_unequal": lambda m: m.zeros(3, 3, 4).fill_diagonal_(1),
    "fill_diagonal_leaf": lambda m: m.ones(3, 3, requires_grad=True).fill_diagonal_(0),
    "transpose__leaf": lambda m: m.ones(2, 3, requires_grad=True).transpose_(0, 1),
    "tril__1d": lambda m: m.ones(3).tril_(),
    "triu__leaf": lambda m: m.ones(3, 3, requires_grad=True).triu_(),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name: str) -> None:
    same(ERRORS[name])


# --- values not covered by the table (no-tensor / bool results, several outputs) --------------------------

VALUES = {
    "fill_diagonal": lambda m: m.zeros(7, 3).fill_diagonal_(5).tolist(),
    "fill_diagonal_wrap": lambda m: m.zeros(7, 3).fill_diagonal_(5, wrap=True).tolist(),
    "fill_diagonal_wide_wrap": lambda m: m.zeros(3, 7).fill_diagonal_(5, wrap=True).tolist(),
    "fill_diagonal_3d": lambda m: m.zeros(3, 3, 3).fill_diagonal_(5).tolist(),
    "fill_diagonal_int": lambda m: m.zeros(3, 3, dtype=m.int64).fill_diagonal_(2.7).tolist(),
    "fill_diagonal_tensor": lambda m: m.zeros(2, 2).fill_diagonal_(m.tensor(3.0)).tolist(),
    "fill_diagonal_empty": lambda m: m.zeros(0, 0).fill_diagonal_(1).shape,
    "tril_": lambda m: m.arange(9.0).reshape(3, 3).tril_(-1).tolist(),
    "triu_": lambda m: m.arange(12.0).reshape(3, 4).triu_(1).tolist(),
    "swapaxes_": lambda m: m.arange(6.0).reshape(2, 3).swapaxes_(0, 1).tolist(),
    "swapdims_": lambda m: m.arange(6.0).reshape(2, 3).swapdims_(1, 0).shape,
    "block_diag_none": lambda m: (m.block_diag().shape, m.block_diag().dtype),
    "block_diag_dtypes": lambda m: (m.block_diag(m.ones(2, dtype=m.int32), m.ones(2, dtype=m.int64)).dtype,
                                    m.block_diag(m.ones(2), m.ones(2, dtype=m.float64)).dtype),
    "attributes": lambda m: [m.ones(2, 3).nbytes, m.ones(2, 3, dtype=m.float64).itemsize,
                             m.ones(2, dtype=m.uint8).element_size(), m.ones(2).is_sparse, m.ones(2).is_quantized,
                             m.ones(2).is_meta, m.ones(2).is_complex(), m.ones(2).is_signed(),
                             m.ones(2, dtype=m.uint8).is_signed(), m.ones(2, dtype=m.bool).is_signed(),
                             m.ones(2).is_inference(), m.ones(2).is_same_size(m.zeros(2)),
                             m.ones(3, 1).expand(3, 4).nbytes],
    "short_char": lambda m: (m.tensor([1.7, -2.2]).short().tolist(), m.tensor([1.7, -2.2]).short().dtype,
                             m.tensor([300.0]).char().dtype),
    "strides": lambda m: (lambda x: [x.stride(), x.stride(-1), x.stride(dim=1), x.transpose(0, 2).stride(),
                                      x[:, 1:, ::2].stride(), x[:, 1:, ::2].storage_offset(), x[1].storage_offset(),
                                      x.storage_offset(), x.expand(5, 2, 3, 4).stride(), x.unfold(2, 2, 1).stride(),
                                      x[1, 1:].unfold(1, 2, 2).storage_offset(), x.permute(2, 0, 1)[1].storage_offset(),
                                      x[1].data_ptr() - x.data_ptr(), m.ones(()).stride(), m.ones(0, 3).stride(),
                                      m.ones(2, 1, 3).stride(), m.ones(3, 1).expand(3, 4).stride()])(
        m.arange(24.0).reshape(2, 3, 4)),
    "transpose_strides": lambda m: (lambda t: (t.transpose_(0, 1).shape, t.stride(), t.is_contiguous()))(
        m.arange(6.0).reshape(2, 3)),
    "new_empty_strided": lambda m: (lambda t: (t.shape, t.stride(), t.dtype))(
        m.ones(2).new_empty_strided((2, 3), (1, 2), dtype=m.float64)),
    "tensor_split_keywords": lambda m: [t.tolist() for t in m.tensor_split(m.arange(7), indices=[2])]
    + [t.tolist() for t in m.tensor_split(m.arange(7), sections=2)],
    "unique_consecutive_0d": lambda m: m.unique_consecutive(m.tensor(3), return_inverse=True),
    "unique_consecutive_empty": lambda m: m.unique_consecutive(m.ones(0, 2), return_inverse=True, return_counts=True),
    "unique_consecutive_empty_dim": lambda m: m.unique_consecutive(m.ones(0, 2, dtype=m.int64), return_inverse=True,
                                                                   return_counts=True, dim=0),
    "unique_consecutive_nan": lambda m: m.unique_consecutive(m.tensor([1.0, float("nan"), float("nan")])).shape,
    "sum_to_size_same": lambda m: (lambda x: x.sum_to_size(2, 3) is x)(m.ones(2, 3)),
    "sum_to_size_int": lambda m: m.ones(2, 3, dtype=m.int32).sum_to_size(3).dtype,
    "atleast_empty": lambda m: m.atleast_1d(),
    "atleast_same": lambda m: (lambda x: m.atleast_2d(x) is x)(m.ones(2, 3)),
    "cartesian_prod_one": lambda m: (lambda x: m.cartesian_prod(x) is x)(m.ones(3)),
    "cartesian_prod_int": lambda m: m.cartesian_prod(m.tensor([1, 2]), m.tensor([3, 4, 5])).tolist(),
    "combinations_int": lambda m: m.combinations(m.tensor([1, 2, 3])).tolist(),
    "combinations_empty": lambda m: m.combinations(m.ones(0)).shape,
    "vander_bool": lambda m: (m.vander(m.tensor([True, False])).tolist(), m.vander(m.tensor([True])).dtype),
    "vander_no_grad_1": lambda m: m.vander(m.tensor([1.0, 2.0], requires_grad=True), 1).requires_grad,
    "tril_indices_kw": lambda m: m.tril_indices(3, 3, device="cpu").tolist(),
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_torch(name: str) -> None:
    same(VALUES[name])


def test_attribute_kinds() -> None:
    # properties in PyTorch stay properties; methods stay methods
    for name in ("nbytes", "itemsize", "is_sparse", "is_quantized", "is_meta"):
        assert isinstance(getattr(cr.Tensor, name), property), name
    for name in ("stride", "storage_offset", "data_ptr", "element_size", "is_complex", "is_signed", "is_inference",
                 "is_same_size", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "new_empty_strided"):
        assert callable(getattr(cr.Tensor, name)), name
    assert cr.moveaxis is cr.movedim and cr.Tensor.moveaxis is not None


# --- views share memory and the version counter; copies do not ---------------------------------------------

@pytest.mark.parametrize("make", [
    lambda x: cr.select(x, 1, 1), lambda x: cr.tensor_split(x, 2, 1)[0], lambda x: cr.hsplit(x, [1])[1],
    lambda x: x.split_with_sizes([1, 2], 1)[1], lambda x: cr.atleast_3d(x), lambda x: x.unfold(1, 1, 1),
    lambda x: cr.moveaxis(x, 0, 1), lambda x: cr.vsplit(x, 2)[1],
])
def test_views_share_memory_and_version(make: Any) -> None:
    x = cr.arange(6.0).reshape(2, 3)
    v = make(x)
    before = x._version
    v.mul_(10)
    assert x._version == v._version == before + 1
    assert float(x.sum()) != 15.0


@pytest.mark.parametrize("make", [
    lambda x: cr.narrow_copy(x, 1, 0, 2), lambda x: cr.rot90(x), lambda x: cr.flipud(x), lambda x: cr.diagflat(x),
    lambda x: cr.column_stack([x, x]), lambda x: cr.msort(x),
])
def test_copies_do_not_alias(make: Any) -> None:
    x = cr.arange(6.0).reshape(2, 3)
    c = make(x)
    c.add_(1)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and x._version == 0


def test_unfold_overlapping_windows_refuse_writes() -> None:
    # PyTorch lets overlapping windows be written (the result depends on the write order); chainrule refuses
    w = cr.arange(6.0).unfold(0, 3, 1)
    with pytest.raises(RuntimeError, match="more than one element"):
        w.mul_(2)


# --- gradients of the in-place ops ----------------------------------------------------------------------------

def _inplace_grads(m: Any, op: Any) -> Any:
    leaf = m.arange(12.0).reshape(3, 4).requires_grad_()
    x = leaf * 2
    v0 = x._version
    r = op(x)
    assert r is x
    w = m.arange(float(x.numel())).reshape(x.shape) + 1
    (x * w).sum().backward()
    return x.grad_fn.name(), x._version - v0, leaf.grad.tolist(), x.tolist()


@pytest.mark.parametrize("op", ["transpose_", "fill_diagonal_", "tril_", "triu_"])
def test_inplace_gradients(op: str) -> None:
    torch = require_torch()
    call = {"transpose_": lambda x: x.transpose_(0, 1), "fill_diagonal_": lambda x: x.fill_diagonal_(-1.0),
            "tril_": lambda x: x.tril_(1), "triu_": lambda x: x.triu_(-1)}[op]
    ours, theirs = _inplace_grads(cr, call), _inplace_grads(torch, call)
    if op == "fill_diagonal_":  # PyTorch writes through a diagonal view (CopySlices); here a masked write
        ours, theirs = ours[1:], theirs[1:]
    assert ours == theirs


def test_inplace_without_grad_keeps_working() -> None:
    with cr.no_grad():
        x = cr.ones(3, 3, requires_grad=True)
        x.fill_diagonal_(0).tril_().transpose_(0, 1)
    assert x.tolist() == [[0.0, 1.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]


# --- vander: PyTorch 2.13's backward raises; ours is the closed form ------------------------------------------

def test_vander_gradient_closed_form_and_gradcheck() -> None:
    x = cr.tensor([1.5, -2.0, 0.0, 0.5], dtype=cr.float64, requires_grad=True)
    y = cr.vander(x, 4)
    (g,) = cr.autograd.grad(y.sum(), x)
    xs = x.detach().numpy()
    np.testing.assert_allclose(g.numpy(), 3 * xs**2 + 2 * xs + 1)
    assert cr.autograd.gradcheck(lambda t: cr.vander(t, 4), (x,))
    assert cr.autograd.gradgradcheck(lambda t: cr.vander(t, 3, increasing=True), (x,))


def test_unfold_third_order() -> None:
    # unfold's backward and that backward's backward call each other: any order works
    x = cr.tensor([0.3, -1.2, 0.7, 2.0, -0.4], dtype=cr.float64, requires_grad=True)
    f = lambda t: (t.unfold(0, 3, 1) ** 3).sum()  # noqa: E731
    (g,) = cr.autograd.grad(f(x), x, create_graph=True)
    (h,) = cr.autograd.grad(g.sum(), x, create_graph=True)
    (k,) = cr.autograd.grad(h.sum(), x)
    counts = np.array([1, 2, 3, 2, 1])  # windows covering each element
    xs = x.detach().numpy()
    np.testing.assert_allclose(g.detach().numpy(), 3 * counts * xs**2)
    np.testing.assert_allclose(k.numpy(), 6 * counts)


def test_diag_embed_third_order() -> None:
    x = cr.tensor([[0.3, -1.2], [0.7, 2.0]], dtype=cr.float64, requires_grad=True)
    assert cr.autograd.gradgradcheck(lambda t: cr.diag_embed(t, 1, 0, 2) ** 2, (x,))
