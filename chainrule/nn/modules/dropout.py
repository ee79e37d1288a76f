"""``Dropout``: zero each element with probability p while training, scaling survivors by 1/(1-p).

In ``eval()`` mode it is the identity; the scaling keeps the expectation unchanged.
"""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module


class _DropoutNd(Module):
    """The shared part of the dropout modules: the probability, checked, and ``inplace``."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """y = x·m/(1-p), m ~ Bernoulli(1-p) per element, in training mode; y = x in eval mode."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Channel dropout: each (sample, channel) feature map is zeroed with probability p while training,
    survivors scaled by 1/(1-p); the identity in ``eval()`` mode."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """SELU-preserving dropout (mean 0, variance 1 kept) in training; the identity in eval."""

    def forward(self, input: Tensor) -> Tensor:
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels (one draw per (sample, channel)) in training; the identity in eval."""

    def forward(self, input: Tensor) -> Tensor:
        return F.feature_alpha_dropout(input, self.p, self.training)


class Dropout1d(_DropoutNd):
    """Channel dropout for (N, C, L) / (C, L) inputs, survivors scaled by 1/(1 − p); the identity in eval."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Channel dropout for (N, C, D, H, W) / (C, D, H, W) inputs, survivors scaled by 1/(1 − p); identity in eval."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)
