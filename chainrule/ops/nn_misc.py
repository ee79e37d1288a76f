"""The non-loss helpers of nn.functional: linear, dropout, one_hot, normalize, pad (constant mode).

dropout:    y = x·m/(1 − p),  m ~ Bernoulli(1 − p)      ∂y/∂x = m/(1 − p)
normalize:  y = x / max(‖x‖_p, ε) along ``dim``         (a composition: PyTorch's own definition)
pad:        y = x surrounded by ``value``; negative pads crop.   ∂L/∂x = G cropped back (pad with −pads).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import random as _random
from . import reduction as _red
from . import selection as _sel
from ._util import GRAD_ENABLED, Node, Tensor, record, wrap
from .catalogue import Entry, register
from .linalg import linear

__all__ = ["linear", "dropout", "dropout2d", "one_hot", "normalize", "pad"]


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1 − p) (chainrule's RNG)."""
    from . import arith
    from . import inplace as _inplace

    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    A = input._data
    dt = A.dtype if A.dtype.kind == "f" else np.dtype(np.float32)
    if p == 1.0:
        mask = np.zeros(A.shape, dtype=dt)
    else:
        keep = _random.rng().random(A.shape) >= p
        mask = keep.astype(dt) * dt.type(1.0 / (1.0 - p))
    m = wrap(mask)
    return _inplace.mul_(input, m) if inplace else arith.mul(input, m)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels (feature maps) with probability p, scaling the rest by 1/(1 − p): one
    Bernoulli draw per (sample, channel) of an (N, C, H, W) or (C, H, W) input (3-D: PyTorch's (N, C, L))."""
    import warnings

    from . import arith
    from . import inplace as _inplace

    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    nd = input._data.ndim
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            UserWarning, stacklevel=2)
    elif nd != 4:
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and will result in an error in a "
            "future release. To retain the behavior and silence this warning, please use dropout instead. Note that "
            "dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 3D or 4D inputs).", UserWarning, stacklevel=2)
    if not training or p == 0.0:
        return input
    A = input._data
    dt = A.dtype if A.dtype.kind == "f" else np.dtype(np.float32)
    mask_shape = A.shape[:2] + (1,) * (A.ndim - 2) if A.ndim >= 2 else A.shape
    if p == 1.0:
        mask = np.zeros(mask_shape, dtype=dt)
    else:
        keep = _random.rng().random(mask_shape) >= p
        mask = keep.astype(dt) * dt.type(1.0 / (1.0 - p))
    m = wrap(mask)
    return _inplace.mul_(input, m) if inplace else arith.mul(input, m)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 indicator vectors: out[..., c] = 1 where tensor == c."""
    A = tensor._data
    if A.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if A.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(A.max()) + 1
    if A.size:
        if int(A.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(A.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(A.shape + (int(num_classes),), dtype=np.int64)
    np.put_along_axis(out, A[..., None], 1, axis=-1)
    return wrap(out)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Tensor:
    """x / max(‖x‖_p, eps) along ``dim`` (a zero vector stays zero, with gradient 1/eps like PyTorch)."""
    if out is not None:
        raise NotImplementedError("normalize(out=...) is not supported by chainrule")
    denom = _sel.clamp_min(_red.norm(input, p, dim, keepdim=True), eps)
    return input / denom


class ConstantPadNdBackward0(Node):
    """y = pad(x, pads, value).   ∂L/∂x = pad(G, −pads): the gradient cropped back to x's shape."""

    __slots__ = ("pads",)
    pads: Any
    name = "ConstantPadNdBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        neg = [-q for q in self.pads]
        if F.is_tensor:
            return (pad(g, neg),)
        return (_pad_array(g, neg, 0),)


def _pad_array(A: np.ndarray, pads: Sequence[int], value: Any) -> np.ndarray:
    """Constant padding of the last len(pads)//2 dims; pads are (left, right) pairs from the last dim."""
    n = A.ndim
    crop = [slice(None)] * n
    widths = [(0, 0)] * n
    for k in range(len(pads) // 2):
        d = n - 1 - k
        lo, hi = int(pads[2 * k]), int(pads[2 * k + 1])
        size = A.shape[d] + lo + hi
        if size < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        crop[d] = slice(max(-lo, 0), A.shape[d] - max(-hi, 0))
        widths[d] = (max(lo, 0), max(hi, 0))
    B = A[tuple(crop)]
    if any(w != (0, 0) for w in widths):
        B = np.pad(B, widths, mode="constant", constant_values=value)
    elif B is A:
        B = A.copy()
    return B


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad the last ``len(pad) // 2`` dims by (left, right) pairs, last dim first; negative pads crop."""
    if mode != "constant":
        if mode in ("reflect", "replicate", "circular"):
            raise NotImplementedError(f"pad mode {mode!r} is not implemented in chainrule (only 'constant')")
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pads = [int(q) for q in pad]
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    A = input._data
    if len(pads) > 2 * A.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pads)} and input of dimension {A.ndim}")
    out = _pad_array(A, pads, 0 if value is None else value)
    t = wrap(out)
    if GRAD_ENABLED[0] and input._rg:
        node = ConstantPadNdBackward0.__new__(ConstantPadNdBackward0)
        node.pads = pads
        record(node, t, (input,))
    return t


for _e in (
    Entry("linear", "layer", "y = x Wᵀ + b", "∂L/∂x = G W,  ∂L/∂W = Gᵀx,  ∂L/∂b = Σ G", "(−∞, ∞)", "never",
          "smooth", "AddmmBackward0"),
    Entry("dropout", "layer", "y = x·m/(1 − p),  m ~ Bernoulli(1 − p)", "∂y/∂x = m/(1 − p)", "(−∞, ∞)",
          "dropped elements (gradient 0)", "identity when training=False", "MulBackward0"),
    Entry("dropout2d", "layer", "y = x·m/(1 − p),  one m ~ Bernoulli(1 − p) per (sample, channel)",
          "∂y/∂x = m/(1 − p)", "(−∞, ∞)", "dropped channels (gradient 0)", "identity when training=False",
          "MulBackward0"),
    Entry("normalize", "layer", "y = x / max(‖x‖_p, ε)", "∂y/∂x = (I − y yᵀ)/‖x‖  (p = 2)", "‖y‖_p ≤ 1",
          "never", "‖x‖ < ε: y = x/ε", "DivBackward0"),
    Entry("pad", "layer", "y = x padded with a constant (negative pads crop)", "∂L/∂x = G cropped to x",
          "(−∞, ∞)", "padding (gradient 0)", "smooth", "ConstantPadNdBackward0"),
):
    register(_e)
