"""Shape and layout: reshape/view flatten squeeze unsqueeze transpose permute expand
cat stack split chunk flip repeat gather index_select narrow movedim ...

Views (reshape, transpose, expand, squeeze, ...) share their base's version
counter, so an in-place change through either is seen by autograd.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd.graph import SAVE_STATE
from ._util import GRAD_ENABLED, Node, Tensor, norm_dims, numpy_names, record, shape_arg, wrap, wrap_dim

_ndarray = np.ndarray


def _view(node_cls: type[Node], out: np.ndarray, input: Tensor, **attrs: Any) -> Tensor:
    t = wrap(out)
    if out.base is not None:  # a real view: share the version counter
        vc = input._vc
        if vc is None:
            vc = input._vc = [0]
        t._vc = vc
    if GRAD_ENABLED[0] and input._rg:
        node = node_cls.__new__(node_cls)
        for k, v in attrs.items():
            setattr(node, k, v)
        record(node, t, (input,))
    return t


class ViewBackward0(Node):
    """y = reshape(x).   ∂L/∂x = reshape(G, x.shape)."""

    __slots__ = ("shape",)
    shape: Any
    name = "ViewBackward0"
    is_view = True

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.reshape(g, self.shape),)


class ReshapeAliasBackward0(ViewBackward0):
    __slots__ = ()
    name = "ViewBackward0"


def _infer_shape(shape: tuple[int, ...], numel: int, src: tuple[int, ...]) -> tuple[int, ...]:
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (one dimension may be -1)."""
    A = input._data
    sh = shape_arg(shape)
    if sh != A.shape:
        sh = _infer_shape(sh, A.size, A.shape)
    return _view(ViewBackward0, A.reshape(sh), input, shape=A.shape)


def view(input: Tensor, *shape: Any) -> Tensor:
    """``reshape`` that must not copy; a dtype argument reinterprets the bytes instead."""
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list, np.integer, Tensor)):
        from .._dtype import as_dtype

        return wrap(input._data.view(as_dtype(shape[0]).np))
    out = reshape(input, *shape)
    if out._data.size and not np.may_share_memory(out._data, input._data):  # reshape had to copy
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return out


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one."""
    A = input._data
    if A.ndim == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, A.ndim), wrap_dim(end_dim, A.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    n = 1
    for d in A.shape[s:e + 1]:
        n *= d
    return reshape(input, A.shape[:s] + (n,) + A.shape[e + 1:])


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    A = input._data
    d = wrap_dim(dim, A.ndim)
    inner = _infer_shape(tuple(sizes), A.shape[d], (A.shape[d],))
    return reshape(input, A.shape[:d] + inner + A.shape[d + 1:])


@numpy_names
def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Drop size-1 dims (all, or those in ``dim``; a non-1 ``dim`` is left alone, as PyTorch)."""
    A = input._data
    if dim is None:
        sh = tuple(s for s in A.shape if s != 1)
        cls: type = SqueezeBackward0
    else:
        dims = norm_dims(dim, A.ndim) or ()
        sh = tuple(s for i, s in enumerate(A.shape) if not (i in dims and s == 1))
        # PyTorch's names: squeeze() / squeeze(int) / squeeze(tuple)
        cls = SqueezeBackward2 if isinstance(dim, (tuple, list)) else SqueezeBackward1
    return _view(cls, A.reshape(sh), input, shape=A.shape)


class SqueezeBackward0(ViewBackward0):
    __slots__ = ()
    name = "SqueezeBackward0"


class SqueezeBackward1(ViewBackward0):
    __slots__ = ()
    name = "SqueezeBackward1"


class SqueezeBackward2(ViewBackward0):
    __slots__ = ()
    name = "SqueezeBackward2"


class UnsqueezeBackward0(ViewBackward0):
    __slots__ = ()
    name = "UnsqueezeBackward0"


@numpy_names
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim`` (-ndim-1 ≤ dim ≤ ndim)."""
    A = input._data
    n = A.ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    d = dim % n
    return _view(UnsqueezeBackward0, A.reshape(A.shape[:d] + (1,) + A.shape[d:]), input, shape=A.shape)


class PermuteBackward0(Node):
    """y = permute(x, p).   ∂L/∂x = permute(G, p⁻¹)."""

    __slots__ = ("inv",)
    inv: Any
    name = "PermuteBackward0"
    is_view = True

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.transpose(g, self.inv),)


class TransposeBackward0(PermuteBackward0):
    __slots__ = ()
    name = "TransposeBackward0"


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions."""
    A = input._data
    p = shape_arg(dims)
    if len(p) != A.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired "
            f"ordering of dimensions i.e. input.dim() = {A.ndim} is not equal to len(dims) = {len(p)}"
        )
    p = tuple(wrap_dim(d, A.ndim) for d in p)
    if len(set(p)) != len(p):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view(PermuteBackward0, A.transpose(p), input, inv=tuple(np.argsort(p)))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    A = input._data
    if A.ndim == 0:
        return _view(TransposeBackward0, A, input, inv=())
    d0, d1 = wrap_dim(dim0, A.ndim), wrap_dim(dim1, A.ndim)
    p = list(range(A.ndim))
    p[d0], p[d1] = p[d1], p[d0]
    return _view(TransposeBackward0, A.transpose(p), input, inv=tuple(p))


