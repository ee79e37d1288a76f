"""Shape, view and creation extras: atleast_nd, column/row/dstack, h/v/d/tensor_split, rot90, flipud/lr,
select, narrow_copy, diag_embed, diagflat, block_diag, cartesian_prod, combinations, tril/triu_indices,
vander, msort, unique_consecutive, sum_to_size, Tensor.unfold, fill_diagonal_, in-place transpose/tril/triu,
and the layout attributes (stride, storage_offset, data_ptr, nbytes, itemsize ...).

Most are compositions of recorded ops (``cat``, ``stack``, ``flip``, slicing), so their gradients follow.
The primitives with their own nodes:

* slices (``select``, the ``*split`` family, ``split_with_sizes``, ``narrow_copy``): ∂L/∂x = zeros with G
  written into the selected region;
* ``diag_embed``: ∂L/∂x = diagonal(G, offset, dim1, dim2) (and the diagonal's derivative is diag_embed);
* ``rot90(x, k)``: ∂L/∂x = rot90(G, -k);
* ``block_diag``: ∂L/∂xₖ = the block of G that xₖ filled;
* ``unfold(d, size, step)`` (sliding windows): ∂L/∂x = Σ over windows of G put back where each window came
  from (overlapping windows add); that sum's own derivative is ``unfold`` again.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd.graph import SAVE_STATE
from ._util import GRAD_ENABLED, Node, Tensor, record, shape_arg, wrap, wrap_dim
from .indexing import SelectBackward0, SliceBackward0, check_not_view, graph_handle, leaf_inplace_error
from .shape import (
    GatherBackward0,
    PermuteBackward0,
    _take_along,
    cat,
    flatten,
    flip,
    movedim,
    reshape,
    stack,
    unsqueeze,
)
from .shape import tril as _tril
from .shape import triu as _triu

__all__: list[str] = [
    "atleast_1d", "atleast_2d", "atleast_3d", "column_stack", "row_stack", "dstack", "hsplit", "vsplit", "dsplit",
    "tensor_split", "split_with_sizes", "rot90", "flipud", "fliplr", "moveaxis", "select", "narrow_copy",
    "diag_embed", "diagflat", "block_diag", "cartesian_prod", "combinations", "tril_indices", "triu_indices",
    "vander", "msort", "unique_consecutive", "is_complex", "is_signed", "is_inference", "is_same_size",
]

_TN = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
       "bool": "Bool", "int16": "Short", "int8": "Char", "uint8": "Byte"}


def _check_tensor(fn: str, arg: str, position: int, value: Any) -> None:
    if not isinstance(value, Tensor):
        from ._util import arg_type_error

        raise arg_type_error(fn, arg, position, value)


def _tensor_list(fn: str, tensors: Any) -> list[Tensor]:
    if not isinstance(tensors, (list, tuple)):
        cls = type(tensors)
        name = "Tensor" if isinstance(tensors, Tensor) else cls.__name__
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not {name}")
    ts = list(tensors)
    if not ts:
        raise RuntimeError(f"{fn} expects a non-empty TensorList")
    for i, t in enumerate(ts):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return ts


# --- slices with PyTorch's node names --------------------------------------------------------------------

class SplitWithSizesBackward0(SliceBackward0):
    """yₖ = x[.., offₖ:offₖ+nₖ, ..].   ∂L/∂x = zeros with Gₖ written into yₖ's slice."""

    __slots__ = ()
    name = "SplitWithSizesBackward0"


class NarrowCopyBackward0(SliceBackward0):
    """y = copy of x[.., s:s+n, ..].   ∂L/∂x = zeros with G written into the slice."""

    __slots__ = ()
    name = "NarrowCopyBackward0"
    is_view = False


