"""``chainrule.testing.assert_close``: PyTorch's comparison for tests, with its defaults and messages.

Two values are close when |actual − expected| ≤ atol + rtol·|expected| elementwise (NaN equal only with
``equal_nan``). The default tolerances depend on the dtype (PyTorch's table: float16 1e-3/1e-5, float32
1.3e-6/1e-5, float64 1e-7/1e-7, integers and bools exact). Tensors, NumPy arrays, Python scalars, and
sequences and mappings of them (compared item by item) are accepted, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ._dtype import as_dtype
from .tensor import Tensor

__all__ = ["assert_close", "assert_allclose"]

_DEFAULT_TOLERANCES = {  # dtype name: (rtol, atol)
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


def _tolerances(*dtypes: np.dtype) -> tuple[float, float]:
    pairs = [_DEFAULT_TOLERANCES.get(d.name, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _dtype_name(dt: np.dtype) -> str:
    return str(as_dtype(dt))


def _fail(msg: str, custom: Any, path: str) -> AssertionError:
    if callable(custom):
        msg = custom(msg)
    elif custom is not None:
        msg = custom
    elif path:
        msg += f"\n\nThe failure occurred for item {path}"
    return AssertionError(msg)


def _is_tensor_like(x: Any) -> bool:
    return isinstance(x, (Tensor, np.ndarray))


def _array(x: Any) -> np.ndarray:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _number(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _compare_tensors(actual: Any, expected: Any, rtol: float | None, atol: float | None, equal_nan: bool,
                     check_dtype: bool, msg: Any, path: str) -> None:
    a, e = _array(actual), _array(expected)
    if a.shape != e.shape:
        raise _fail(f"The values for attribute 'shape' do not match: torch.Size({list(a.shape)}) != "
                    f"torch.Size({list(e.shape)}).", msg, path)
    if check_dtype and a.dtype != e.dtype:
        raise _fail(f"The values for attribute 'dtype' do not match: {_dtype_name(a.dtype)} != "
                    f"{_dtype_name(e.dtype)}.", msg, path)
    if rtol is None:
        rtol, atol = _tolerances(a.dtype, e.dtype)
    assert atol is not None
    common = np.result_type(a.dtype, e.dtype)
    if common == np.bool_:
        a, e, common = a.astype(np.int64), e.astype(np.int64), np.dtype(np.int64)
    a, e = a.astype(common, copy=False), e.astype(common, copy=False)
    exact = rtol == 0 and atol == 0
    with np.errstate(all="ignore"):
        if common.kind in "iu":
            abs_diff = np.abs(a.astype(np.int64) - e.astype(np.int64))
            ok = abs_diff == 0
        else:
            abs_diff = np.abs(a - e)
            ok = (a == e) | (abs_diff <= atol + rtol * np.abs(e))
            if equal_nan:
                ok |= np.isnan(a) & np.isnan(e)
    if ok.all():
        return
    bad = np.flatnonzero(~ok)
    abs_bad = abs_diff.ravel()[bad]
    with np.errstate(all="ignore"):
        denom = np.abs(e.ravel()[bad]).astype(np.float64 if common.kind in "iu" else common)
        rel_bad = (abs_bad.astype(denom.dtype) / denom)
        if common.kind in "iu":  # PyTorch divides integer differences in float32
            rel_bad = (abs_bad.astype(np.float32) / np.abs(e.ravel()[bad]).astype(np.float32))
    verb = "equal" if exact else "close"
    if a.ndim == 0:  # a 0-d tensor is reported as a scalar (its relative difference in double)
        ev = _number(e.ravel()[0])
        rel0 = float(abs_bad[0]) / abs(ev) if ev != 0 else float("inf")
        lines = [f"Scalars are not {verb}!", "", f"Expected {ev} but got {_number(a.ravel()[0])}.",
                 f"Absolute difference: {_number(abs_bad[0])}" + ("" if exact else f" (up to {atol} allowed)"),
                 f"Relative difference: {rel0}" + ("" if exact else f" (up to {rtol} allowed)")]
        raise _fail("\n".join(lines), msg, path)
    i_abs, i_rel = int(np.argmax(abs_bad)), int(np.argmax(rel_bad))
    idx_abs = tuple(int(v) for v in np.unravel_index(bad[i_abs], a.shape))
    idx_rel = tuple(int(v) for v in np.unravel_index(bad[i_rel], a.shape))
    lines = [f"Tensor-likes are not {verb}!", "",
             f"Mismatched elements: {len(bad)} / {a.size} ({100 * len(bad) / a.size:.1f}%)",
             f"Greatest absolute difference: {_number(abs_bad[i_abs])} at index {idx_abs}"
             + ("" if exact else f" (up to {atol} allowed)"),
             f"Greatest relative difference: {_number(rel_bad[i_rel])} at index {idx_rel}"
             + ("" if exact else f" (up to {rtol} allowed)")]
    raise _fail("\n".join(lines), msg, path)


def _compare_scalars(actual: Any, expected: Any, rtol: float | None, atol: float | None, equal_nan: bool,
                     check_dtype: bool, msg: Any, path: str) -> None:
    if isinstance(actual, bool) or isinstance(expected, bool):
        if actual is not expected:
            raise _fail(f"Booleans mismatch: {actual} is not {expected}", msg, path)
        return
    if check_dtype and type(actual) is not type(expected):
        raise _fail(f"The (d)types do not match: {type(actual)} != {type(expected)}.", msg, path)
    integral = isinstance(actual, int) and isinstance(expected, int)
    if rtol is None:
        rtol, atol = (0.0, 0.0) if integral else (1e-7, 1e-7)
    assert atol is not None
    if actual == expected or (equal_nan and actual != actual and expected != expected):
        return
    diff = abs(actual - expected)
    if not integral and diff <= atol + rtol * abs(expected):
        return
    exact = rtol == 0 and atol == 0
    rel = diff / abs(expected) if expected != 0 else float("inf")
    lines = [f"Scalars are not {'equal' if exact else 'close'}!", "", f"Expected {expected} but got {actual}.",
             f"Absolute difference: {diff}" + ("" if exact else f" (up to {atol} allowed)"),
             f"Relative difference: {rel}" + ("" if exact else f" (up to {rtol} allowed)")]
    raise _fail("\n".join(lines), msg, path)


def _compare(actual: Any, expected: Any, path: str, **kw: Any) -> None:
    if _is_tensor_like(actual) and _is_tensor_like(expected):
        return _compare_tensors(actual, expected, path=path, **kw)
    scalar = (int, float, bool)
    if isinstance(actual, scalar) and isinstance(expected, scalar):
        return _compare_scalars(actual, expected, path=path, **kw)
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            missing = sorted(set(expected) - set(actual), key=repr)
            extra = sorted(set(actual) - set(expected), key=repr)
            raise _fail(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: {missing}\n"
                        f"Additional keys in the actual mapping: {extra}", kw["msg"], path)
        for key in expected:
            _compare(actual[key], expected[key], f"{path}[{key!r}]", **kw)
        return None
    seq = (list, tuple)
    if isinstance(actual, seq) and isinstance(expected, seq):
        if len(actual) != len(expected):
            raise _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", kw["msg"], path)
        for i, (x, y) in enumerate(zip(actual, expected)):
            _compare(x, y, f"{path}[{i}]", **kw)
        return None
    if actual is None and expected is None:
        return None
    raise TypeError(f"No comparison pair was able to handle inputs of type {_type_name(actual)} and "
                    f"{_type_name(expected)}.")


def _type_name(x: Any) -> str:
    return "<class 'torch.Tensor'>" if isinstance(x, Tensor) else str(type(x))


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close (see the module docstring).

    Shapes must match, and dtypes too unless ``check_dtype=False`` (then both are compared in their common
    dtype, with the looser of the two default tolerances). ``msg`` replaces the message (a callable gets
    the default one)."""
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.")
    if isinstance(actual, Sequence) and isinstance(expected, Tensor) or \
            isinstance(expected, Sequence) and isinstance(actual, Tensor):
        raise TypeError(f"No comparison pair was able to handle inputs of type {_type_name(actual)} and "
                        f"{_type_name(expected)}.")
    _compare(actual, expected, "", rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    """The deprecated ``torch.testing.assert_allclose``: ``assert_close`` without dtype checks, NaN equal."""
    if not _is_tensor_like(actual):
        actual = np.asarray(actual)
    if not _is_tensor_like(expected):
        expected = np.asarray(expected, dtype=_array(actual).dtype)
    if rtol is None and atol is None:
        rtol, atol = _tolerances(_array(actual).dtype, _array(expected).dtype)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False, msg=msg or None)
