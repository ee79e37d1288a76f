"""Matrix decompositions and the rest of ``torch.linalg`` (the products — cross, kron, addmm … — are in products.py).

Every function is batched over leading dimensions and works in float32 and float64. The decompositions
are nodes whose backward formulas are written with differentiable ops (matmul, triangular solves, the
decompositions' own outputs), so a ``create_graph`` pass records them and second derivatives work.
Notation: G (or ḡ) is the incoming gradient of an output, ᵀ the transpose of the last two dimensions,
∘ the elementwise product, Φ(X) the lower triangle of X with its diagonal halved.

    cholesky   A = L Lᵀ          ∂L/∂A = sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹)
    eigh       A = V diag(w) Vᵀ  ∂L/∂A = V (diag(ḡw) + E ∘ (Vᵀ ḡV)) Vᵀ,   Eᵢⱼ = 1/(wⱼ − wᵢ)  (i ≠ j)
    svd        A = U diag(s) Vᵀ  ∂L/∂A = U [diag(ḡs) + (F∘(UᵀḡU − ḡUᵀU)) S + S (F∘(VᵀḡV − ḡVᵀV))] Vᵀ
                                         + (I − UUᵀ) ḡU S⁻¹ Vᵀ + U S⁻¹ ḡVᵀ (I − VVᵀ),  Fᵢⱼ = 1/(sⱼ² − sᵢ²)
    qr         A = Q R  (m ≥ n)  ∂L/∂A = (ḡQ + Q copyltu(M)) R⁻ᵀ,   M = R ḡRᵀ − ḡQᵀ Q
    slogdet    log|det A|        ∂L/∂A = ḡ A⁻ᵀ
    solve_triangular  X = A⁻¹B   ∂L/∂B = A⁻ᵀ G,   ∂L/∂A = −(A⁻ᵀ G) Xᵀ restricted to A's triangle
    pinv       P = A⁺            ∂L/∂A = −Pᵀ G Pᵀ + (I − A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I − P A)
    lstsq      X = A⁺ B          ∂L/∂B = A⁺ᵀ G,   ∂L/∂A = the pinv formula with G Bᵀ
    matrix_exp Y = eᴬ            ∂L/∂A = the upper right block of exp([[Aᵀ, G], [0, Aᵀ]])

SVD and eigh gradients are undefined when singular values / eigenvalues repeat (as in PyTorch).
``torch.linalg.eig`` / ``eigvals`` return complex tensors, which chainrule does not have: they are absent.
"""

from __future__ import annotations

import warnings
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd.graph import SAVE_INPUTS, SAVE_OUTPUT
from ._util import GRAD_ENABLED, Node, Tensor, arg_type_error, record, wrap
from .products import (  # noqa: F401  (re-exported: __all__, LINALG and METHODS list them)
    _T,
    _tname,
    addbmm,
    addmm,
    addmv,
    addr,
    baddbmm,
    cross,
    diagonal,
    inner,
    kron,
    linalg_cross,
    tensordot,
    vdot,
    vecdot,
)

__all__: list[str] = [
    "det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "qr", "svd", "matrix_power", "matrix_exp",
    "cross", "kron", "tensordot", "inner", "vdot", "ger", "addmm", "addmv", "addr", "baddbmm", "addbmm",
    "chain_matmul",
]


# --- named results (torch.return_types.*) ------------------------------------------------------------------

def _result_type(name: str, fields: list[str]) -> type:
    base = namedtuple(f"_{name}", fields)  # type: ignore[misc]

    def __repr__(self: Any) -> str:
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{body})"

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": "torch.return_types"})


_LinalgSvd = _result_type("linalg_svd", ["U", "S", "Vh"])
_Svd = _result_type("svd", ["U", "S", "V"])
_LinalgQr = _result_type("linalg_qr", ["Q", "R"])
_Qr = _result_type("qr", ["Q", "R"])
_LinalgEigh = _result_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
_LinalgSlogdet = _result_type("linalg_slogdet", ["sign", "logabsdet"])
_Slogdet = _result_type("slogdet", ["sign", "logabsdet"])
_LinalgLstsq = _result_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


# --- helpers -----------------------------------------------------------------------------------------------

def _matrix(fn: str, A: Any, square: bool = False, arg: str = "A") -> np.ndarray:
    if not isinstance(A, Tensor):
        raise arg_type_error(f"linalg_{fn}", arg, 1, A)
    M = A._data
    if M.ndim < 2:
        raise RuntimeError(f"linalg.{fn}: The input tensor {arg} must have at least 2 dimensions.")
    if square and M.shape[-1] != M.shape[-2]:
        raise RuntimeError(f"linalg.{fn}: {arg} must be batches of square matrices, but they are {M.shape[-2]} by "
                           f"{M.shape[-1]} matrices")
    if M.dtype.kind != "f":
        raise RuntimeError(f"linalg.{fn}: Expected a floating point or complex tensor as input. Got {_tname(M)}")
    return M


