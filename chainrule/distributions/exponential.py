"""``Exponential(rate)``: density λe^{-λx} on x ≥ 0."""

from __future__ import annotations

import numbers
from typing import Any

from ..tensor import Size, Tensor
from . import constraints
from .distribution import Distribution, broadcast_all

__all__ = ["Exponential"]


class Exponential(Distribution):
    r"""Exponential with ``rate`` λ > 0.

    log p(x) = log λ - λx;  entropy = 1 - log λ;  mean = 1/λ;  variance = 1/λ².
    ``rsample`` is -log(1 - u)/λ with u ~ U[0, 1) (inverse CDF), differentiable in λ.
    """

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate: Any, validate_args: bool | None = None) -> None:
        (self.rate,) = broadcast_all(rate)
        batch_shape = Size() if isinstance(rate, numbers.Number) else self.rate.size()
        super().__init__(batch_shape, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        from .. import zeros_like
        return zeros_like(self.rate)

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: Any = Size()) -> Tensor:
        from .. import rand
        shape = self._extended_shape(sample_shape)
        u = rand(shape, dtype=self.rate.dtype)
        return -(-u).log1p() / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value: Tensor) -> Tensor:
        """1 - e^{-λx}."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        return -(-value).log1p() / self.rate

    def entropy(self) -> Tensor:
        return 1.0 - self.rate.log()