def t(input: Tensor) -> Tensor:
    """Transpose of a ≤2-D tensor."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    A = input._data
    return _view(TBackward0, A.T, input, inv=tuple(reversed(range(A.ndim))))


class TBackward0(TransposeBackward0):
    __slots__ = ()
    name = "TBackward0"


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose(input, axis0, axis1)


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    A = input._data
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    perm = list(range(A.ndim))
    srcs = [wrap_dim(s, A.ndim) for s in src]
    dsts = [wrap_dim(d, A.ndim) for d in dst]
    if len(srcs) != len(dsts):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    for name, ds in (("source", srcs), ("destination", dsts)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(ds)})")
    rest = [i for i in perm if i not in srcs]
    out: list[int | None] = [None] * A.ndim
    for s, d in zip(srcs, dsts):
        out[d] = s
    it = iter(rest)
    perm = [o if o is not None else next(it) for o in out]
    return permute(input, perm)


class ExpandBackward0(Node):
    """y = expand(x, shape).   ∂L/∂x = G summed over the expanded dims (done by the engine)."""

    __slots__ = ()
    name = "ExpandBackward0"
    is_view = True

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g,)


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a dimension)."""
    A = input._data
    sh = shape_arg(sizes)
    if len(sh) < A.ndim:
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(A.shape)}}}, size={list(sh)}): the number of sizes provided "
            f"({len(sh)}) must be greater or equal to the number of dimensions in the tensor ({A.ndim})"
        )
    lead = len(sh) - A.ndim
    full = tuple(A.shape[i - lead] if (s == -1 and i >= lead) else s for i, s in enumerate(sh))
    try:
        out = np.broadcast_to(A, full)
    except ValueError:
        # the first dimension (from the right) where a non-1 size would have to change
        k = next(i for i in range(1, A.ndim + 1) if A.shape[-i] != 1 and A.shape[-i] != full[-i])
        raise RuntimeError(
            f"The expanded size of the tensor ({full[-k]}) must match the existing size ({A.shape[-k]}) at "
            f"non-singleton dimension {len(full) - k}.  Target sizes: {list(sh)}.  Tensor sizes: {list(A.shape)}"
        ) from None
    return _view(ExpandBackward0, out, input)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other._data.shape)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    return expand(input, tuple(size))


def broadcast_tensors(*tensors: Tensor) -> list[Tensor]:
    shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    return [expand(t, shape) for t in tensors]


class CatBackward0(Node):
    """y = cat(xs, dim).   ∂L/∂xₖ = the slice of G that xₖ filled."""

    __slots__ = ("dim", "sizes")
    dim: Any
    sizes: Any
    name = "CatBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        out, start = [], 0
        for n, t in zip(self.sizes, self.inputs):
            if t._rg:
                idx = (slice(None),) * self.dim + (slice(start, start + n),)
                out.append(g[idx])
            else:
                out.append(None)
            start += n
        return tuple(out)


def cat(tensors: Sequence[Tensor], dim: int = 0, *, axis: Any = None) -> Tensor:
    """Join tensors along an existing dim (dtypes promoted; legacy empty 1-D tensors skipped, as PyTorch)."""
    if axis is not None:
        dim = axis
    ts = list(tensors)
    if not ts:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(ts):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    used = [x for x in ts if not (x._data.ndim == 1 and x._data.shape[0] == 0)] or ts[:1]
    ref = used[0]._data
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, ref.ndim)
    dt = _common_dtype([x._data for x in used])
    for i, x in enumerate(used):
        s = x._data.shape
        if len(s) != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {len(s)}")
        bad = [k for k, (a, b) in enumerate(zip(s, ref.shape)) if k != d and a != b]
        if bad:
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[bad[0]]} but got "
                f"size {s[bad[0]]} for tensor number {i} in the list."
            )
    out = np.concatenate([x._data.astype(dt, copy=False) for x in used], axis=d)
    t = wrap(out)
    if GRAD_ENABLED[0] and any(x._rg for x in used):
        node = CatBackward0.__new__(CatBackward0)
        node.dim = d
        node.sizes = [x._data.shape[d] for x in used]
        record(node, t, tuple(used))
    return t


concat = cat
concatenate = cat


