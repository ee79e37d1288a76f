"""Tensor basics against PyTorch: dtypes, creation, conversion, methods, indexing, in-place, errors."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_close, needs_torch, require_torch

import chainrule as cr

pytestmark = needs_torch


def both(fn):
    return fn(cr), fn(require_torch())


def same_error(fn, phrase: str | None = None) -> str:
    """``fn(lib)`` raises the same exception type in both libraries; returns chainrule's message."""
    torch = require_torch()
    with pytest.raises(Exception) as t_err:
        fn(torch)
    with pytest.raises(Exception) as c_err:
        fn(cr)
    assert isinstance(c_err.value, type(t_err.value)), f"chainrule raised {c_err.value!r}, torch {t_err.value!r}"
    if phrase is not None:
        assert phrase in str(t_err.value), f"oracle says: {t_err.value}"
        assert phrase in str(c_err.value), f"chainrule says: {c_err.value}"
    assert "numpy" not in type(c_err.value).__module__
    return str(c_err.value)


def same(fn) -> None:
    """Values, dtype and shape of ``fn(lib)`` agree (tensors, or nested tuples of them / plain values)."""
    a, b = both(fn)
    _compare(a, b)


def _compare(a, b) -> None:
    torch = require_torch()
    if isinstance(b, torch.Tensor):
        assert isinstance(a, cr.Tensor), f"expected a Tensor, got {type(a).__name__}"
        assert str(a.dtype) == str(b.dtype), f"dtype {a.dtype} != {b.dtype}"
        assert tuple(a.shape) == tuple(b.shape)
        assert_close(a, b)
    elif isinstance(b, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _compare(x, y)
    elif isinstance(b, torch.dtype):
        assert str(a) == str(b)
    else:
        assert a == b and type(a) is type(b), f"{a!r} != {b!r}"


# --------------------------------------------------------------------------- dtypes
def test_dtype_names_and_default():
    torch = require_torch()
    for name in ("float16", "float32", "float64", "int32", "int64", "bool", "float", "double", "long", "half", "int"):
        assert str(getattr(cr, name)) == str(getattr(torch, name)) == repr(getattr(cr, name))
    assert cr.get_default_dtype() == cr.float32
    assert cr.float == cr.float32 and cr.double == cr.float64 and cr.long == cr.int64


def test_set_default_dtype_changes_inference_and_is_restored():
    torch = require_torch()
    try:
        cr.set_default_dtype(cr.float64)
        torch.set_default_dtype(torch.float64)
        same(lambda lib: (lib.tensor([1.0]), lib.zeros(2), lib.rand(2).dtype, lib.arange(3.0), lib.tensor([1, 2]),
                          lib.get_default_dtype()))
    finally:
        cr.set_default_dtype(cr.float32)
        torch.set_default_dtype(torch.float32)
    assert cr.get_default_dtype() == cr.float32


def test_set_default_dtype_rejects_int():
    same_error(lambda lib: lib.set_default_dtype(lib.int64))
    assert cr.get_default_dtype() == cr.float32


DTYPE_NAMES = ["bool", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("a", DTYPE_NAMES)
@pytest.mark.parametrize("b", DTYPE_NAMES)
def test_binary_promotion(a, b):
    def f(lib):
        x = lib.ones(2, dtype=getattr(lib, a))
        y = lib.ones(2, dtype=getattr(lib, b))
        return (x + y).dtype, (x * y).dtype, (x + y.sum()).dtype, (x == y).dtype

    a_, b_ = both(f)
    assert [str(d) for d in a_] == [str(d) for d in b_]


@pytest.mark.parametrize("a", DTYPE_NAMES)
def test_python_scalars_are_weak(a):
    def f(lib):
        x = lib.ones(2, dtype=getattr(lib, a))
        return [(x + 1).dtype, (x + 1.5).dtype, (x * True).dtype, (x / 2).dtype, (2 ** x).dtype, (x - 1).dtype]

    if a == "bool":
        def f(lib):  # noqa: F811 - bool - scalar is refused by torch; the rest is compared
            x = lib.ones(2, dtype=lib.bool)
            return [(x + 1).dtype, (x + 1.5).dtype, (x * True).dtype, (x / 2).dtype]

    a_, b_ = both(f)
    assert [str(d) for d in a_] == [str(d) for d in b_]


def test_true_division_of_ints_is_float():
    same(lambda lib: (lib.tensor([1, 2]) / lib.tensor([2, 4]), lib.tensor([3]) // 2, lib.tensor([7]) % 3))


# --------------------------------------------------------------------------- creation
@pytest.mark.parametrize("data", [
    [1.0, 2.0], [1, 2], [True, False], [[1, 2], [3, 4]], [1, 2.5], [True, 2], [True, 2.0], 3, 3.5, True, [],
    [[1.0], [2.0]], [[[]]], ((1, 2), (3, 4)),
])
def test_tensor_dtype_inference(data):
    same(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("data", [
    [np.float64(1.0), 2], [np.float32(1.0), 2.5], [np.int32(1)], [np.int32(1), 2], [np.int32(1), 2.5],
    [np.float16(1.0), 2.5], [np.int32(1), np.float16(1.0)], [np.uint8(1), np.int32(1)], [[np.float64(1.0)], [2.0]],
    [np.bool_(True)], [1, np.float32(2.0)],
])
def test_tensor_dtype_inference_with_numpy_scalars(data):
    # PyTorch promotes over the items: NumPy scalars keep their dtype, Python floats count as the default
    same(lambda lib: lib.tensor(data))


def test_tensor_dtype_inference_with_tensor_items():
    same(lambda lib: (lib.tensor([lib.tensor(1.0, dtype=lib.float64), 2.5]),
                      lib.tensor([lib.tensor(1, dtype=lib.int32), 2]),
                      lib.tensor([lib.tensor(1, dtype=lib.int32), 2.5]),
                      lib.tensor([lib.tensor(1.0, dtype=lib.float16), lib.tensor(1.0)])))


def test_new_constructors_inherit_dtype():
    def f(lib):
        x = lib.ones(2, dtype=lib.float64)
        i = lib.ones(2, dtype=lib.int32)
        return (x.new_zeros(3), x.new_ones((2, 2)), x.new_full((2,), 7), x.new_tensor([1, 2]), i.new_tensor([1.5]),
                i.new_zeros(2, dtype=lib.float32), x.new_empty(3).shape,
                x.new_ones(1, requires_grad=True).requires_grad)

    same(f)


@pytest.mark.parametrize("arr", [
    np.array([1.0, 2.0]), np.array([1.0], np.float32), np.array([1, 2], np.int32), np.array([1, 2]),
    np.array([True]), np.array([1.0], np.float16), np.float64(2.5), np.int64(3),
])
def test_tensor_from_numpy_keeps_dtype(arr):
    same(lambda lib: (lib.tensor(arr), lib.as_tensor(arr)))


def test_from_numpy_shares_memory_and_dtype():
    def f(lib):
        a = np.array([1.0, 2.0])
        t = lib.from_numpy(a)
        a[0] = 10.0
        t[1] = 20.0
        return t, float(a[1])

    same(f)


def test_as_tensor_shares_and_tensor_copies():
    a = np.array([1.0, 2.0], dtype=np.float32)
    t1 = cr.as_tensor(a)
    t2 = cr.tensor(a)
    a[0] = 5.0
    assert t1[0].item() == 5.0 and t2[0].item() == 1.0
    t3 = cr.as_tensor(a, dtype=cr.float64)
    a[0] = 6.0
    assert t3[0].item() == 5.0 and t3.dtype == cr.float64


def test_tensor_of_tensors_and_dtype_argument():
    for lib in (cr, require_torch()):
        with pytest.warns(UserWarning, match="To copy construct from a tensor"):
            lib.tensor(lib.tensor([1.0, 2.0]))
    same(lambda lib: (lib.tensor([1, 2], dtype=lib.float64), lib.tensor(lib.tensor([1.0, 2.0]).tolist()),
                      lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]), lib.tensor(np.array([1, 2]), dtype=lib.float32),
                      lib.tensor([1.7, -1.7], dtype=lib.int64)))


def test_tensor_ragged_raises():
    same_error(lambda lib: lib.tensor([[1, 2], [3]]))


def test_tensor_from_string_raises():
    same_error(lambda lib: lib.tensor("abc"))


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
def test_filled_creation(fn):
    def f(lib):
        make = getattr(lib, fn)
        outs = [make(2, 3), make((2, 3)), make([4]), make(2, dtype=lib.float64), make(3, dtype=lib.int64),
                make(()), make(0), make(2, 1, dtype=lib.bool)]
        return [(o.shape, o.dtype, o.requires_grad) if fn == "empty" else o for o in outs]

    a, b = both(f)
    if fn == "empty":
        assert [(tuple(s), str(d), r) for s, d, r in a] == [(tuple(s), str(d), r) for s, d, r in b]
    else:
        _compare(a, b)


def test_creation_requires_grad_and_device():
    torch = require_torch()
    for lib in (cr, torch):
        for t in (lib.zeros(2, requires_grad=True), lib.ones(2, requires_grad=True, device="cpu"),
                  lib.full((2,), 1.5, requires_grad=True), lib.rand(2, requires_grad=True),
                  lib.randn(2, requires_grad=True), lib.arange(3.0, requires_grad=True),
                  lib.linspace(0, 1, 3, requires_grad=True), lib.eye(2, requires_grad=True),
                  lib.tensor([1.0], requires_grad=True, device=lib.device("cpu")),
                  lib.empty(2, requires_grad=True), lib.zeros_like(lib.ones(2), requires_grad=True)):
            assert t.requires_grad and t.is_leaf and t.device == lib.device("cpu")
            assert str(t.device) == "cpu"


def test_device():
    torch = require_torch()
    assert repr(cr.device("cpu")) == repr(torch.device("cpu"))
    assert str(cr.device("cpu")) == "cpu"
    assert cr.zeros(1).device.type == "cpu"
    assert cr.zeros(1).to("cpu").device == cr.device("cpu")
    assert cr.zeros(1, device="cpu").is_cuda is False
    same(lambda lib: (repr(lib.device("cuda")), repr(lib.device("cuda:1")), lib.device("cuda:1").index,
                      lib.device("cpu") == "cpu", lib.device("cpu") == lib.device("cpu"),
                      lib.device("cpu") == lib.device("cpu", 0), str(lib.ones(1, device="cpu:0").device),
                      lib.cuda.is_available(), lib.backends.mps.is_available(), lib.cuda.device_count(),
                      repr(lib.device("cuda" if lib.cuda.is_available() else "cpu"))))


def test_unavailable_devices_refused_like_a_cpu_build():
    same_error(lambda lib: lib.zeros(1, device="cuda"), "Torch not compiled with CUDA enabled")
    same_error(lambda lib: lib.tensor([1.0], device=lib.device("cuda:0")), "Torch not compiled with CUDA enabled")
    same_error(lambda lib: lib.zeros(1).to("cuda"), "Torch not compiled with CUDA enabled")
    same_error(lambda lib: lib.zeros(1).cuda(), "Torch not compiled with CUDA enabled")
    same_error(lambda lib: lib.device("gpu"), "Expected one of cpu, cuda")
    same_error(lambda lib: lib.device(0))


def test_full():
    same(lambda lib: (lib.full((2, 2), 3.5), lib.full((2,), 7), lib.full((2,), True), lib.full((1,), 2,
                      dtype=lib.float64), lib.full([3], -1.0, dtype=lib.int32)))


def test_like_functions():
    def f(lib):
        x = lib.tensor([[1, 2], [3, 4]], dtype=lib.int32)
        y = lib.tensor([1.0, 2.0], dtype=lib.float64)
        return (lib.zeros_like(x), lib.ones_like(y), lib.full_like(x, 7), lib.full_like(y, 2.5),
                lib.zeros_like(x, dtype=lib.float32), lib.ones_like(y, dtype=lib.int64), lib.full_like(x, 2.7),
                lib.rand_like(y).dtype, lib.randn_like(y).shape, lib.rand_like(y, dtype=lib.float32).dtype)

    same(f)


def test_rand_like_of_int_raises():
    same_error(lambda lib: lib.rand_like(lib.tensor([1, 2])))


def test_arange():
    same(lambda lib: (lib.arange(5), lib.arange(1, 4), lib.arange(0, 1, 0.25), lib.arange(5.0), lib.arange(1, 2.5),
                      lib.arange(10, 0, -3), lib.arange(3, dtype=lib.float64), lib.arange(0.0, 0.3, 0.1),
                      lib.arange(1, 4, dtype=lib.float32), lib.arange(0)))


def test_arange_errors():
    same_error(lambda lib: lib.arange(0, 1, 0))
    same_error(lambda lib: lib.arange(5, 0, 1))


def test_linspace_and_eye():
    same(lambda lib: (lib.linspace(0, 1, 5), lib.linspace(-1, 1, 1), lib.linspace(2, 3, 0),
                      lib.linspace(0, 10, 4, dtype=lib.float64), lib.linspace(0, 10, 6, dtype=lib.int64),
                      lib.eye(3), lib.eye(2, 3), lib.eye(3, dtype=lib.int64), lib.eye(0)))


def test_random_shapes_dtypes_and_ranges():
    def f(lib):
        r = lib.rand(1000)
        n = lib.randn(2, 500)
        i = lib.randint(3, 7, (1000,))
        j = lib.randint(5, (2, 3))
        return ((r.dtype, r.shape, bool((r >= 0).all()), bool((r < 1).all())),
                (n.dtype, n.shape), (i.dtype, i.shape, int(i.min()), int(i.max())), (j.dtype, j.shape),
                lib.rand(2, 3, dtype=lib.float64).dtype, lib.randn((3,)).shape, lib.randint(0, 2, (3,),
                dtype=lib.int32).dtype)

    a, b = both(f)
    assert str(a) == str(b)
    n = cr.randn(20000).numpy()
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1) < 0.05


def test_random_int_dtype_refused():
    same_error(lambda lib: lib.rand(2, dtype=lib.int64))
    same_error(lambda lib: lib.randn(2, dtype=lib.int64))


def test_manual_seed_reproducible():
    cr.manual_seed(123)
    a = (cr.rand(5), cr.randn(3), cr.randint(0, 10, (4,)))
    cr.manual_seed(123)
    b = (cr.rand(5), cr.randn(3), cr.randint(0, 10, (4,)))
    for x, y in zip(a, b, strict=True):
        assert x.tolist() == y.tolist()
    cr.manual_seed(124)
    assert cr.rand(5).tolist() != a[0].tolist()


def test_generator_argument():
    g1 = cr.Generator().manual_seed(7)
    g2 = cr.Generator().manual_seed(7)
    assert cr.rand(4, generator=g1).tolist() == cr.rand(4, generator=g2).tolist()


# --------------------------------------------------------------------------- conversion
def test_numpy_shares_memory():
    x = cr.tensor([1.0, 2.0])
    a = x.numpy()
    a[0] = 9.0
    assert x[0].item() == 9.0
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    d = cr.tensor([1.0], requires_grad=True)
    assert d.detach().numpy().tolist() == [1.0]


def test_numpy_of_requires_grad_raises():
    same_error(lambda lib: lib.ones(2, requires_grad=True).numpy(), "Can't call numpy() on Tensor that requires grad")
    same_error(lambda lib: np.asarray(lib.ones(2, requires_grad=True)), "Can't call numpy() on Tensor that requires")


def test_item_and_tolist():
    same(lambda lib: (lib.tensor(2.5).item(), lib.tensor([3]).item(), lib.tensor([[True]]).item(),
                      lib.tensor([1.5, 2.0]).tolist(), lib.tensor([[1, 2]]).tolist(), lib.tensor(4).tolist(),
                      lib.tensor([True]).tolist(), lib.tensor([1.0], requires_grad=True).item()))
    a, b = both(lambda lib: lib.tensor([0.1]).item())
    assert a == b  # float32 widened to Python float the same way


def test_item_on_many_elements_raises():
    same_error(lambda lib: lib.tensor([1.0, 2.0]).item(), "cannot be converted to Scalar")


def test_python_number_conversions():
    same(lambda lib: (float(lib.tensor(2.5)), int(lib.tensor(3.7)), bool(lib.tensor([0.0])), int(lib.tensor([-3]))))
    same_error(lambda lib: bool(lib.tensor([1.0, 2.0])), "ambiguous")
    same_error(lambda lib: float(lib.tensor([1.0, 2.0])))


def test_detach_shares_data():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        d = x.detach()
        d[0] = 5.0
        return x.detach(), d.requires_grad, d.is_leaf, d.grad_fn is None

    same(f)


def test_clone_copies_and_is_differentiable():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        c = x.clone()
        (c * c).sum().backward()
        d = x.detach().clone()
        d[0] = 7.0
        return x.detach(), x.grad, c.requires_grad, c.is_leaf, c.grad_fn.name()

    same(f)


def test_to_and_type_conversions():
    def f(lib):
        x = lib.tensor([1.7, -2.2])
        i = lib.tensor([1, 0])
        return (x.to(lib.float64), x.to(lib.int64), x.to("cpu"), x.to("cpu", lib.float64),
                x.to(dtype=lib.float16), x.double(), x.long(), i.float(), i.double(), i.bool(),
                x.int(), x.half(), x.to(lib.ones(1, dtype=lib.int32)), x.type_as(i), i.type(lib.float32))

    same(f)


def test_to_same_dtype_returns_self_and_cast_is_differentiable():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        same_obj = x.to(lib.float32) is x
        y = x.double()
        (y * y).sum().backward()
        return same_obj, y.dtype, x.grad, y.grad_fn.name()

    same(f)


# --------------------------------------------------------------------------- shape queries
def test_size_shape_dim_numel():
    def f(lib):
        x = lib.zeros(2, 3, 4)
        return (x.size(), x.shape, x.size(1), x.size(-1), x.dim(), x.ndim, x.numel(), len(x), repr(x.shape),
                x.shape[1:], x.size() == (2, 3, 4), lib.tensor(5.0).size(), lib.tensor(5.0).dim(), x.shape.numel())

    a, b = both(f)
    assert [str(v) for v in a] == [str(v) for v in b]
    assert isinstance(a[0], tuple) and a[9] == (3, 4)


def test_size_bad_dim():
    same_error(lambda lib: lib.zeros(2, 3).size(2), "Dimension out of range")
    same_error(lambda lib: len(lib.tensor(1.0)))


def test_view_and_friends():
    def f(lib):
        x = lib.arange(12.0).reshape(3, 4)
        y = lib.zeros(4, 3)
        b = lib.ones(1, 4)
        v = x.view(4, 3)
        v[0, 0] = 100.0  # a view shares memory with its base
        return (v, x, x.view(-1), x.view(2, -1), x.view(12), x.view_as(y), b.expand_as(x), x.expand(2, 3, 4),
                lib.ones(3, 1).expand(-1, 5), x.view((6, 2)))

    same(f)


def test_view_errors():
    same_error(lambda lib: lib.arange(12.0).view(5, 2), "shape '[5, 2]' is invalid for input of size 12")
    same_error(lambda lib: lib.arange(12.0).view(-1, -1), "only one dimension can be inferred")
    same_error(lambda lib: lib.ones(2, 3).expand(3, 3))


def test_norm():
    def f(lib):
        x = lib.tensor([[3.0, -4.0], [1.0, 2.0]])
        return (x.norm(), x.norm(p=1), x.norm(dim=1), x.norm(2, dim=0, keepdim=True), x.norm(p=float("inf")),
                lib.zeros(3).norm())

    same(f)


def test_norm_gradient_including_zero():
    def f(lib):
        x = lib.tensor([3.0, -4.0], requires_grad=True)
        z = lib.zeros(2, requires_grad=True)
        x.norm().backward()
        z.norm().backward()
        return x.grad, z.grad

    same(f)


# --------------------------------------------------------------------------- comparisons and logic
def test_comparisons():
    def f(lib):
        a = lib.tensor([1.0, 2.0, 3.0])
        b = lib.tensor([3.0, 2.0, 1.0])
        return (a.eq(b), a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b), a == 2, a != 2.0, a < b, a <= 2, a > b,
                a >= 2, a.eq(2), lib.tensor([1, 2]) == lib.tensor([1.0, 2.5]), a == lib.tensor([2.0]),
                lib.eq(a, b), lib.gt(a, 1))

    same(f)


def test_any_all():
    def f(lib):
        m = lib.tensor([[True, False], [True, True]])
        x = lib.tensor([[0.0, 1.0], [2.0, 3.0]])
        return (m.any(), m.all(), m.any(dim=1), m.all(dim=0), m.all(1, keepdim=True), x.any(), x.all(),
                lib.tensor([], dtype=lib.bool).all(), lib.tensor([], dtype=lib.bool).any(), lib.any(m), lib.all(x))

    same(f)


def test_comparison_results_do_not_require_grad():
    def f(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        return (x > 1).requires_grad, (x == x).dtype

    same(f)


# --------------------------------------------------------------------------- in-place methods
def test_inplace_methods():
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0])
        outs = []
        r = x.add_(1)
        outs += [r is x, x.clone()]
        x.sub_(0.5)
        outs.append(x.clone())
        x.mul_(lib.tensor([1.0, 2.0, 3.0]))
        outs.append(x.clone())
        x.div_(2)
        outs.append(x.clone())
        x.add_(lib.tensor([1.0, 1.0, 1.0]), alpha=2)
        outs.append(x.clone())
        x.sub_(lib.ones(3), alpha=3)
        outs.append(x.clone())
        x.fill_(4)
        outs.append(x.clone())
        x.zero_()
        outs.append(x.clone())
        x.copy_(lib.tensor([7, 8, 9]))
        outs.append(x.clone())
        x.copy_(lib.tensor(1.5))  # broadcast source
        outs.append(x.clone())
        i = lib.tensor([1, 2, 3])
        i.mul_(2)
        i.add_(1)
        outs.append(i)
        return outs

    same(f)


