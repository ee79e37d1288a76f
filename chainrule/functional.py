"""The public math functions, ``chainrule.exp`` … ``chainrule.gather``, gathered from the op families."""

from __future__ import annotations

from .ops.arith import (
    add,
    allclose,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    div,
    eq,
    equal,
    floor_divide,
    ge,
    gt,
    isclose,
    le,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    pow,
    remainder,
    square,
    sub,
)
from .ops.cast import clone
from .ops.einsum import einsum
from .ops.linalg import bmm, dot, matmul, mm, mv, outer
from .ops.pointwise import (
    abs,
    acos,
    asin,
    atan,
    ceil,
    cos,
    cosh,
    exp,
    expm1,
    floor,
    isfinite,
    isinf,
    isnan,
    log,
    log1p,
    log2,
    log10,
    reciprocal,
    relu,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    trunc,
)
from .ops.reduction import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    count_nonzero,
    cumsum,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    std,
    std_mean,
    sum,
    var,
    var_mean,
)
from .ops.selection import clamp, clamp_max, clamp_min, clip, masked_fill, where
from .ops.shape import (
    broadcast_tensors,
    broadcast_to,
    cat,
    chunk,
    concat,
    concatenate,
    expand,
    flatten,
    flip,
    gather,
    hstack,
    index_select,
    meshgrid,
    movedim,
    narrow,
    permute,
    ravel,
    repeat,
    repeat_interleave,
    reshape,
    roll,
    split,
    squeeze,
    stack,
    swapaxes,
    t,
    tile,
    transpose,
    tril,
    triu,
    unbind,
    unflatten,
    unsqueeze,
    vstack,
)
from .ops.softmax import log_softmax, softmax
from .ops.sorting import argsort, argwhere, diag, masked_select, median, nonzero, sort, topk, trace, unique
from .ops.sorting import diagonal_ as diagonal

subtract, multiply, divide, negative, true_divide = sub, mul, div, neg, div
absolute, arctan, arcsin, arccos = abs, atan, asin, acos
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne
swapdims = swapaxes

__all__ = [
    "add", "allclose", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "div", "eq", "equal",
    "floor_divide", "ge", "gt", "isclose", "le", "logical_and", "logical_not", "logical_or", "logical_xor", "lt",
    "maximum", "minimum", "mul", "ne", "neg", "pow", "remainder", "square", "sub", "clone", "bmm", "dot", "matmul",
    "mm", "mv", "outer", "abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "exp", "expm1", "floor", "isfinite",
    "isinf", "isnan", "log", "log1p", "log2", "log10", "reciprocal", "relu", "round", "rsqrt", "sigmoid", "sign",
    "sin", "sinh", "sqrt", "tan", "tanh", "trunc", "all", "amax", "amin", "any", "argmax", "argmin",
    "count_nonzero", "cumsum", "logsumexp", "max", "mean", "min", "norm", "prod", "std", "std_mean", "sum", "var",
    "var_mean", "clamp", "clamp_max", "clamp_min", "clip", "masked_fill", "where", "broadcast_tensors",
    "broadcast_to", "cat", "chunk", "concat", "concatenate", "expand", "flatten", "flip", "gather", "hstack",
    "index_select", "movedim", "narrow", "permute", "repeat", "reshape", "split", "squeeze", "stack", "swapaxes",
    "t", "transpose", "tril", "triu", "unbind", "unflatten", "unsqueeze", "vstack", "log_softmax", "softmax",
    "subtract", "multiply", "divide", "negative", "true_divide", "absolute", "arctan", "arcsin", "arccos",
    "greater", "less", "greater_equal", "less_equal", "not_equal", "swapdims",
    "argsort", "argwhere", "diag", "diagonal", "masked_select", "nonzero", "sort", "topk", "trace", "unique",
    "meshgrid", "tile", "ravel", "einsum", "roll", "repeat_interleave", "median",
]

# Families added in the third session; each module lists its public names in ``__all__``.
from .ops.decompositions import *  # noqa: E402,F401,F403
from .ops.decompositions import __all__ as _decompositions_all  # noqa: E402
from .ops.inplace_extra import *  # noqa: E402,F401,F403
from .ops.inplace_extra import __all__ as _inplace_extra_all  # noqa: E402
from .ops.math_extra import *  # noqa: E402,F401,F403
from .ops.math_extra import __all__ as _math_extra_all  # noqa: E402
from .ops.scatter import *  # noqa: E402,F401,F403
from .ops.scatter import __all__ as _scatter_all  # noqa: E402
from .ops.shape_extra import *  # noqa: E402,F401,F403
from .ops.shape_extra import __all__ as _shape_extra_all  # noqa: E402
from .ops.statistics import *  # noqa: E402,F401,F403
from .ops.statistics import __all__ as _statistics_all  # noqa: E402

__all__ += [*_decompositions_all, *_inplace_extra_all, *_math_extra_all, *_scatter_all, *_shape_extra_all,
            *_statistics_all]

# ``out=`` (PyTorch's keyword) for the functions tutorials call with it, and for every function that names an
# ``out`` parameter (so it is never silently ignored); hot unary ops such as ``exp`` stay unwrapped.
from .ops._out import with_out as _with_out  # noqa: E402

_OUT_NAMES = (
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "pow", "remainder", "matmul", "mm",
    "bmm", "mv", "dot", "outer", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "maximum", "minimum",
    "clamp", "clip", "where", "sum", "mean", "prod", "cumsum", "sort", "topk", "argmax", "argmin", "logsumexp",
    "gather", "index_select", "masked_select", "tril", "triu", "neg", "negative", "abs", "absolute", "sqrt", "log",
    "sigmoid", "tanh",
)


def _takes_out(fn: object) -> bool:
    import inspect

    try:
        return "out" in inspect.signature(fn).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


_wrapped: dict[int, object] = {}  # one wrapper per function, so aliases (subtract = sub) stay one object
for _name in __all__:
    _fn = globals()[_name]
    if callable(_fn) and (_name in _OUT_NAMES or _takes_out(_fn)):
        globals()[_name] = _wrapped.setdefault(id(_fn), _with_out(_fn))
