"""``MaxPool2d`` and ``AvgPool2d``: reductions over the windows that ``conv.windows`` gathers.

    max:  y[n, c, i, j] = max over the window (gradient to the first maximum, as PyTorch's index)
    avg:  y[n, c, i, j] = Σ window / (kh·kw)  (or / the number of non-padding cells,
          with ``count_include_pad=False``)
"""

from __future__ import annotations

from typing import Any

from ...creation import ones
from ...ops.reduction import max as reduce_max
from ...ops.reduction import sum as reduce_sum
from ...ops.shape import reshape
from ...tensor import Tensor
from .conv import _pair, out_size, windows
from .module import Module


def _geometry(x: Tensor, k: tuple[int, int], s: tuple[int, int], p: tuple[int, int], d: tuple[int, int],
              ceil_mode: bool) -> tuple[tuple[int, int], tuple[int, int, int, int]]:
    h, w = x.shape[-2:]
    for i in range(2):
        if p[i] > k[i] // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p[i]}, "
                               f"kernel_size={k[i]} and dilation={d[i]}")
    ho = out_size(h, k[0], s[0], p[0], d[0], ceil_mode)
    wo = out_size(w, k[1], s[1], p[1], d[1], ceil_mode)
    # ceil_mode may need cells past the right/bottom padding: pad further (never read by a max)
    bottom = max(p[0], (ho - 1) * s[0] + d[0] * (k[0] - 1) + 1 - h - p[0])
    right = max(p[1], (wo - 1) * s[1] + d[1] * (k[1] - 1) + 1 - w - p[1])
    return (ho, wo), (p[0], bottom, p[1], right)


def _as_batched(input: Tensor, name: str) -> tuple[Tensor, bool]:
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{name}: Expected 3D or 4D (batch mode) tensor for input, got {list(input.shape)}")
    return (reshape(input, (1, *input.shape)), True) if input.dim() == 3 else (input, False)


class MaxPool2d(Module):
    """Maximum over each kh×kw window (stride defaults to the kernel size)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        if return_indices:
            raise NotImplementedError("MaxPool2d(return_indices=True) is not supported by chainrule yet")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        x, unbatched = _as_batched(input, "max_pool2d")
        k, s, p, d = _pair(self.kernel_size), _pair(self.stride), _pair(self.padding), _pair(self.dilation)
        out_hw, pads = _geometry(x, k, s, p, d, self.ceil_mode)
        cols = windows(x, k, s, pads, d, out_hw, value=float("-inf"))  # (N, C, kh, kw, Ho, Wo)
        n, c = x.shape[:2]
        out = reduce_max(reshape(cols, (n, c, k[0] * k[1], *out_hw)), 2).values
        return reshape(out, out.shape[1:]) if unbatched else out

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Mean over each kh×kw window (zero padding counted unless ``count_include_pad=False``)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        if ceil_mode:
            raise NotImplementedError("AvgPool2d(ceil_mode=True) is not supported by chainrule yet")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        x, unbatched = _as_batched(input, "avg_pool2d")
        k, s, p = _pair(self.kernel_size), _pair(self.stride), _pair(self.padding)
        out_hw, pads = _geometry(x, k, s, p, (1, 1), False)
        n, c = x.shape[:2]
        total = reduce_sum(reshape(windows(x, k, s, pads, (1, 1), out_hw), (n, c, -1, *out_hw)), 2)
        if self.divisor_override:
            out = total / self.divisor_override
        elif self.count_include_pad or not any(p):
            out = total / (k[0] * k[1])
        else:  # count only the real cells of each window
            mask = ones(1, 1, *x.shape[2:], dtype=x.dtype)
            count = reduce_sum(reshape(windows(mask, k, s, pads, (1, 1), out_hw), (1, 1, -1, *out_hw)), 2)
            out = total / count
        return reshape(out, out.shape[1:]) if unbatched else out

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