def _basic_view(input: Tensor, idx: tuple[Any, ...], cls: type[Node], copy: bool = False) -> Tensor:
    """``input[idx]`` for a basic index (ints and slices), recorded as ``cls`` (a ``SliceBackward0`` kind):
    a view sharing the version counter unless ``copy``."""
    A = input._data
    idx = idx + (Ellipsis,)  # a 0-d result stays an array (a view), as PyTorch's select
    out = A[idx]
    if copy:
        out = out.copy()
    t = wrap(out)
    if not copy:
        vc = input._vc
        if vc is None:
            vc = input._vc = [0]
        t._vc = vc
    if GRAD_ENABLED[0] and input._rg:
        node = cls.__new__(cls)
        node.index = idx  # type: ignore[attr-defined]
        node.shape = A.shape  # type: ignore[attr-defined]
        node.basic = True  # type: ignore[attr-defined]
        record(node, t, (input,))
    return t


def _slices(input: Tensor, d: int, bounds: Sequence[tuple[int | None, int | None]],
            cls: type[Node] = SliceBackward0) -> tuple[Tensor, ...]:
    return tuple(_basic_view(input, (slice(None),) * d + (slice(a, b),), cls) for a, b in bounds)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim`` (that dim removed): a view.   ∂L/∂x = zeros with G at the slice."""
    _check_tensor("select", "input", 1, input)
    A = input._data
    if A.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, A.ndim)
    n = A.shape[d]
    i = int(index)
    if not -n <= i < n:
        raise IndexError(f"select(): index {i} out of range for tensor of size {list(A.shape)} at dimension {d}")
    return _basic_view(input, (slice(None),) * d + (i % n,), SelectBackward0)


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``narrow`` as a new tensor (not a view): elements ``start .. start+length-1`` along ``dim``."""
    A = input._data
    d = wrap_dim(dim, A.ndim)
    size = A.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _basic_view(input, (slice(None),) * d + (slice(start, start + length),), NarrowCopyBackward0, copy=True)


def split_with_sizes(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Consecutive views of the listed lengths along ``dim`` (they must sum to its size)."""
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 1) must be tuple of ints, not "
                        f"{type(split_sizes).__name__}")
    A = input._data
    d = wrap_dim(dim, A.ndim)
    n = A.shape[d]
    sizes = [int(s) for s in split_sizes]
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), "
            f"but got split_sizes={sizes}"
        )
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    return _slices(input, d, bounds, SplitWithSizesBackward0)


def tensor_split(input: Tensor, indices_or_sections: Any = None, dim: int = 0, *, indices: Any = None,
                 sections: Any = None, tensor_indices_or_sections: Any = None) -> tuple[Tensor, ...]:
    """Views of ``input`` along ``dim``: ``sections`` (an int n) gives n nearly equal parts (the first
    ``size % n`` one longer); a list of ``indices`` cuts before each index (Python slice rules)."""
    for v in (indices, sections, tensor_indices_or_sections):
        if v is not None:
            indices_or_sections = v
    A = input._data
    if A.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec._data.dtype != np.int64:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{_TN.get(str(spec._data.dtype), spec._data.dtype)}")
        if spec._data.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {spec._data.ndim} dims")
        spec = int(spec._data) if spec._data.ndim == 0 else [int(i) for i in spec._data]
    d = wrap_dim(dim, A.ndim)
    n = A.shape[d]
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        k = int(spec)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        bounds, start = [], 0
        for i in range(k):
            m = q + (1 if i < r else 0)
            bounds.append((start, start + m))
            start += m
        return _slices(input, d, bounds)
    cuts = [int(i) for i in spec]
    starts: list[int | None] = [0, *cuts]
    ends: list[int | None] = [*cuts, None]
    return _slices(input, d, list(zip(starts, ends)))


def _split_family(fn: str, input: Tensor, spec: Any, need: int, dim: int) -> tuple[Tensor, ...]:
    A = input._data
    if A.ndim < need:
        raise RuntimeError(f"torch.{fn} requires a tensor with at least {need} dimension, but got a tensor with "
                           f"{A.ndim} dimensions!")
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        n = A.shape[dim]
        if spec == 0 or n % spec:
            raise RuntimeError(f"torch.{fn} attempted to split along dimension {dim}, but the size of the dimension "
                               f"{n} is not divisible by the split_size {spec}!")
    return tensor_split(input, spec, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 1 (dim 0 for a vector); an int must divide that dim exactly."""
    nd = input._data.ndim
    return _split_family("hsplit", input, indices_or_sections, 1, 1 if nd >= 2 else 0)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 0 of an ≥2-D tensor; an int must divide that dim exactly."""
    return _split_family("vsplit", input, indices_or_sections, 2, 0)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 2 of an ≥3-D tensor; an int must divide that dim exactly."""
    return _split_family("dsplit", input, indices_or_sections, 3, 2)


# --- at least n dimensions, and stacking -----------------------------------------------------------------

def _atleast(fn: str, n: int, tensors: tuple[Any, ...]) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(fn, n, (t,)) for t in tensors[0])
    if len(tensors) != 1:
        return tuple(_atleast(fn, n, (t,)) for t in tensors)
    x = tensors[0]
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}() received an invalid combination of arguments - got ({type(x).__name__}), but "
                        f"expected one of:\n * (Tensor input)\n * (tuple of Tensors tensors)")
    nd = x._data.ndim
    if nd >= n:
        return x
    if nd == 0:
        return reshape(x, (1,) * n)
    if n == 2 or nd == 2:  # (k,) -> (1, k); (a, b) -> (a, b, 1)
        return unsqueeze(x, 0 if n == 2 else -1)
    return unsqueeze(unsqueeze(x, 0), -1)  # (k,) -> (1, k, 1)


