"""``Conv2d`` as a composite: gather the sliding windows (im2col) by indexing, then one matmul.

    y[n, o, i, j] = b[o] + Σ_{c,u,v} W[o, c, u, v] · x_pad[n, c, i·s + u·d, j·s + v·d]

The windows are read with integer-array indexing, whose backward scatters
(adds) each window's gradient back into the input, so dL/dx, dL/dW and dL/db
all come from existing derivatives. ``groups`` splits the channels into
independent convolutions. The helpers here are shared with the pooling layers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import _dtype
from ...creation import empty
from ...ops._util import named_grad_fn
from ...ops.linalg import matmul
from ...ops.nn_misc import pad
from ...ops.shape import reshape, squeeze
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from .module import Module


def _pair(v: Any) -> tuple[int, int]:
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"expected an int or a pair of ints, got {v!r}")
        return int(v[0]), int(v[1])
    return int(v), int(v)


def out_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool = False) -> int:
    """Number of window positions along one axis (PyTorch's formula, ceil_mode included)."""
    span = size + 2 * p - d * (k - 1) - 1
    n = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (n - 1) * s >= size + p:  # the last window must start inside the input or left padding
        n -= 1
    return n


def windows(x: Tensor, k: tuple[int, int], s: tuple[int, int], pads: tuple[int, int, int, int],
            d: tuple[int, int], out_hw: tuple[int, int], value: float = 0.0) -> Tensor:
    """(N, C, H, W) → (N, C, kh, kw, H_out, W_out): every window, read from x padded with ``value``.

    ``pads`` = (top, bottom, left, right).
    """
    top, bottom, left, right = pads
    if top or bottom or left or right:
        x = pad(x, [left, right, top, bottom], value=value)
    rows = np.arange(k[0])[:, None] * d[0] + np.arange(out_hw[0])[None, :] * s[0]  # (kh, H_out)
    cols = np.arange(k[1])[:, None] * d[1] + np.arange(out_hw[1])[None, :] * s[1]  # (kw, W_out)
    index = (slice(None), slice(None), Tensor._wrap(rows[:, None, :, None]), Tensor._wrap(cols[None, :, None, :]))
    return x[index]


def conv2d_padded(x: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple[int, int],
                  pads: tuple[int, int, int, int], dilation: tuple[int, int], groups: int) -> Tensor:
    """(N, C, H, W) ⋆ (O, C/groups, kh, kw) → (N, O, H_out, W_out); ``pads`` = (top, bottom, left, right)."""
    n, c, h, w = x.shape
    out_channels, c_per_group, kh, kw = weight.shape
    if c != c_per_group * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input{list(x.shape)} to have "
            f"{c_per_group * groups} channels, but got {c} channels instead"
        )
    top, bottom, left, right = pads
    s, d = stride, dilation
    ho = (h + top + bottom - d[0] * (kh - 1) - 1) // s[0] + 1
    wo = (w + left + right - d[1] * (kw - 1) - 1) // s[1] + 1
    if ho <= 0 or wo <= 0:
        raise RuntimeError("Calculated output size is too small: the kernel is larger than the padded input")
    cols = windows(x, (kh, kw), s, pads, d, (ho, wo))  # (N, C, kh, kw, Ho, Wo)
    patches = reshape(cols, (n, groups, c_per_group * kh * kw, ho * wo))
    kernel = reshape(weight, (groups, out_channels // groups, -1))
    out = reshape(matmul(kernel, patches), (n, out_channels, ho, wo))  # (N, g, O/g, Ho·Wo) → (N, O, Ho, Wo)
    if bias is not None:
        out = out + reshape(bias, (out_channels, 1, 1))
    return out


def _pads(padding: Any, kernel: tuple[int, int], dilation: tuple[int, int]) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) for ``padding`` = int, pair, 'valid' or 'same'."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":  # total d(k-1), the extra one on the bottom/right, as PyTorch
        th, tw = (dilation[i] * (kernel[i] - 1) for i in range(2))
        return (th // 2, th - th // 2, tw // 2, tw - tw // 2)
    ph, pw = _pair(padding)
    return (ph, ph, pw, pw)


def _conv2d_any(input: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple[int, int],
                pads: tuple[int, int, int, int], dilation: tuple[int, int], groups: int) -> Tensor:
    """``conv2d_padded`` for batched (N, C, H, W) or unbatched (C, H, W) input."""
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input.shape)}")
    unbatched = input.dim() == 3
    x = reshape(input, (1, *input.shape)) if unbatched else input
    out = named_grad_fn(conv2d_padded(x, weight, bias, stride, pads, dilation, groups), "ConvolutionBackward0")
    return squeeze(out, 0) if unbatched else out  # PyTorch's unbatched result: SqueezeBackward1


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """``F.conv2d``: y[n, o] = b[o] + Σ_c Σ_(i,j) w[o, c, i, j] · x[n, c, s·h + d·i, s·w + d·j] (cross-correlation,
    zero padding); the gradient flows through the window gather and the matrix product."""
    if isinstance(padding, str) and padding not in ("same", "valid"):
        raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
    if padding == "same" and _pair(stride) != (1, 1):
        raise ValueError("padding='same' is not supported for strided convolutions")
    k = (weight.shape[-2], weight.shape[-1])
    return _conv2d_any(input, weight, bias, _pair(stride), _pads(padding, k, _pair(dilation)), _pair(dilation),
                       groups)