def _record_multi(node: Node, outs: Sequence[Tensor], inputs: tuple[Tensor, ...]) -> None:
    """Record a node with several outputs: output k is ``node``'s output ``k`` (its ``_out_idx``)."""
    record(node, outs[0], inputs)
    node.out = tuple(o._data for o in outs)
    for k, o in enumerate(outs[1:], 1):
        o.grad_fn = node
        o._rg = True
        o._out_idx = k
        o._vc = [0]


class _MultiNode(Node):
    """A node with ``n_outputs`` outputs; ``outputs(F)`` gives them as arrays or as graph tensors."""

    __slots__ = ("attrs",)
    attrs: dict[str, Any]
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def outputs(self, F: Any) -> list[Any]:
        if F.is_tensor:
            return [Tensor._from_node(self, k) for k in range(self.n_outputs)]
        return list(self.out)


def _new(cls: type[Node], **attrs: Any) -> Any:
    node = cls.__new__(cls)
    node.attrs = attrs  # type: ignore[attr-defined]
    return node


def _eye(F: Any, n: int, like: Any) -> Any:
    return F.const(np.eye(n), like)


def _diag_embed(F: Any, v: Any) -> Any:
    return F.expand_dims(v, -1) * _eye(F, v.shape[-1], v)


def _diag(F: Any, X: Any) -> Any:
    return F.sum(X * _eye(F, X.shape[-1], X), axis=-1)


def _tril(F: Any, X: Any, k: int = 0) -> Any:
    return X * F.const(np.tri(X.shape[-2], X.shape[-1], k), X)


def _triu(F: Any, X: Any, k: int = 0) -> Any:
    return X * F.const(1.0 - np.tri(X.shape[-2], X.shape[-1], k - 1), X)


def _inv(F: Any, A: Any) -> Any:
    if F.is_tensor:
        return _linalg.inv(A)
    return np.linalg.inv(A)


def _trisolve(F: Any, A: Any, B: Any, upper: bool, left: bool = True) -> Any:
    if F.is_tensor:
        return solve_triangular(A, B, upper=upper, left=left)
    return _trisolve_array(A, B, upper, left, False)


