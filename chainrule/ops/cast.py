"""dtype changes and copies: ``to``/``float``/``double``, ``clone``, ``type_as``.

Casting between floating dtypes is differentiable (the gradient is cast
back); casting to an integer or bool dtype cuts the graph, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtype import as_dtype
from ..autograd.graph import SAVE_STATE
from ._util import GRAD_ENABLED, Node, Tensor, record, wrap


class ToCopyBackward0(Node):
    """y = cast(x).   ∂L/∂x = cast(G) back to x's dtype (done by the engine's dtype fit)."""

    __slots__ = ()
    name = "ToCopyBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g,)


class CloneBackward0(Node):
    """y = x (a copy).   ∂L/∂x = G."""

    __slots__ = ()
    name = "CloneBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g,)


def cast(input: Tensor, dtype: Any, copy: bool = False) -> Tensor:
    npd = as_dtype(dtype).np
    A = input._data
    if A.dtype == npd and not copy:
        return input
    t = wrap(A.astype(npd))
    if GRAD_ENABLED[0] and input._rg and npd.kind == "f":
        record(ToCopyBackward0.__new__(ToCopyBackward0), t, (input,))
    return t


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy that stays in the graph; it keeps the input's layout (PyTorch's ``preserve_format``) unless
    ``memory_format=chainrule.contiguous_format``."""
    t = wrap(np.array(input._data, copy=True, order="C" if memory_format == "contiguous_format" else "K"))
    if GRAD_ENABLED[0] and input._rg:
        record(CloneBackward0.__new__(CloneBackward0), t, (input,))
    return t


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``to(dtype)``, ``to(device)``, ``to(other)``, ``to(device, dtype)``; a no-op returns ``input`` itself."""
    from ..tensor import check_device
    from ..tensor import device as Device

    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    dev = kwargs.pop("device", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, (str, Device)):
            dev = a
        elif a is None:
            continue
        elif isinstance(a, bool):
            continue
        else:
            dtype = a
    if dev is not None:
        check_device(dev)  # only the CPU until the CuPy backend: to('cuda') must not silently stay put
    if dtype is None:
        return clone(input) if copy else input
    return cast(input, dtype, copy)


def type_as(input: Tensor, other: Tensor) -> Tensor:
    return cast(input, other.dtype)


def type_(input: Tensor, dtype: Any = None) -> Any:
    if dtype is None:
        return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "int64": "torch.LongTensor",
                "int32": "torch.IntTensor", "bool": "torch.BoolTensor", "float16": "torch.HalfTensor",
                "uint8": "torch.ByteTensor"}.get(str(input._data.dtype), str(input._data.dtype))
    if isinstance(dtype, type) and hasattr(dtype, "_dtype"):  # t.type(torch.LongTensor)
        dtype = dtype._dtype
    if isinstance(dtype, str):
        name = dtype.split(".")[-1]
        dtype = {"FloatTensor": "float32", "DoubleTensor": "float64", "LongTensor": "int64", "IntTensor": "int32",
                 "BoolTensor": "bool", "HalfTensor": "float16"}.get(name, name)
    return cast(input, dtype)


def scatter_add_zeros(shape: tuple[int, ...], dim: int, index: np.ndarray, g: Tensor) -> Tensor:
    """zeros(shape) with ``g`` scatter-added at ``index`` along ``dim``; differentiable in ``g`` (its VJP is gather)."""
    from ..autograd.namespace import _scatter_add

    out = wrap(_scatter_add(shape, dim, index, g._data))
    if GRAD_ENABLED[0] and g._rg:
        node = ScatterAddBackward0.__new__(ScatterAddBackward0)
        node.dim, node.index = dim, index
        record(node, out, (g,))
    return out


class ScatterAddBackward0(Node):
    """y = zeros.scatter_add(dim, index, G).   ∂L/∂G = gather(∂L/∂y, dim, index)."""

    __slots__ = ("dim", "index")
    dim: Any
    index: Any
    name = "ScatterAddBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        from .shape import gather

        if F.is_tensor:
            return (gather(g, self.dim, wrap(self.index)),)
        idx = list(np.indices(self.index.shape, sparse=True))
        idx[self.dim] = self.index
        return (g[tuple(idx)],)
