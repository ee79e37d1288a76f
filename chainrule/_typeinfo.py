"""``finfo`` and ``iinfo``: machine limits of a dtype, with PyTorch's attribute names (from NumPy's)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtype


class finfo:  # noqa: N801 - PyTorch's name
    """``finfo(dtype=default float dtype)``: bits, eps, max, min, tiny (= smallest_normal), resolution."""

    def __init__(self, type: Any = None) -> None:  # noqa: A002 - PyTorch's argument name
        dt = _dtype.get_default_dtype() if type is None else _dtype.as_dtype(type)
        if not dt.is_floating_point:
            # (PyTorch's message names 'torch.finfo' rather than the dtype)
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(dt.np)
        self.dtype = str(dt).replace("torch.", "")
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = float(info.resolution)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801 - PyTorch's name
    """``iinfo(dtype)``: bits, max, min of an integer dtype."""

    def __init__(self, type: Any) -> None:  # noqa: A002 - PyTorch's argument name
        dt = _dtype.as_dtype(type)
        if dt.is_floating_point:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            f"'{_dtype_name(dt)}'")
        info = np.iinfo(dt.np)
        self.dtype = str(dt).replace("torch.", "")
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def _dtype_name(dt: Any) -> str:
    return str(dt).replace("torch.", "")
