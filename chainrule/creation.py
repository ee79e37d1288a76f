"""Creation functions: tensor, zeros, ones, full, arange, linspace, eye, rand, randn, randint ...

All take ``dtype=``, ``device=`` and ``requires_grad=`` like PyTorch's. Data from
Python floats becomes the default dtype (float32); NumPy arrays keep their dtype.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _dtype
from ._dtype import as_dtype
from .random import Generator, rng
from .tensor import Tensor, check_device

_wrap = Tensor._wrap


def _finish(arr: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    if device is not None:
        check_device(device)
    t = _wrap(arr)
    if requires_grad:
        t._set_requires_grad(True, "Only Tensors of floating point and complex dtype can require gradients")
    return t


_BOOL, _INT64 = np.dtype(np.bool_), np.dtype(np.int64)


def _promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's promoteTypes: the higher category (bool < int < float) wins outright; within a
    category, the wider type (NumPy agrees there, but not across categories: int32 + float16 is float16)."""
    if a == b:
        return a
    ca, cb = _dtype._cat(a), _dtype._cat(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _infer_np_dtype(data: Any) -> np.dtype:
    """PyTorch's inference for ``tensor(data)``: promote over every item, where a Python bool counts as
    bool, an int as int64, a float as the default float, and a NumPy scalar, array or Tensor as its
    own dtype (``[np.float64(1), 2]`` is float64, ``[np.int32(1), 2]`` int64)."""
    default = _dtype._default[0].np
    result = None
    stack = [data]
    while stack:
        x = stack.pop()
        t = type(x)
        if t is float:
            d = default
        elif t is int:
            d = _INT64
        elif t is bool:
            d = _BOOL
        elif t is list or t is tuple:
            stack.extend(x)
            continue
        elif isinstance(x, Tensor):
            d = x._data.dtype
        elif isinstance(x, (np.ndarray, np.generic)):  # before float: np.float64 subclasses float
            d = x.dtype
            if d.kind == "c":
                raise TypeError("complex tensors are not supported")
        elif isinstance(x, bool):
            d = _BOOL
        elif isinstance(x, int):
            d = _INT64
        elif isinstance(x, float):
            d = default
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
            continue
        elif isinstance(x, complex):
            raise TypeError("complex tensors are not supported")
        elif isinstance(x, str):
            raise TypeError("new(): invalid data type 'str'")
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")
        result = d if result is None else _promote_types(result, d)
    return default if result is None else result


def _array_from_data(data: Any, dtype: Any = None) -> np.ndarray:
    if isinstance(data, Tensor):
        arr = data._data.copy()
        return arr if dtype is None else arr.astype(as_dtype(dtype).np)
    if isinstance(data, np.ndarray):
        arr = np.array(data, copy=True)
        if dtype is None:
            if arr.dtype.kind not in "fiub":
                raise TypeError(f"can't convert np.ndarray of type {arr.dtype}")
            _dtype.from_numpy_dtype(arr.dtype)
            return arr
        return arr.astype(as_dtype(dtype).np)
    if isinstance(data, np.generic):
        arr = np.asarray(data)
        return arr if dtype is None else arr.astype(as_dtype(dtype).np)
    if isinstance(data, range):
        data = list(data)
    if isinstance(data, (list, tuple)) and data and all(isinstance(v, str) for v in data):
        raise ValueError("too many dimensions 'str'")
    npd = as_dtype(dtype).np if dtype is not None else _infer_np_dtype(data)
    conv = _tensors_to_arrays(data)
    try:
        return np.array(conv, dtype=npd)
    except ValueError as e:
        raise _ragged_error(conv) or ValueError(
            f"expected sequence of equal-length lists to build a tensor: {e}") from None


def _ragged_error(x: Any) -> Exception | None:
    """PyTorch's message for ragged nested lists: the first dimension whose lengths disagree."""
    level: list[Any] = [x]
    for dim in range(64):
        seqs = [v for v in level if isinstance(v, (list, tuple))]
        if not seqs:
            return None
        if len(seqs) != len(level):
            return TypeError("not a sequence")
        n = len(seqs[0])
        for v in seqs[1:]:
            if len(v) != n:
                return ValueError(f"expected sequence of length {n} at dim {dim} (got {len(v)})")
        level = [item for v in seqs for item in v]
    return None


def _tensors_to_arrays(x: Any) -> Any:
    """Nested lists with the Tensors in them as scalars: PyTorch reads an element Tensor as one number
    (``tensor([t1, t2])`` of one-element tensors has shape (2,)), and refuses a longer one."""
    if isinstance(x, Tensor):
        if x._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return x._data.reshape(())[()]
    if isinstance(x, (list, tuple)):
        return [_tensors_to_arrays(y) for y in x]
    return x


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (number, nested lists, NumPy array or Tensor)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    return _finish(_array_from_data(data, dtype), requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array / Tensor of the same dtype."""
    if isinstance(data, Tensor):
        return data if dtype is None or as_dtype(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or as_dtype(dtype).np == data.dtype):
        _dtype.from_numpy_dtype(data.dtype)
        return _wrap(data)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (its dtype kept: float64 stays float64)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def _size(size: Sequence[Any]) -> tuple[int, ...]:
    from .ops._util import shape_arg

    sh = shape_arg(size)
    for s in sh:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(sh)}")
    return sh


def _size_of(shape: tuple[Any, ...], size: Any) -> tuple[int, ...]:
    """The shape from ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))`` (PyTorch accepts all three)."""
    if size is not None:
        if shape:
            raise TypeError("received both a positional size and size=")
        return _size((size,))
    return _size(shape)


def _float_dtype(dtype: Any) -> np.dtype:
    return _dtype._default[0].np if dtype is None else as_dtype(dtype).np


def zeros(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          out: Any = None) -> Tensor:
    return _finish(np.zeros(_size_of(shape, size), dtype=_float_dtype(dtype)), requires_grad, device)


def ones(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(np.ones(_size_of(shape, size), dtype=_float_dtype(dtype)), requires_grad, device)


def empty(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(np.zeros(_size_of(shape, size), dtype=_float_dtype(dtype)), requires_grad, device)


def full(size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (dtype inferred from the value, as PyTorch)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        npd = _infer_np_dtype(fill_value)
    else:
        npd = as_dtype(dtype).np
    return _finish(np.full(_size((size,)), fill_value, dtype=npd), requires_grad, device)


def _like_dtype(input: Tensor, dtype: Any) -> np.dtype:
    return input._data.dtype if dtype is None else as_dtype(dtype).np


def zeros_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(np.zeros(input._data.shape, dtype=_like_dtype(input, dtype)), requires_grad, device)


def ones_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(np.ones(input._data.shape, dtype=_like_dtype(input, dtype)), requires_grad, device)


def empty_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _finish(np.full(input._data.shape, fill_value, dtype=_like_dtype(input, dtype)), requires_grad, device)


def arange(start: Any = None, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 unless any argument is a float."""
    if start is None:  # arange(end=3)
        start = 0
    elif end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        npd = _dtype._default[0].np if any(isinstance(v, float) for v in vals) else np.dtype(np.int64)
    else:
        npd = as_dtype(dtype).np
    n = max(int(math.ceil((end - start) / step)), 0)
    arr = (start + step * np.arange(n, dtype=np.float64)).astype(npd) if npd.kind == "f" else \
        np.arange(start, start + n * step, step, dtype=npd)[:n]
    return _finish(arr, requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = np.dtype(_float_dtype(dtype))
    n = int(steps)
    if dt.kind != "f" or n < 2:
        arr = np.linspace(float(start), float(end), n).astype(dt)
    else:
        # PyTorch's kernel, in the output dtype: the first half counts up from start, the second half down
        # from end (so the last value is exactly end and the halves mirror each other)
        # (its vectorised loop fuses the multiply-add: one rounding, emulated in a wider type)
        wide = np.float64 if dt == np.float32 else np.longdouble
        s, e = dt.type(start), dt.type(end)
        step = (e - s) / dt.type(n - 1)
        idx = np.arange(n)
        with np.errstate(all="ignore"):
            up = wide(s) + wide(step) * idx.astype(wide)
            down = wide(e) - wide(step) * (n - 1 - idx).astype(wide)
            arr = np.where(idx < n // 2, up, down).astype(dt)
    return _finish(arr, requires_grad, device)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    arr = np.logspace(float(start), float(end), int(steps), base=base).astype(_float_dtype(dtype))
    return _finish(arr, requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _finish(np.eye(n, n if m is None else m, dtype=_float_dtype(dtype)), requires_grad, device)


_TORCH_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                     "bool": "Bool"}


def _random_float_dtype(npd: np.dtype, kernel: str) -> np.dtype:
    """Refuse integer dtypes for the float samplers with PyTorch's error."""
    if npd.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_TORCH_TYPE_NAMES.get(npd.name, npd.name)}\'')
    return npd


