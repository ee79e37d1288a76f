"""PyTorch's dtype queries: ``result_type``, ``promote_types``, ``can_cast`` and ``typename``.

Categories rank bool < integer < floating; between categories the higher one wins outright, within a
category the wider type (NumPy's promotion: uint8 with int8 is int16). Python scalars are weak: they
only lift a tensor to a higher category (an int or bool tensor with a float scalar gives the default
float dtype).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._dtype import _cat, _default, as_dtype, dtype, from_numpy_dtype, promote_arrays, promote_scalar
from .tensor import Tensor

_TYPENAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
              "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
              "bool": "BoolTensor"}


def promote_types(type1: Any, type2: Any) -> dtype:
    """The smallest dtype both ``type1`` and ``type2`` cast to without losing their category."""
    a, b = as_dtype(type1).np, as_dtype(type2).np
    ca, cb = _cat(a), _cat(b)
    if ca != cb:
        return from_numpy_dtype(a if ca > cb else b)
    return from_numpy_dtype(np.promote_types(a, b))


def _scalar_dtype(x: Any) -> np.dtype:
    if isinstance(x, bool):
        return np.dtype(np.bool_)
    if isinstance(x, int):
        return np.dtype(np.int64)
    if isinstance(x, float):
        return _default[0].np
    raise TypeError(f"result_type() received an invalid combination of arguments - got ({type(x).__name__}, ...)")


def result_type(tensor1: Any, tensor2: Any) -> dtype:
    """The dtype ``tensor1 op tensor2`` would have (either may be a Python scalar)."""
    t1, t2 = isinstance(tensor1, Tensor), isinstance(tensor2, Tensor)
    if t1 and t2:
        return from_numpy_dtype(promote_arrays(tensor1._data, tensor2._data))
    if t1:
        return from_numpy_dtype(promote_scalar(tensor1._data.dtype, tensor2))
    if t2:
        return from_numpy_dtype(promote_scalar(tensor2._data.dtype, tensor1))
    return promote_types(from_numpy_dtype(_scalar_dtype(tensor1)), from_numpy_dtype(_scalar_dtype(tensor2)))


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's type promotion allows casting ``from_`` to ``to``: never to a lower category
    (floating to integer, integer to bool); any width within a category."""
    return _cat(as_dtype(from_).np) <= _cat(as_dtype(to).np)


def typename(obj: Any) -> str:
    """``torch.FloatTensor`` for a float32 tensor; the qualified class name for anything else."""
    if isinstance(obj, Tensor):
        return "torch." + _TYPENAMES.get(obj._data.dtype.name, "Tensor")
    t = type(obj)
    module = t.__module__.replace("chainrule", "torch")
    return t.__qualname__ if module == "builtins" else f"{module}.{t.__qualname__}"
