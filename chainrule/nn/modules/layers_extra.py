"""More ``nn`` layers, each a thin module over a function of ``nn.functional`` (``functional_layers.py``):
GroupNorm, RMSNorm, InstanceNorm1d/2d, Upsample (and UpsamplingNearest2d/UpsamplingBilinear2d), PixelShuffle,
PixelUnshuffle, ZeroPad1d/2d, ConstantPad1d/2d, Bilinear, AdaptiveMaxPool1d/2d, AdaptiveAvgPool1d, AvgPool1d,
MaxPool1d, ConvTranspose1d/2d, Fold and Unfold.

Parameter names, shapes and default initialisation are PyTorch's, so a torch ``state_dict`` loads as is.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

from ... import _dtype
from ...creation import empty, ones, zeros
from ...ops.nn_misc import pad
from ...ops.shape import unsqueeze
from ...tensor import Tensor
from .. import functional_layers as _FL
from .. import init
from ..parameter import Parameter
from .conv import check_channels
from .module import Module
from .normalization import _BatchNorm
from .pooling import MaxPool2d

__all__ = [
    "GroupNorm", "RMSNorm", "InstanceNorm1d", "InstanceNorm2d", "Upsample", "UpsamplingNearest2d",
    "UpsamplingBilinear2d", "PixelShuffle", "PixelUnshuffle", "ZeroPad1d", "ZeroPad2d", "ConstantPad1d",
    "ConstantPad2d", "Bilinear", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveAvgPool1d", "AvgPool1d",
    "MaxPool1d", "ConvTranspose1d", "ConvTranspose2d", "Fold", "Unfold",
]


# ------------------------------------------------------------------------------------------------
# normalisation


class GroupNorm(Module):
    """Group normalisation: the C channels split into ``num_groups`` groups, each normalised per sample, then
    y·weight_c + bias_c (weight 1, bias 0 initially)."""

    weight: Parameter | None
    bias: Parameter | None

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self.register_parameter("weight", Parameter(ones(num_channels, dtype=dtype, device=device))
                                if affine else None)
        self.register_parameter("bias", Parameter(zeros(num_channels, dtype=dtype, device=device))
                                if affine and bias else None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return _FL.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """y = x/√(mean(x²) + eps)·weight over the trailing ``normalized_shape`` dims (eps=None: the dtype's
    machine epsilon)."""

    weight: Parameter | None

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape = tuple(int(s) for s in shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.register_parameter("weight", Parameter(ones(*self.normalized_shape, dtype=dtype, device=device))
                                if elementwise_affine else None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return _FL.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class _InstanceNorm(_BatchNorm):
    """Instance normalisation: each (sample, channel) normalised over its spatial dims. ``affine`` and
    ``track_running_stats`` default to False, as PyTorch."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.dim() == self._expected_dims[0]
        x = unsqueeze(input, 0) if unbatched else input
        if x.shape[1] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim=1 to match num_features ({self.num_features}), "
                                 f"but got: {x.shape[1]}.")
            warnings.warn("input's size at dim=1 does not match num_features. You can silence this warning by "
                          "not passing in num_features, which is not used because affine=False", stacklevel=2)
        use_input_stats = self.training or not self.track_running_stats
        y = _FL.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_input_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return y[0] if unbatched else y


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation over (N, C, L) or unbatched (C, L) input."""

    _expected_dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation over (N, C, H, W) or unbatched (C, H, W) input."""

    _expected_dims = (3, 4)


# ------------------------------------------------------------------------------------------------
# resampling and rearranging


