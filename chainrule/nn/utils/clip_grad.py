"""Gradient clipping: ``clip_grad_norm_`` (rescale all grads together) and ``clip_grad_value_``.

clip_grad_norm_:  n = ‖(‖g₁‖ₚ, …, ‖g_k‖ₚ)‖ₚ  (the p-norm of all grads as one vector),
                  every g ← g · min(1, max_norm / (n + 1e-6)).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Union

import numpy as np

from ...tensor import Tensor

Params = Union[Tensor, Iterable[Tensor]]


def _grads(parameters: Params) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def _vector_norm(a: np.ndarray, p: float) -> np.ndarray:
    """‖a‖ₚ over all elements, computed in a's dtype (as PyTorch does)."""
    absa = np.abs(a)
    if p == math.inf:
        return absa.max() if absa.size else np.zeros((), a.dtype)
    if p == -math.inf:
        return absa.min()
    if p == 0:
        return np.asarray(np.count_nonzero(a), dtype=a.dtype)
    if p == 1:
        return absa.sum(dtype=a.dtype)
    if p == 2:
        return np.sqrt(np.vdot(absa.ravel(), absa.ravel()).astype(a.dtype))
    return (absa ** a.dtype.type(p)).sum(dtype=a.dtype) ** a.dtype.type(1.0 / p)


def clip_grad_norm_(parameters: Params, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Scale the gradients in place so that their combined ``norm_type``-norm is at most ``max_norm``.

    Returns the total norm before clipping (a 0-d tensor; ``inf`` norm = largest |g|).
    """
    grads = _grads(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not grads:
        from ...creation import tensor

        return tensor(0.0)
    norms = [_vector_norm(g._data, norm_type) for g in grads]
    dt = np.result_type(*[n.dtype for n in norms])
    total = _vector_norm(np.array(norms, dtype=dt), norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        coef = np.minimum(dt.type(max_norm) / (total + dt.type(1e-6)), dt.type(1.0))
        for g in grads:
            g._data *= coef.astype(g._data.dtype)
            g._bump()
    return Tensor._wrap(np.asarray(total, dtype=dt))


def clip_grad_value_(parameters: Params, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    c = float(clip_value)
    for g in _grads(parameters):
        np.clip(g._data, -c, c, out=g._data)
        g._bump()


def clip_grad_norm(parameters: Params, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Deprecated spelling of ``clip_grad_norm_``."""
    import warnings

    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)
