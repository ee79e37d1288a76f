"""Helpers shared by the op families: wrapping results, recording nodes, scalars, dims."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._dtype import _default, as_dtype, promote_arrays
from ..autograd.grad_mode import GRAD_ENABLED
from ..autograd.graph import Node, record
from ..tensor import Tensor, _wrap_dim

__all__ = ["GRAD_ENABLED", "Node", "record", "Tensor", "wrap", "as_tensor_arg", "norm_dims", "wrap_dim",
           "arg_type_error", "numpy_names", "float_array", "promote_pair", "scalar_array", "np", "as_dtype",
           "shape_arg"]

wrap = Tensor._wrap
_ndarray = np.ndarray
wrap_dim = _wrap_dim


def numpy_names(fn: Any) -> Any:
    """Also accept NumPy's ``axis=`` / ``keepdims=`` for ``dim=`` / ``keepdim=``, as PyTorch's argument
    parser does (``A.sum(axis=0, keepdims=True)`` is all over d2l.ai)."""

    @functools.wraps(fn)
    def accepting(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return accepting


def arg_type_error(fn: str, arg: str, position: int, value: Any) -> TypeError:
    """PyTorch's TypeError for a non-Tensor argument: ``exp(): argument 'input' (position 1) must be
    Tensor, not numpy.ndarray`` (types outside builtins are named with their module)."""
    cls = type(value)
    name = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__.split('.')[0]}.{cls.__name__}"
    return TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Tensor, not {name}")


def to_array(out: Any) -> np.ndarray:
    """NumPy returns scalars from 0-d operations; tensors always hold arrays."""
    return out if type(out) is _ndarray else np.asarray(out)


def as_tensor_arg(x: Any, like: np.ndarray | None = None, name: str = "input") -> Tensor:
    """Accept a Tensor, or turn a number/array into a constant Tensor (never requires grad)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float)) and like is not None:
        return wrap(scalar_array(x, like.dtype))
    if isinstance(x, (np.ndarray, np.generic, bool, int, float, list, tuple)):
        from ..creation import tensor as _tensor

        return _tensor(x)
    raise TypeError(f"{name} must be a Tensor or a number, got {type(x).__name__}")


def scalar_array(value: Any, dtype: np.dtype) -> np.ndarray:
    return np.asarray(value, dtype=dtype)


def float_array(t: Tensor) -> np.ndarray:
    """The array as floating point: integer/bool inputs to float functions use the default dtype."""
    a = t._data
    return a if a.dtype.kind == "f" else a.astype(_default[0].np)


def promote_pair(a: Any, b: Any) -> tuple[Tensor, Tensor, np.ndarray, np.ndarray]:
    """Tensors and same-dtype arrays for a binary op, with PyTorch's promotion (scalars are weak)."""
    if isinstance(a, Tensor):
        A = a._data
        if isinstance(b, Tensor):
            B = b._data
            if A.dtype is not B.dtype:
                dt = promote_arrays(A, B)
                A = A.astype(dt, copy=False)
                B = B.astype(dt, copy=False)
            return a, b, A, B
        if isinstance(b, np.ndarray):
            t, X, A, B = _numpy_operands(a, b)
            return t, X, A, B
        b = _scalar_operand(b)
        B = np.asarray(b, dtype=_scalar_result(A.dtype, b))
        if B.dtype is not A.dtype:
            A = A.astype(B.dtype)
        return a, wrap(B), A, B
    if isinstance(b, Tensor):
        B = b._data
        if isinstance(a, np.ndarray):
            t, X, B, A = _numpy_operands(b, a)
            return X, t, A, B
        a = _scalar_operand(a)
        A = np.asarray(a, dtype=_scalar_result(B.dtype, a))
        if A.dtype is not B.dtype:
            B = B.astype(A.dtype)
        return wrap(A), b, A, B
    raise TypeError(f"expected at least one Tensor operand, got {type(a).__name__} and {type(b).__name__}")


def _numpy_operands(t: Tensor, x: np.ndarray) -> tuple[Tensor, Tensor, np.ndarray, np.ndarray]:
    """A Tensor with a NumPy array: PyTorch hands the operation to NumPy (the tensor through
    ``__array__``) and wraps the result, so NumPy's promotion applies (float32 with int64 gives
    float64) and a tensor that requires grad is refused. Returns (t, x as a Tensor, t's array, x's)."""
    if t._rg:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
    from ..creation import as_tensor

    dt = np.result_type(t._data, x)
    X = as_tensor(x.astype(dt, copy=False))  # refuses the dtypes a Tensor cannot hold
    return t, X, t._data.astype(dt, copy=False), X._data


def _scalar_operand(x: Any) -> Any:
    if isinstance(x, (bool, int, float)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"unsupported operand type: Tensor and {type(x).__name__}")


def _scalar_result(dt: np.dtype, s: Any) -> np.dtype:
    k = dt.kind
    if k == "f":
        return dt
    if type(s) is float:
        return _default[0].np
    if k == "b" and type(s) is int:
        return np.dtype(np.int64)
    return dt


def norm_dims(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """``dim`` (int, tuple, list or None) as a sorted tuple of non-negative axes; None means all."""
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(int(dim), ndim),)
    dims = tuple(sorted(_wrap_dim(int(d), ndim) for d in dim))
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
    return dims if dims else None


def shape_arg(size: Sequence[Any]) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` all mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Tensor)) or (
            len(size) == 1 and hasattr(size[0], "__len__")):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be a sequence of ints, got an element of type {type(s).__name__}")
        out.append(int(s))
    return tuple(out)


def make(node_cls: type[Node], out: np.ndarray, inputs: tuple[Tensor, ...], **attrs: Any) -> Tensor:
    """Wrap ``out`` and, when grad mode is on and an input requires grad, record ``node_cls``."""
    t = wrap(out if type(out) is _ndarray else np.asarray(out))
    if GRAD_ENABLED[0]:
        for i in inputs:
            if i is not None and i._rg:
                node = node_cls.__new__(node_cls)
                for k, v in attrs.items():
                    setattr(node, k, v)
                record(node, t, inputs)
                break
    return t


_RENAMED: dict[tuple[type, str], type] = {}


def named_grad_fn(t: Tensor, name: str) -> Tensor:
    """Give ``t``'s last node PyTorch's grad_fn name for a layer chainrule computes as a composite.

    ``t.grad_fn`` must be the node the composite's final op just recorded for ``t`` (never an input's
    node). Its class becomes a subclass called ``name`` that adds nothing else, so values, gradients
    (first and second order), saved state and the graph are unchanged: no extra node, and
    ``t.grad_fn.name()`` and ``type(t.grad_fn).__name__`` both read ``name``. Returns ``t``.
    """
    node = t.grad_fn
    if node is not None:
        cls = type(node)
        if cls.name != name:
            sub = _RENAMED.get((cls, name))
            if sub is None:
                sub = type(name, (cls,), {"__slots__": (), "name": name, "__module__": cls.__module__,
                                          "__doc__": f"{cls.__name__} shown under PyTorch's name {name}."})
                _RENAMED[(cls, name)] = sub
            node.__class__ = sub
    return t