def _pair_dtype(fn: str, a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(f"{fn}: Expected A and B to have the same dtype, but found A of type {_tname(a)} and B "
                           f"of type {_tname(b)} instead.")


# --- cholesky ----------------------------------------------------------------------------------------------

class LinalgCholeskyExBackward0(Node):
    """A = L Lᵀ.   ∂L/∂A = sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹), Φ = lower triangle with the diagonal halved (upper: L = Uᵀ)."""

    __slots__ = ("upper",)
    upper: bool
    name = "LinalgCholeskyExBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        L, G = (_T(F, y), _T(F, g)) if self.upper else (y, g)
        P = F.matmul(_T(F, L), G)
        P = _tril(F, P, -1) + 0.5 * _diag_embed(F, _diag(F, P))
        S = _trisolve(F, _T(F, L), _trisolve(F, L, P, upper=False, left=False), upper=True)
        return (0.5 * (S + _T(F, S)),)


class CholeskyBackward0(LinalgCholeskyExBackward0):
    __slots__ = ()
    name = "CholeskyBackward0"


def _cholesky(fn: str, A: Tensor, upper: bool, node_cls: type[LinalgCholeskyExBackward0]) -> Tensor:
    M = _matrix(fn, A, square=True)
    try:
        L = np.linalg.cholesky(M)
    except np.linalg.LinAlgError:
        raise _linalg.LinAlgError(_not_pd(fn, M)) from None
    if upper:
        L = np.ascontiguousarray(np.swapaxes(L, -1, -2))
    t = wrap(L)
    if GRAD_ENABLED[0] and A._rg:
        node = node_cls.__new__(node_cls)
        node.upper = upper
        record(node, t, (A,))
    return t


def _not_pd(fn: str, M: np.ndarray) -> str:
    flat = M.reshape(-1, *M.shape[-2:])
    for b, m in enumerate(flat):
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                where = f"(Batch element {b}): " if M.ndim > 2 else ""
                return (f"linalg.cholesky: {where}The factorization could not be completed because the input is not "
                        f"positive-definite (the leading minor of order {k} is not positive-definite).")
    return "linalg.cholesky: The factorization could not be completed because the input is not positive-definite."


def linalg_cholesky(A: Tensor, *, upper: bool = False, out: Any = None) -> Tensor:
    """L lower triangular with A = L Lᵀ (U = Lᵀ with ``upper=True``); a non positive-definite A raises
    ``LinAlgError``. ∂L/∂A = sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹)."""
    return _cholesky("cholesky", A, upper, LinalgCholeskyExBackward0)


def cholesky(input: Tensor, upper: bool = False, *, out: Any = None) -> Tensor:
    """``torch.cholesky`` (deprecated in PyTorch for ``torch.linalg.cholesky``): the same factor."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
                  "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\n"
                  "U = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results for all valid "
                  "(symmetric positive definite) inputs.", UserWarning, stacklevel=2)
    return _cholesky("cholesky", input, upper, CholeskyBackward0)


# --- eigh --------------------------------------------------------------------------------------------------

class LinalgEighBackward0(_MultiNode):
    """A = V diag(w) Vᵀ.   ∂L/∂A = sym(V (diag(ḡw) + E ∘ (Vᵀ ḡV)) Vᵀ),  Eᵢⱼ = 1/(wⱼ − wᵢ) off the diagonal."""

    __slots__ = ()
    name = "LinalgEighBackward0"
    n_outputs = 2

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        w, V = self.outputs(F)
        gw, gV = g
        inner = _diag_embed(F, gw) if gw is not None else None
        if gV is not None:
            I = _eye(F, w.shape[-1], w)  # noqa: E741
            diff = F.expand_dims(w, -2) - F.expand_dims(w, -1) + I
            E = (F.one_minus(I)) / diff
            term = E * F.matmul(_T(F, V), gV)
            inner = term if inner is None else inner + term
        if inner is None:
            return (None,)
        gA = F.matmul(F.matmul(V, inner), _T(F, V))
        return (0.5 * (gA + _T(F, gA)),)  # A is symmetric: the symmetric part (as PyTorch)


def eigh(A: Tensor, UPLO: str = "L", *, out: Any = None) -> Any:
    """(eigenvalues ascending, eigenvectors as columns) of a symmetric matrix, read from its lower
    (``UPLO='L'``) or upper triangle.   ∂L/∂A = V (diag(ḡw) + E ∘ (Vᵀ ḡV)) Vᵀ."""
    M = _matrix("eigh", A, square=True)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    w, V = np.linalg.eigh(M, UPLO=UPLO)  # type: ignore[call-overload]
    outs = [wrap(np.asarray(w, dtype=M.dtype)), wrap(np.asarray(V, dtype=M.dtype))]
    if GRAD_ENABLED[0] and A._rg:
        _record_multi(_new(LinalgEighBackward0), outs, (A,))
    return _LinalgEigh(*outs)


def eigvalsh(A: Tensor, UPLO: str = "L", *, out: Any = None) -> Tensor:
    """The eigenvalues (ascending) of a symmetric matrix.   ∂L/∂A = V diag(ḡ) Vᵀ."""
    return eigh(A, UPLO).eigenvalues


# --- svd ---------------------------------------------------------------------------------------------------

class LinalgSvdBackward0(_MultiNode):
    """A = U diag(s) Vᵀ (reduced to k = min(m, n) columns; the extra columns of full U/V get no gradient).
    ∂L/∂A = U [diag(ḡs) + (F∘(UᵀḡU − ḡUᵀU)) S + S (F∘(VᵀḡV − ḡVᵀV))] Vᵀ
            + (I − UUᵀ) ḡU S⁻¹ Vᵀ + U S⁻¹ ḡVᵀ (I − VVᵀ),   Fᵢⱼ = 1/(sⱼ² − sᵢ²) off the diagonal."""

    __slots__ = ()
    name = "LinalgSvdBackward0"
    n_outputs = 3

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        U, S, Vh = self.outputs(F)
        gU, gS, gVh = g
        k = S.shape[-1]
        m, n = U.shape[-2], Vh.shape[-1]
        if U.shape[-1] != k:  # full_matrices: only the first k singular vectors enter A
            U = F.getitem(U, (Ellipsis, slice(0, k)))
            gU = None if gU is None else F.getitem(gU, (Ellipsis, slice(0, k)))
        if Vh.shape[-2] != k:
            Vh = F.getitem(Vh, (Ellipsis, slice(0, k), slice(None)))
            gVh = None if gVh is None else F.getitem(gVh, (Ellipsis, slice(0, k), slice(None)))
        if gU is None and gVh is None:
            if gS is None:
                return (None,)
            return (F.matmul(U * F.expand_dims(gS, -2), Vh),)
        I = _eye(F, k, S)  # noqa: E741
        S2 = S * S
        Finv = F.one_minus(I) / (F.expand_dims(S2, -2) - F.expand_dims(S2, -1) + I)
        inner = _diag_embed(F, gS) if gS is not None else None
        tail = None
        if gU is not None:
            UtgU = F.matmul(_T(F, U), gU)
            term = (Finv * (UtgU - _T(F, UtgU))) * F.expand_dims(S, -2)
            inner = term if inner is None else inner + term
            if m > k:
                tail = F.matmul((gU - F.matmul(U, UtgU)) / F.expand_dims(S, -2), Vh)
        if gVh is not None:
            gV = _T(F, gVh)
            VtgV = F.matmul(Vh, gV)
            term = F.expand_dims(S, -1) * (Finv * (VtgV - _T(F, VtgV)))
            inner = term + inner
            if n > k:
                part = F.matmul(U, (gVh - F.matmul(_T(F, VtgV), Vh)) / F.expand_dims(S, -1))
                tail = part if tail is None else tail + part
        gA = F.matmul(F.matmul(U, inner), Vh)
        return (gA if tail is None else gA + tail,)


def _svd(A: Tensor, full_matrices: bool, fn: str = "svd") -> list[Tensor]:
    M = _matrix(fn, A)
    U, S, Vh = np.linalg.svd(M, full_matrices=full_matrices)
    outs = [wrap(np.asarray(U, dtype=M.dtype)), wrap(np.asarray(S, dtype=M.dtype)),
            wrap(np.asarray(Vh, dtype=M.dtype))]
    if GRAD_ENABLED[0] and A._rg:
        _record_multi(_new(LinalgSvdBackward0), outs, (A,))
    return outs


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None, out: Any = None) -> Any:
    """(U, S, Vh) with A = U diag(S) Vh, S descending; gradients need distinct singular values (see the
    module docstring for the formula)."""
    return _LinalgSvd(*_svd(A, full_matrices))


def svdvals(A: Tensor, *, driver: Any = None, out: Any = None) -> Tensor:
    """The singular values, descending.   ∂L/∂A = U diag(ḡ) Vᵀ."""
    return _svd(A, False, "svdvals")[1]


def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out: Any = None) -> Any:
    """``torch.svd``: (U, S, V) with A = U diag(S) Vᵀ — V, not Vh; ``compute_uv=False`` gives zero U and V."""
    if not compute_uv:
        S = svdvals(input)
        m, n = input._data.shape[-2:]
        batch = input._data.shape[:-2]
        dt = input._data.dtype
        return _Svd(wrap(np.zeros((*batch, m, m), dt)), S, wrap(np.zeros((*batch, n, n), dt)))
    U, S, Vh = _svd(input, not some)
    return _Svd(U, S, Vh.transpose(-2, -1))


# --- qr ----------------------------------------------------------------------------------------------------

class LinalgQrBackward0(_MultiNode):
    """A = Q R.  m ≥ n: ∂L/∂A = (ḡQ + Q copyltu(M)) R⁻ᵀ with M = R ḡRᵀ − ḡQᵀ Q, copyltu(M) the symmetric
    matrix with M's lower triangle.  m < n, A = [X | Y], R = [U | V]: ∂L/∂Y = Q ḡV and ∂L/∂X is the square
    formula with ḡQ + Y ḡVᵀ."""

    __slots__ = ()
    name = "LinalgQrBackward0"
    n_outputs = 2

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        mode = self.attrs["mode"]
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through linalg.qr.")
        Q, R = self.outputs(F)
        gQ, gR = g
        m, n = Q.shape[-2], R.shape[-1]
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if gQ is None:
            gQ = F.zeros_like(Q)
        if gR is None:
            gR = F.zeros_like(R)
        if m >= n:
            return (_qr_square_back(F, Q, R, gQ, gR),)
        A = x[0]
        Y = F.getitem(A, (Ellipsis, slice(None), slice(m, None)))
        U = F.getitem(R, (Ellipsis, slice(None), slice(0, m)))
        gU = F.getitem(gR, (Ellipsis, slice(None), slice(0, m)))
        gV = F.getitem(gR, (Ellipsis, slice(None), slice(m, None)))
        gX = _qr_square_back(F, Q, U, gQ + F.matmul(Y, _T(F, gV)), gU)
        return (F.concatenate([gX, F.matmul(Q, gV)], axis=-1),)


def _qr_square_back(F: Any, Q: Any, R: Any, gQ: Any, gR: Any) -> Any:
    M = F.matmul(R, _T(F, gR)) - F.matmul(_T(F, gQ), Q)
    sym = _tril(F, M) + _T(F, _tril(F, M, -1))
    B = gQ + F.matmul(Q, sym)
    return _trisolve(F, _T(F, R), B, upper=False, left=False)


def _qr(A: Tensor, mode: str, fn: str = "qr") -> list[Tensor]:
    M = _matrix(fn, A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    Q, R = np.linalg.qr(M, mode="complete" if mode == "complete" else "reduced")
    Q = np.asarray(Q, dtype=M.dtype)
    R = np.asarray(R, dtype=M.dtype)
    if mode == "r":
        Q = np.zeros((0,), dtype=M.dtype)
    outs = [wrap(Q), wrap(R)]
    if GRAD_ENABLED[0] and A._rg:
        _record_multi(_new(LinalgQrBackward0, mode=mode), outs, (A,))
    return outs


def linalg_qr(A: Tensor, mode: str = "reduced", *, out: Any = None) -> Any:
    """(Q, R) with A = Q R, Q with orthonormal columns, R upper triangular (LAPACK's signs);
    ``mode='r'`` returns an empty Q. Gradient: see the class docstring of ``LinalgQrBackward0``."""
    return _LinalgQr(*_qr(A, mode))


def qr(input: Tensor, some: bool = True, *, out: Any = None) -> Any:
    """``torch.qr`` (deprecated in PyTorch): ``linalg.qr(A, 'reduced' if some else 'complete')``."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
                  "Q, R = torch.qr(A, some)\nshould be replaced with\n"
                  "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')", UserWarning, stacklevel=2)
    return _Qr(*_qr(input, "reduced" if some else "complete"))


# --- slogdet, logdet ---------------------------------------------------------------------------------------

class LinalgSlogdetBackward0(_MultiNode):
    """(sign, log|det A|).   ∂L/∂A = ḡ A⁻ᵀ (the sign is piecewise constant: no gradient)."""

    __slots__ = ()
    name = "LinalgSlogdetBackward0"
    n_outputs = 2

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        gl = g[1]
        if gl is None:
            return (None,)
        return (F.expand_dims(F.expand_dims(gl, -1), -1) * _T(F, _inv(F, x[0])),)


def _slogdet(A: Tensor, fn: str = "slogdet") -> list[Tensor]:
    M = _matrix(fn, A, square=True)
    sign, logabs = np.linalg.slogdet(M)
    outs = [wrap(np.asarray(sign, dtype=M.dtype)), wrap(np.asarray(logabs, dtype=M.dtype))]
    if GRAD_ENABLED[0] and A._rg:
        _record_multi(_new(LinalgSlogdetBackward0), outs, (A,))
    return outs


def linalg_slogdet(A: Tensor, *, out: Any = None) -> Any:
    """(sign det A, log |det A|); a singular A gives (0, −inf).   ∂ log|det A| / ∂A = A⁻ᵀ."""
    return _LinalgSlogdet(*_slogdet(A))


def slogdet(input: Tensor, *, out: Any = None) -> Any:
    """``torch.slogdet``: (sign, logabsdet) as ``torch.linalg.slogdet``."""
    return _Slogdet(*_slogdet(input))


def logdet(input: Tensor) -> Tensor:
    """log det A: NaN when det A < 0, −inf when singular.   ∂/∂A = A⁻ᵀ."""
    from .selection import where

    sign, logabs = _slogdet(input, "logdet")
    return where(sign < 0, float("nan"), logabs)


# --- solve_triangular --------------------------------------------------------------------------------------

def _trisolve_array(A: np.ndarray, B: np.ndarray, upper: bool, left: bool, unit: bool) -> np.ndarray:
    T = np.triu(A) if upper else np.tril(A)
    if unit:
        n = A.shape[-1]
        T = T * (1 - np.eye(n, dtype=A.dtype)) + np.eye(n, dtype=A.dtype)
    if not left:  # X T = B  <=>  Tᵀ Xᵀ = Bᵀ
        T = np.swapaxes(T, -1, -2)
        B = np.swapaxes(B, -1, -2)
    batch = np.broadcast_shapes(T.shape[:-2], B.shape[:-2])
    T = np.broadcast_to(T, batch + T.shape[-2:])
    B = np.broadcast_to(B, batch + B.shape[-2:])
    with np.errstate(all="ignore"):
        try:
            X = np.linalg.solve(T, B)
        except np.linalg.LinAlgError:  # a zero on the diagonal: LAPACK's trsm gives inf/nan, as PyTorch
            X = _substitute(T, B, upper != (not left))
    X = np.asarray(X, dtype=A.dtype)
    return np.ascontiguousarray(np.swapaxes(X, -1, -2)) if not left else X


def _substitute(T: np.ndarray, B: np.ndarray, upper: bool) -> np.ndarray:
    n = T.shape[-1]
    X = np.zeros(np.broadcast_shapes(T.shape[:-1], B.shape[:-1]) + B.shape[-1:], dtype=B.dtype)
    order = range(n - 1, -1, -1) if upper else range(n)
    for i in order:
        acc = B[..., i, :] - np.einsum("...j,...jk->...k", T[..., i, :], X)
        X[..., i, :] = acc / T[..., i, i, None]
    return X


class LinalgSolveTriangularBackward0(Node):
    """X = A⁻¹ B (left) or B A⁻¹.   left: ∂L/∂B = A⁻ᵀ G, ∂L/∂A = −(A⁻ᵀ G) Xᵀ;  right: ∂L/∂B = G A⁻ᵀ,
    ∂L/∂A = −Xᵀ (G A⁻ᵀ); ∂L/∂A is kept on A's triangle (strictly, for a unit triangle)."""

    __slots__ = ("upper", "left", "unit")
    upper: bool
    left: bool
    unit: bool
    name = "LinalgSolveTriangularBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        A = x[0]
        At = _T(F, A)
        gB: Any
        if F.is_tensor:
            gB = solve_triangular(At, g, upper=not self.upper, left=self.left, unitriangular=self.unit)
        else:
            gB = _trisolve_array(At, g, not self.upper, self.left, self.unit)
        gA = -(F.matmul(gB, _T(F, y)) if self.left else F.matmul(_T(F, y), gB))
        k = 1 if self.unit else 0
        gA = _triu(F, gA, k) if self.upper else _tril(F, gA, -k)
        return gA, gB


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False,
                     out: Any = None) -> Tensor:
    """X with A X = B (``left``) or X A = B, A triangular (only its ``upper``/lower triangle is read; a unit
    diagonal is assumed with ``unitriangular``). Gradient: see ``LinalgSolveTriangularBackward0``."""
    M = _matrix("solve_triangular", A, square=True)
    if not isinstance(B, Tensor):
        raise arg_type_error("linalg_solve_triangular", "B", 2, B)
    R = B._data
    if R.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    _pair_dtype("linalg.solve_triangular", M, R)
    n = M.shape[-1]
    if (R.shape[-2] if left else R.shape[-1]) != n:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({M.shape[-2]}x{n} and {R.shape[-2]}x{R.shape[-1]})")
    t = wrap(_trisolve_array(M, R, upper, left, unitriangular))
    if GRAD_ENABLED[0] and (A._rg or B._rg):
        node = LinalgSolveTriangularBackward0.__new__(LinalgSolveTriangularBackward0)
        node.upper, node.left, node.unit = upper, left, unitriangular
        record(node, t, (A, B))
    return t


