"""The non-loss helpers of nn.functional: linear, dropout, one_hot, normalize, pad.

dropout:    y = x·m/(1 − p),  m ~ Bernoulli(1 − p)      ∂y/∂x = m/(1 − p)
normalize:  y = x / max(‖x‖_p, ε) along ``dim``         (a composition: PyTorch's own definition)
pad:        y = x surrounded by ``value``; negative pads crop.   ∂L/∂x = G cropped back (pad with −pads).
            reflect / replicate / circular: a gather y = x[idx(i)]   ∂L/∂x = G scatter-added back to idx.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import random as _random
from . import reduction as _red
from . import selection as _sel
from ._util import GRAD_ENABLED, Node, Tensor, record, wrap
from .catalogue import Entry, register
from .indexing import IndexBackward0
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


def _pad_ints(pad: Any) -> list[int]:
    """PyTorch's argument parsing of ``pad``: a sequence of Python/NumPy ints (or 0-d integer tensors)."""
    if isinstance(pad, Tensor):
        raise TypeError("pad(): argument 'pad' (position 2) must be tuple of ints, not Tensor")
    out = []
    for i, q in enumerate(pad):
        v = None
        if isinstance(q, Tensor):
            if q._data.ndim == 0 and q._data.dtype.kind in "iu":
                v = int(q._data)
        elif not isinstance(q, (bool, np.bool_)):
            try:
                v = operator.index(q)
            except TypeError:
                v = None
        if v is None:
            kind = type(q).__name__
            if i == 0:
                raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of "
                                f"type {kind} at pos 0")
            raise TypeError(f"pad(): argument 'pad' failed to unpack the object at pos 2 with error \"type must be "
                            f"tuple of ints,but got {kind}\"")
        out.append(int(v))
    return out


class ReflectionPad1DBackward0(IndexBackward0):
    """y = x[..., r(i)] with r(i) = i − l mirrored into [0, n−1] (edge not repeated).
    ∂L/∂x = zeros with G scatter-added at r(i) (repeated sources accumulate)."""

    __slots__ = ()
    name = "ReflectionPad1DBackward0"


class ReflectionPad2DBackward0(ReflectionPad1DBackward0):
    __slots__ = ()
    name = "ReflectionPad2DBackward0"


class ReflectionPad3DBackward0(ReflectionPad1DBackward0):
    __slots__ = ()
    name = "ReflectionPad3DBackward0"


class ReplicationPad1DBackward0(IndexBackward0):
    """y = x[..., clamp(i − l, 0, n−1)].   ∂L/∂x = zeros with G scatter-added there (edges collect the pads)."""

    __slots__ = ()
    name = "ReplicationPad1DBackward0"


class ReplicationPad2DBackward0(ReplicationPad1DBackward0):
    __slots__ = ()
    name = "ReplicationPad2DBackward0"


class ReplicationPad3DBackward0(ReplicationPad1DBackward0):
    __slots__ = ()
    name = "ReplicationPad3DBackward0"


_PAD_NODES: dict[tuple[str, int], type[IndexBackward0]] = {
    ("reflect", 1): ReflectionPad1DBackward0, ("reflect", 2): ReflectionPad2DBackward0,
    ("reflect", 3): ReflectionPad3DBackward0, ("replicate", 1): ReplicationPad1DBackward0,
    ("replicate", 2): ReplicationPad2DBackward0, ("replicate", 3): ReplicationPad3DBackward0,
    ("circular", 1): IndexBackward0, ("circular", 2): IndexBackward0, ("circular", 3): IndexBackward0,
}


def _too_small(mode: str, sizes: list[int], outs: list[int]) -> str:
    k = len(sizes)
    if k == 1:
        return f"input (W: {sizes[0]}) is too small. Calculated output W: {outs[0]}"
    if k == 2:
        gap = " " if mode == "replicate" else ""
        return (f"input (H: {sizes[0]}, W: {sizes[1]}{gap}) is too small. Calculated output H: {outs[0]} "
                f"W: {outs[1]}")
    return (f"input (D: {sizes[0]} H: {sizes[1]}, W: {sizes[2]}) is too small. Calculated output D: {outs[0]} "
            f"H: {outs[1]} W: {outs[2]}")


