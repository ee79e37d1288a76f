"""The products of ``torch`` and ``torch.linalg`` beyond matmul: cross, vecdot, vdot, kron, tensordot, inner,
diagonal, and the BLAS-style fused products addmm, addmv, addr, baddbmm, addbmm.

    cross      c = a × b                    ∂L/∂a = b × G,   ∂L/∂b = G × a
    vdot       s = Σ aᵢbᵢ                    ∂L/∂a = G·b,     ∂L/∂b = G·a
    addmm      Y = β·C + α·A B              ∂L/∂C = β·G,  ∂L/∂A = α·G Bᵀ,  ∂L/∂B = α·Aᵀ G   (addmv, addr,
                                            baddbmm and addbmm are the same with a vector, an outer product,
                                            a batch, and a batch summed)
    kron, tensordot, inner, vecdot, diagonal: composites of recorded ops (their gradients follow).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd.graph import SAVE_INPUTS
from ._util import GRAD_ENABLED, Node, Tensor, arg_type_error, record, wrap


def _tname(a: np.ndarray) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "bool": "Bool"}.get(a.dtype.name, a.dtype.name)


def _T(F: Any, x: Any) -> Any:
    return F.swapaxes(x, -1, -2)


# --- cross, vecdot, vdot, kron, tensordot, inner, diagonal ---------------------------------------------------

class LinalgCrossBackward0(Node):
    """c = a × b.   ∂L/∂a = b × G,   ∂L/∂b = G × a."""

    __slots__ = ("dim",)
    dim: int
    name = "LinalgCrossBackward0"
    saves = SAVE_INPUTS
    cross_saved = True

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        if F.is_tensor:
            return linalg_cross(b, g, dim=self.dim), linalg_cross(g, a, dim=self.dim)
        a, b = np.broadcast_to(a, g.shape), np.broadcast_to(b, g.shape)
        return np.cross(b, g, axis=self.dim), np.cross(g, a, axis=self.dim)


def _cross(fn: str, input: Tensor, other: Tensor, dim: int) -> Tensor:
    from .._dtype import promote_arrays

    if not isinstance(input, Tensor):
        raise arg_type_error(fn.replace(".", "_"), "input", 1, input)
    if not isinstance(other, Tensor):
        raise arg_type_error(fn.replace(".", "_"), "other", 2, other)
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError(f"{fn}: inputs must have the same number of dimensions.")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise RuntimeError(f"{fn}: the size of tensor a must match the size of tensor b (shapes {list(a.shape)} "
                           f"and {list(b.shape)})") from None
    if not -len(shape) <= dim < len(shape):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                         f"but got {dim})")
    d = dim % len(shape)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"{fn}: inputs dimension {dim} must have length 3. Got {a.shape[d]} and {b.shape[d]}")
    if a.dtype != b.dtype:
        dt = promote_arrays(a, b)
        a, b = a.astype(dt), b.astype(dt)
    t = wrap(np.asarray(np.cross(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=d), dtype=a.dtype))
    if GRAD_ENABLED[0] and (input._rg or other._rg):
        node = LinalgCrossBackward0.__new__(LinalgCrossBackward0)
        node.dim = d
        record(node, t, (input, other))
    return t


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1, out: Any = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (broadcast).   ∂L/∂a = b × G,  ∂L/∂b = G × a."""
    return _cross("linalg.cross", input, other, dim)