def _uniform(gen: np.random.Generator, shape: tuple[int, ...], npd: np.dtype) -> np.ndarray:
    """Samples on [0, 1) in ``npd``: drawn natively for float32/float64, because rounding a float64
    sample down to a narrower type can produce exactly 1.0."""
    if npd == np.float32 or npd == np.float64:
        return gen.random(shape, dtype=npd)
    out = gen.random(shape, dtype=np.float32).astype(npd)
    return np.minimum(out, np.nextafter(npd.type(1), npd.type(0)), out=out)


def rand(*shape: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1)."""
    npd = _random_float_dtype(_float_dtype(dtype), "check_uniform_bounds")
    return _finish(_uniform(rng(generator), _size_of(shape, size), npd), requires_grad, device)


def randn(*shape: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples."""
    npd = _random_float_dtype(_float_dtype(dtype), "normal_kernel_cpu")
    return _finish(rng(generator).standard_normal(_size_of(shape, size)).astype(npd), requires_grad, device)


def randint(low: Any = None, high: Any = None, size: Any = None, *, generator: Generator | None = None,
            dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers uniform on [low, high); ``randint(high, size)`` and ``randint(high=..., size=...)`` start at 0."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=...)
        low, high = 0, low
    if low is None:  # randint(high=..., size=...)
        low = 0
    if high is None:
        raise TypeError("randint() missing required argument 'size'")
    npd = np.dtype(np.int64) if dtype is None else as_dtype(dtype).np
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return _finish(rng(generator).integers(low, high, size=_size((size,))).astype(npd), requires_grad, device)


def rand_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``rand`` with ``input``'s shape (and dtype unless given)."""
    npd = _random_float_dtype(_like_dtype(input, dtype), "check_uniform_bounds")
    return _finish(_uniform(rng(), input._data.shape, npd), requires_grad, device)


def randn_like(input: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``randn`` with ``input``'s shape (and dtype unless given)."""
    npd = _random_float_dtype(_like_dtype(input, dtype), "normal_kernel_cpu")
    return _finish(rng().standard_normal(input._data.shape).astype(npd), requires_grad, device)


def randint_like(input: Tensor, low: int, high: Any = None, *, dtype: Any = None, device: Any = None) -> Tensor:
    if high is None:
        low, high = 0, low
    return _finish(rng().integers(low, high, size=input._data.shape).astype(_like_dtype(input, dtype)), False, device)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 … n−1."""
    npd = np.dtype(np.int64) if dtype is None else as_dtype(dtype).np
    return _finish(rng(generator).permutation(int(n)).astype(npd), requires_grad, device)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: Any = None) -> Tensor:
    """Normal samples with the given mean and std (numbers or tensors)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = _size((size,)) if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    npd = (mean._data.dtype if isinstance(mean, Tensor) else _float_dtype(dtype))
    return _wrap((rng(generator).standard_normal(shape) * s + m).astype(npd))


def bernoulli(input: Tensor, p: Any = None, *, generator: Generator | None = None) -> Tensor:
    """Samples in {0, 1} with probabilities ``input`` (or the number ``p``)."""
    probs = input._data if p is None else np.full(input._data.shape, p)
    return _wrap((rng(generator).random(input._data.shape) < probs).astype(input._data.dtype))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """Indices sampled in proportion to the non-negative weights in each row."""
    P = np.atleast_2d(input._data.astype(np.float64))
    g = rng(generator)
    rows = []
    for p in P:
        if (p < 0).any() or not np.isfinite(p).all() or p.sum() <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and num_samples > len(p):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        positive = int((p > 0).sum())
        if not replacement and num_samples > positive:
            # PyTorch draws every positive category, then fills up with zero-probability ones
            drawn = g.choice(len(p), size=positive, replace=False, p=p / p.sum())
            rows.append(np.concatenate([drawn, np.flatnonzero(p == 0)[: num_samples - positive]]))
            continue
        rows.append(g.choice(len(p), size=num_samples, replace=replacement, p=p / p.sum()))
    out = np.asarray(rows, dtype=np.int64)
    return _wrap(out if input._data.ndim == 2 else out[0])