def _pad_indices(mode: str, shape: tuple[int, ...], pads: list[int], dtype: np.dtype) -> list[np.ndarray]:
    """Check ``pads`` the way PyTorch does for ``mode`` and return, for each padded dim (outermost first),
    the source index of every output position along it."""
    k = len(pads) // 2
    nd = len(shape)
    sp = list(range(nd - k, nd))                           # padded dims, outermost first
    lr = [(pads[2 * (nd - 1 - d)], pads[2 * (nd - 1 - d) + 1]) for d in sp]
    sizes = [shape[d] for d in sp]
    outs = [n + lo + hi for n, (lo, hi) in zip(sizes, lr)]
    if mode == "circular":
        for n, (lo, hi), o in zip(sizes, lr, outs):
            if lo > n or hi > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if o < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        empty = any(s == 0 for s in shape[:nd - k]) or any(o == 0 for o in outs)
        idx = []
        for n, (lo, hi), o in zip(sizes, lr, outs):
            start = max(-lo, 0)
            m = n - start - max(-hi, 0)                    # length of the cropped core
            if max(lo, 0) > m or max(hi, 0) > m:
                if not empty:  # PyTorch reads memory it has not written yet: refuse instead
                    raise RuntimeError("Padding value causes wrapping around more than once.")
                idx.append(np.zeros(o, dtype=np.intp))      # nothing is read from an empty result
                continue
            idx.append(start + np.mod(np.arange(o) - max(lo, 0), m) if m else np.arange(o))
        return idx
    name = ("reflection_pad" if mode == "reflect" else "replication_pad") + f"{k}d"
    first = 1 if nd == k + 2 else 0                        # the batch dim may be empty
    if any(s == 0 for s in shape[first:]):
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: [{', '.join(map(str, shape))}]")
    if mode == "reflect":
        for j in range(k):                                 # W first, then H, then D
            d = nd - 1 - j
            lo, hi = lr[k - 1 - j]
            if not (lo < shape[d] and hi < shape[d]):
                raise RuntimeError(f"Argument #{4 + 2 * j}: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                                   f"[{', '.join(map(str, shape))}]")
    if all(o < 1 for o in outs):
        raise RuntimeError(_too_small(mode, sizes, outs))
    out_shape = list(shape[:nd - k]) + outs
    for o in out_shape:
        if o < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {o}: "
                               f"[{', '.join(map(str, out_shape))}]")
    if dtype == np.bool_:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    idx = []
    for n, (lo, _hi), o in zip(sizes, lr, outs):
        p = np.arange(o) - lo                              # position in x's coordinates
        if mode == "reflect":
            p = np.abs(p)
            p = np.where(p > n - 1, 2 * (n - 1) - p, p)
        else:
            p = np.clip(p, 0, n - 1)
        idx.append(p)
    return idx


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad the last ``len(pad) // 2`` dims by (left, right) pairs, last dim first; negative pads crop.

    Along a padded dim of size n with pads (l, r), output position i (0 ≤ i < n + l + r) reads x at
    p = i − l mapped into range:

    * ``constant``:  y_i = x_p for 0 ≤ p < n, else ``value``.          ∂L/∂x = G cropped back.
    * ``reflect``:   p ↦ −p (p < 0),  2(n − 1) − p (p ≥ n)   (edge not repeated; needs l, r < n).
    * ``replicate``: p ↦ clamp(p, 0, n − 1).
    * ``circular``:  the core c = x cropped by the negative pads (length m) repeats periodically:
      y_i = c[(i − max(l, 0)) mod m]   (needs l, r ≤ m).

    The three non-constant modes are gathers y = x[idx]; their gradient scatter-adds G back,
    ∂L/∂x_j = Σ_{i : idx(i) = j} G_i (repeated sources accumulate), which is again linear in G, so
    the second derivative follows.  They pad the last 1, 2 or 3 dims of a (C, *) or (N, C, *) input.
    """
    pads = _pad_ints(pad)
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pads) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    A = input._data
    if len(pads) > 2 * A.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pads)} and input of dimension {A.ndim}")
    if mode == "constant":
        out = _pad_array(A, pads, 0 if value is None else value)
        t = wrap(out)
        if GRAD_ENABLED[0] and input._rg:
            node = ConstantPadNdBackward0.__new__(ConstantPadNdBackward0)
            node.pads = pads
            record(node, t, (input,))
        return t
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    k = len(pads) // 2
    if not (1 <= k <= 3 and A.ndim in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pads)} is not supported for {A.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    idx = _pad_indices(mode, A.shape, pads, A.dtype)
    index = (Ellipsis,) + tuple(np.ix_(*idx))
    t = wrap(A[index])
    if GRAD_ENABLED[0] and input._rg:
        cls = _PAD_NODES[(mode, k)]
        gnode = cls.__new__(cls)
        gnode.index = index
        gnode.shape = A.shape
        gnode.basic = False
        record(gnode, t, (input,))
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
