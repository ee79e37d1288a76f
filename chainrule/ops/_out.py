"""PyTorch's ``out=`` argument: the result written into a given tensor, which is returned.

As in PyTorch: the result must be castable to ``out``'s dtype (no float into an integer tensor), an
``out`` of another shape is resized (with PyTorch's warning when it had elements), and ``out=`` refuses
to take part in autograd ("functions with out=... arguments don't support automatic differentiation").
Tuple results (``max(dim)``, ``svd`` ...) take a tuple of tensors.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._dtype import _cat
from ..autograd.grad_mode import GRAD_ENABLED
from ..tensor import Tensor

_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
         "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _write(name: str, result: Tensor, out: Any) -> Tensor:
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    R, O = result._data, out._data
    if _cat(R.dtype) > _cat(O.dtype):
        raise RuntimeError(f"result type {_TYPE.get(R.dtype.name, R.dtype.name)} can't be cast to the desired "
                           f"output type {_TYPE.get(O.dtype.name, O.dtype.name)}")
    if O.shape != R.shape:
        if O.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(O.shape)}, "
                          f"which does not match the required output shape {list(R.shape)}. This behavior is "
                          "deprecated, and in a future PyTorch release outputs will not be resized unless they "
                          "have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, "
                          "to zero elements with t.resize_(0).", UserWarning, stacklevel=3)
        out._data = np.array(R, dtype=O.dtype)
    else:
        O[...] = R
    out._bump()
    return out


def with_out(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` taking PyTorch's keyword ``out=`` (a tensor, or a tuple of them for tuple results)."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is None:
            return fn(*args, **kwargs)
        result = fn(*args, **kwargs)
        parts = tuple(result) if isinstance(result, tuple) else (result,)
        if GRAD_ENABLED[0] and any(isinstance(p, Tensor) and p.requires_grad for p in parts):
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
        if isinstance(result, tuple):
            if not isinstance(out, (tuple, list)) or len(out) != len(parts):
                raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors of length {len(parts)}")
            written = tuple(_write(name, p, o) for p, o in zip(parts, out))
            return type(result)(*written) if hasattr(result, "_fields") else written
        return _write(name, result, out)

    return wrapper