def cross(input: Tensor, other: Tensor, dim: int | None = None, *, out: Any = None) -> Tensor:
    """``torch.cross``: without ``dim`` the first dimension of size 3 (deprecated in PyTorch: a warning)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, s in enumerate(input._data.shape) if s == 3), -1)
    return _cross("linalg.cross", input, other, dim)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out: Any = None) -> Tensor:
    """Σᵢ xᵢ yᵢ along ``dim`` (broadcast).   ∂/∂x = G y,  ∂/∂y = G x."""
    from .reduction import sum as _sum

    return _sum(x * y, dim=dim)


class VdotBackward0(Node):
    """s = Σ aᵢ bᵢ.   ∂L/∂a = G b,   ∂L/∂b = G a."""

    __slots__ = ()
    name = "VdotBackward0"
    saves = SAVE_INPUTS
    cross_saved = True

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        return g * b, g * a


def vdot(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Σᵢ aᵢ bᵢ of two 1-D tensors (real: the dot product).   ∂L/∂a = G b,  ∂L/∂b = G a."""
    for pos, (nm, v) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(v, Tensor):
            raise arg_type_error("vdot", nm, pos, v)
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                           f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively")
    if a.dtype != b.dtype:
        raise RuntimeError(f"vdot : expected both vectors to have same dtype, but found {_tname(a)} and {_tname(b)}")
    t = wrap(np.asarray(np.dot(a, b), dtype=a.dtype))
    if GRAD_ENABLED[0] and (input._rg or other._rg):
        record(VdotBackward0.__new__(VdotBackward0), t, (input, other))
    return t


class UnsafeViewBackward0(Node):
    """y = reshape(x) of a fresh intermediate (PyTorch's ``_unsafe_view``).   ∂L/∂x = reshape(G, x.shape)."""

    __slots__ = ("shape",)
    shape: tuple[int, ...]
    name = "UnsafeViewBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.reshape(g, self.shape),)


def _unsafe_view(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    t = wrap(x._data.reshape(shape))
    if GRAD_ENABLED[0] and x._rg:
        node = UnsafeViewBackward0.__new__(UnsafeViewBackward0)
        node.shape = x._data.shape
        record(node, t, (x,))
    return t


def kron(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """The Kronecker product: out[i·q + k, j·r + l] = a[i, j] b[k, l] (any number of dimensions)."""
    nd = max(input.dim(), other.dim())
    a = input.reshape((1,) * (nd - input.dim()) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.dim()) + tuple(other.shape))
    sa, sb = tuple(a.shape), tuple(b.shape)
    a_x = a.reshape(tuple(v for s in sa for v in (s, 1)))
    b_x = b.reshape(tuple(v for s in sb for v in (1, s)))
    return _unsafe_view(a_x * b_x, tuple(p * q for p, q in zip(sa, sb)))


def _dims(dims: Any, na: int, nb: int) -> tuple[list[int], list[int]]:
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        d = int(dims)
        if d > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={d}")
        return list(range(na - d, na)), list(range(d))
    da, db = dims
    da = [da] if isinstance(da, int) else list(da)
    db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    return [d % na if na else d for d in da], [d % nb if nb else d for d in db]


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Any = None) -> Tensor:
    """Σ over the paired dimensions ``dims`` of a[…, k…] b[k…, …] (an int n pairs a's last n with b's first n)."""
    from .linalg import matmul

    da, db = _dims(dims, a.dim(), b.dim())
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} and "
                               f"second has size {b.shape[j]} in dim {j}")
    fa = [i for i in range(a.dim()) if i not in da]
    fb = [j for j in range(b.dim()) if j not in db]
    size_c = int(np.prod([a.shape[i] for i in da]))
    A2 = a.permute(*fa, *da).reshape(int(np.prod([a.shape[i] for i in fa])), size_c)
    B2 = b.permute(*db, *fb).reshape(size_c, int(np.prod([b.shape[j] for j in fb])))
    return matmul(A2, B2).reshape(tuple(a.shape[i] for i in fa) + tuple(b.shape[j] for j in fb))