def test_inplace_dtype_rules():
    # the result must be castable to the tensor's own dtype
    same_error(lambda lib: lib.tensor([1, 2]).add_(1.5), "result type Float can't be cast to the desired output")
    same_error(lambda lib: lib.tensor([1, 2]).div_(2), "can't be cast to the desired output type Long")

    def f(lib):
        x = lib.tensor([1.0, 2.0])
        x.add_(lib.tensor([1, 1]))
        y = lib.tensor([1.0, 2.0], dtype=lib.float32)
        y.mul_(lib.tensor([2.0, 2.0], dtype=lib.float64))
        return x, y

    same(f)


def test_inplace_broadcast_rules():
    same_error(lambda lib: lib.ones(3).add_(lib.ones(2, 3)))
    same_error(lambda lib: lib.ones(3).copy_(lib.ones(2)))

    def f(lib):
        x = lib.ones(2, 3)
        x.add_(lib.tensor([1.0, 2.0, 3.0]))
        x.mul_(lib.tensor([[2.0], [3.0]]))
        return x

    same(f)


def test_operator_inplace_keeps_identity():
    def f(lib):
        x = lib.tensor([1.0, 2.0])
        y = x
        x += 1
        x *= 2
        x -= lib.tensor([1.0, 1.0])
        x /= 2
        return x is y, x

    same(f)


