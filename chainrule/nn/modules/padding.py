"""The non-constant padding layers: ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d, CircularPad1d/2d/3d.

Each is ``F.pad(input, padding, mode)`` with a fixed ``padding`` (an int for every side, or PyTorch's
(left, right[, top, bottom[, front, back]]) tuple, last dim first). Along a padded dim of size n with
pads (l, r), output position i reads x at p = i − l folded into [0, n − 1]:

* reflect:   p ↦ −p (p < 0),  2(n − 1) − p (p ≥ n)     (the edge is not repeated; needs l, r < n)
* replicate: p ↦ clamp(p, 0, n − 1)
* circular:  p ↦ p mod n                                 (needs l, r ≤ n)

The gradient scatter-adds the output gradient back to those sources: ∂L/∂x_j = Σ_{i: p(i) = j} G_i.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...ops.nn_misc import pad
from ...tensor import Tensor
from .module import Module

__all__ = [
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


def _ntuple(padding: Any, n: int) -> tuple[Any, ...]:
    """PyTorch's ``_ntuple``: an iterable is kept as a tuple, anything else is repeated ``n`` times."""
    if isinstance(padding, Iterable) and not isinstance(padding, str):
        return tuple(padding)
    return (padding,) * n


class _PadNd(Module):
    __constants__ = ["padding"]
    _mode = "reflect"
    _dims = 1

    padding: tuple[int, ...]

    def __init__(self, padding: int | tuple[int, ...]) -> None:
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._dims)

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        nd = input.dim()
        if nd not in (self._dims + 1, self._dims + 2):
            raise ValueError(f"expected {self._dims + 1}D or {self._dims + 2}D input (got {nd}D input)")
        return pad(input, self.padding, "circular")


class ReflectionPad1d(_PadNd):
    """Pad the last dim of a (C, W) or (N, C, W) input with its reflection (edge not repeated)."""

    _mode = "reflect"
    _dims = 1


class ReflectionPad2d(_PadNd):
    """Pad the last two dims of a (C, H, W) or (N, C, H, W) input with their reflection."""

    _mode = "reflect"
    _dims = 2


class ReflectionPad3d(_PadNd):
    """Pad the last three dims of a (C, D, H, W) or (N, C, D, H, W) input with their reflection."""

    _mode = "reflect"
    _dims = 3


class ReplicationPad1d(_PadNd):
    """Pad the last dim of a (C, W) or (N, C, W) input by repeating its edge values."""

    _mode = "replicate"
    _dims = 1


class ReplicationPad2d(_PadNd):
    """Pad the last two dims of a (C, H, W) or (N, C, H, W) input by repeating the edge values."""

    _mode = "replicate"
    _dims = 2


class ReplicationPad3d(_PadNd):
    """Pad the last three dims of a (C, D, H, W) or (N, C, D, H, W) input by repeating the edge values."""

    _mode = "replicate"
    _dims = 3


class CircularPad1d(_CircularPadNd):
    """Pad the last dim of a (C, W) or (N, C, W) input periodically (wrap around)."""

    _dims = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last two dims of a (C, H, W) or (N, C, H, W) input periodically (wrap around)."""

    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last three dims of a (C, D, H, W) or (N, C, D, H, W) input periodically (wrap around)."""

    _dims = 3