def _common_dtype(arrays: list[np.ndarray]) -> np.dtype:
    from .._dtype import promote_arrays

    dt = arrays[0]
    for a in arrays[1:]:
        if a.dtype is not dt.dtype:
            dt = np.empty((1,) * 1, dtype=promote_arrays(dt, a))
    return dt.dtype


class StackBackward0(Node):
    """y = stack(xs, dim).   ∂L/∂xₖ = G selected at index k of ``dim``."""

    __slots__ = ("dim",)
    dim: Any
    name = "StackBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        return tuple(g[(slice(None),) * self.dim + (k,)] if t._rg else None for k, t in enumerate(self.inputs))


@numpy_names
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new dim."""
    ts = list(tensors)
    if not ts:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape0 = ts[0]._data.shape
    for i, x in enumerate(ts):
        if x._data.shape != shape0:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape0)} at entry 0 and "
                f"{list(x._data.shape)} at entry {i}"
            )
    n = len(shape0) + 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    d = dim % n
    dt = _common_dtype([x._data for x in ts])
    out = np.stack([x._data.astype(dt, copy=False) for x in ts], axis=d)
    t = wrap(out)
    if GRAD_ENABLED[0] and any(x._rg for x in ts):
        node = StackBackward0.__new__(StackBackward0)
        node.dim = d
        record(node, t, tuple(ts))
    return t


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    return cat([x if x._data.ndim > 1 else unsqueeze(x, 0) for x in tensors], 0)


@numpy_names
def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of ``split_size`` (last may be smaller) or of the listed sizes, as views."""
    from .indexing import getitem

    A = tensor._data
    d = wrap_dim(dim, A.ndim)
    n = A.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and n):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
                               if step == 0 else f"split expects split_size be non-negative, but got split_size={step}")
        sizes = [min(step, n - s) for s in range(0, n, step)] if step > 0 else [n]
        if n == 0:
            sizes = [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), "
                f"but got split_sizes={sizes}"
            )
    out, start = [], 0
    for s in sizes:
        out.append(getitem(tensor, (slice(None),) * d + (slice(start, start + s),)))
        start += s
    return tuple(out)