# --------------------------------------------------------------------------- indexing
def test_basic_indexing():
    def f(lib):
        x = lib.arange(24.0).reshape(2, 3, 4)
        return (x[0], x[1, 2], x[1, 2, 3], x[:, 1], x[..., 2], x[None].shape, x[:, None, 1].shape, x[0, ::2],
                x[-1, -1, -2], x[0:1, 1:], x[:, :, lib.arange(3, -1, -1)],
                x[..., None, 0], x[1][2])

    same(f)


def test_advanced_indexing():
    def f(lib):
        x = lib.arange(12.0).reshape(3, 4)
        m = x > 5
        return (x[m], x[lib.tensor([0, 2])], x[lib.tensor([0, 2]), lib.tensor([1, 3])], x[[0, 0, 1]],
                x[:, lib.tensor([3, 0])], x[lib.tensor([True, False, True])], x[lib.tensor([[0, 1], [2, 2]])],
                x[x[:, 0] > 3], x[lib.tensor([-1])], x[[1, 2], 1:])

    same(f)


def test_indexing_gradients():
    def f(lib):
        x = lib.arange(12.0).reshape(3, 4).requires_grad_()
        y = x[lib.tensor([0, 0, 2])].sum() + x[x > 5].sum() * 2 + x[1, 1:3].sum() * 3 + x[..., -1].sum()
        y.backward()
        return x.grad

    same(f)


