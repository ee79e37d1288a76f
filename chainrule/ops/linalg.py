"""Matrix products: matmul mm bmm dot mv outer, and the fused ``linear`` (x Wᵀ + b).

The heavy work is one BLAS call forward and at most two backward; gradients an
input does not need (e.g. the data of a first layer) are not computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.graph import SAVE_INPUTS
from ._util import GRAD_ENABLED, Node, Tensor, arg_type_error, record, wrap
from .arith import _pair

_ndarray = np.ndarray


def _shape_list(s: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in s) if s else "scalar"


class MmBackward0(Node):
    """C = A B.   ∂L/∂A = G Bᵀ,   ∂L/∂B = Aᵀ G  (with 1-D operands promoted and batch dims broadcast)."""

    __slots__ = ()
    name = "MmBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        ia, ib = self.inputs
        if not F.is_tensor and a.ndim == 2 and b.ndim == 2:  # two matrices, as direct BLAS calls (see matmul)
            return (g.dot(b.T) if ia._rg else None), (a.T.dot(g) if ib._rg else None)
        if a.ndim == 1 and b.ndim == 1:  # dot product
            return (g * b if ia._rg else None), (g * a if ib._rg else None)
        ga = gb = None
        if a.ndim == 1:
            a = F.reshape(a, (1,) + tuple(a.shape))
            g = F.expand_dims(g, -2)
        if b.ndim == 1:
            b = F.reshape(b, tuple(b.shape) + (1,))
            g = F.expand_dims(g, -1)
        if ia._rg:
            ga = F.matmul(g, F.swapaxes(b, -1, -2))
            if x[0].ndim == 1:  # drop the promoted row axis: (..., 1, k) -> (..., k)
                ga = F.reshape(ga, tuple(ga.shape[:-2]) + tuple(ga.shape[-1:]))
        if ib._rg:
            gb = F.matmul(F.swapaxes(a, -1, -2), g)
            if x[1].ndim == 1:  # drop the promoted column axis: (..., k, 1) -> (..., k)
                gb = F.reshape(gb, tuple(gb.shape[:-1]))
        return ga, gb


class MatmulBackward0(MmBackward0):
    __slots__ = ()
    name = "MmBackward0"


class BmmBackward0(MmBackward0):
    __slots__ = ()
    name = "BmmBackward0"


class DotBackward0(MmBackward0):
    __slots__ = ()
    name = "DotBackward0"


class MvBackward0(MmBackward0):
    __slots__ = ()
    name = "MvBackward0"


_C_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}
_T_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _dtype_mismatch(A: np.ndarray, B: np.ndarray) -> RuntimeError:
    """PyTorch never promotes inside a matrix product: mixed dtypes are an error naming both."""
    a, b = A.dtype.name, B.dtype.name
    if A.ndim == 1 and B.ndim == 1:
        return RuntimeError(f"dot : expected both vectors to have same dtype, but found {_T_NAMES.get(a, a)} and "
                            f"{_T_NAMES.get(b, b)}")
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_C_NAMES.get(a, a)} != "
                        f"{_C_NAMES.get(b, b)}")


def _mat(node_cls: type[Node], input: Any, other: Any) -> Tensor:
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input._data.dtype != other._data.dtype:
        raise _dtype_mismatch(input._data, other._data)
    a, b, A, B = _pair(input, other)
    if A.ndim == 0 or B.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {A.ndim}D and {B.ndim}D"
        )
    if A.dtype.kind == "b":
        raise RuntimeError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    try:
        out = A @ B
    except ValueError:
        if A.ndim <= 2 and B.ndim <= 2:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({_shape_list(A.shape if A.ndim == 2 else (1,) + A.shape)}"
                f" and {_shape_list(B.shape if B.ndim == 2 else B.shape + (1,))})"
            ) from None
        raise RuntimeError(
            f"matmul: shapes {list(A.shape)} and {list(B.shape)} cannot be multiplied: the contracted dimensions "
            f"{A.shape[-1]} and {B.shape[-2] if B.ndim > 1 else B.shape[0]} differ or the batch dimensions do not "
            "broadcast"
        ) from None
    t = wrap(out if type(out) is _ndarray else np.asarray(out))
    if GRAD_ENABLED[0] and (a._rg or b._rg):
        record(node_cls.__new__(node_cls), t, (a, b))
    return t


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with NumPy/PyTorch broadcasting of batch dims and 1-D promotion."""
    try:  # fast path: two 2-D tensors of one floating dtype, the shape of every Linear layer
        A = input._data
        B = other._data
        fast = A.ndim == 2 and B.ndim == 2 and A.dtype is B.dtype and A.dtype.kind == "f" and A.shape[1] == B.shape[0]
    except AttributeError:
        fast = False
    if fast:
        # ``ndarray.dot`` is the same BLAS product for two matrices, ~1 µs cheaper than ``@`` (the
        # matmul ufunc's dispatch) on the small matrices of small networks
        t = wrap(A.dot(B))
        if GRAD_ENABLED[0] and (input._rg or other._rg):
            record(_MM_NEW(MatmulBackward0), t, (input, other))
        return t
    one_d = getattr(input, "ndim", 2) == 1 and getattr(other, "ndim", 2) == 1
    return _mat(DotBackward0 if one_d else MatmulBackward0, input, other)


