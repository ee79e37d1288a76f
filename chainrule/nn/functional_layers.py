"""nn.functional layer functions: normalisations, embedding, 1-D convolution and pooling, transposed
convolutions, interpolation, pixel (un)shuffle, unfold/fold and bilinear.

Every function here is a composite of recorded chainrule ops (mean, rsqrt, indexing, matmul, pad,
reshape, max, ...), so its first and second derivatives are those ops' closed-form derivatives:

    layer_norm  y = (x − μ)/√(σ² + ε)·γ + β   over the trailing ``normalized_shape`` dims
    batch_norm  the same over the batch and spatial dims of each channel (or the running estimates)
    group_norm  the same over each group of C/G channels (and the spatial dims) of each sample
    instance_norm  the same over the spatial dims of each (sample, channel)
    rms_norm    y = x/√(mean(x²) + ε)·γ
    conv_transpose  the adjoint of convolution: one matmul gives every cell's contribution x·w to each
                    kernel offset, and col2im adds the offsets' planes into place (stride, dilation, padding)
    interpolate y[i] = (1 − λ)·x[i₀] + λ·x[i₁] ('linear', separable per dimension) or x[⌊i·scale⌋]
    fold        the adjoint of unfold: col2im, the kernel offsets' shifted planes added (overlaps add)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd.grad_mode import GRAD_ENABLED
from ..autograd.graph import Node, record
from ..ops._util import named_grad_fn
from ..ops.indexing import getitem
from ..ops.linalg import matmul
from ..ops.nn_misc import pad
from ..ops.pointwise import rsqrt
from ..ops.reduction import max as reduce_max
from ..ops.reduction import mean
from ..ops.reduction import sum as reduce_sum
from ..ops.selection import where
from ..ops.shape import cat, permute, reshape, squeeze, unsqueeze
from ..tensor import Tensor

__all__ = [
    "layer_norm", "batch_norm", "group_norm", "instance_norm", "rms_norm", "embedding", "conv1d",
    "conv_transpose1d", "conv_transpose2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "interpolate", "upsample", "pixel_shuffle", "pixel_unshuffle",
    "unfold", "fold", "bilinear",
]
# the names among __all__ that have a derivative-catalogue Entry (they join nn.functional.__all__)
CATALOGUED: list[str] = []


# ------------------------------------------------------------------------------------------------
# helpers


def _tuple(v: Any, n: int, name: str = "argument") -> tuple[int, ...]:
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return (int(v[0]),) * n
        if len(v) != n:
            raise ValueError(f"{name}: expected an int or a sequence of {n} ints, got {v!r}")
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _pair2(v: Any) -> tuple[int, int]:
    a, b = _tuple(v, 2)
    return a, b


def _normalize(x: Tensor, dims: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(x − μ)/√(σ² + ε) with μ and the biased σ² over ``dims`` (kept); also returns μ and σ²."""
    mu = mean(x, dims, keepdim=True)
    d = x - mu
    var = mean(d * d, dims, keepdim=True)
    return d * rsqrt(var + eps), mu, var


def _channel_shape(ndim: int) -> tuple[int, ...]:
    return (1, -1) + (1,) * (ndim - 2)


def _update_running(running: Tensor | None, value: np.ndarray, momentum: float) -> None:
    """running ← (1 − m)·running + m·value, in place and outside the graph (as PyTorch)."""
    if running is None:
        return
    R = running._data
    R *= 1 - momentum
    R += (momentum * value).astype(R.dtype)
    running._bump()


# ------------------------------------------------------------------------------------------------
# normalisation