def test_setitem():
    def f(lib):
        x = lib.zeros(3, 4)
        x[0] = 1.0
        x[1, 2] = 5
        x[:, 0] = lib.tensor([7.0, 8.0, 9.0])
        x[x > 8] = -1.0
        x[lib.tensor([2]), lib.tensor([3])] = 4.0
        x[..., 1] = lib.tensor([[1.0], [2.0], [3.0]]).squeeze(1)
        x[2, :] += 1
        i = lib.zeros(3, dtype=lib.int64)
        i[1] = 2.7  # truncated toward zero, like PyTorch
        b = lib.zeros(2, dtype=lib.bool)
        b[0] = True
        return x, i, b

    same(f)


def test_setitem_bumps_version_and_records():
    def f(lib):
        w = lib.tensor([2.0, 3.0], requires_grad=True)
        x = lib.zeros(3)
        x[1:] = w * w
        x.sum().backward()
        return x.detach(), w.grad, x.requires_grad, x._version

    same(f)


def test_indexing_errors():
    same_error(lambda lib: lib.zeros(3)[3], "index 3 is out of bounds for dimension 0 with size 3")
    same_error(lambda lib: lib.zeros(3, 2)[0, 2], "out of bounds")
    same_error(lambda lib: lib.zeros(3)[0, 0], "too many indices for tensor of dimension 1")
    same_error(lambda lib: lib.zeros(3)[lib.tensor([0, 5])])
    same_error(lambda lib: lib.zeros(3)[lib.tensor([True, False])])
    same_error(lambda lib: lib.zeros(3)[lib.tensor([0.0])])
    same_error(lambda lib: lib.zeros(3).__setitem__(5, 1.0))
    same_error(lambda lib: lib.zeros(3).__setitem__(slice(None), lib.ones(2)))