def inner(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Σ over the last dimensions: out[i…, j…] = Σₖ a[i…, k] b[j…, k] (a product when either is 0-d)."""
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, dims=([input.dim() - 1], [other.dim() - 1]))


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The ``offset`` diagonal of the matrices spanned by ``dim1``, ``dim2``, as the last dimension."""
    from .indexing import getitem
    from .shape import movedim

    nd = A.dim()
    d1, d2 = dim1 % nd, dim2 % nd
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    moved = movedim(A, (d1, d2), (-2, -1))
    r, c = moved.shape[-2:]
    k = max(0, min(r - max(-offset, 0), c - max(offset, 0)))
    rows = np.arange(k) + max(-offset, 0)
    cols = np.arange(k) + max(offset, 0)
    return getitem(moved, (Ellipsis, rows, cols))


# --- addmm and friends -------------------------------------------------------------------------------------

class _AddProdBackward(Node):
    """out = β·input + α·(m₁ ∘ m₂) for a bilinear product ∘.   ∂L/∂input = β G, ∂L/∂mᵢ = α ∂(m₁ ∘ m₂)ᵀ G."""

    __slots__ = ("alpha", "beta")
    alpha: Any
    beta: Any
    saves = SAVE_INPUTS
    cross_saved = True

    def prod_back(self, F: Any, g: Any, m1: Any, m2: Any) -> tuple[Any, Any]:
        raise NotImplementedError

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any, Any]:
        _, m1, m2 = x
        g1, g2 = self.prod_back(F, g, m1, m2)
        a, b = self.alpha, self.beta
        if a != 1:
            g1, g2 = g1 * a, g2 * a
        return (g if b == 1 else g * b), g1, g2


class AddmmBackward0(_AddProdBackward):
    """m₁ @ m₂:  ∂/∂m₁ = G m₂ᵀ,  ∂/∂m₂ = m₁ᵀ G."""

    __slots__ = ()
    name = "AddmmBackward0"

    def prod_back(self, F: Any, g: Any, m1: Any, m2: Any) -> tuple[Any, Any]:
        return F.matmul(g, _T(F, m2)), F.matmul(_T(F, m1), g)


class BaddbmmBackward0(AddmmBackward0):
    __slots__ = ()
    name = "BaddbmmBackward0"


class AddbmmBackward0(_AddProdBackward):
    """Σ_b m₁[b] @ m₂[b]:  ∂/∂m₁[b] = G m₂[b]ᵀ,  ∂/∂m₂[b] = m₁[b]ᵀ G."""

    __slots__ = ()
    name = "AddbmmBackward0"

    def prod_back(self, F: Any, g: Any, m1: Any, m2: Any) -> tuple[Any, Any]:
        gb = F.expand_dims(g, 0)
        return F.matmul(gb, _T(F, m2)), F.matmul(_T(F, m1), gb)


class AddmvBackward0(_AddProdBackward):
    """M @ v:  ∂/∂M = G vᵀ,  ∂/∂v = Mᵀ G."""

    __slots__ = ()
    name = "AddmvBackward0"

    def prod_back(self, F: Any, g: Any, m1: Any, m2: Any) -> tuple[Any, Any]:
        return F.expand_dims(g, -1) * F.expand_dims(m2, 0), F.matmul(_T(F, m1), g)


class AddrBackward0(_AddProdBackward):
    """u vᵀ:  ∂/∂u = G v,  ∂/∂v = Gᵀ u."""

    __slots__ = ()
    name = "AddrBackward0"

    def prod_back(self, F: Any, g: Any, m1: Any, m2: Any) -> tuple[Any, Any]:
        return F.matmul(g, m2), F.matmul(_T(F, g), m1)


def _addprod(fn: str, node_cls: type[_AddProdBackward], prod: Callable[[np.ndarray, np.ndarray], np.ndarray],
             input: Any, m1: Any, m2: Any, beta: Any, alpha: Any, check: Callable[[np.ndarray, np.ndarray], None]
             ) -> Tensor:
    for pos, (nm, v) in enumerate((("input", input), ("mat1", m1), ("mat2", m2)), 1):
        if not isinstance(v, Tensor):
            raise arg_type_error(fn, nm, pos, v)
    I, A, B = input._data, m1._data, m2._data
    if not (I.dtype == A.dtype == B.dtype):
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_tname(A)} != {_tname(B)}"
                           if A.dtype != B.dtype else
                           f"self and mat2 must have the same dtype, but got {_tname(I)} and {_tname(B)}")
    check(A, B)
    P = prod(A, B)
    try:
        np.broadcast_shapes(I.shape, P.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({I.shape[-1] if I.ndim else 1}) must match the size of tensor b "
                           f"({P.shape[-1]}) at non-singleton dimension {P.ndim - 1}") from None
    with np.errstate(all="ignore"):
        out = P * alpha if alpha != 1 else P
        if beta != 0:
            out = out + (I * beta if beta != 1 else I)
        else:
            out = np.broadcast_to(out, np.broadcast_shapes(I.shape, P.shape)).copy()
    t = wrap(np.asarray(out, dtype=A.dtype))
    if GRAD_ENABLED[0] and (input._rg or m1._rg or m2._rg):
        node = node_cls.__new__(node_cls)
        node.alpha, node.beta = alpha, beta
        record(node, t, (input, m1, m2))
    return t