def check_channels(in_channels: int, out_channels: int, groups: int) -> None:
    """PyTorch's checks of a convolution's channel counts against its groups."""
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    if in_channels % groups != 0:
        raise ValueError("in_channels must be divisible by groups")
    if out_channels % groups != 0:
        raise ValueError("out_channels must be divisible by groups")


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv2d(Module):
    """2-D convolution (cross-correlation, as in PyTorch) over (N, C, H, W) or unbatched (C, H, W) input."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_channels(in_channels, out_channels, groups)
        if padding_mode not in _PADDING_MODES:
            raise ValueError("padding_mode must be one of {'reflect', 'replicate', 'circular', 'zeros'}, but got "
                             f"padding_mode={padding_mode!r}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.dilation = _pair(dilation)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = _pair(padding)
        self.groups = groups
        self.padding_mode = padding_mode
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
        self.weight = Parameter(empty(out_channels, in_channels // groups, *self.kernel_size, dtype=dt,
                                      device=device))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=dt, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _pads(self) -> tuple[int, int, int, int]:
        return _pads(self.padding, self.kernel_size, self.dilation)

    def _padded(self, x: Tensor) -> tuple[Tensor, tuple[int, int, int, int]]:
        """x padded by ``padding_mode`` (then the convolution pads no more), or x and the zero pads."""
        t, b, left, right = self._pads()
        if self.padding_mode == "zeros":
            return x, (t, b, left, right)
        return pad(x, (left, right, t, b), mode=self.padding_mode), (0, 0, 0, 0)

    def forward(self, input: Tensor) -> Tensor:
        if self.padding_mode == "zeros":
            return _conv2d_any(input, self.weight, self.bias, self.stride, self._pads(), self.dilation, self.groups)
        x, pads = self._padded(input)
        return _conv2d_any(x, self.weight, self.bias, self.stride, pads, self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


def _single(v: Any) -> tuple[int]:
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise ValueError(f"expected an int or a 1-tuple, got {v!r}")
        return (int(v[0]),)
    return (int(v),)


class Conv1d(Conv2d):
    """1-D convolution over (N, C, L) or unbatched (C, L) input: a Conv2d over a height-1 image.

    The weight keeps PyTorch's shape (out_channels, in_channels/groups, kernel_size).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        pad2 = padding if isinstance(padding, str) else (0, _single(padding)[0])
        super().__init__(in_channels, out_channels, (1, _single(kernel_size)[0]), (1, _single(stride)[0]), pad2,
                         (1, _single(dilation)[0]), groups, bias, padding_mode, device, dtype)
        # store the 1-D geometry and a 3-D weight, as PyTorch's state_dict has them
        self.kernel_size = _single(kernel_size)  # type: ignore[assignment]
        self.stride = _single(stride)  # type: ignore[assignment]
        self.dilation = _single(dilation)  # type: ignore[assignment]
        self.padding = padding if isinstance(padding, str) else _single(padding)
        self.weight = Parameter(reshape(self.weight.detach(), (out_channels, in_channels // groups,
                                                                self.kernel_size[0])))

    def _pads(self) -> tuple[int, int, int, int]:
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            total = self.dilation[0] * (self.kernel_size[0] - 1)
            return (0, 0, total // 2, total - total // 2)
        return (0, 0, self.padding[0], self.padding[0])

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (2, 3):
            raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
                               f"{list(input.shape)}")
        unbatched = input.dim() == 2
        x = reshape(input, (1 if unbatched else input.shape[0], input.shape[-2], 1, input.shape[-1]))
        w = self.weight
        x, pads = self._padded(x)
        out = conv2d_padded(x, reshape(w, (*w.shape[:2], 1, w.shape[2])), self.bias, (1, self.stride[0]), pads,
                            (1, self.dilation[0]), self.groups)
        out = named_grad_fn(reshape(out, (*out.shape[:2], -1)), "ConvolutionBackward0")
        return squeeze(out, 0) if unbatched else out  # PyTorch's unbatched result: SqueezeBackward1

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,):
            s += f", padding={self.padding}"
        if self.dilation != (1,):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s