_MM_NEW = MatmulBackward0.__new__
_add_reduce = np.add.reduce


def rmatmul(self: Tensor, other: Any) -> Tensor:
    return matmul(other, self)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Product of two matrices (2-D only)."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    return _mat(MmBackward0, input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched product of (b, n, m) and (b, m, p) tensors (no broadcasting)."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{input.shape[0]}, {input.shape[2]}] "
            f"but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return _mat(BmmBackward0, input, mat2)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{other.shape[0]}] to have the "
            "same number of elements, "
            f"but got {input.shape[0]} and {other.shape[0]} elements respectively"
        )
    return _mat(DotBackward0, input, other)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {vec.ndim}")
    return _mat(MvBackward0, input, vec)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product aᵢ bⱼ (recorded as a broadcast multiply)."""
    from .shape import unsqueeze

    return unsqueeze(input, 1) * unsqueeze(vec2, 0)


class LinearBackward(Node):
    """y = x Wᵀ + b.   ∂L/∂x = G W,   ∂L/∂W = Gᵀ x (leading dims flattened),   ∂L/∂b = Σ G."""

    __slots__ = ()
    name = "AddmmBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        xv, w = x[0], x[1]
        inputs = self.inputs
        ix, iw = inputs[0], inputs[1]
        if not F.is_tensor and xv.ndim == 2:  # the common case, as three direct NumPy calls
            gb = _add_reduce(g, 0) if len(inputs) == 3 and inputs[2]._rg else None  # (= g.sum(0), cheaper)
            return (g.dot(w) if ix._rg else None), (g.T.dot(xv) if iw._rg else None), gb
        gx = F.matmul(g, w) if ix._rg else None
        gw = None
        if iw._rg:
            if xv.ndim == 1:
                gw = F.matmul(F.reshape(g, (-1, 1)), F.reshape(xv, (1, -1)))
            elif xv.ndim == 2:
                gw = F.matmul(F.swapaxes(g, 0, 1), xv)
            else:
                g2 = F.reshape(g, (-1, g.shape[-1]))
                gw = F.matmul(F.swapaxes(g2, 0, 1), F.reshape(xv, (-1, xv.shape[-1])))
        if len(self.inputs) == 2:
            return gx, gw
        # the bias gradient: the engine sums the broadcast dims
        return gx, gw, (g if self.inputs[2]._rg else None)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b, the affine map of ``nn.Linear`` (weight shape (out_features, in_features))."""
    try:
        X = input._data
        W = weight._data
    except AttributeError:  # a NumPy array, list or number: PyTorch's TypeError
        bad, arg, pos = (input, "input", 1) if not isinstance(input, Tensor) else (weight, "weight", 2)
        raise arg_type_error("linear", arg, pos, bad) from None
    if X.dtype is not W.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_scalar_type(X.dtype)} and "
                           f"{_scalar_type(W.dtype)}")
    if X.shape[-1:] != W.shape[-1:] or W.ndim != 2:
        xs = X.shape if X.ndim > 1 else (1,) + X.shape
        rows = int(np.prod(xs[:-1])) if xs[:-1] else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{xs[-1] if xs else 0} and "
            f"{'x'.join(str(s) for s in W.shape[::-1])})"
        )
    out = X.dot(W.T) if X.ndim == 2 else X @ W.T  # (``dot``: see matmul)
    if bias is not None:
        out += bias._data
        inputs: tuple[Tensor, ...] = (input, weight, bias)
    else:
        inputs = (input, weight)
    t = wrap(out if type(out) is _ndarray else np.asarray(out))
    if GRAD_ENABLED[0] and (input._rg or weight._rg or (bias is not None and bias._rg)):
        record(LinearBackward.__new__(LinearBackward), t, inputs)
    return t


def _scalar_type(dt: np.dtype) -> str:
    """PyTorch's ScalarType name: Float, Double, Long ..."""
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}.get(str(dt), str(dt))


def _tname(dt: np.dtype) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half"}.get(str(dt), str(dt))
