"""``chainrule.linalg``: the parts of ``torch.linalg`` that course code reaches for.

    vector_norm(x, ord=2, dim=None, keepdim=False)   ‖x‖_ord over ``dim`` (all elements by default)
    matrix_norm(A, ord='fro', dim=(-2, -1))          Frobenius norm √Σ a²
    norm(x, ord=None, dim=None)                       vector_norm of a vector or of all elements,
                                                      'fro' for a matrix when ord is 'fro'
    inv(A)      A⁻¹                 ∂L/∂A = −A⁻ᵀ G A⁻ᵀ
    det(A)      det A               ∂L/∂A = G · det A · A⁻ᵀ
    solve(A, B) X with A X = B      ∂L/∂B = A⁻ᵀ G,   ∂L/∂A = −(A⁻ᵀ G) Xᵀ

The norms are the recorded ``norm`` op (so every derivative order works); inv, det and solve are nodes
whose backward formulas are written with the same ops, so they are differentiable again too.
Batched inputs (…, n, n) work throughout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd.graph import SAVE_INPUTS, SAVE_OUTPUT, Node
from .ops._util import GRAD_ENABLED, Tensor, arg_type_error, record, wrap
from .ops.reduction import norm as _norm

__all__ = ["vector_norm", "matrix_norm", "norm", "inv", "det", "solve", "LinAlgError"]


class LinAlgError(RuntimeError):
    """A singular matrix (PyTorch's ``torch.linalg.LinAlgError``, also a RuntimeError)."""


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """‖x‖_ord = (Σ |x|^ord)^(1/ord) over ``dim`` (inf: max |x|, −inf: min |x|, 0: count of non-zeros)."""
    return _norm(x, ord, dim, keepdim, dtype)


def matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """The Frobenius norm √(Σᵢⱼ aᵢⱼ²) over the two dimensions ``dim``."""
    if ord != "fro":
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} is not supported by chainrule (only 'fro')")
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    return _norm(A, 2, dim, keepdim, dtype)


def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``torch.linalg.norm``: the 2-norm of all elements when ``ord`` and ``dim`` are None; a vector norm
    for a number ``ord``; the Frobenius norm for ``ord='fro'``."""
    if ord is None or ord == "fro":
        return _norm(A, 2, dim, keepdim, dtype)
    if isinstance(ord, str):
        raise NotImplementedError(f"linalg.norm: ord={ord!r} is not supported by chainrule")
    if A.dim() == 2 and dim is None:
        raise NotImplementedError("linalg.norm: matrix norms other than 'fro' are not supported by chainrule")
    return _norm(A, ord, dim, keepdim, dtype)


def _square(fn: str, A: Any) -> np.ndarray:
    if not isinstance(A, Tensor):
        raise arg_type_error(f"linalg_{fn}", "A", 1, A)
    M = A._data
    if M.ndim < 2:
        raise RuntimeError(f"linalg.{fn}: The input tensor A must have at least 2 dimensions.")
    if M.shape[-1] != M.shape[-2]:
        raise RuntimeError(f"linalg.{fn}: A must be batches of square matrices, but they are {M.shape[-2]} by "
                           f"{M.shape[-1]} matrices")
    if M.dtype.kind != "f":
        raise RuntimeError(f"linalg.{fn}: Expected a floating point or complex tensor as input. Got {M.dtype}")
    return M


def _mT(x: Tensor) -> Tensor:
    return x.transpose(-2, -1)


class LinalgInvExBackward0(Node):
    """Y = A⁻¹.   ∂L/∂A = −Yᵀ G Yᵀ."""

    __slots__ = ()
    name = "LinalgInvExBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        yt = F.swapaxes(y, -1, -2)
        return (-F.matmul(F.matmul(yt, g), yt),)


def inv(A: Tensor) -> Tensor:
    """A⁻¹ (batched); a singular matrix raises PyTorch's error."""
    M = _square("inv", A)
    try:
        out = np.linalg.inv(M)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.inv: The diagonal element 1 is zero, the inversion could not be completed "
                           "because the input matrix is singular.") from None
    t = wrap(out)
    if GRAD_ENABLED[0] and A._rg:
        record(LinalgInvExBackward0.__new__(LinalgInvExBackward0), t, (A,))
    return t


class LinalgDetBackward0(Node):
    """d = det A.   ∂L/∂A = G · d · A⁻ᵀ  (for invertible A)."""

    __slots__ = ()
    name = "LinalgDetBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        a = x[0]
        a_inv_t = F.swapaxes(inv(a) if F.is_tensor else np.linalg.inv(a), -1, -2)
        scale = F.expand_dims(F.expand_dims(g * y, -1), -1)
        return (scale * a_inv_t,)


def det(A: Tensor) -> Tensor:
    """det A (batched)."""
    M = _square("det", A)
    t = wrap(np.asarray(np.linalg.det(M), dtype=M.dtype))
    if GRAD_ENABLED[0] and A._rg:
        record(LinalgDetBackward0.__new__(LinalgDetBackward0), t, (A,))
    return t


class LinalgSolveExBackward0(Node):
    """X = A⁻¹ B.   ∂L/∂B = A⁻ᵀ G,   ∂L/∂A = −(A⁻ᵀ G) Xᵀ."""

    __slots__ = ("vector",)
    vector: bool
    name = "LinalgSolveExBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a = x[0]
        at = F.swapaxes(a, -1, -2)
        if self.vector:  # B and X are vectors: work with them as one-column matrices
            g = F.expand_dims(g, -1)
            y = F.expand_dims(y, -1)
        gb = solve(at, g) if F.is_tensor else np.linalg.solve(at, g)
        ga = -F.matmul(gb, F.swapaxes(y, -1, -2))
        if self.vector:
            gb = F.reshape(gb, tuple(gb.shape[:-1]))
        return ga, gb


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (B a vector or a matrix, batched); a singular A raises PyTorch's error."""
    if not left:
        raise NotImplementedError("linalg.solve(left=False) is not supported by chainrule")
    M = _square("solve", A)
    if not isinstance(B, Tensor):
        raise arg_type_error("linalg_solve", "B", 2, B)
    R = B._data
    if R.dtype != M.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{_tname(M)} and B of type {_tname(R)} instead.")
    vector = R.ndim == M.ndim - 1
    try:
        out = np.linalg.solve(M, R[..., None])[..., 0] if vector else np.linalg.solve(M, R)
    except np.linalg.LinAlgError:
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
    t = wrap(np.asarray(out, dtype=M.dtype))
    if GRAD_ENABLED[0] and (A._rg or B._rg):
        node = LinalgSolveExBackward0.__new__(LinalgSolveExBackward0)
        node.vector = vector
        record(node, t, (A, B))
    return t


def _tname(a: np.ndarray) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half"}.get(a.dtype.name, a.dtype.name)


# decompositions and the rest of torch.linalg (chainrule/ops/decompositions.py)
from .ops import decompositions as _decompositions  # noqa: E402

globals().update(_decompositions.LINALG)
__all__ += list(_decompositions.LINALG)

# ``out=``: written into the given tensor(s), never silently ignored (chainrule/ops/_out.py)
from .ops._out import with_out as _with_out  # noqa: E402

for _name in __all__:
    if callable(globals()[_name]) and _name != "LinAlgError":
        globals()[_name] = _with_out(globals()[_name])