# --------------------------------------------------------------------------- bad input
def test_broadcast_mismatch_names_shapes():
    msg = same_error(lambda lib: lib.ones(2, 3) + lib.ones(4), "must match the size of tensor b")
    assert "3" in msg and "4" in msg
    same_error(lambda lib: lib.ones(2, 3) * lib.ones(3, 2), "must match the size")
    same_error(lambda lib: lib.ones(2) - lib.ones(3), "must match the size")
    same_error(lambda lib: lib.ones(2) / lib.ones(3), "must match the size")
    same_error(lambda lib: lib.ones(2) == lib.ones(3), "must match the size")
    same_error(lambda lib: lib.where(lib.ones(2) > 0, lib.ones(3), lib.ones(2)))


def test_matmul_mismatch_names_shapes():
    msg = same_error(lambda lib: lib.ones(2, 3) @ lib.ones(4, 5), "cannot be multiplied")
    assert "2x3" in msg and "4x5" in msg
    same_error(lambda lib: lib.ones(3) @ lib.ones(4))
    same_error(lambda lib: lib.ones(2, 2, 3) @ lib.ones(2, 4, 5))
    same_error(lambda lib: lib.matmul(lib.tensor(1.0), lib.ones(2)), "both arguments to matmul need to be at least 1D")
    same_error(lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2)))