# --- pinv, lstsq, matrix_rank, cond ------------------------------------------------------------------------

def _tolerance(S: np.ndarray, m: int, n: int, atol: Any, rtol: Any) -> np.ndarray:
    """max(atol, rtol·σ₁) per matrix; rtol defaults to eps·max(m, n) when neither is given, else to 0."""
    dt = S.dtype

    def val(v: Any) -> np.ndarray:
        return np.asarray(v._data if isinstance(v, Tensor) else v, dtype=dt)

    if rtol is None:
        rtol = np.finfo(dt).eps * max(m, n) if atol is None or np.all(val(atol) <= 0) else 0.0
    smax = S[..., :1] if S.shape[-1] else np.zeros(S.shape[:-1] + (1,), dt)
    a = val(0.0 if atol is None else atol)
    return np.maximum(a[..., None] if a.ndim else a, val(rtol)[..., None] * smax if val(rtol).ndim
                      else val(rtol) * smax)


def _pinv_array(M: np.ndarray, atol: Any, rtol: Any, hermitian: bool) -> np.ndarray:
    m, n = M.shape[-2:]
    if hermitian:
        w, V = np.linalg.eigh(M)
        mag = np.abs(w)
        order = np.argsort(-mag, axis=-1)
        tol = _tolerance(np.take_along_axis(mag, order, -1), m, n, atol, rtol)
        inv = np.where(mag > tol, 1 / np.where(mag > tol, w, 1), 0)
        return np.asarray((V * inv[..., None, :]) @ np.swapaxes(V, -1, -2), dtype=M.dtype)
    U, S, Vh = np.linalg.svd(M, full_matrices=False)
    tol = _tolerance(S, m, n, atol, rtol)
    inv = np.where(S > tol, 1 / np.where(S > tol, S, 1), 0)
    return np.asarray(np.swapaxes(Vh, -1, -2) @ (inv[..., :, None] * np.swapaxes(U, -1, -2)), dtype=M.dtype)


