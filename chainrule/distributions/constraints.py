"""Constraints (``torch.distributions.constraints``): the sets parameters and values must lie in.

Each constraint's ``check(value)`` returns a bool Tensor (one entry per batch
element: event dimensions are reduced with ``all``). Checks never record a graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Constraint", "boolean", "dependent", "greater_than", "greater_than_eq", "half_open_interval",
           "independent", "integer_interval", "interval", "less_than", "lower_cholesky", "nonnegative",
           "positive", "positive_definite", "real", "real_vector", "simplex", "unit_interval"]


def _arr(x: Any) -> Any:
    return x._data if hasattr(x, "_data") else np.asarray(x)


def _bool_tensor(a: Any) -> Any:
    from ..creation import tensor
    return tensor(np.asarray(a, dtype=bool))


class Constraint:
    """A region of valid values; ``event_dim`` is how many rightmost dims form one event."""

    is_discrete = False
    event_dim = 0

    def _check(self, v: Any) -> Any:
        raise NotImplementedError

    def check(self, value: Any) -> Any:
        """A bool Tensor: ``True`` where ``value`` lies in the set."""
        return _bool_tensor(self._check(_arr(value)))

    def __repr__(self) -> str:
        return type(self).__name__[1:] + "()"


class _Dependent(Constraint):
    """A placeholder whose real set depends on other parameters."""

    def _check(self, v: Any) -> Any:
        raise ValueError("Cannot determine validity of dependent constraint")


class _Real(Constraint):
    def _check(self, v: Any) -> Any:
        return v == v  # NaN is the only real-typed value outside the set


class _Boolean(Constraint):
    is_discrete = True

    def _check(self, v: Any) -> Any:
        return (v == 0) | (v == 1)


class _IntegerInterval(Constraint):
    is_discrete = True

    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def _check(self, v: Any) -> Any:
        return (v % 1 == 0) & (_arr(self.lower_bound) <= v) & (v <= _arr(self.upper_bound))

    def __repr__(self) -> str:
        return f"IntegerInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _GreaterThan(Constraint):
    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def _check(self, v: Any) -> Any:
        return _arr(self.lower_bound) < v

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _GreaterThanEq(_GreaterThan):
    def _check(self, v: Any) -> Any:
        return _arr(self.lower_bound) <= v

    def __repr__(self) -> str:
        return f"GreaterThanEq(lower_bound={self.lower_bound})"


class _LessThan(Constraint):
    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def _check(self, v: Any) -> Any:
        return v < _arr(self.upper_bound)

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


class _Interval(Constraint):
    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def _check(self, v: Any) -> Any:
        return (_arr(self.lower_bound) <= v) & (v <= _arr(self.upper_bound))

    def __repr__(self) -> str:
        return f"Interval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _HalfOpenInterval(_Interval):
    def _check(self, v: Any) -> Any:
        return (_arr(self.lower_bound) <= v) & (v < _arr(self.upper_bound))

    def __repr__(self) -> str:
        return f"HalfOpenInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IndependentConstraint(Constraint):
    """``base`` applied elementwise, with the last ``reinterpreted_batch_ndims`` dims reduced by ``all``."""

    def __init__(self, base: Constraint, reinterpreted_batch_ndims: int) -> None:
        self.base_constraint, self.reinterpreted_batch_ndims = base, reinterpreted_batch_ndims
        self.event_dim = base.event_dim + reinterpreted_batch_ndims

    def _check(self, v: Any) -> Any:
        r: Any = np.asarray(self.base_constraint._check(v))
        if self.reinterpreted_batch_ndims:
            r = r.reshape(r.shape[:r.ndim - self.reinterpreted_batch_ndims] + (-1,)).all(-1)
        return r

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class _Simplex(Constraint):
    """Non-negative vectors summing to one (within 1e-6)."""

    event_dim = 1

    def _check(self, v: Any) -> Any:
        return (v >= 0).all(-1) & (np.abs(v.sum(-1) - 1) < 1e-6)


class _PositiveDefinite(Constraint):
    """Symmetric matrices with a Cholesky factor."""

    event_dim = 2

    def _check(self, v: Any) -> Any:
        v = np.asarray(v, dtype=np.float64)
        sym = np.isclose(v, np.swapaxes(v, -1, -2), atol=1e-6).reshape(v.shape[:-2] + (-1,)).all(-1)
        flat = v.reshape((-1,) + v.shape[-2:])
        ok = np.empty(flat.shape[0], dtype=bool)
        for i, m in enumerate(flat):
            try:
                np.linalg.cholesky(m)
                ok[i] = True
            except np.linalg.LinAlgError:
                ok[i] = False
        return sym & ok.reshape(v.shape[:-2])


class _LowerCholesky(Constraint):
    """Lower-triangular matrices with a positive diagonal."""

    event_dim = 2

    def _check(self, v: Any) -> Any:
        tril = (np.tril(v) == v).reshape(v.shape[:-2] + (-1,)).all(-1)
        return tril & (np.diagonal(v, axis1=-2, axis2=-1) > 0).all(-1)


dependent = _Dependent()
real = _Real()
real_vector = _IndependentConstraint(real, 1)
boolean = _Boolean()
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
unit_interval = _Interval(0.0, 1.0)
simplex = _Simplex()
positive_definite = _PositiveDefinite()
lower_cholesky = _LowerCholesky()
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
interval = _Interval
half_open_interval = _HalfOpenInterval
integer_interval = _IntegerInterval
independent = _IndependentConstraint