def test_dtype_errors_name_the_dtype():
    msg = same_error(lambda lib: lib.ones(2, 3) @ lib.ones(3, 2, dtype=lib.float64))
    assert "float" in msg and "double" in msg
    same_error(lambda lib: lib.tensor([1, 2]).mean(), "Long")
    same_error(lambda lib: lib.tensor([True]) - lib.tensor([True]), "Subtraction, the `-` operator, with two bool")
    same_error(lambda lib: -lib.tensor([True]), "Negation, the `-` operator, on a bool tensor is not supported")


def test_non_tensor_operands():
    same_error(lambda lib: lib.ones(2) + "a")
    same_error(lambda lib: lib.ones(2) + [1.0, 2.0] if lib is cr else lib.ones(2) + "b")
    same_error(lambda lib: lib.exp([1.0, 2.0]))


def test_reduction_dim_errors():
    same_error(lambda lib: lib.ones(2, 3).sum(dim=2), "Dimension out of range")
    same_error(lambda lib: lib.ones(2, 3).transpose(0, 3), "Dimension out of range")
    same_error(lambda lib: lib.ones(2, 3).reshape(4, 2), "shape '[4, 2]' is invalid for input of size 6")
    same_error(lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]), "Sizes of tensors must match")
    same_error(lambda lib: lib.stack([lib.ones(2), lib.ones(3)]), "stack expects each tensor to be equal size")