def _pinv_back(F: Any, A: Any, P: Any, gP: Any) -> Any:
    """−Pᵀ G Pᵀ + (I − A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I − P A)  (the derivative of A⁺ at constant rank)."""
    Pt, Gt = _T(F, P), _T(F, gP)
    first = -F.matmul(F.matmul(Pt, gP), Pt)
    X = F.matmul(Gt, F.matmul(P, Pt))
    Y = F.matmul(F.matmul(Pt, P), Gt)
    return first + X - F.matmul(A, F.matmul(P, X)) + Y - F.matmul(F.matmul(Y, P), A)


class LinalgPinvBackward0(Node):
    """P = A⁺.   ∂L/∂A = −Pᵀ G Pᵀ + (I − A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I − P A)."""

    __slots__ = ()
    name = "LinalgPinvBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (_pinv_back(F, x[0], y, g),)


def pinv(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False, out: Any = None) -> Tensor:
    """The Moore–Penrose pseudo-inverse: singular values ≤ max(atol, rtol·σ₁) are treated as zero
    (rtol defaults to eps·max(m, n)). ∂L/∂A = −Pᵀ G Pᵀ + (I − A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I − P A)."""
    M = _matrix("pinv", A)
    t = wrap(_pinv_array(M, atol, rtol, hermitian))
    if GRAD_ENABLED[0] and A._rg:
        record(LinalgPinvBackward0.__new__(LinalgPinvBackward0), t, (A,))
    return t


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """``torch.pinverse``: ``linalg.pinv(input, rtol=rcond)``."""
    return pinv(input, rtol=rcond)


