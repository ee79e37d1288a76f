"""``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d`` and their functional forms: reductions over the
windows that ``conv.windows`` gathers.

    max:  y[n, c, i, j] = max over the window (gradient to the first maximum, as PyTorch's index)
    avg:  y[n, c, i, j] = Σ window / (kh·kw)  (or / the number of non-padding cells,
          with ``count_include_pad=False``)
"""

from __future__ import annotations

from typing import Any

from ...creation import ones
from ...ops._util import named_grad_fn
from ...ops.reduction import max as reduce_max
from ...ops.reduction import mean
from ...ops.reduction import sum as reduce_sum
from ...ops.shape import cat, reshape
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
    if ho < 1 or wo < 1:
        c = x.shape[-3]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{ho}x{wo}). "
                           "Output size is too small")
    # ceil_mode may need cells past the right/bottom padding: pad further (never read by a max)
    bottom = max(p[0], (ho - 1) * s[0] + d[0] * (k[0] - 1) + 1 - h - p[0])
    right = max(p[1], (wo - 1) * s[1] + d[1] * (k[1] - 1) + 1 - w - p[1])
    return (ho, wo), (p[0], bottom, p[1], right)


def _as_batched(input: Tensor, name: str) -> tuple[Tensor, bool]:
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{name}: Expected 3D or 4D (batch mode) tensor for input, got {list(input.shape)}")
    return (reshape(input, (1, *input.shape)), True) if input.dim() == 3 else (input, False)


def _window_args(input: Tensor, name: str, kernel_size: Any, stride: Any, padding: Any
                 ) -> tuple[Tensor, bool, tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(batched input, was unbatched, kernel, stride (the kernel by default, as PyTorch), padding)."""
    x, unbatched = _as_batched(input, name)
    k = _pair(kernel_size)
    return x, unbatched, k, (k if stride is None or stride == [] else _pair(stride)), _pair(padding)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor:
    """``F.max_pool2d``: the maximum of each window (stride defaults to the kernel size); the gradient
    goes to the window's first maximum."""
    if return_indices:
        raise NotImplementedError("max_pool2d(return_indices=True) is not supported by chainrule yet")
    x, unbatched, k, s, p = _window_args(input, "max_pool2d", kernel_size, stride, padding)
    d = _pair(dilation)
    out_hw, pads = _geometry(x, k, s, p, d, ceil_mode)
    cols = windows(x, k, s, pads, d, out_hw, value=float("-inf"))  # (N, C, kh, kw, Ho, Wo)
    n, c = x.shape[:2]
    out = reduce_max(reshape(cols, (n, c, k[0] * k[1], *out_hw)), 2).values
    return named_grad_fn(reshape(out, out.shape[1:]) if unbatched else out, "MaxPool2DWithIndicesBackward0")


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """``F.avg_pool2d``: the mean of each window (zero padding counted unless ``count_include_pad=False``)."""
    if ceil_mode:
        raise NotImplementedError("avg_pool2d(ceil_mode=True) is not supported by chainrule yet")
    x, unbatched, k, s, p = _window_args(input, "avg_pool2d", kernel_size, stride, padding)
    out_hw, pads = _geometry(x, k, s, p, (1, 1), False)
    n, c = x.shape[:2]
    total = reduce_sum(reshape(windows(x, k, s, pads, (1, 1), out_hw), (n, c, -1, *out_hw)), 2)
    if divisor_override:
        out = total / divisor_override
    elif count_include_pad or not any(p):
        out = total / (k[0] * k[1])
    else:  # count only the real cells of each window
        mask = ones(1, 1, *x.shape[2:], dtype=x.dtype)
        count = reduce_sum(reshape(windows(mask, k, s, pads, (1, 1), out_hw), (1, 1, -1, *out_hw)), 2)
        out = total / count
    return named_grad_fn(reshape(out, out.shape[1:]) if unbatched else out, "AvgPool2DBackward0")


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """``F.adaptive_avg_pool2d``: output cell (i, j) is the mean of rows ⌊i·H/Ho⌋ … ⌈(i+1)·H/Ho⌉ − 1 and the
    same for columns (PyTorch's windows); ``None`` in ``output_size`` keeps that dimension."""
    x, unbatched = _as_batched(input, "adaptive_avg_pool2d")
    h, w = x.shape[-2:]
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    ho, wo = (h if size[0] is None else size[0]), (w if size[1] is None else size[1])
    if (ho, wo) == (1, 1):  # global average pooling, the common case: one reduction (MeanBackward1, as PyTorch)
        return mean(input, (-2, -1), keepdim=True)
    rows = []
    for i in range(ho):
        r0, r1 = (i * h) // ho, -((-(i + 1) * h) // ho)
        cells = [mean(x[:, :, r0:r1, (j * w) // wo:-((-(j + 1) * w) // wo)], (-2, -1), keepdim=True)
                 for j in range(wo)]
        rows.append(cat(cells, -1))
    out = cat(rows, -2)
    return named_grad_fn(reshape(out, out.shape[1:]) if unbatched else out, "AdaptiveAvgPool2DBackward0")


class MaxPool2d(Module):
    """Maximum over each kh×kw window (stride defaults to the kernel size)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        if return_indices:
            raise NotImplementedError(f"{type(self).__name__}(return_indices=True) is not supported by chainrule yet")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)

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
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (``(1, 1)``: global average pooling)."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