def test_no_numpy_runtime_warnings_from_pointwise_extremes():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = cr.tensor([0.0, -1.0, 1e38, float("inf")])
        _ = (x.log(), x.sqrt(), x.exp(), x.pow(0.5), x.log1p(), x.rsqrt())


def test_no_numpy_runtime_warnings_from_arithmetic_extremes():
    # PyTorch gives inf/nan silently; under the default warning filters chainrule must too
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("default")
        import chainrule._errstate as es

        warnings.filterwarnings("ignore", category=RuntimeWarning, module=es.QUIET_MODULES)
        x = cr.tensor([0.0, -1.0, 1e38, float("inf")])
        _ = (x * 10, x / 0, 1 / x, x + 3e38, x @ x, (x * x).sum())
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("mode", ["warnings-as-errors", "np.seterr-raise", "default"])
def test_filter_silenced_ops_stay_silent_and_exact_in_every_warning_mode(mode: str) -> None:
    """exp, sigmoid and the fused losses rely on a module warnings filter (no per-call errstate);
    when the user's filters turn warnings into errors, or np.seterr makes NumPy raise, they catch
    it and recompute under a quiet errstate: same values, no exception, no warning."""
    import contextlib
    import warnings

    ctx = {
        "warnings-as-errors": warnings.catch_warnings(),
        "np.seterr-raise": np.errstate(all="raise"),
        "default": contextlib.nullcontext(),
    }[mode]
    with ctx, warnings.catch_warnings(record=True) as caught:
        if mode == "warnings-as-errors":
            warnings.simplefilter("error")
        x = cr.tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
        e = cr.exp(x)
        s = cr.sigmoid(x)
        p = cr.tensor([0.0, 1.0, 0.5], requires_grad=True)
        bce = cr.nn.functional.binary_cross_entropy(p, cr.tensor([1.0, 0.0, 0.5]))
        (s.sum() + bce).backward()
    assert [str(w.message) for w in caught] == []
    assert e.tolist() == [0.0, 1.0, float("inf")]
    assert s.tolist() == [0.0, 0.5, 1.0]
    # ℓ = (100 + 100 + 2·ln 2 / 2)/3: each log clamped at −100
    np.testing.assert_allclose(bce.item(), (200 + np.log(2)) / 3, rtol=1e-6)
    assert x.grad.tolist() == [0.0, 0.25, 0.0]
    # ∂ℓ/∂p = (p − t)/max(p(1 − p), 1e-12)/n
    np.testing.assert_allclose(p.grad.numpy(), [-1e12 / 3, 1e12 / 3, 0.0], rtol=1e-6)