class LinalgLstsqBackward0(_MultiNode):
    """X = A⁺ B.   ∂L/∂B = A⁺ᵀ G,   ∂L/∂A = the pinv formula with ∂L/∂A⁺ = G Bᵀ.
    Residuals r = ‖A X − B‖² per column (full-rank tall A): ∂L/∂A = 2 E diag(ḡr) Xᵀ, ∂L/∂B = −2 E diag(ḡr),
    E = A X − B."""

    __slots__ = ()
    name = "LinalgLstsqBackward0"
    n_outputs = 2

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        G, gr = g
        A, B = x
        vector = B.ndim == A.ndim - 1
        if vector:
            B = F.expand_dims(B, -1)
        gA = gB = None
        if G is not None:
            P = pinv(A) if F.is_tensor else _pinv_array(A, None, None, False)
            if vector:
                G = F.expand_dims(G, -1)
            gB = F.matmul(_T(F, P), G)
            gA = _pinv_back(F, A, P, F.matmul(G, _T(F, B)))
        if gr is not None and gr.shape[-1]:
            # r = Σᵢ (A X − B)ᵢⱼ²; at the least-squares X, Aᵀ(A X − B) = 0, so X's own change drops out
            X = self.outputs(F)[0]
            if vector:
                X = F.expand_dims(X, -1)
            E = (F.matmul(A, X) - B) * (2 * F.expand_dims(gr, -2))
            ga, gb = F.matmul(E, _T(F, X)), -E
            gA = ga if gA is None else gA + ga
            gB = gb if gB is None else gB + gb
        if vector and gB is not None:
            gB = F.reshape(gB, tuple(gB.shape[:-1]))
        return gA, gB


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None) -> Any:
    """(solution, residuals, rank, singular_values) of min ‖A X − B‖ (the minimum-norm solution).
    residuals (‖A X − B‖² per column) only for m > n, full rank and a driver other than 'gelsy'; rank for all
    drivers but 'gels'; singular values for 'gelsd'/'gelss' (PyTorch's CPU conventions)."""
    M = _matrix("lstsq", A)
    if not isinstance(B, Tensor):
        raise arg_type_error("linalg_lstsq", "B", 2, B)
    R = B._data
    _pair_dtype("torch.linalg.lstsq", M, R)
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = R.ndim == M.ndim - 1
    Rm = R[..., None] if vector else R
    m, n = M.shape[-2:]
    if Rm.shape[-2] != m:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    S = np.linalg.svd(M, compute_uv=False)
    rtol = np.finfo(M.dtype).eps * max(m, n) if rcond is None or rcond < 0 else rcond
    P = _pinv_array(M, None, rtol if driver != "gels" else 0.0, False)
    X = np.asarray(P @ Rm, dtype=M.dtype)
    tol = _tolerance(S, m, n, None, rtol)
    rank = np.sum(S > tol, axis=-1).astype(np.int64)
    if m > n and driver != "gelsy" and np.all(rank == n):
        res = np.asarray(np.sum((M @ X - Rm) ** 2, axis=-2), dtype=M.dtype)
    else:
        res = np.zeros((0,), dtype=M.dtype)
    outs = [wrap(X[..., 0] if vector else X), wrap(res)]
    if GRAD_ENABLED[0] and (A._rg or B._rg):
        _record_multi(_new(LinalgLstsqBackward0), outs, (A, B))
    rank_t = wrap(np.zeros((0,), np.int64) if driver == "gels" else np.asarray(rank))
    sv = wrap(np.asarray(S, dtype=M.dtype) if driver in ("gelsd", "gelss") else np.zeros((0,), M.dtype))
    return _LinalgLstsq(outs[0], outs[1], rank_t, sv)


