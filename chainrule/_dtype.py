"""dtypes and PyTorch's type-promotion rules.

A chainrule dtype is a thin named wrapper around a NumPy dtype. Promotion
follows PyTorch, not NumPy:

* categories rank ``bool < integer < floating``; the higher category wins;
* within the winning category, tensors with dimensions outrank zero-dim tensors,
  which outrank Python scalars ("weak" operands never upcast a tensor);
* a Python float meeting an integer/bool tensor gives the *default* float dtype
  (float32), where NumPy would give float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class dtype:
    """A tensor element type (``chainrule.float32`` ...), printed as PyTorch prints it."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_cat")

    def __init__(self, name: str, np_dtype: Any, category: int) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_signed = name != "bool"
        self.itemsize = self.np.itemsize
        self._cat = category

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name

    @property
    def is_complex(self) -> bool:
        return False

    def to_real(self) -> dtype:
        return self


float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
int8 = dtype("int8", np.int8, 1)
uint8 = dtype("uint8", np.uint8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
bool_ = dtype("bool", np.bool_, 0)

# PyTorch's aliases ``half float double short int long`` are defined in chainrule/__init__.py, not
# here, so that this module's own ``int``/``float`` stay the builtins.
half, double, short, long = float16, float64, int16, int64

ALL_DTYPES = (float16, float32, float64, int8, uint8, int16, int32, int64, bool_)
_FROM_NP: dict[Any, dtype] = {d.np: d for d in ALL_DTYPES}
FLOAT_NP = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

_default = [float32]


def get_default_dtype() -> dtype:
    """The dtype of float tensors made from Python floats (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype; like PyTorch, only float32/float64/float16 are allowed."""
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def from_numpy_dtype(npd: Any) -> dtype:
    """The chainrule dtype of a NumPy dtype, or a TypeError naming it."""
    try:
        return _FROM_NP[npd]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(npd)}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def as_dtype(d: Any) -> dtype:
    """Accept a chainrule dtype, a NumPy dtype, or the Python types ``float``/``int``/``bool``."""
    if type(d) is dtype:
        return d
    if d is builtins_float:
        return _default[0]
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool_
    try:
        return _FROM_NP[np.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(f"expected a dtype such as torch.float32, got {d!r}") from None


import builtins as _b  # noqa: E402

builtins_float, builtins_int, builtins_bool = _b.float, _b.int, _b.bool


def _cat(npd: np.dtype) -> int:
    k = npd.kind
    return 2 if k == "f" else (0 if k == "b" else 1)


def promote_arrays(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """Result dtype of a binary op between two tensors' arrays, PyTorch's rules.

    Zero-dim tensors take part at lower priority: ``float64 0-dim + float32 (3,)``
    is float32, but ``int64 (3,) + float64 0-dim`` is float64 (category wins).
    """
    da, db = a.dtype, b.dtype
    if da is db:
        return da
    ca, cb = _cat(da), _cat(db)
    if ca != cb:
        # the higher category wins outright, even from a 0-dim tensor
        return da if ca > cb else db
    # same category: dimensioned tensors outrank 0-dim ones
    if a.ndim and not b.ndim:
        return da
    if b.ndim and not a.ndim:
        return db
    return np.promote_types(da, db)


def promote_scalar(arr_dtype: np.dtype, scalar: Any) -> np.dtype:
    """Result dtype of ``tensor op python_scalar``: the scalar is weak."""
    t = type(scalar)
    if arr_dtype.kind == "f":
        return arr_dtype
    if t is builtins_float or isinstance(scalar, (np.floating,)):
        return _default[0].np
    if arr_dtype.kind == "b" and t is builtins_int:
        return np.dtype(np.int64)
    return arr_dtype