NDARRAY_OPERAND_CASES = [
    "lib.ones(2) - np.array([1., 2.])", "lib.ones(2, 3) @ np.ones((3, 2), np.float32)",
    "lib.ones(2, dtype=lib.int64) * np.array([1.5, 2.])", "lib.ones(2) + np.array([1, 2])",
    "lib.ones(2) == np.array([1., 0.])", "lib.ones(2) / np.array([2, 4])", "lib.ones(2) * np.array(3.0)",
    "lib.ones(2) * np.float64(3)", "lib.ones(2, requires_grad=True) * np.array([1., 2.])",
]


@pytest.mark.parametrize("expr", NDARRAY_OPERAND_CASES)
def test_tensor_with_numpy_array_operand_matches_torch(expr: str) -> None:
    """PyTorch hands Tensor-ndarray arithmetic to NumPy: NumPy's promotion, and an error for a tensor
    that requires grad."""
    import warnings

    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this test")
    results = []
    for lib in (torch, cr):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # PyTorch's own __array_wrap__ notice
            try:
                r = eval(expr, {"lib": lib, "np": np})
                results.append((str(r.dtype), r.numpy().tolist()))
            except RuntimeError as e:
                results.append(("error", str(e)))
    assert results[0] == results[1]


@pytest.mark.parametrize("expr, message", [
    ("lib.exp(np.ones(2))", "exp(): argument 'input' (position 1) must be Tensor, not numpy.ndarray"),
    ("lib.exp(np.float32(1))", "exp(): argument 'input' (position 1) must be Tensor, not numpy.float32"),
    ("lib.exp([1.0])", "exp(): argument 'input' (position 1) must be Tensor, not list"),
    ("lib.nn.functional.linear(np.ones((2, 3), np.float32), lib.ones(1, 3))",
     "linear(): argument 'input' (position 1) must be Tensor, not numpy.ndarray"),
    ("lib.nn.functional.linear(lib.ones(2, 3), np.ones((1, 3)))",
     "linear(): argument 'weight' (position 2) must be Tensor, not numpy.ndarray"),
])
def test_non_tensor_arguments_get_pytorchs_type_error(expr: str, message: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this test")
    for lib in (torch, cr):
        with pytest.raises(TypeError) as err:
            eval(expr, {"lib": lib, "np": np})
        assert str(err.value) == message
