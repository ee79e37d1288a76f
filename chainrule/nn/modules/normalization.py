"""Normalisation layers: ``LayerNorm`` and ``BatchNorm1d``/``BatchNorm2d``.

Both are composites of differentiable ops (their forwards call ``F.layer_norm`` and
``F.batch_norm`` of ``nn/functional_layers.py``), so their gradients come from the ops' own derivatives:

    y = (x - μ) / √(σ² + eps) · γ + β,   σ² the biased variance

LayerNorm takes μ, σ² over the trailing ``normalized_shape`` dims of each sample;
BatchNorm over the batch (and spatial) dims of each channel while training, and
from its running estimates in eval mode. The running variance is updated with
the unbiased batch variance, as PyTorch does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import _dtype
from ...creation import ones, tensor, zeros
from ...ops.pointwise import rsqrt
from ...ops.reduction import mean
from ...tensor import Tensor
from .. import init
from ..functional_layers import batch_norm, layer_norm
from ..parameter import Parameter
from .module import Module


def _normalize(x: Tensor, dims: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(x - μ)/√(σ² + eps) with μ, σ² (biased) over ``dims``; also returns μ and σ²."""
    mu = mean(x, dims, keepdim=True)
    d = x - mu
    var = mean(d * d, dims, keepdim=True)
    return d * rsqrt(var + eps), mu, var


class LayerNorm(Module):
    """y = (x - E[x]) / √(Var[x] + eps) · weight + bias over the last ``len(normalized_shape)`` dims."""

    weight: Parameter | None
    bias: Parameter | None

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape = tuple(int(s) for s in shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.register_parameter("weight", Parameter(ones(*self.normalized_shape, dtype=dtype, device=device))
                                if elementwise_affine else None)
        self.register_parameter("bias", Parameter(zeros(*self.normalized_shape, dtype=dtype, device=device))
                                if elementwise_affine and bias else None)

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class _BatchNorm(Module):
    _expected_dims: tuple[int, ...] = ()
    weight: Parameter | None
    bias: Parameter | None
    # buffers: tensors when track_running_stats, else None
    running_mean: Any
    running_var: Any
    num_batches_tracked: Any

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.register_parameter("weight", Parameter(ones(num_features, dtype=dtype, device=device)) if affine else None)
        self.register_parameter("bias", Parameter(zeros(num_features, dtype=dtype, device=device))
                                if affine and bias else None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=_dtype.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _load_from_state_dict(self, state_dict: Any, prefix: str, missing: list[str], unexpected: list[str],
                              errors: list[str], assign: bool) -> None:
        # Checkpoints without version metadata (all of chainrule's, and PyTorch's saved as plain
        # dicts or safetensors) may lack num_batches_tracked: PyTorch then keeps the current count.
        key = prefix + "num_batches_tracked"
        if self.num_batches_tracked is not None and key not in state_dict:
            state_dict = dict(state_dict)
            state_dict[key] = self.num_batches_tracked.clone()
        super()._load_from_state_dict(state_dict, prefix, missing, unexpected, errors, assign)

    def _check_input_dim(self, input: Tensor) -> None:
        if input._data.ndim not in self._expected_dims:
            want = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(f"expected {want} input (got {input._data.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        A = input._data
        if A.shape[1] != self.num_features:
            raise RuntimeError(f"running_mean should contain {A.shape[1]} elements not {self.num_features}")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked._data += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked._data)
        use_batch_stats = self.training or self.running_mean is None
        # the running estimates are read in eval mode and updated (in place) when training with tracking
        track = not self.training or self.track_running_stats
        return batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                          self.weight, self.bias, use_batch_stats, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over (N, C) or (N, C, L) inputs, per channel C."""

    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over (N, C, H, W) inputs, per channel C."""

    _expected_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over (N, C, D, H, W) inputs, per channel C."""

    _expected_dims = (5,)


__all__ = ["LayerNorm", "BatchNorm1d", "BatchNorm2d"]