def _check_normalized_shape(input: Tensor, normalized_shape: Any, sep: str = ", ") -> tuple[int, ...]:
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(int(s) for s in normalized_shape)
    shape = tuple(input.shape)
    if len(shape) < len(ns) or shape[len(shape) - len(ns):] != ns:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape "
                           f"[*{sep}{', '.join(map(str, ns))}], but got input of size{list(shape)}")
    return ns


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """y = (x − μ)/√(σ² + ε)·weight + bias, μ and the biased σ² over the trailing ``normalized_shape`` dims.

    Derivative (per normalised group of n values, x̂ the normalised input, ĝ = g·weight):
    ∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/√(σ² + ε); ∂L/∂weight = Σ g·x̂; ∂L/∂bias = Σ g.
    """
    ns = _check_normalized_shape(input, normalized_shape)
    y, _, _ = _normalize(input, tuple(range(-len(ns), 0)), eps) if ns else (input * 0, None, None)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return named_grad_fn(y, "NativeLayerNormBackward0")


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """y = x/√(mean(x²) + ε)·weight over the trailing ``normalized_shape`` dims; ε defaults to the machine
    epsilon of x's dtype. ∂L/∂x = r·(ĝ − x·r²·mean(ĝ·x)) with r = 1/√(mean(x²) + ε), ĝ = g·weight."""
    ns = _check_normalized_shape(input, normalized_shape, sep="")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps) if input._data.dtype.kind == "f" else 1.1920928955078125e-07
    dims = tuple(range(-len(ns), 0))
    y = input * rsqrt(mean(input * input, dims, keepdim=True) + eps) if ns else input
    if weight is not None:
        y = y * weight
    return y


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Per channel c (dim 1): y = (x − μ_c)/√(σ²_c + ε)·weight_c + bias_c.

    ``training=True``: μ, σ² (biased) over the batch and spatial dims; the running estimates, when given,
    are updated in place: r ← (1 − momentum)·r + momentum·stat, with the unbiased variance (n/(n − 1)).
    ``training=False``: μ, σ² are the running estimates. The gradient follows the composite.
    """
    A = input._data
    if A.ndim < 2:
        raise ValueError(f"Expected 2D or higher input to batch_norm (got {A.ndim}D input)")
    c = A.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    shape = _channel_shape(A.ndim)
    if training:
        n = A.size // c if c else 0
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
        y, mu, var = _normalize(input, (0,) + tuple(range(2, A.ndim)), eps)
        _update_running(running_mean, mu._data.reshape(-1), momentum)
        _update_running(running_var, var._data.reshape(-1) * (n / (n - 1)), momentum)
    else:
        if running_mean is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        if running_var is None:
            raise RuntimeError("running_var must be defined in evaluation mode")
        y = (input - reshape(running_mean, shape)) * rsqrt(reshape(running_var, shape) + eps)
    if weight is not None:
        y = y * reshape(weight, shape)
    if bias is not None:
        y = y + reshape(bias, shape)
    return named_grad_fn(y, "NativeBatchNormBackward0")


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Per (sample, channel): y = (x − μ)/√(σ² + ε)·weight_c + bias_c, μ and σ² (biased) over the spatial dims.

    With ``use_input_stats`` and running estimates given, these are updated in place with the batch mean of
    the per-instance mean and unbiased variance; without ``use_input_stats`` the running estimates normalise.
    """
    A = input._data
    if A.ndim < 3:
        raise ValueError(f"Expected 3D or higher input to instance_norm (got {A.ndim}D input)")
    c = A.shape[1]
    shape = _channel_shape(A.ndim)
    if use_input_stats:
        n = int(np.prod(A.shape[2:]))
        if n <= 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
        y, mu, var = _normalize(input, tuple(range(2, A.ndim)), eps)
        _update_running(running_mean, mu._data.reshape(A.shape[0], c).mean(0), momentum)
        _update_running(running_var, var._data.reshape(A.shape[0], c).mean(0) * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
        y = (input - reshape(running_mean, shape)) * rsqrt(reshape(running_var, shape) + eps)
    if weight is not None:
        y = y * reshape(weight, shape)
    if bias is not None:
        y = y + reshape(bias, shape)
    return y


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """The C channels of each sample split into ``num_groups`` groups; each group (with its spatial dims) is
    normalised: y = (x − μ_g)/√(σ²_g + ε)·weight_c + bias_c. The gradient follows the composite."""
    A = input._data
    if A.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {A.ndim}")
    n, c = A.shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(A.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in "
                               f"input, but got {name} of shape {list(t.shape)} and input of shape {list(A.shape)}")
    y, _, _ = _normalize(reshape(input, (n, num_groups, -1)), (-1,), eps)
    y = reshape(y, A.shape)
    shape = _channel_shape(A.ndim)
    if weight is not None:
        y = y * reshape(weight, shape)
    if bias is not None:
        y = y + reshape(bias, shape)
    return named_grad_fn(y, "NativeGroupNormBackward0")


# ------------------------------------------------------------------------------------------------
# embedding


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """y = weight[input] (rows looked up). ∂L/∂weight[r] = Σ of the gradients of the outputs that read row r,
    zero for ``padding_idx``. With ``max_norm``, looked-up rows whose ``norm_type``-norm exceeds it are
    rescaled in place (outside the graph) to norm max_norm first, as PyTorch."""
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse gradients are not supported")
    rows = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= rows:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -rows:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = rows + padding_idx
    idx = input._data
    if str(idx.dtype) not in ("int64", "int32"):
        from ..ops.cast import type_

        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {type_(input)} instead (while checking arguments for "
                           "embedding)")
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        W = weight._data
        used = np.unique(idx)
        norms = np.linalg.norm(W[used].astype(np.float64), ord=norm_type, axis=1)
        big = norms > max_norm
        if big.any():
            W[used[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(W.dtype)
            weight._bump()
    out = getitem(weight, input)
    if padding_idx is not None and GRAD_ENABLED[0] and weight._rg:
        # same values, but padding rows come from a detached copy: no gradient reaches that row
        keep = Tensor._wrap(idx != padding_idx)
        out = where(unsqueeze(keep, -1), out, out.detach())
    return named_grad_fn(out, "EmbeddingBackward0")


# ------------------------------------------------------------------------------------------------
# convolution


def _conv_unbatched(input: Tensor, spatial: int, name: str) -> tuple[Tensor, bool]:
    if input.dim() not in (spatial + 1, spatial + 2):
        raise RuntimeError(f"Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) input to {name}, but "
                           f"got input of size: {list(input.shape)}")
    unbatched = input.dim() == spatial + 1
    return (unsqueeze(input, 0) if unbatched else input), unbatched


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """y[n, o, i] = b[o] + Σ_c Σ_u w[o, c, u]·x[n, c, s·i + d·u − p] (cross-correlation, zero padding;
    ``padding`` may be 'same' or 'valid'); the gradient flows through the window gather and the matmul."""
    from .modules.conv import conv2d_padded

    if isinstance(padding, str) and padding not in ("same", "valid"):
        raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
    (s,), (d,) = _tuple(stride, 1), _tuple(dilation, 1)
    k = weight.shape[-1]
    if padding == "same":
        if s != 1:
            raise ValueError("padding='same' is not supported for strided convolutions")
        total = d * (k - 1)
        lo, hi = total // 2, total - total // 2
    elif padding == "valid":
        lo = hi = 0
    else:
        lo = hi = _tuple(padding, 1)[0]
    x, unbatched = _conv_unbatched(input, 1, "conv1d")
    x4 = unsqueeze(x, 2)
    w4 = unsqueeze(weight, 2)
    out = conv2d_padded(x4, w4, bias, (1, s), (0, 0, lo, hi), (1, d), groups)
    out = named_grad_fn(reshape(out, (out.shape[0], out.shape[1], out.shape[3])), "ConvolutionBackward0")
    return squeeze(out, 0) if unbatched else out  # PyTorch's unbatched result: SqueezeBackward1


def _conv_transpose_nd(x: Tensor, weight: Tensor, bias: Tensor | None, stride: tuple[int, int],
                       padding: tuple[int, int], output_padding: tuple[int, int], groups: int,
                       dilation: tuple[int, int]) -> Tensor:
    """(N, Cin, H, W) with weight (Cin, Cout/groups, kh, kw) → (N, Cout, Ho, Wo),
    Ho = (H − 1)·s − 2p + d(k − 1) + output_padding + 1."""

    n, cin, h, w = x.shape
    wc, cpg, kh, kw = weight.shape
    if cin != wc:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(x.shape)} "
                           f"to have {wc} channels, but got {cin} channels instead")
    if cin % groups:
        raise RuntimeError("in_channels must be divisible by groups")
    s, p, op, d = stride, padding, output_padding, dilation
    for i in range(2):
        if op[i] >= s[i] and op[i] >= d[i]:
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding_height: {op[0]} output_padding_width: {op[1]} stride_height: {s[0]} "
                               f"stride_width: {s[1]} dilation_height: {d[0]} dilation_width: {d[1]}")
    out_h = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op[0] + 1
    out_w = (w - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op[1] + 1
    if out_h <= 0 or out_w <= 0:
        raise RuntimeError(f"Given input size per channel: ({h} x {w}). Calculated output size per channel: "
                           f"({out_h} x {out_w}). Output size is too small")
    # each input cell scatters x·w into the output window it would have been read from by conv2d:
    # cols[n, o, u, v, i, j] = Σ_c w[c, o, u, v]·x[n, c, i, j] (one matmul per group), then col2im
    # (g, Cin/g, N·H·W) and (g, Cout/g·kh·kw, Cin/g): equal batch dims keep the product on BLAS
    xs = reshape(permute(reshape(x, (n, groups, cin // groups, h * w)), (1, 2, 0, 3)), (groups, cin // groups, -1))
    k = permute(reshape(weight, (groups, cin // groups, cpg * kh * kw)), (0, 2, 1))
    cols = reshape(matmul(k, xs), (groups * cpg, kh, kw, n, h, w))
    cols = permute(cols, (3, 0, 1, 2, 4, 5))  # (N, Cout, kh, kw, H, W)
    out = _col2im(cols, (out_h, out_w), s, p, d)
    if bias is not None:
        out = out + reshape(bias, (-1, 1, 1))
    return out


class Col2ImBackward0(Node):
    """y = col2im(cols): y[n, c, i·s + u·d − p, j·s + v·d − p] += cols[n, c, u, v, i, j].
    ∂L/∂cols[n, c, u, v, i, j] = G[n, c, i·s + u·d − p, j·s + v·d − p] (im2col of G, zero outside)."""

    __slots__ = ("geom",)
    geom: Any
    name = "Col2ImBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        frame, s, p, d, k, hw = self.geom
        oh, ow = g.shape[-2:]
        if F.is_tensor:
            from .modules.conv import windows

            gp = pad(g, [p[1], frame[1] - p[1] - ow, p[0], frame[0] - p[0] - oh])
            return (windows(gp, k, s, (0, 0, 0, 0), d, hw),)
        G = np.zeros(g.shape[:2] + frame, dtype=g.dtype)
        G[:, :, p[0]:p[0] + oh, p[1]:p[1] + ow] = g
        out = np.empty(g.shape[:2] + k + hw, dtype=g.dtype)
        for u in range(k[0]):
            rows = slice(u * d[0], u * d[0] + (hw[0] - 1) * s[0] + 1, s[0])
            for v in range(k[1]):
                out[:, :, u, v] = G[:, :, rows, v * d[1]:v * d[1] + (hw[1] - 1) * s[1] + 1:s[1]]
        return (out,)


def _col2im(cols: Tensor, out_hw: tuple[int, int], s: tuple[int, int], p: tuple[int, int],
            d: tuple[int, int]) -> Tensor:
    """(N, C, kh, kw, H, W) → (N, C, Ho, Wo): y[n, c, i·s + u·d − p, j·s + v·d − p] += cols[n, c, u, v, i, j]
    (cells that land in the padding are dropped). A primitive: kh·kw strided adds into a padded frame."""
    A = cols._data
    n, c, kh, kw, h, w = A.shape
    frame = tuple(max(p[i] + out_hw[i], ((h, w)[i] - 1) * s[i] + d[i] * ((kh, kw)[i] - 1) + 1) for i in range(2))
    Y = np.zeros((n, c) + frame, dtype=A.dtype)
    for u in range(kh):
        rows = slice(u * d[0], u * d[0] + (h - 1) * s[0] + 1, s[0])
        for v in range(kw):
            Y[:, :, rows, v * d[1]:v * d[1] + (w - 1) * s[1] + 1:s[1]] += A[:, :, u, v]
    t = Tensor._wrap(np.ascontiguousarray(Y[:, :, p[0]:p[0] + out_hw[0], p[1]:p[1] + out_hw[1]]))
    if GRAD_ENABLED[0] and cols._rg:
        node = Col2ImBackward0.__new__(Col2ImBackward0)
        node.geom = (frame, s, p, d, (kh, kw), (h, w))
        record(node, t, (cols,))
    return t


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv2d ("deconvolution"): y[n, o, s·i + d·u − p] += Σ_c x[n, c, i]·w[c, o, u] (2-D),
    weight (Cin, Cout/groups, kh, kw); output size (H − 1)·s − 2p + d(k − 1) + output_padding + 1. Computed
    as a matmul and a sum of shifted planes, so ∂L/∂x is conv2d(G, w) and ∂L/∂w the matching correlation."""
    x, unbatched = _conv_unbatched(input, 2, "conv_transpose2d")
    out = named_grad_fn(_conv_transpose_nd(x, weight, bias, _pair2(stride), _pair2(padding), _pair2(output_padding),
                                           groups, _pair2(dilation)), "ConvolutionBackward0")
    return squeeze(out, 0) if unbatched else out  # PyTorch's unbatched result: SqueezeBackward1


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv1d: weight (Cin, Cout/groups, k); output length (L − 1)·s − 2p + d(k − 1) +
    output_padding + 1 (see conv_transpose2d)."""
    x, unbatched = _conv_unbatched(input, 1, "conv_transpose1d")
    s, p, op, d = (_tuple(a, 1)[0] for a in (stride, padding, output_padding, dilation))
    out = _conv_transpose_nd(unsqueeze(x, 2), unsqueeze(weight, 2), bias, (1, s), (0, p), (0, op), groups, (1, d))
    out = named_grad_fn(reshape(out, (out.shape[0], out.shape[1], out.shape[3])), "ConvolutionBackward0")
    return squeeze(out, 0) if unbatched else out  # PyTorch's unbatched result: SqueezeBackward1


# ------------------------------------------------------------------------------------------------
# 1-D pooling and adaptive max pooling


def _pool1d_input(input: Tensor, name: str, msg: str) -> tuple[Tensor, bool]:
    if input.dim() not in (2, 3):
        raise RuntimeError(msg.format(name=name, shape=list(input.shape), ndim=input.dim()))
    unbatched = input.dim() == 2
    x = unsqueeze(input, 0) if unbatched else input
    return unsqueeze(x, 2), unbatched  # (N, C, 1, L)


def _pool1d_output(out: Tensor, unbatched: bool) -> Tensor:
    out = reshape(out, (out.shape[0], out.shape[1], out.shape[3]))
    return reshape(out, out.shape[1:]) if unbatched else out


_DIMS_MSG = ("Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument #1 'self' (while checking "
             "arguments for {name})")


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor:
    """y[n, c, i] = max_u x[n, c, s·i + d·u − p] (stride defaults to the kernel size); the gradient goes to
    each window's first maximum."""
    from .modules.pooling import max_pool2d

    if return_indices:
        raise NotImplementedError("max_pool1d(return_indices=True) is not supported by chainrule yet")
    x, unbatched = _pool1d_input(input, "max_pool1d", "{name}: Expected 2D or 3D (batch mode) tensor with optional "
                                 "0 dim batch size for input, but got:{shape}")
    (k,) = _tuple(kernel_size, 1)
    s = k if stride is None or stride == [] else _tuple(stride, 1)[0]
    out = max_pool2d(x, (1, k), (1, s), (0, _tuple(padding, 1)[0]), (1, _tuple(dilation, 1)[0]), ceil_mode)
    return _pool1d_output(out, unbatched)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """y[n, c, i] = mean of the window x[n, c, s·i − p … s·i − p + k − 1] (zero padding counted unless
    ``count_include_pad=False``); ∂L/∂x spreads each output gradient equally over its window."""
    from .modules.pooling import avg_pool2d

    x, unbatched = _pool1d_input(input, "avg_pool1d", _DIMS_MSG)
    (k,) = _tuple(kernel_size, 1)
    s = k if stride is None or stride == [] else _tuple(stride, 1)[0]
    out = avg_pool2d(x, (1, k), (1, s), (0, _tuple(padding, 1)[0]), ceil_mode, count_include_pad)
    return _pool1d_output(out, unbatched)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Output cell i is the mean of x[⌊i·L/Lo⌋ … ⌈(i+1)·L/Lo⌉ − 1]."""
    from .modules.pooling import adaptive_avg_pool2d

    x, unbatched = _pool1d_input(input, "adaptive_avg_pool1d", _DIMS_MSG)
    (lo,) = _tuple(output_size, 1)
    return _pool1d_output(adaptive_avg_pool2d(x, (1, lo)), unbatched)


def _adaptive_max(x: Tensor, ho: int, wo: int) -> tuple[Tensor, Tensor]:
    """(N, C, H, W) → values and flat indices (into H·W) of each adaptive window's maximum."""
    n, c, h, w = x.shape
    vals, idxs = [], []
    for i in range(ho):
        r0, r1 = (i * h) // ho, -((-(i + 1) * h) // ho)
        for j in range(wo):
            c0, c1 = (j * w) // wo, -((-(j + 1) * w) // wo)
            m = reduce_max(reshape(x[:, :, r0:r1, c0:c1], (n, c, -1)), -1)
            vals.append(m.values)
            k = m.indices._data
            idxs.append((r0 + k // (c1 - c0)) * w + c0 + k % (c1 - c0))
    values = reshape(cat([unsqueeze(v, -1) for v in vals], -1), (n, c, ho, wo))
    indices = np.stack(idxs, -1).reshape(n, c, ho, wo).astype(np.int64)
    return values, Tensor._wrap(indices)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Output cell (i, j) is the maximum of rows ⌊i·H/Ho⌋ … ⌈(i+1)·H/Ho⌉ − 1 and likewise columns; the gradient
    goes to that maximum. ``return_indices`` also gives each maximum's flat index into H·W."""
    if input.dim() not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {list(input.shape)}")
    unbatched = input.dim() == 3
    x = unsqueeze(input, 0) if unbatched else input
    h, w = x.shape[-2:]
    size = (output_size, output_size) if not isinstance(output_size, (tuple, list)) else tuple(output_size)
    if len(size) == 1:
        size = (size[0], size[0])
    ho, wo = (h if size[0] is None else int(size[0])), (w if size[1] is None else int(size[1]))
    values, indices = _adaptive_max(x, ho, wo)
    if unbatched:
        values, indices = reshape(values, values.shape[1:]), reshape(indices, indices.shape[1:])
    return (values, indices) if return_indices else values


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Output cell i is the maximum of x[⌊i·L/Lo⌋ … ⌈(i+1)·L/Lo⌉ − 1] (gradient to that maximum)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got: {list(input.shape)}")
    x, unbatched = _pool1d_input(input, "adaptive_max_pool1d", _DIMS_MSG)
    (lo,) = _tuple(output_size, 1)
    values, indices = _adaptive_max(x, 1, lo)
    values, indices = _pool1d_output(values, unbatched), _pool1d_output(indices, unbatched)
    return (values, indices) if return_indices else values


# ------------------------------------------------------------------------------------------------
# interpolation


_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def _along(x: Tensor, axis: int, index: np.ndarray) -> Tensor:
    key: list[Any] = [slice(None)] * x.dim()
    key[axis] = Tensor._wrap(index.astype(np.int64))
    return getitem(x, tuple(key))


def _resize_axis(y: Tensor, axis: int, n_in: int, n_out: int, scale_factor: float | None, mode: str,
                 align_corners: bool, trailing: int) -> Tensor:
    """Resample one spatial axis (PyTorch's source-index rules: nearest in float32, linear in x's dtype)."""
    if mode in ("nearest", "nearest-exact"):
        f4 = np.float32
        scale = f4(1.0 / scale_factor) if scale_factor else f4(n_in) / f4(n_out)
        i = np.arange(n_out, dtype=f4)
        if mode == "nearest":
            src = (np.arange(n_out) if n_out == n_in else np.arange(n_out) // 2 if n_out == 2 * n_in
                   else np.floor(i * scale))
        else:
            src = np.floor((i + f4(0.5)) * scale)
        return _along(y, axis, np.minimum(src, n_in - 1))
    dt = y._data.dtype.type
    if n_out == n_in:
        return y * 1
    i = np.arange(n_out).astype(dt)
    if align_corners:
        src = i * dt((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out, dtype=dt)
    else:
        scale = dt(1.0 / scale_factor) if scale_factor else dt(n_in) / dt(n_out)
        src = np.maximum(scale * (i + dt(0.5)) - dt(0.5), dt(0))
    i0 = np.minimum(np.floor(src), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam1 = np.clip(src - i0, 0, 1).astype(dt)
    shape = (-1,) + (1,) * trailing
    lam0_t, lam1_t = Tensor._wrap((1 - lam1).reshape(shape)), Tensor._wrap(lam1.reshape(shape))
    return _along(y, axis, i0) * lam0_t + _along(y, axis, i1) * lam1_t


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims (all but N, C) of a 3-D, 4-D or 5-D input.

    'nearest': y[i] = x[min(⌊i·scale⌋, L − 1)] ('nearest-exact': ⌊(i + ½)·scale⌋), scale = 1/scale_factor if
    given, else L/Lo. 'linear'/'bilinear'/'trilinear': per dimension y[i] = (1 − λ)x[i₀] + λx[i₁] at source
    coordinate ξ = (i + ½)·scale − ½ clamped at 0 (``align_corners=False``) or ξ = i·(L − 1)/(Lo − 1);
    i₀ = ⌊ξ⌋, i₁ = min(i₀ + 1, L − 1), λ = ξ − i₀. 'area': adaptive average pooling. The gradient of each
    output is scattered back to the inputs it read, with the same weights.
    """
    if mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the modes: nearest | "
            f"linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported by chainrule")
    dim = input.dim() - 2
    if dim < 1:
        raise ValueError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D)")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    in_sizes = tuple(input.shape[2:])
    scales: list[float | None]
    if size is not None:
        out_sizes = tuple(int(v) for v in size) if isinstance(size, (tuple, list)) else (int(size),) * dim
        if len(out_sizes) != dim:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(in_sizes)} and output size of {list(out_sizes)}. "
                             "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             "(o1, o2, ...,oK) format.")
        scales = [None] * dim
    elif scale_factor is not None:
        many = isinstance(scale_factor, (tuple, list))
        sf = [float(v) for v in scale_factor] if many else [float(scale_factor)] * dim
        if len(sf) != dim:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got "
                             f"input with spatial dimensions of {list(in_sizes)} and scale_factor of shape {sf}. "
                             "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                             "(s1, s2, ...,sK) format.")
        out_sizes = tuple(int(math.floor(n * f)) for n, f in zip(in_sizes, sf))
        scales = [None] * dim if recompute_scale_factor else list(sf)
    else:
        raise ValueError("either size or scale_factor should be defined")
    needs = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
    if mode in needs and needs[mode] != dim:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {needs[mode] + 2}D input")
    if mode == "bicubic":
        raise NotImplementedError("interpolate(mode='bicubic') is not supported by chainrule yet")
    if mode == "area":
        if dim == 1:
            return adaptive_avg_pool1d(input, out_sizes)
        if dim == 2:
            from .modules.pooling import adaptive_avg_pool2d

            return adaptive_avg_pool2d(input, out_sizes)
        raise NotImplementedError("interpolate(mode='area') supports 3-D and 4-D input in chainrule")
    if any(o <= 0 for o in out_sizes):
        names = ("D", "H", "W")[3 - dim:] if dim <= 3 else tuple(f"d{i}" for i in range(dim))
        fin = ", ".join(f"{a}: {b}" for a, b in zip(names, in_sizes))
        fout = ", ".join(f"{a}: {b}" for a, b in zip(names, out_sizes))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({fin})"
                           f"{' and' if dim == 1 else ''} output ({fout})")
    y = input
    for k in range(dim):
        n_in, n_out, axis = in_sizes[k], out_sizes[k], 2 + k
        y = _resize_axis(y, axis, n_in, n_out, scales[k], mode, bool(align_corners), dim - 1 - k)
    return y


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """The deprecated spelling of ``interpolate``."""
    return interpolate(input, size, scale_factor, mode, align_corners)


# ------------------------------------------------------------------------------------------------
# pixel shuffle, unfold/fold, bilinear


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) → (*, C, H·r, W·r): y[c, h·r + i, w·r + j] = x[c·r² + i·r + j, h, w] (a reshape and
    a permutation, so the gradient is the inverse rearrangement)."""
    if input.dim() < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    r = int(upscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    m = len(lead)
    x = reshape(input, (*lead, c // (r * r), r, r, h, w))
    x = permute(x, (*range(m), m, m + 3, m + 1, m + 4, m + 2))
    return reshape(x, (*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) → (*, C·r², H, W), the inverse of pixel_shuffle."""
    if input.dim() < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    r = int(downscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={w} is not divisible by {r}")
    m = len(lead)
    x = reshape(input, (*lead, c, h // r, r, w // r, r))
    x = permute(x, (*range(m), m, m + 2, m + 4, m + 1, m + 3))
    return reshape(x, (*lead, c * r * r, h // r, w // r))


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """im2col: (N, C, H, W) → (N, C·kh·kw, L), column l holding the (zero-padded) window at output position l,
    rows ordered (c, u, v). The gradient adds each column entry back into the input cell it came from."""
    from .modules.conv import windows

    if input.dim() not in (3, 4):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    unbatched = input.dim() == 3
    x = unsqueeze(input, 0) if unbatched else input
    k, d, p, s = _pair2(kernel_size), _pair2(dilation), _pair2(padding), _pair2(stride)
    n, c, h, w = x.shape
    ho = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    wo = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    if ho <= 0 or wo <= 0:
        raise RuntimeError(f"Given input with spatial size ({h}, {w}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of "
                           f"sliding blocks as ({ho}, {wo}), but its components must be at least one.")
    cols = windows(x, k, s, (p[0], p[0], p[1], p[1]), d, (ho, wo))  # (N, C, kh, kw, Ho, Wo)
    out = reshape(cols, (n, c * k[0] * k[1], ho * wo))
    return reshape(out, out.shape[1:]) if unbatched else out


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """col2im, the adjoint of unfold: (N, C·kh·kw, L) → (N, C, H, W), every column entry added into the cell its
    window position reads (overlaps sum). Computed as a transposed convolution with a one-hot kernel."""
    if input.dim() not in (2, 3):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    unbatched = input.dim() == 2
    x = unsqueeze(input, 0) if unbatched else input
    out_hw = _pair2(output_size)
    k, d, p, s = _pair2(kernel_size), _pair2(dilation), _pair2(padding), _pair2(stride)
    n, ck, L = x.shape
    kk = k[0] * k[1]
    if ck % kk:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={ck} and kernel_size=({k[0]}, {k[1]}).")
    ho = (out_hw[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    wo = (out_hw[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    if ho * wo != L or ho <= 0 or wo <= 0:
        raise RuntimeError(f"Given output_size=({out_hw[0]}, {out_hw[1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), expected "
                           f"size of input's dimension 2 to match the calculated number of sliding blocks {ho} * "
                           f"{wo} = {ho * wo}, but got input.size(2)={L}.")
    out = _col2im(reshape(x, (n, ck // kk, k[0], k[1], ho, wo)), out_hw, s, p, d)
    return reshape(out, out.shape[1:]) if unbatched else out


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y[..., o] = Σ_ij x₁[..., i]·W[o, i, j]·x₂[..., j] + b[o]. ∂L/∂x₁ = Σ_o g_o W_o x₂, ∂L/∂x₂ = Σ_o g_o W_oᵀx₁,
    ∂L/∂W[o] = Σ g_o x₁x₂ᵀ (a matmul, a product and a sum, so second derivatives follow)."""
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight input should have 3 dimensions, but got {weight.dim()}")
    o, i, j = weight.shape
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    if input1.shape[-1] != i:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {i}")
    if input2.shape[-1] != j:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {j}")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != o):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[-1]} but "
                           f"expected {o}")
    lead = tuple(input1.shape[:-1])
    x1 = reshape(input1, (-1, i))
    x2 = reshape(input2, (-1, 1, j))
    t = reshape(matmul(x1, reshape(permute(weight, (1, 0, 2)), (i, o * j))), (-1, o, j))  # x₁ᵀW per o
    y = reduce_sum(t * x2, -1)
    if bias is not None:
        y = y + bias
    return reshape(y, (*lead, o))