def matrix_rank(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False, out: Any = None) -> Tensor:
    """The number of singular values (|eigenvalues| with ``hermitian``) > max(atol, rtol·σ₁), as int64."""
    M = _matrix("matrix_rank", A)
    m, n = M.shape[-2:]
    if hermitian:
        S = -np.sort(-np.abs(np.linalg.eigvalsh(M)), axis=-1)
    else:
        S = np.linalg.svd(M, compute_uv=False)
    return wrap(np.asarray(np.sum(S > _tolerance(S, m, n, atol, rtol), axis=-1), dtype=np.int64))


def _matrix_norm(A: Tensor, p: Any) -> Tensor:
    from .arith import pow as _pow
    from .pointwise import abs as _abs
    from .reduction import amax, amin
    from .reduction import sum as _sum

    if p == "fro":
        return _pow(_sum(A * A, dim=(-2, -1)), 0.5)
    if p == "nuc":
        return _sum(svdvals(A), dim=-1)
    if p in (1, -1):
        col = _sum(_abs(A), dim=-2)
        return amax(col, dim=-1) if p == 1 else amin(col, dim=-1)
    if p in (float("inf"), float("-inf")):
        row = _sum(_abs(A), dim=-1)
        return amax(row, dim=-1) if p > 0 else amin(row, dim=-1)
    raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")


def cond(A: Tensor, p: Any = None, *, out: Any = None) -> Tensor:
    """κ_p(A): σ_max/σ_min for p = None or 2 (σ_min/σ_max for −2), else ‖A‖_p ‖A⁻¹‖_p
    ('fro', 'nuc', ±1, ±inf). Differentiable through svdvals / inv."""
    from .shape import narrow

    if p is None or p in (2, -2):
        _matrix("cond", A)
        S = svdvals(A)
        k = S.shape[-1]
        big, small = narrow(S, -1, 0, 1), narrow(S, -1, k - 1, 1)
        r = big / small if p != -2 else small / big
        return r.squeeze(-1)
    _matrix("cond", A, square=True)
    return _matrix_norm(A, p) * _matrix_norm(_linalg.inv(A), p)


# --- matrix_power, multi_dot, chain_matmul, matrix_exp -------------------------------------------------------