def _check_mm(A: np.ndarray, B: np.ndarray) -> None:
    if A.ndim != 2 or B.ndim != 2:
        bad = ("mat1", A.ndim) if A.ndim != 2 else ("mat2", B.ndim)
        raise RuntimeError(f"{bad[0]} must be a matrix, got {bad[1]}-D tensor")
    if A.shape[1] != B.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({A.shape[0]}x{A.shape[1]} and "
                           f"{B.shape[0]}x{B.shape[1]})")


def _check_bmm(A: np.ndarray, B: np.ndarray) -> None:
    if A.ndim != 3 or B.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if A.ndim != 3 else "batch2 must be a 3D tensor")
    if A.shape[0] != B.shape[0] or A.shape[2] != B.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{A.shape[0]}, "
                           f"{A.shape[2]}] but got: [{B.shape[0]}, {B.shape[1]}].")


def _check_mv(A: np.ndarray, v: np.ndarray) -> None:
    if A.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {v.ndim}, {A.ndim}, {v.ndim}")
    if A.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({A.shape[0]}), mat ({A.shape[0]}x{A.shape[1]}), "
                           f"vec ({v.shape[0]})")


def _check_r(u: np.ndarray, v: np.ndarray) -> None:
    if u.ndim != 1 or v.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {u.ndim}-D" if u.ndim != 1 else
                           f"addr: Expected 1-D argument vec2, but got {v.ndim}-D")


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1, out: Any = None) -> Tensor:
    """β·input + α·(mat1 @ mat2) (input broadcast; β = 0 ignores input, NaN included).
    ∂/∂input = β G, ∂/∂mat1 = α G mat2ᵀ, ∂/∂mat2 = α mat1ᵀ G."""
    return _addprod("addmm", AddmmBackward0, np.matmul, input, mat1, mat2, beta, alpha, _check_mm)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1,
            out: Any = None) -> Tensor:
    """β·input + α·(batch1 @ batch2) per batch.   ∂/∂batch1 = α G batch2ᵀ, ∂/∂batch2 = α batch1ᵀ G."""
    return _addprod("baddbmm", BaddbmmBackward0, np.matmul, input, batch1, batch2, beta, alpha, _check_bmm)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1,
           out: Any = None) -> Tensor:
    """β·input + α·Σ_b batch1[b] @ batch2[b].   ∂/∂batch1[b] = α G batch2[b]ᵀ, ∂/∂batch2[b] = α batch1[b]ᵀ G."""
    return _addprod("addbmm", AddbmmBackward0, lambda a, b: np.matmul(a, b).sum(0), input, batch1, batch2, beta,
                    alpha, _check_bmm)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1, out: Any = None) -> Tensor:
    """β·input + α·(mat @ vec).   ∂/∂mat = α G vecᵀ, ∂/∂vec = α matᵀ G."""
    return _addprod("addmv", AddmvBackward0, np.matmul, input, mat, vec, beta, alpha, _check_mv)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1, out: Any = None) -> Tensor:
    """β·input + α·(vec1 ⊗ vec2).   ∂/∂vec1 = α G vec2, ∂/∂vec2 = α Gᵀ vec1."""
    return _addprod("addr", AddrBackward0, np.outer, input, vec1, vec2, beta, alpha, _check_r)
