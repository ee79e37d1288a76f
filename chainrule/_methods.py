"""Binds the ops to ``Tensor`` as methods and operators, and fills the create_graph namespace.

Registration is explicit (one line per name), never by reflection, so a
missing method is a visible omission here rather than a surprise at run time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd import namespace as _ns
from .ops import activation, arith, cast, indexing, inplace, linalg, pointwise, reduction, selection, shape, softmax
from .tensor import Tensor, _wrap_dim


def _bind() -> None:
    T = Tensor
    # operators
    T.__add__ = arith.add
    T.__radd__ = arith.radd
    T.__sub__ = arith.sub
    T.__rsub__ = arith.rsub
    T.__mul__ = arith.mul
    T.__rmul__ = arith.rmul
    T.__truediv__ = arith.div
    T.__rtruediv__ = arith.rdiv
    T.__floordiv__ = arith.floor_divide
    T.__rfloordiv__ = lambda self, other: arith.floor_divide(other, self)
    T.__mod__ = arith.remainder
    T.__pow__ = arith.pow
    T.__rpow__ = arith.rpow
    T.__matmul__ = linalg.matmul
    T.__rmatmul__ = linalg.rmatmul
    T.__neg__ = arith.neg
    T.__pos__ = lambda self: self
    T.__abs__ = pointwise.abs
    # ``t == None`` / ``t == [1, 2]`` are False in PyTorch (Python's fallback), not an error
    T.__eq__ = lambda self, other: NotImplemented if other is None or type(other) in _NO_COMPARE else arith.eq(
        self, other)
    T.__ne__ = lambda self, other: NotImplemented if other is None or type(other) in _NO_COMPARE else arith.ne(
        self, other)
    T.__lt__ = arith.lt
    T.__le__ = arith.le
    T.__gt__ = arith.gt
    T.__ge__ = arith.ge
    T.__and__ = arith.bitwise_and
    T.__or__ = arith.bitwise_or
    T.__xor__ = arith.bitwise_xor
    T.__invert__ = arith.bitwise_not
    T.__rand__ = lambda self, other: arith.bitwise_and(other, self)
    T.__ror__ = lambda self, other: arith.bitwise_or(other, self)
    T.__getitem__ = indexing.getitem
    T.__setitem__ = indexing.setitem
    T.__iadd__ = inplace.add_
    T.__isub__ = inplace.sub_
    T.__imul__ = inplace.mul_
    T.__itruediv__ = inplace.div_
    # the rest of Python's augmented assignments write in place too (without them ``a **= 2`` rebinds ``a``)
    T.__ipow__ = inplace.pow_
    T.__ifloordiv__ = lambda self, other: inplace.apply_inplace(self, arith.floor_divide, other)
    T.__imod__ = lambda self, other: inplace.apply_inplace(self, arith.remainder, other)
    T.__iand__ = lambda self, other: inplace.apply_inplace(self, arith.bitwise_and, other)
    T.__ior__ = lambda self, other: inplace.apply_inplace(self, arith.bitwise_or, other)
    T.__ixor__ = lambda self, other: inplace.apply_inplace(self, arith.bitwise_xor, other)
    T.__hash__ = object.__hash__  # __eq__ is elementwise; hashing stays by identity

    for name in ("add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
                 "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
                 "bitwise_xor", "bitwise_not", "neg", "square", "remainder", "floor_divide", "isclose", "allclose",
                 "equal"):
        setattr(T, name, getattr(arith, name))
    T.subtract, T.multiply, T.divide, T.negative = arith.sub, arith.mul, arith.div, arith.neg
    T.greater, T.less, T.greater_equal, T.less_equal, T.not_equal = arith.gt, arith.lt, arith.ge, arith.le, arith.ne
    T.true_divide = arith.div
    for name in ("exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "abs", "sign",
                 "sin", "cos", "tan", "atan", "asin", "acos", "sinh", "cosh", "tanh", "sigmoid", "relu", "floor",
                 "ceil", "round", "trunc", "isnan", "isinf", "isfinite"):
        setattr(T, name, getattr(pointwise, name))
    T.absolute, T.arctan, T.arcsin, T.arccos = pointwise.abs, pointwise.atan, pointwise.asin, pointwise.acos
    for name in ("sum", "mean", "var", "std", "prod", "max", "min", "amax", "amin", "argmax", "argmin",
                 "logsumexp", "norm", "any", "all", "cumsum", "count_nonzero"):
        setattr(T, name, getattr(reduction, name))
    for name in ("matmul", "mm", "bmm", "dot", "mv", "outer"):
        setattr(T, name, getattr(linalg, name))
    for name in ("reshape", "view", "view_as", "reshape_as", "flatten", "unflatten", "squeeze", "unsqueeze",
                 "permute", "transpose", "t", "swapaxes", "movedim", "expand", "expand_as", "broadcast_to",
                 "split", "chunk", "unbind", "narrow", "flip", "repeat", "gather", "index_select", "tril", "triu",
                 "tile", "ravel", "roll", "repeat_interleave"):
        setattr(T, name, getattr(shape, name))
    T.swapdims = shape.swapaxes
    for name in ("where", "clamp", "clip", "clamp_min", "clamp_max", "masked_fill"):
        setattr(T, name, getattr(selection, name))
    T.where = lambda self, condition, other: selection.where(condition, self, other)
    T.softmax = lambda self, dim=None, dtype=None, axis=None: softmax.softmax(self, dim if axis is None else axis,
                                                                              dtype=dtype)
    T.log_softmax = lambda self, dim=None, dtype=None, axis=None: softmax.log_softmax(
        self, dim if axis is None else axis, dtype=dtype)
    T.to = cast.to
    T.clone = cast.clone
    T.type_as = cast.type_as
    T.type = cast.type_
    T.float = lambda self: cast.cast(self, np.float32)
    T.double = lambda self: cast.cast(self, np.float64)
    T.half = lambda self: cast.cast(self, np.float16)
    T.long = lambda self: cast.cast(self, np.int64)
    T.int = lambda self: cast.cast(self, np.int32)
    T.bool = lambda self: cast.cast(self, np.bool_)
    T.byte = lambda self: cast.cast(self, np.uint8)
    for name in ("add_", "sub_", "mul_", "div_", "pow_", "neg_", "exp_", "log_", "sqrt_", "abs_", "sigmoid_",
                 "tanh_", "relu_", "floor_", "round_", "sin_", "cos_", "clamp_", "masked_fill_", "copy_", "zero_",
                 "fill_", "uniform_", "normal_", "bernoulli_", "random_", "exponential_"):
        setattr(T, name, getattr(inplace, name))
    T.clip_ = inplace.clamp_
    T.t_ = lambda self: _t_inplace(self)
    T.squeeze_ = lambda self, dim=None: _adopt(self, shape.squeeze(self.detach(), dim))
    T.unsqueeze_ = lambda self, dim: _adopt(self, shape.unsqueeze(self.detach(), dim))
    T.size = Tensor.size
    from .ops import sorting

    for name in ("sort", "argsort", "topk", "nonzero", "argwhere", "masked_select", "unique", "diag", "trace",
                 "median"):
        setattr(T, name, getattr(sorting, name))
    T.diagonal = sorting.diagonal_
    T.pin_memory = _pin_memory
    T.is_pinned = lambda self, device=None: False
    T.T = property(_reversed_dims)
    T.mT = property(lambda self: shape.transpose(self, -2, -1))
    T.mH = T.mT  # (real dtypes only: the conjugate is the tensor itself)
    T.H = property(lambda self: shape.transpose(self, 0, 1) if self._data.ndim == 2 else _reversed_dims(self))
    T.adjoint = lambda self: shape.transpose(self, -2, -1)
    from . import creation

    T.bernoulli = lambda self, *, generator=None: creation.bernoulli(self, generator=generator)
    T.multinomial = lambda self, num_samples, replacement=False, *, generator=None: creation.multinomial(
        self, num_samples, replacement, generator=generator)
    T.__lshift__ = lambda self, other: _shift(self, other, np.left_shift, "__lshift__")
    T.__rshift__ = lambda self, other: _shift(self, other, np.right_shift, "__rshift__")
    T.__rlshift__ = lambda self, other: _shift(other, self, np.left_shift, "__rlshift__")
    T.__rrshift__ = lambda self, other: _shift(other, self, np.right_shift, "__rrshift__")
    T.bitwise_left_shift = T.__lshift__
    T.bitwise_right_shift = T.__rshift__
    from .ops import decompositions, inplace_extra, math_extra, scatter, shape_extra, statistics

    for family in (decompositions, math_extra, scatter, shape_extra, statistics, inplace_extra):
        for name, method in family.METHODS.items():
            setattr(T, name, method)


_NO_COMPARE = (list, tuple, str, dict, set)


_T_DEPRECATION = ("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it "
                   "will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
                   "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.")


def _reversed_dims(self: Tensor) -> Tensor:
    """``x.T``: all dimensions reversed (PyTorch warns for more than two)."""
    if self._data.ndim > 2:
        import warnings

        warnings.warn(_T_DEPRECATION, UserWarning, stacklevel=3)
    return shape.permute(self, tuple(reversed(range(self._data.ndim))))


def _shift(a: Any, b: Any, fn: Any, name: str) -> Tensor:
    """``a << b`` / ``a >> b`` on integer tensors (PyTorch's bitwise shifts)."""
    A = a._data if isinstance(a, Tensor) else np.asarray(a)
    B = b._data if isinstance(b, Tensor) else np.asarray(b)
    if A.dtype.kind not in "iub" or B.dtype.kind not in "iub":
        kind = A.dtype if A.dtype.kind not in "iub" else B.dtype
        tname = {"float32": "Float", "float64": "Double", "float16": "Half"}.get(str(kind), str(kind))
        raise NotImplementedError(f'"{name.strip("_").lstrip("r")}_cpu" not implemented for \'{tname}\'')
    dt = A.dtype if isinstance(a, Tensor) else B.dtype
    return Tensor._wrap(np.asarray(fn(A, B)).astype(dt, copy=False))


def _pin_memory(self: Tensor, device: Any = None) -> Tensor:
    """PyTorch's answer on a machine without an accelerator (chainrule is CPU-only)."""
    raise RuntimeError("Cannot access accelerator device when none is available.")


def _adopt(self: Tensor, other: Tensor) -> Tensor:
    self._data = other._data
    return self


def _t_inplace(self: Tensor) -> Tensor:
    self._data = self._data.T
    return self


def _fill_namespace() -> None:
    """The create_graph namespace: chainrule's differentiable functions under NumPy's names."""
    N = _ns.TENSOR

    def where(c: Any, a: Any, b: Any) -> Tensor:
        cond = c if isinstance(c, Tensor) else Tensor._wrap(np.asarray(c))
        if not isinstance(a, Tensor) and not isinstance(b, Tensor):
            raise TypeError("where in a create_graph pass needs a Tensor branch")
        return selection.where(cond, a, b)

    def tsum(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return reduction.sum(x, dim=axis, keepdim=keepdims)

    def tmean(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return reduction.mean(x, dim=axis, keepdim=keepdims)

    def sum_to(g: Tensor, shp: tuple[int, ...]) -> Tensor:
        if g._data.shape == tuple(shp):
            return g
        lead = g._data.ndim - len(shp)
        axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shp)
                                          if s == 1 and g._data.shape[i + lead] != 1)
        out = reduction.sum(g, dim=axes, keepdim=True) if axes else g
        return shape.reshape(out, tuple(shp))

    def transpose(x: Tensor, axes: Any = None) -> Tensor:
        return shape.permute(x, tuple(axes) if axes is not None else tuple(reversed(range(x._data.ndim))))

    def expand_dims(x: Tensor, axis: int) -> Tensor:
        return shape.unsqueeze(x, axis)

    def astype(x: Tensor, dt: Any) -> Tensor:
        return cast.cast(x, dt)

    def concatenate(xs: Any, axis: int = 0) -> Tensor:
        return shape.cat(list(xs), axis)

    def const(value: Any, like: Tensor) -> Tensor:
        return Tensor._wrap(np.asarray(value, dtype=like._data.dtype))

    def index_add(shp: tuple[int, ...], index: Any, g: Tensor) -> Tensor:
        return indexing.index_add_zeros(shp, index, g)

    def scatter_add(shp: tuple[int, ...], dim: int, index: np.ndarray, g: Tensor) -> Tensor:
        return cast.scatter_add_zeros(shp, dim, index, g)

    table = {
        "exp": pointwise.exp, "log": pointwise.log, "log1p": pointwise.log1p, "expm1": pointwise.expm1,
        "sqrt": pointwise.sqrt, "tanh": pointwise.tanh, "sin": pointwise.sin, "cos": pointwise.cos,
        "sinh": pointwise.sinh, "cosh": pointwise.cosh, "sign": pointwise.sign, "abs": pointwise.abs,
        "sigmoid": pointwise.sigmoid, "erf": activation.erf, "softplus": activation.softplus,
        "maximum": arith.maximum, "minimum": arith.minimum, "matmul": linalg.matmul,
        "swapaxes": shape.transpose, "reshape": shape.reshape, "broadcast_to": shape.expand,
        "zeros_like": lambda x: Tensor._wrap(np.zeros_like(x._data)),
        "ones_like": lambda x: Tensor._wrap(np.ones_like(x._data)),
        "stack": lambda xs, axis=0: shape.stack(list(xs), axis),
        "where": where, "sum": tsum, "mean": tmean, "sum_to": sum_to, "transpose": transpose,
        "expand_dims": expand_dims, "astype": astype, "concatenate": concatenate, "const": const,
        "index_add": index_add, "scatter_add": scatter_add, "value": lambda x: x,
        "getitem": indexing.getitem, "one_minus": lambda x: 1 - x,
    }
    for k, v in table.items():
        object.__setattr__(N, k, v)


_bind()
_fill_namespace()
__all__ = ["_wrap_dim"]