class CopyBackwards(Node):
    """y = I (a copy of the identity into A's shape).   ∂L/∂A = 0."""

    __slots__ = ()
    name = "torch::autograd::CopyBackwards"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.zeros_like(g),)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """Aⁿ by repeated squaring (A⁻¹ for n < 0, the identity for n = 0); differentiable through matmul/inv."""
    from .linalg import matmul

    M = _matrix("matrix_power", A, square=True)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    if n == 0:  # the identity, a copy that still depends (with zero derivative) on A, as in PyTorch
        t = wrap(np.broadcast_to(np.eye(M.shape[-1], dtype=M.dtype), M.shape).copy())
        if GRAD_ENABLED[0] and A._rg:
            record(CopyBackwards.__new__(CopyBackwards), t, (A,))
        return t
    base = _linalg.inv(A) if n < 0 else A
    n = abs(int(n))
    result: Tensor | None = None
    while True:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if not n:
            break
        base = matmul(base, base)
    assert result is not None
    return result


def multi_dot(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """A₁ A₂ … Aₖ (the first may be a row vector, the last a column vector; 1-D ends are squeezed)."""
    from .linalg import matmul

    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].dim() == 1, ts[-1].dim() == 1
    mats = [t.unsqueeze(0) if i == 0 and first_vec else t.unsqueeze(-1) if i == len(ts) - 1 and last_vec else t
            for i, t in enumerate(ts)]
    for i, t in enumerate(mats):
        if t.dim() != 2:
            where = "first" if i == 0 else "last" if i == len(ts) - 1 else None
            if where:
                raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {ts[i].dim()}D")
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(ts[i].shape)} and "
                               f"{list(ts[i + 1].shape)} cannot be multiplied")
    out_t = mats[0]
    for t in mats[1:]:
        out_t = matmul(out_t, t)
    shape = tuple(out_t.shape)
    if first_vec:
        shape = shape[1:]
    if last_vec:
        shape = shape[:-1]
    return out_t.reshape(shape)


def chain_matmul(*matrices: Tensor, out: Any = None) -> Tensor:
    """``torch.chain_matmul`` (deprecated in PyTorch): the product of 2-D matrices, as ``linalg.multi_dot``."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {t.dim()}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(list(matrices))


class LinalgMatrixExpBackward0(Node):
    """Y = eᴬ.   ∂L/∂A = ∫₀¹ e^{sAᵀ} G e^{(1−s)Aᵀ} ds = the upper right block of exp([[Aᵀ, G], [0, Aᵀ]])."""

    __slots__ = ()
    name = "LinalgMatrixExpBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        At = _T(F, x[0])
        n = At.shape[-1]
        top = F.concatenate([At, g], axis=-1)
        bottom = F.concatenate([F.zeros_like(At), At], axis=-1)
        block = F.concatenate([top, bottom], axis=-2)
        E = matrix_exp(block) if F.is_tensor else _expm(block)
        return (F.getitem(E, (Ellipsis, slice(0, n), slice(n, None))),)


def _expm(M: np.ndarray) -> np.ndarray:
    from scipy.linalg import expm

    return np.asarray(expm(M), dtype=M.dtype) if M.size else M.copy()


def matrix_exp(A: Tensor) -> Tensor:
    """eᴬ = Σ Aᵏ/k! (scaling and squaring with a Padé approximant).
    ∂L/∂A = the upper right block of exp([[Aᵀ, G], [0, Aᵀ]])."""
    M = _matrix("matrix_exp", A, square=True)
    t = wrap(_expm(M))
    if GRAD_ENABLED[0] and A._rg:
        record(LinalgMatrixExpBackward0.__new__(LinalgMatrixExpBackward0), t, (A,))
    return t


# ``svd``, ``qr``, ``cholesky``, ``slogdet`` and ``cross`` mean different functions in ``torch`` and in
# ``torch.linalg``: the module-level names here are the top-level ones, and ``LINALG`` maps each name that
# ``chainrule.linalg`` exports (see the end of chainrule/linalg.py) to its function.
LINALG: dict[str, Callable[..., Any]] = {
    "svd": linalg_svd, "qr": linalg_qr, "cholesky": linalg_cholesky, "slogdet": linalg_slogdet,
    "cross": linalg_cross,
    **{name: globals()[name] for name in ("svdvals", "eigh", "eigvalsh", "lstsq", "pinv", "matrix_rank", "cond",
                                           "matrix_power", "multi_dot", "vecdot", "solve_triangular", "matrix_exp",
                                           "diagonal")},
}

from .. import linalg as _linalg  # noqa: E402  (after LINALG: chainrule.linalg reads it while it loads)
from .linalg import outer as _outer  # noqa: E402

det = _linalg.det
inverse = _linalg.inv
ger = _outer

METHODS: dict[str, Callable[..., Any]] = {
    name: globals()[name] for name in (
        "det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "qr", "svd", "matrix_power", "matrix_exp",
        "cross", "kron", "inner", "vdot", "ger", "addmm", "addmv", "addr", "baddbmm", "addbmm")}