def atleast_1d(*tensors: Any) -> Any:
    """The tensor with at least one dimension (a 0-d tensor becomes shape (1,)); several tensors, or one
    list of them, give a tuple."""
    return _atleast("atleast_1d", 1, tensors)


def atleast_2d(*tensors: Any) -> Any:
    """At least two dimensions: () → (1, 1), (k,) → (1, k); several tensors give a tuple."""
    return _atleast("atleast_2d", 2, tensors)


def atleast_3d(*tensors: Any) -> Any:
    """At least three dimensions: () → (1, 1, 1), (k,) → (1, k, 1), (a, b) → (a, b, 1)."""
    return _atleast("atleast_3d", 3, tensors)


def column_stack(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """Vectors (and 0-d tensors) as columns, then everything concatenated along dim 1."""
    ts = _tensor_list("column_stack", tensors)
    cols = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in ts]
    return cat(cols, 1)


def row_stack(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """``vstack``: each tensor made at least 2-D, concatenated along dim 0."""
    ts = _tensor_list("vstack", tensors)
    return cat([atleast_2d(t) for t in ts], 0)


def dstack(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """Each tensor made at least 3-D, concatenated along dim 2 (depth)."""
    ts = _tensor_list("dstack", tensors)
    return cat([atleast_3d(t) for t in ts], 2)


# --- flips and rotation ----------------------------------------------------------------------------------

def flipud(input: Tensor) -> Tensor:
    """Reverse dim 0.   ∂L/∂x = flipud(G)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def fliplr(input: Tensor) -> Tensor:
    """Reverse dim 1.   ∂L/∂x = fliplr(G)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


class Rot90Backward0(Node):
    """y = rot90(x, k, dims).   ∂L/∂x = rot90(G, -k, dims)."""

    __slots__ = ("k", "dims")
    k: Any
    dims: Any
    name = "Rot90Backward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return (rot90(g, -self.k, self.dims),)
        return (np.rot90(g, -self.k, self.dims).copy(),)


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90°·k in the plane ``dims`` (from the first towards the second dim); a new tensor."""
    A = input._data
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if A.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {A.ndim}")
    d0, d1 = wrap_dim(dims[0], A.ndim), wrap_dim(dims[1], A.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k = int(k) % 4
    t = wrap(np.rot90(A, k, (d0, d1)).copy())
    if GRAD_ENABLED[0] and input._rg:
        node = Rot90Backward0.__new__(Rot90Backward0)
        node.k, node.dims = k, (d0, d1)
        record(node, t, (input,))
    return t


moveaxis = movedim


# --- diagonals and blocks --------------------------------------------------------------------------------

def _diag_embed_array(A: np.ndarray, offset: int, d1: int, d2: int) -> np.ndarray:
    n = A.shape[-1]
    m = n + abs(offset)
    out = np.zeros(A.shape[:-1] + (m, m), dtype=A.dtype)
    i = np.arange(n)
    out[..., i + max(-offset, 0), i + max(offset, 0)] = A
    return np.moveaxis(out, (-2, -1), (d1, d2))


class DiagEmbedBackward0(Node):
    """y = diag_embed(x, offset, d1, d2).   ∂L/∂x = diagonal(G, offset, d1, d2)."""

    __slots__ = ("offset", "d1", "d2")
    offset: Any
    d1: Any
    d2: Any
    name = "DiagEmbedBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return (_diagonal_t(g, self.offset, self.d1, self.d2),)
        return (np.diagonal(g, self.offset, self.d1, self.d2).copy(),)


class DiagonalBackward0(Node):
    """y = diagonal(x, offset, d1, d2).   ∂L/∂x = diag_embed(G, offset, d1, d2)."""

    __slots__ = ("offset", "d1", "d2")
    offset: Any
    d1: Any
    d2: Any
    name = "DiagonalBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return (_diag_embed_t(g, self.offset, self.d1, self.d2),)
        return (_diag_embed_array(g, self.offset, self.d1, self.d2),)


def _diagonal_t(x: Tensor, offset: int, d1: int, d2: int) -> Tensor:
    t = wrap(np.diagonal(x._data, offset, d1, d2).copy())
    if GRAD_ENABLED[0] and x._rg:
        node = DiagonalBackward0.__new__(DiagonalBackward0)
        node.offset, node.d1, node.d2 = offset, d1, d2
        record(node, t, (x,))
    return t


def _diag_embed_t(x: Tensor, offset: int, d1: int, d2: int) -> Tensor:
    t = wrap(_diag_embed_array(x._data, offset, d1, d2))
    if GRAD_ENABLED[0] and x._rg:
        node = DiagEmbedBackward0.__new__(DiagEmbedBackward0)
        node.offset, node.d1, node.d2 = offset, d1, d2
        record(node, t, (x,))
    return t


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor one dim larger whose (dim1, dim2) planes hold the last dim of ``input`` on the diagonal
    ``offset`` (zeros elsewhere).   ∂L/∂x = diagonal(G, offset, dim1, dim2)."""
    A = input._data
    nd = A.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if A.ndim == 0:  # PyTorch checks the last dim of a 0-d input
        wrap_dim(-2, 1)
    return _diag_embed_t(input, int(offset), d1, d2)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input on diagonal ``offset`` of a square matrix."""
    return diag_embed(flatten(input), offset, 0, 1)


class BlockDiagBackward0(Node):
    """y = block_diag(x₁, …, xₙ).   ∂L/∂xₖ = the block of G where xₖ sits (reshaped to xₖ's shape)."""

    __slots__ = ("blocks",)
    blocks: Any
    name = "BlockDiagBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        out: list[Any] = []
        for (r, c, h, w, shape), t in zip(self.blocks, self.inputs):
            out.append(F.reshape(g[r:r + h, c:c + w], shape) if t._rg else None)
        return tuple(out)


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors (0-d → 1×1, 1-D → one row) as blocks along the diagonal of one matrix; zeros elsewhere;
    dtypes promoted."""
    from .._dtype import _default
    from .shape import _common_dtype

    for i, t in enumerate(tensors):
        _check_tensor("block_diag", "tensors", 1, t)
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t._data.ndim} dimensions")
    if not tensors:
        return wrap(np.zeros((1, 0), dtype=_default[0].np))
    mats: list[np.ndarray] = [t._data.reshape((1,) * (2 - t._data.ndim) + tuple(t._data.shape)) for t in tensors]
    dt = _common_dtype([t._data for t in tensors])
    H = sum(m.shape[0] for m in mats)
    W = sum(m.shape[1] for m in mats)
    out = np.zeros((H, W), dtype=dt)
    blocks, r, c = [], 0, 0
    for m, t in zip(mats, tensors):
        h, w = m.shape
        out[r:r + h, c:c + w] = m
        blocks.append((r, c, h, w, t._data.shape))
        r, c = r + h, c + w
    res = wrap(out)
    if GRAD_ENABLED[0] and any(t._rg for t in tensors):
        node = BlockDiagBackward0.__new__(BlockDiagBackward0)
        node.blocks = blocks
        record(node, res, tuple(tensors))
    return res


# --- combinatorics and index grids -----------------------------------------------------------------------

def _vector(t: Tensor) -> None:
    if t._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each vector, one row per combination (the last vector varies
    fastest); a single vector is returned as is."""
    from .shape import meshgrid

    for t in tensors:
        _check_tensor("cartesian_prod", "tensors", 1, t)
        _vector(t)
    if len(tensors) == 1:
        return tensors[0]
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if len({t._data.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    grids = meshgrid(*tensors, indexing="ij")
    return stack([flatten(g) for g in grids], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-``r`` combinations of a vector's elements (``itertools.combinations`` order), one per row;
    the gradient sums back onto the elements used."""
    from .shape import index_select

    _check_tensor("combinations", "input", 1, input)
    _vector(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return wrap(np.zeros((0,), dtype=input._data.dtype))
    n = input._data.shape[0]
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(n), r)), dtype=np.int64).reshape(-1, r)
    return stack([index_select(input, 0, wrap(np.ascontiguousarray(idx[:, k]))) for k in range(r)], 1)


def _indices(fn: str, np_fn: Callable[..., Any], row: int, col: int, offset: int, dtype: Any) -> Tensor:
    from .._dtype import as_dtype

    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    npd = as_dtype(dtype).np if dtype is not None else np.dtype(np.int64)
    if npd not in (np.dtype(np.int64), np.dtype(np.int32)):
        raise NotImplementedError(f"\"{fn}\" not implemented for '{_TN.get(str(npd), npd)}'")
    rows, cols = np_fn(row, offset, col)
    return wrap(np.stack([rows, cols]).astype(npd).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None, requires_grad: bool = False) -> Tensor:
    """The (row, col) coordinates of the lower triangle (on and below diagonal ``offset``) of a row×col
    matrix, as a 2×N tensor in row-major order."""
    return _indices("tril_indices", np.tril_indices, row, col, offset, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None, requires_grad: bool = False) -> Tensor:
    """The (row, col) coordinates of the upper triangle (on and above diagonal ``offset``), 2×N."""
    return _indices("triu_indices", np.triu_indices, row, col, offset, dtype)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix: column j is x^(N-1-j) (x^j if ``increasing``); integer inputs give int64.
    Built as a product chain, so ∂(xᵏ)/∂x = k·xᵏ⁻¹ everywhere (zero included)."""
    from .arith import mul
    from .cast import cast

    _check_tensor("vander", "x", 1, x)
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0]
    if N is None:
        N = n
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind != "f":
        x = cast(x, np.int64)
    dt = x._data.dtype
    if N == 0:
        return wrap(np.zeros((n, 0), dtype=dt))
    cols = [wrap(np.ones((n,), dtype=dt))]
    for _ in range(N - 1):
        cols.append(x if len(cols) == 1 else mul(cols[-1], x))
    out = stack(cols, 1)
    return out if increasing else flip(out, (1,))


# --- sorting and runs -----------------------------------------------------------------------------------

class SortBackward0(GatherBackward0):
    """y = sort(x, dim).values.   ∂L/∂x = zeros with G scattered back to each value's source position."""

    __slots__ = ()
    name = "SortBackward0"


class _SortScalarBackward0(Node):
    """y = sort of a 0-d x (itself).   ∂L/∂x = G."""

    __slots__ = ()
    name = "SortBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g,)


def msort(input: Tensor) -> Tensor:
    """The values sorted along dim 0 (``sort(input, dim=0).values``)."""
    _check_tensor("msort", "input", 1, input)
    A = input._data
    if A.ndim == 0:
        t = wrap(A.copy())
        if GRAD_ENABLED[0] and input._rg:
            record(_SortScalarBackward0.__new__(_SortScalarBackward0), t, (input,))
        return t
    idx = np.argsort(A, axis=0, kind="stable").astype(np.int64)
    t = wrap(_take_along(A, idx, 0))
    if GRAD_ENABLED[0] and input._rg:
        node = SortBackward0.__new__(SortBackward0)
        node.dim, node.index, node.shape = 0, idx, A.shape
        record(node, t, (input,))
    return t


class UniqueConsecutiveBackward0(Node):
    """Not differentiable in PyTorch: backward raises."""

    __slots__ = ()
    name = "UniqueConsecutiveBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        raise NotImplementedError("the derivative for 'unique_consecutive' is not implemented.")


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:
    """Collapse each run of equal consecutive elements (or slices along ``dim``) to one; optionally the
    index of each input element's run (``return_inverse``) and the run lengths (``return_counts``)."""
    _check_tensor("unique_consecutive", "input", 1, input)
    A = input._data
    if dim is None:
        flat = A.reshape(-1)
        if flat.size:
            starts = np.concatenate([[True], flat[1:] != flat[:-1]])
        else:
            starts = np.zeros((0,), dtype=bool)
        out = flat[starts]
        inv_shape: tuple[int, ...] = A.shape
    else:
        d = wrap_dim(dim, A.ndim)
        moved = np.moveaxis(A, d, 0)
        rows = moved.reshape(moved.shape[0], int(np.prod(moved.shape[1:])))
        n = rows.shape[0]
        if n:
            starts = np.concatenate([[True], (rows[1:] != rows[:-1]).any(axis=1)])
        else:
            starts = np.zeros((0,), dtype=bool)
        out = np.moveaxis(moved[starts], 0, d)
        inv_shape = (n,)
    t = wrap(np.ascontiguousarray(out))
    if GRAD_ENABLED[0] and input._rg:
        record(UniqueConsecutiveBackward0.__new__(UniqueConsecutiveBackward0), t, (input,))
    if not (return_inverse or return_counts):
        return t
    res: list[Tensor] = [t]
    if return_inverse:
        inv = (np.cumsum(starts) - 1).astype(np.int64)
        res.append(wrap(inv.reshape(inv_shape)))
    if return_counts:
        pos = np.flatnonzero(starts)
        res.append(wrap(np.diff(np.append(pos, starts.size)).astype(np.int64)))
    return tuple(res)


# --- Tensor-only methods -------------------------------------------------------------------------------

def sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """Sum ``self`` down to ``size`` (a shape it broadcasts from): the reverse of ``expand``."""
    from .reduction import sum as _sum

    sh = shape_arg(size)
    A = self._data
    if sh == A.shape:
        return self
    ok = len(sh) <= A.ndim and all(s == 1 or s == a for s, a in zip(sh[::-1], A.shape[::-1]))
    if not ok:
        raise RuntimeError(f"size {{{list(sh)}}} is not expandable to size {{{list(A.shape)}}}.")
    if not sh:
        return _sum(self)
    lead = A.ndim - len(sh)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(sh) if s == 1 and A.shape[i + lead] != 1)
    out = _sum(self, axes, keepdim=True)
    return reshape(out, sh) if lead else out


def _windows(A: np.ndarray, d: int, size: int, step: int) -> np.ndarray:
    W = np.lib.stride_tricks.sliding_window_view(A, size, axis=d, writeable=step >= size and A.flags.writeable)
    return W[(slice(None),) * d + (slice(None, None, step),)]


class UnfoldBackward0(Node):
    """y = x.unfold(d, size, step) (window j = x[.., j·step : j·step+size, ..] moved to the last dim).
    ∂L/∂x = Σⱼ window j of G added back at its place (overlaps add)."""

    __slots__ = ("d", "size", "step", "shape")
    d: Any
    size: Any
    step: Any
    shape: Any
    name = "UnfoldBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return (_unfold_backward_t(g, self.shape, self.d, self.size, self.step),)
        return (_fold_array(g, self.shape, self.d, self.size, self.step),)


class UnfoldBackwardBackward0(Node):
    """y = fold(G) (the sum above).   ∂L/∂G = unfold(∂L/∂y, d, size, step)."""

    __slots__ = ("d", "size", "step")
    d: Any
    size: Any
    step: Any
    name = "UnfoldBackwardBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if F.is_tensor:
            return (unfold(g, self.d, self.size, self.step),)
        if g.ndim == 0:
            return (g.reshape(1),)
        return (np.array(_windows(g, self.d, self.size, self.step)),)


def _fold_array(G: np.ndarray, shape: tuple[int, ...], d: int, size: int, step: int) -> np.ndarray:
    out = np.zeros(shape, dtype=G.dtype)
    n_win = G.shape[d] if len(shape) else 1
    if not len(shape):  # 0-d input: one window of one element
        return G.reshape(()).copy()
    for k in range(size):
        region = (slice(None),) * d + (slice(k, k + step * (n_win - 1) + 1, step),)
        out[region] += G[..., k]
    return out


def _unfold_backward_t(g: Tensor, shape: tuple[int, ...], d: int, size: int, step: int) -> Tensor:
    t = wrap(_fold_array(g._data, shape, d, size, step))
    if GRAD_ENABLED[0] and g._rg:
        node = UnfoldBackwardBackward0.__new__(UnfoldBackwardBackward0)
        node.d, node.size, node.step = d, size, step
        record(node, t, (g,))
    return t


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Sliding windows of length ``size`` taken every ``step`` along ``dimension``, laid along a new last
    dim: shape[dimension] becomes (n - size) // step + 1.   A view of ``self``'s memory."""
    A = self._data
    d = wrap_dim(dimension, max(A.ndim, 1))
    n = A.shape[d] if A.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    out = A.reshape(1) if A.ndim == 0 else _windows(A, d, size, step)
    t = wrap(out)
    vc = self._vc
    if vc is None:
        vc = self._vc = [0]
    t._vc = vc
    if GRAD_ENABLED[0] and self._rg:
        node = UnfoldBackward0.__new__(UnfoldBackward0)
        node.d, node.size, node.step, node.shape = d, size, step, A.shape
        record(node, t, (self,))
    return t


# --- in place ---------------------------------------------------------------------------------------------

def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Write ``fill_value`` on the main diagonal (all indices equal; ``wrap`` restarts it every ncols+1
    rows of a tall matrix).   ∂L/∂x_old = G with zeros on that diagonal."""
    from .inplace import _write, apply_inplace
    from .selection import masked_fill

    A = self._data
    if A.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if A.ndim > 2 and len(set(A.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    v = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
    mask = np.zeros(A.shape, dtype=bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    if GRAD_ENABLED[0] and self._rg:
        if self.grad_fn is None:  # PyTorch writes through a diagonal view
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        return apply_inplace(self, lambda old: masked_fill(old, Tensor._wrap(mask), v))
    R = A.copy()
    R[mask] = np.asarray(v).astype(A.dtype)
    _write(self, R)
    self._bump()
    return self


class TransposeBackward1(PermuteBackward0):
    """x.transpose_(d0, d1).   ∂L/∂x_old = G with d0, d1 swapped back."""

    __slots__ = ()
    name = "TransposeBackward1"


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims of ``self`` in place (the same memory, new strides)."""
    A = self._data
    if A.ndim == 0:
        p: list[int] = []
    else:
        d0, d1 = wrap_dim(dim0, A.ndim), wrap_dim(dim1, A.ndim)
        p = list(range(A.ndim))
        p[d0], p[d1] = p[d1], p[d0]
    if GRAD_ENABLED[0] and self._rg:
        if self.grad_fn is None:
            raise leaf_inplace_error()
        check_not_view(self)
        old = graph_handle(self, A)
        self._data = A.transpose(p)
        node = TransposeBackward1.__new__(TransposeBackward1)
        node.inv = tuple(p)
        record(node, self, (old,))
        self._out_idx = 0
    else:
        self._data = A.transpose(p)
    self._bump()
    return self


def tril_(self: Tensor, diagonal: int = 0) -> Tensor:
    """Zero the elements above diagonal ``diagonal``, in place.   ∂L/∂x_old = tril(G)."""
    from .inplace import apply_inplace

    return apply_inplace(self, _tril, diagonal)


def triu_(self: Tensor, diagonal: int = 0) -> Tensor:
    """Zero the elements below diagonal ``diagonal``, in place.   ∂L/∂x_old = triu(G)."""
    from .inplace import apply_inplace

    return apply_inplace(self, _triu, diagonal)


# --- attributes (no gradient) ---------------------------------------------------------------------------

def stride(self: Tensor, dim: int | None = None) -> Any:
    """Steps in elements between neighbours along each dim (a tuple), or along ``dim``."""
    A = self._data
    if A.size == 0:  # an empty tensor reports the contiguous strides of its shape, as PyTorch
        st = tuple(int(np.prod([max(s, 1) for s in A.shape[i + 1:]])) for i in range(A.ndim))
    else:
        st = tuple(s // A.itemsize for s in A.strides)
    if dim is None:
        return st
    return st[wrap_dim(dim, A.ndim)]


def _root(A: np.ndarray) -> np.ndarray:
    """The array that owns the memory (``as_strided`` views keep it one object further down)."""
    while True:
        b = A.base
        if not isinstance(b, np.ndarray):
            b = getattr(b, "base", None)
            if not isinstance(b, np.ndarray):
                return A
        A = b


def _address(A: np.ndarray) -> int:
    return int(A.__array_interface__["data"][0])


def storage_offset(self: Tensor) -> int:
    """Elements between the start of the underlying storage and this tensor's first element."""
    A = self._data
    return (_address(A) - _address(_root(A))) // A.itemsize


def data_ptr(self: Tensor) -> int:
    """The address of the first element."""
    return _address(self._data)


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether the two shapes are equal."""
    _check_tensor("is_same_size", "other", 1, other)
    return input._data.shape == other._data.shape


def is_complex(input: Tensor) -> bool:
    """Whether the dtype is complex (never, in chainrule)."""
    _check_tensor("is_complex", "input", 1, input)
    return input._data.dtype.kind == "c"


def is_signed(input: Tensor) -> bool:
    """Whether the dtype holds negative values (bool and uint8 do not)."""
    _check_tensor("is_signed", "input", 1, input)
    return input._data.dtype.kind in "ifc"


def is_inference(input: Tensor) -> bool:
    """False: chainrule has no inference tensors (``inference_mode`` is ``no_grad``)."""
    _check_tensor("is_inference", "input", 1, input)
    return False


def new_empty_strided(self: Tensor, size: Sequence[int], stride: Sequence[int], *, dtype: Any = None,
                      device: Any = None, requires_grad: bool = False, layout: Any = None,
                      pin_memory: bool = False) -> Tensor:
    """A new tensor with the given shape and element strides (zero-filled), ``self``'s dtype by default."""
    from .._dtype import as_dtype

    sh, st = shape_arg((size,)), shape_arg((stride,))
    if len(sh) != len(st):
        raise RuntimeError("mismatch in length of strides and shape")
    npd = self._data.dtype if dtype is None else as_dtype(dtype).np
    n = 0 if any(s == 0 for s in sh) else 1 + sum((s - 1) * k for s, k in zip(sh, st))
    buf = np.zeros((n,), dtype=npd)
    t = wrap(np.lib.stride_tricks.as_strided(buf, sh, tuple(k * npd.itemsize for k in st)))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _cast_to(npd: Any) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        from .cast import cast

        return cast(self, npd)

    return method


METHODS: dict[str, Any] = {
    "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit, "tensor_split": tensor_split,
    "split_with_sizes": split_with_sizes, "rot90": rot90, "flipud": flipud, "fliplr": fliplr,
    "moveaxis": moveaxis, "select": select, "narrow_copy": narrow_copy, "diag_embed": diag_embed,
    "diagflat": diagflat, "msort": msort, "unique_consecutive": unique_consecutive, "sum_to_size": sum_to_size,
    "unfold": unfold, "fill_diagonal_": fill_diagonal_, "transpose_": transpose_, "swapaxes_": transpose_,
    "swapdims_": transpose_, "tril_": tril_, "triu_": triu_, "stride": stride, "storage_offset": storage_offset,
    "data_ptr": data_ptr, "is_same_size": is_same_size, "is_complex": is_complex, "is_signed": is_signed,
    "is_inference": is_inference, "new_empty_strided": new_empty_strided,
    "short": _cast_to(np.int16), "char": _cast_to(np.int8),
    "nbytes": property(lambda self: int(self._data.nbytes)),
    "itemsize": property(lambda self: int(self._data.itemsize)),
    "is_sparse": property(lambda self: False),
    "is_quantized": property(lambda self: False),
    "is_meta": property(lambda self: False),
}
