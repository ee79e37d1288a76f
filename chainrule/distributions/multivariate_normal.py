"""``MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None, scale_tril=None)``."""

from __future__ import annotations

import math
from typing import Any

from ..tensor import Size, Tensor
from . import constraints
from .distribution import Distribution, broadcast_shapes, lazy_property

__all__ = ["MultivariateNormal"]


class MultivariateNormal(Distribution):
    r"""Gaussian N(μ, Σ) on ℝⁿ, parameterised by exactly one of Σ (``covariance_matrix``), Σ⁻¹
    (``precision_matrix``) or L (``scale_tril``, lower-triangular with Σ = LLᵀ).

    log p(x) = -½‖L⁻¹(x-μ)‖² - Σᵢ log Lᵢᵢ - (n/2) log 2π;  entropy = (n/2)(1 + log 2π) + Σᵢ log Lᵢᵢ.
    ``rsample`` is μ + Lε with ε ~ N(0, I). Gradients reach Σ through the differentiable Cholesky.
    """

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None, precision_matrix: Tensor | None = None,
                 scale_tril: Tensor | None = None, validate_args: bool | None = None) -> None:
        from .. import linalg
        from ..ops.decompositions import linalg_cholesky as cholesky
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        n = loc.shape[-1]
        if scale_tril is not None:
            if scale_tril.dim() < 2:
                raise ValueError("scale_tril matrix must be at least two-dimensional, "
                                 "with optional leading batch dimensions")
            batch_shape = broadcast_shapes(scale_tril.shape[:-2], loc.shape[:-1])
            self.scale_tril = scale_tril.expand(tuple(batch_shape) + (-1, -1))
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            if covariance_matrix.dim() < 2:
                raise ValueError("covariance_matrix must be at least two-dimensional, "
                                 "with optional leading batch dimensions")
            batch_shape = broadcast_shapes(covariance_matrix.shape[:-2], loc.shape[:-1])
            self.covariance_matrix = covariance_matrix.expand(tuple(batch_shape) + (-1, -1))
        else:
            assert precision_matrix is not None
            if precision_matrix.dim() < 2:
                raise ValueError("precision_matrix must be at least two-dimensional, "
                                 "with optional leading batch dimensions")
            batch_shape = broadcast_shapes(precision_matrix.shape[:-2], loc.shape[:-1])
            self.precision_matrix = precision_matrix.expand(tuple(batch_shape) + (-1, -1))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, Size((n,)), validate_args=validate_args)
        if covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        elif precision_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(linalg.inv(precision_matrix))

    @lazy_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(tuple(self._batch_shape) + tuple(self._event_shape) * 2)

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(tuple(self._batch_shape) + tuple(self._event_shape) * 2)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        from .. import linalg
        L = self._unbroadcasted_scale_tril
        return linalg.inv(L @ L.mT).expand(tuple(self._batch_shape) + tuple(self._event_shape) * 2)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._extended_shape())

    def rsample(self, sample_shape: Any = Size()) -> Tensor:
        from .. import randn
        shape = self._extended_shape(sample_shape)
        eps = randn(shape, dtype=self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        from .. import eye
        L = self._unbroadcasted_scale_tril
        diag = (L * eye(L.shape[-1], dtype=L.dtype)).sum(-1)  # the batched diagonal of L
        return diag.log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        from ..ops.decompositions import solve_triangular
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        n = self._event_shape[0]
        L = self._unbroadcasted_scale_tril
        batch = broadcast_shapes(diff.shape[:-1], L.shape[:-2])
        y = solve_triangular(L.expand(tuple(batch) + (n, n)), diff.expand(tuple(batch) + (n,)).unsqueeze(-1),
                                    upper=False).squeeze(-1)
        m = y.pow(2).sum(-1)
        return -0.5 * (n * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self) -> Tensor:
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h if len(self._batch_shape) == 0 else h.expand(self._batch_shape)