@numpy_names
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[wrap_dim(dim, input._data.ndim)]
    size = -(-n // chunks) if chunks > 0 else n
    return split(input, max(size, 1), dim)


@numpy_names
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    from .indexing import getitem

    d = wrap_dim(dim, input._data.ndim)
    return tuple(getitem(input, (slice(None),) * d + (i,)) for i in range(input._data.shape[d]))


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    from .indexing import getitem

    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


class FlipBackward0(Node):
    """y = flip(x, dims).   ∂L/∂x = flip(G, dims)."""

    __slots__ = ("dims",)
    dims: Any
    name = "FlipBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return (flip(g, self.dims),)
        return (np.flip(g, self.dims),)


def flip(input: Tensor, dims: Any) -> Tensor:
    A = input._data
    ds = norm_dims(dims, A.ndim) or ()
    out = np.flip(A, ds).copy()
    t = wrap(out)
    if GRAD_ENABLED[0] and input._rg:
        node = FlipBackward0.__new__(FlipBackward0)
        node.dims = ds
        record(node, t, (input,))
    return t


class RepeatBackward0(Node):
    """y = repeat(x, reps).   ∂L/∂x = G summed over the tiled copies."""

    __slots__ = ("reps", "shape")
    reps: Any
    shape: Any
    name = "RepeatBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        shape = self.shape
        lead = len(self.reps) - len(shape)
        full = (1,) * lead + tuple(shape)
        split_shape: list[int] = []
        for r, s in zip(self.reps, full):
            split_shape += [r, s]
        gs = F.reshape(g, tuple(split_shape))
        gs = F.sum(gs, axis=tuple(range(0, 2 * len(full), 2)))
        return (F.reshape(gs, shape),)


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile the tensor ``sizes[i]`` times along each dim."""
    A = input._data
    reps = shape_arg(sizes)
    if len(reps) < A.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    t = wrap(np.tile(A, reps))
    if GRAD_ENABLED[0] and input._rg:
        node = RepeatBackward0.__new__(RepeatBackward0)
        node.reps = reps
        node.shape = A.shape
        record(node, t, (input,))
    return t


class GatherBackward0(Node):
    """y = gather(x, dim, index).   ∂L/∂x = zeros with G scatter-added at ``index``."""

    __slots__ = ("dim", "index", "shape")
    dim: Any
    index: Any
    shape: Any
    name = "GatherBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.scatter_add(self.shape, self.dim, self.index, g),)


@numpy_names
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """yᵢⱼ = x[i][index[i][j]] along ``dim`` (index must be int64)."""
    A = input._data
    I = index._data
    if I.dtype != np.int64:
        if I.dtype != np.int32:
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        I = I.astype(np.int64)  # PyTorch accepts int32 indices too
        index = wrap(I)
    d = wrap_dim(dim, A.ndim)
    if not A.ndim:  # a 0-d input behaves as one element along dim 0
        return reshape(gather(reshape(input, (1,)), 0, reshape(index, (-1,))), I.shape)
    if I.ndim != A.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if I.size:
        bad = (I < 0) | (I >= A.shape[d])  # gather takes no negative indices, unlike indexing
        if bad.any():
            raise RuntimeError(f"index {int(I[bad].flat[0])} is out of bounds for dimension {d} with size "
                               f"{A.shape[d]}")
    out = _take_along(A, I, d)
    t = wrap(out)
    if GRAD_ENABLED[0] and input._rg:
        node = GatherBackward0.__new__(GatherBackward0)
        node.dim = d
        node.index = I
        node.shape = A.shape
        record(node, t, (input,))
    return t


def _take_along(A: np.ndarray, I: np.ndarray, d: int) -> np.ndarray:
    idx: list[Any] = list(np.indices(I.shape, sparse=True))
    idx[d] = I
    return A[tuple(idx)]


@numpy_names
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    from .indexing import getitem

    d = wrap_dim(dim, input._data.ndim)
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    return getitem(input, (slice(None),) * d + (index.reshape(-1),))


class TrilBackward0(Node):
    """y = tril(x, k).   ∂L/∂x = tril(G, k)."""

    __slots__ = ("k", "upper")
    k: Any
    upper: Any
    name = "TrilBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return ((triu if self.upper else tril)(g, self.k),)
        return ((np.triu if self.upper else np.tril)(g, self.k),)


def _need_matrix(input: Tensor, op: str) -> None:
    if input._data.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    _need_matrix(input, "tril")
    t = wrap(np.tril(input._data, diagonal))
    if GRAD_ENABLED[0] and input._rg:
        node = TrilBackward0.__new__(TrilBackward0)
        node.k, node.upper = diagonal, False
        record(node, t, (input,))
    return t


class TriuBackward0(TrilBackward0):
    """y = triu(x, k).   ∂L/∂x = triu(G, k)."""

    __slots__ = ()
    name = "TriuBackward0"


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    _need_matrix(input, "triu")
    t = wrap(np.triu(input._data, diagonal))
    if GRAD_ENABLED[0] and input._rg:
        node = TriuBackward0.__new__(TriuBackward0)
        node.k, node.upper = diagonal, True
        record(node, t, (input,))
    return t



def tile(input: Tensor, dims: Any) -> Tensor:
    """``repeat`` with ``dims`` padded by leading 1s to the tensor's rank (NumPy's ``tile``)."""
    reps = shape_arg((dims,))
    nd = input._data.ndim
    if len(reps) < nd:
        reps = (1,) * (nd - len(reps)) + reps
    return repeat(input, reps)


def ravel(input: Tensor) -> Tensor:
    """The elements as one dimension (a view when the layout allows)."""
    return reshape(input, (-1,))


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids: output k is input k laid along dimension k and expanded to every input's length
    (``indexing='xy'`` swaps the first two dimensions, for plots). Each output is a broadcast view, so
    its gradient sums back onto the 1-D input."""
    import warnings

    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ValueError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    sizes = tuple(int(t._data.size) for t in ts)
    n = len(ts)
    grids = [expand(reshape(t, tuple(sizes[k] if j == k else 1 for j in range(n))), sizes) for k, t in enumerate(ts)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Rotate elements along ``dims`` by ``shifts`` (the flattened tensor when ``dims`` is None): a
    concatenation of two narrowed pieces per dimension, so the gradient rolls back."""
    if dims is None:
        shape = input._data.shape
        return reshape(roll(reshape(input, (-1,)), shifts, 0), shape)
    shifts_t = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    dims_t = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts_t) != len(dims_t):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts_t)}, dims:{len(dims_t)}")
    out = input
    for sh, d in zip(shifts_t, dims_t):
        d = wrap_dim(d, input._data.ndim)
        n = input._data.shape[d]
        k = int(sh) % n if n else 0
        if k:
            out = cat([narrow(out, d, n - k, k), narrow(out, d, 0, n - k)], d)
    return out


def repeat_interleave(input: Tensor, repeats: Any, dim: Any = None, *, output_size: Any = None) -> Tensor:
    """Each element (or slice along ``dim``) repeated ``repeats`` times in place, [a, b] → [a, a, b, b]
    (``repeats`` a number or one count per element); an index_select, so the gradient sums the copies."""
    if dim is None:
        input, d = reshape(input, (-1,)), 0
    else:
        d = wrap_dim(dim, input._data.ndim)
    reps = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
    n = input._data.shape[d]
    if reps.ndim and reps.shape[0] != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{reps.shape[0]} and input.size({d}) = {n}")
    return index_select(input, d, wrap(np.repeat(np.arange(n), reps)))