class Upsample(Module):
    """``interpolate`` as a layer: resize to ``size`` or by ``scale_factor`` with ``mode``."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return _FL.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                               recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour 2-D upsampling (``Upsample(mode='nearest')``)."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear 2-D upsampling with ``align_corners=True``."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C·r², H, W) → (*, C, H·r, W·r)."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return _FL.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H·r, W·r) → (*, C·r², H, W)."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return _FL.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


def _pad_tuple(padding: Any, n: int) -> tuple[int, ...]:
    if isinstance(padding, int):
        return (padding,) * (2 * n)
    padding = tuple(int(p) for p in padding)
    if len(padding) != 2 * n:
        raise ValueError(f"expected an int or a {2 * n}-tuple of paddings, got {padding!r}")
    return padding


class _ConstantPadNd(Module):
    _n = 1

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__()
        self.padding = _pad_tuple(padding, self._n)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, list(self.padding), "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim by (left, right) with a constant."""

    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims by (left, right, top, bottom) with a constant."""

    _n = 2


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim by (left, right) with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims by (left, right, top, bottom) with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class Bilinear(Module):
    """y = x₁ᵀ W x₂ + b, weight (out, in1, in2) and bias (out) drawn from U(−1/√in1, 1/√in1)."""

    bias: Parameter | None

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
        self.weight = Parameter(empty(out_features, in1_features, in2_features, dtype=dt, device=device))
        self.register_parameter("bias", Parameter(empty(out_features, dtype=dt, device=device)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return _FL.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


# ------------------------------------------------------------------------------------------------
# pooling


class AdaptiveMaxPool1d(Module):
    """Max pooling to a fixed output length."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return _FL.adaptive_max_pool1d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(AdaptiveMaxPool1d):
    """Max pooling to a fixed output size (``None`` keeps that dimension)."""

    def forward(self, input: Tensor) -> Any:
        return _FL.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveAvgPool1d(Module):
    """Average pooling to a fixed output length."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return _FL.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


def _single(v: Any) -> tuple[int]:
    return (int(v[0]),) if isinstance(v, (tuple, list)) else (int(v),)


class AvgPool1d(Module):
    """Mean over each window of length ``kernel_size`` (stride defaults to the kernel size)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return _FL.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                              self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool1d(MaxPool2d):
    """Maximum over each window of length ``kernel_size`` (stride defaults to the kernel size)."""

    def forward(self, input: Tensor) -> Tensor:
        return _FL.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)


# ------------------------------------------------------------------------------------------------
# transposed convolution, fold / unfold


class _ConvTransposeNd(Module):
    _n = 2
    bias: Parameter | None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_channels(in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        n = self._n
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _FL._tuple(kernel_size, n)
        self.stride = _FL._tuple(stride, n)
        self.padding = _FL._tuple(padding, n)
        self.output_padding = _FL._tuple(output_padding, n)
        self.dilation = _FL._tuple(dilation, n)
        self.groups = groups
        self.padding_mode = padding_mode
        self.transposed = True
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
        self.weight = Parameter(empty(in_channels, out_channels // groups, *self.kernel_size, dtype=dt,
                                      device=device))
        self.register_parameter("bias", Parameter(empty(out_channels, dtype=dt, device=device)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple[int, ...]:
        """The output_padding that makes the output ``output_size`` (PyTorch's ``forward(input, output_size)``)."""
        n = self._n
        if output_size is None:
            return self.output_padding
        size = [int(s) for s in output_size]
        if len(size) == input.dim():
            size = size[2:] if len(size) == n + 2 else size[1:]
        size = size[-n:]
        if len(size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or "
                             f"{n + 2} elements (got {len(output_size)})")
        spatial = input.shape[-n:]
        result = []
        for i in range(n):
            smallest = ((spatial[i] - 1) * self.stride[i] - 2 * self.padding[i]
                        + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            largest = smallest + self.stride[i] - 1
            if not smallest <= size[i] <= largest:
                raise ValueError(f"requested an output size of {size}, but valid sizes range from "
                                 f"{[smallest]} to {[largest]} (for an input of {list(spatial)})")
            result.append(size[i] - smallest)
        return tuple(result)

    def extra_repr(self) -> str:
        n = self._n
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution, weight (in_channels, out_channels/groups, k)."""

    _n = 1

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        op = self._output_padding(input, output_size)
        return _FL.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                    self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution, weight (in_channels, out_channels/groups, kh, kw)."""

    _n = 2

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        op = self._output_padding(input, output_size)
        return _FL.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                    self.dilation)


class Unfold(Module):
    """im2col: (N, C, H, W) → (N, C·kh·kw, L)."""

    def __init__(self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return _FL.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """col2im: (N, C·kh·kw, L) → (N, C, H, W), overlapping entries summed."""

    def __init__(self, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
                 stride: Any = 1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return _FL.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")
