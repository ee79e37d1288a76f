"""Indexing: ``x[idx]`` and ``x[idx] = v`` with int, slice, None, Ellipsis, bool masks and int arrays.

The gradient of ``x[idx]`` is zeros with ``G`` *added* at ``idx`` (repeated
integer indices accumulate). ``x[idx] = v`` records PyTorch's ``CopySlices``:
``x`` keeps the gradient outside ``idx``, ``v`` receives the gradient inside it.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..autograd.graph import SAVE_STATE, edges_of
from ._util import GRAD_ENABLED, Node, Tensor, record, wrap

_ndarray = np.ndarray


def convert_index(index: Any) -> Any:
    """Translate Tensors and lists inside an index into NumPy arrays (and mixed int/array indices into a
    ``TwoStep``)."""
    if isinstance(index, tuple):
        idx = tuple(_convert_one(i) for i in index)
        return _two_step(idx) or idx
    return _convert_one(index)


class TwoStep:
    """An index mixing integers with arrays, in PyTorch's order: the integers select first (basic
    indexing, a view), then the arrays index what is left. NumPy counts the integers as advanced
    indices, which moves the array dimensions to the front when a slice separates them:
    ``x[0, :, [1, 2]]`` of a (2, 3, 4) tensor is (3, 2) in PyTorch, (2, 3) in NumPy."""

    __slots__ = ("basic", "advanced")

    def __init__(self, basic: tuple[Any, ...], advanced: tuple[Any, ...]) -> None:
        self.basic, self.advanced = basic, advanced


def _two_step(idx: tuple[Any, ...]) -> TwoStep | None:
    # one pass, on the common index (ints and slices only) no more than a few type tests
    has_int = has_array = False
    for i in idx:
        if type(i) is int or isinstance(i, np.integer):
            has_int = True
        elif type(i) is _ndarray and i.ndim > 0:
            has_array = True
    if not (has_int and has_array):
        return None
    basic: list[Any] = []
    advanced: list[Any] = []
    for i in idx:
        if type(i) is int or isinstance(i, np.integer):
            basic.append(i)  # the dimension goes away here
        elif isinstance(i, _ndarray) and i.ndim > 0:
            k = i.ndim if i.dtype == np.bool_ else 1  # a mask spans as many dimensions as it has
            basic.extend([slice(None)] * k)
            advanced.append(i)
        elif i is None:
            basic.append(None)
            advanced.append(slice(None))  # the new dimension is already there
        elif i is Ellipsis:
            basic.append(Ellipsis)
            advanced.append(Ellipsis)
        elif type(i) is slice:
            basic.append(i)
            advanced.append(slice(None))
        else:  # a 0-d array or a bool: with the arrays, so the basic step stays a view
            basic.append(slice(None))
            advanced.append(i)
    return TwoStep(tuple(basic), tuple(advanced))


def at(arr: Any, idx: Any) -> Any:
    """``arr[idx]`` for an array or Tensor, ``idx`` a converted index (possibly a ``TwoStep``)."""
    if type(idx) is TwoStep:
        return arr[idx.basic][idx.advanced]
    return arr[idx]


def put(arr: np.ndarray, idx: Any, value: Any) -> None:
    """``arr[idx] = value`` (through the basic view for a ``TwoStep``)."""
    if type(idx) is TwoStep:
        arr[idx.basic][idx.advanced] = value
    else:
        arr[idx] = value


def add_at(arr: np.ndarray, idx: Any, value: Any) -> None:
    """``np.add.at(arr, idx, value)``: repeated indices accumulate."""
    if type(idx) is TwoStep:
        np.add.at(arr[idx.basic], idx.advanced, value)
    else:
        np.add.at(arr, idx, value)


def _convert_one(i: Any) -> Any:
    if isinstance(i, Tensor):
        a = i._data
        if a.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a
    if isinstance(i, list):
        a = np.asarray([x._data if isinstance(x, Tensor) else x for x in i])
        if a.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a
    if type(i) is slice and i.step is not None and i.step < 0:  # x[::-1]: PyTorch has no negative steps
        raise ValueError("step must be greater than zero")
    return i


def _is_basic(idx: Any) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if isinstance(i, (_ndarray, bool, np.bool_)):
            return False
    return True


class IndexBackward0(Node):
    """y = x[idx].   ∂L/∂x = zeros(x.shape) with G added at idx."""

    __slots__ = ("index", "shape", "basic")
    index: Any
    shape: Any
    basic: Any
    name = "IndexBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return (index_add_zeros(self.shape, self.index, g, self.basic),)
        out = np.zeros(self.shape, dtype=g.dtype)
        if self.basic:
            out[self.index] = g
        else:
            add_at(out, self.index, g)
        return (out,)


class SliceBackward0(IndexBackward0):
    __slots__ = ()
    name = "SliceBackward0"
    saves = 0  # a basic index: nothing saved (a second backward is allowed, as in PyTorch)
    is_view = True


class SelectBackward0(IndexBackward0):
    __slots__ = ()
    name = "SelectBackward0"
    saves = 0
    is_view = True


def _index_error(A: np.ndarray, idx: Any, err: Exception) -> IndexError:
    msg = str(err)
    items = idx if isinstance(idx, tuple) else (idx,)
    dim = 0
    for i in items:
        if isinstance(i, (int, np.integer)) and not isinstance(i, bool) and dim < A.ndim:
            if not -A.shape[dim] <= i < A.shape[dim]:
                return IndexError(f"index {i} is out of bounds for dimension {dim} with size {A.shape[dim]}")
        if i is not None and i is not Ellipsis:
            dim += 1
    if "too many indices" in msg:
        if A.ndim == 0:  # old ``loss[0]`` code: PyTorch's pointer to .item()
            return IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                              "in C++ to convert a 0-dim tensor to a number")
        return IndexError(f"too many indices for tensor of dimension {A.ndim}")
    if re.search(r"boolean index did not match", msg):  # a boolean mask of the wrong shape
        pos = 0
        for i in items:
            if isinstance(i, np.ndarray) and i.dtype == np.bool_:
                return IndexError(f"The shape of the mask {list(i.shape)} at index {pos} does not match the shape "
                                  f"of the indexed tensor {list(A.shape[pos:])} at index {pos}")
            if i is not None and i is not Ellipsis:
                pos += 1
    # NumPy's "for axis 0" in an integer-array index: PyTorch says "for dimension 0"
    return IndexError(msg.replace(" for axis ", " for dimension "))


def _expand_error(target: list[int], sizes: list[int]) -> RuntimeError:
    """PyTorch's message when a value cannot be expanded to the indexed region's shape."""
    for k in range(1, len(sizes) + 1):
        t = target[-k] if k <= len(target) else None
        if t is None:
            break
        if sizes[-k] != t and sizes[-k] != 1:
            return RuntimeError(f"The expanded size of the tensor ({t}) must match the existing size ({sizes[-k]}) at "
                                f"non-singleton dimension {len(target) - k}.  Target sizes: {target}.  "
                                f"Tensor sizes: {sizes}")
    return RuntimeError(f"expand(torch.FloatTensor{{{sizes}}}, size={target}): the number of sizes provided "
                        f"({len(target)}) must be greater or equal to the number of dimensions in the tensor "
                        f"({len(sizes)})")


def getitem(input: Tensor, index: Any) -> Tensor:
    """``input[index]``: a view for basic indexing, a copy for masks and integer arrays."""
    idx = convert_index(index)
    A = input._data
    # NOTE: no ``Ellipsis in idx``: ``in`` compares with ==, which is ambiguous for array entries
    select = type(idx) is int or (type(idx) is tuple and all(type(i) is int for i in idx))
    if select:
        # NumPy returns a scalar copy for full integer indexing; a trailing Ellipsis gives a 0-d view,
        # which is what PyTorch returns (so ``x[0].mul_(2)`` changes ``x``)
        idx = (idx, Ellipsis) if type(idx) is int else idx + (Ellipsis,)
    try:
        out = at(A, idx)
    except IndexError as e:
        raise _index_error(A, idx, e) from None
    basic = type(idx) is not TwoStep and _is_basic(idx)
    t = wrap(out if type(out) is _ndarray else np.asarray(out))
    if basic and type(out) is _ndarray and out.base is not None:
        vc = input._vc
        if vc is None:
            vc = input._vc = [0]
        t._vc = vc
    if GRAD_ENABLED[0] and input._rg:
        cls = SelectBackward0 if select else (SliceBackward0 if basic else IndexBackward0)
        node = cls.__new__(cls)
        node.index = idx
        node.shape = A.shape
        node.basic = basic
        record(node, t, (input,))
    return t


class IndexAddZerosBackward(Node):
    """y = zeros(shape) with G added at idx.   ∂L/∂G = (∂L/∂y)[idx]  (makes indexing twice differentiable)."""

    __slots__ = ("index",)
    index: Any
    name = "IndexPutBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            idx = self.index
            return (getitem(getitem(g, idx.basic), idx.advanced) if type(idx) is TwoStep else getitem(g, idx),)
        return (at(g, self.index),)


def index_add_zeros(shape: tuple[int, ...], index: Any, g: Tensor, basic: bool = False) -> Tensor:
    """zeros(shape) with ``g`` added at ``index``, differentiable with respect to ``g``."""
    out = np.zeros(shape, dtype=g._data.dtype)
    if basic:
        out[index] = g._data
    else:
        add_at(out, index, g._data)
    t = wrap(out)
    if GRAD_ENABLED[0] and g._rg:
        node = IndexAddZerosBackward.__new__(IndexAddZerosBackward)
        node.index = index
        record(node, t, (g,))
    return t


class CopySlices(Node):
    """x[idx] = v.   ∂L/∂x_old = G with zeros at idx,   ∂L/∂v = G[idx] (summed to v's shape)."""

    __slots__ = ("index",)
    index: Any
    name = "CopySlices"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        old, val = self.inputs
        g_old = g_val = None
        if old is not None and old._rg:
            if F.is_tensor:
                mask = np.ones(g._data.shape, dtype=bool)
                put(mask, self.index, False)
                g_old = g * wrap(mask.astype(g._data.dtype))
            else:
                g_old = g.copy()
                put(g_old, self.index, 0)
        if val is not None and val._rg:
            idx = self.index
            if F.is_tensor:
                g_val = getitem(getitem(g, idx.basic), idx.advanced) if type(idx) is TwoStep else getitem(g, idx)
            else:
                g_val = at(g, idx)
        return g_old, g_val


def check_not_view(t: Tensor) -> None:
    """Refuse to record an in-place change through a view (PyTorch rebases the base's graph; chainrule
    does not, and a silently wrong gradient is worse than an error)."""
    fn = t.grad_fn
    if fn is not None and fn.is_view and t._data.base is not None:
        inputs = getattr(fn, "inputs", None)
        base = inputs[0] if inputs else None
        if isinstance(base, Tensor) and base._rg and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        raise RuntimeError(
            f"chainrule does not support recording an in-place operation on a view ({fn.name}) of a tensor that "
            "requires grad: its base's gradient would be wrong. Apply the operation to the base tensor, or "
            "clone() the view first."
        )


def leaf_inplace_error() -> RuntimeError:
    return RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def graph_handle(t: Tensor, data: np.ndarray) -> Tensor:
    """A Tensor standing for ``t`` *before* an in-place change: same graph position, given data."""
    h = wrap(data, t._rg)
    h.grad_fn = t.grad_fn
    h._out_idx = t._out_idx
    return h


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``self[index] = value`` in place (value broadcast and cast to self's dtype)."""
    idx = convert_index(index)
    A = self._data
    val_t = value if isinstance(value, Tensor) else None
    V = value._data if val_t is not None else value
    recording = GRAD_ENABLED[0] and (self._rg or (val_t is not None and val_t._rg))
    if recording and self._rg and self.grad_fn is None:
        raise leaf_inplace_error()
    if recording:
        check_not_view(self)
    if not A.flags.writeable:
        A = self._data = A.copy()
    if isinstance(V, np.ndarray) and V.dtype.kind == "f" and A.dtype.kind in "iub":
        V = V.astype(A.dtype)
    try:
        region = at(A, idx)
        np.broadcast_to(V, np.shape(region))
    except IndexError as e:
        raise _index_error(A, idx, e) from None
    except ValueError:
        raise _expand_error(list(np.shape(region)), list(np.shape(V))) from None
    old = graph_handle(self, A) if recording else None
    put(A, idx, V)
    if recording:
        node = CopySlices.__new__(CopySlices)
        node.index = idx
        node.inputs = (old, val_t)
        node.edges = edges_of(node.inputs)
        node.freed = False
        node.retained = None
        self.grad_fn = node
        self._rg = True
        self._out_idx = 0
    self._bump()
