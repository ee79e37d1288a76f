"""``nn.Parameter``: a leaf Tensor that a ``Module`` registers as one of its parameters.

A Parameter is a real ``Tensor`` (every op accepts it); it shares the array and
the version counter of the tensor it wraps, as ``torch.nn.Parameter(t)`` shares
``t``'s storage, and requires grad by default.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor, _init


class Parameter(Tensor):
    """``Parameter(data=None, requires_grad=True)``: a tensor that is a module parameter."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            arr = np.empty((0,), dtype=_dtype.get_default_dtype().np)
            vc = None
        elif isinstance(data, Tensor):
            arr = data._data
            if data._vc is None:  # share the version counter so in-place edits show through both
                data._vc = [0]
            vc = data._vc
        else:
            raise TypeError(f"Parameter(data) expects a Tensor or None, but got {type(data).__name__}")
        p = object.__new__(cls)
        _init(p, arr)
        p._vc = vc
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__ (Tensor.__init__ would rebuild the array)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce__(self) -> Any:
        return (_rebuild_parameter, (self._data, self._rg))

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(Tensor._wrap(self._data.copy()), self._rg)
        if self._grad is not None:
            p._grad = Tensor._wrap(self._grad._data.copy())
        memo[id(self)] = p
        return p


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._wrap(data), requires_grad)


class Buffer(Tensor):
    """``nn.Buffer(data, persistent=True)``: marks a tensor to be registered as a module buffer on assignment."""

    __slots__ = ("persistent",)
    persistent: bool

    def __new__(cls, data: Tensor, *, persistent: bool = True) -> Buffer:
        b = object.__new__(cls)
        _init(b, data._data)
        b._rg = data._rg
        b.persistent = persistent
        return b

    def __init__(self, data: Tensor, *, persistent: bool = True) -> None:
        pass
