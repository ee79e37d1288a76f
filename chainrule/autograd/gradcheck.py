"""``gradcheck`` / ``gradgradcheck``: autograd against float64 central differences.

For each input that requires grad, the numerical Jacobian column for element k
is (f(x + εe_k) − f(x − εe_k)) / 2ε; the analytical Jacobian row for output
element j is the vector-Jacobian product with e_j. They must agree within
``atol + rtol·|numerical|`` everywhere, or ``GradcheckError`` is raised.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np


class GradcheckError(RuntimeError):
    """Raised when an analytical gradient disagrees with finite differences."""


def _tensors(x: Any) -> tuple[Any, ...]:
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _outputs(func: Callable[..., Any], inputs: tuple[Any, ...]) -> list[Any]:
    from ..tensor import Tensor

    out = func(*inputs)
    outs = [out] if isinstance(out, Tensor) else list(out)
    return [o for o in outs if isinstance(o, Tensor)]


def _numerical(func: Callable[..., Any], inputs: tuple[Any, ...], i: int, eps: float) -> list[np.ndarray]:
    from ..autograd.grad_mode import no_grad

    x = inputs[i]
    if not x._data.flags.c_contiguous:  # perturb the tensor's own memory, not a reshaped copy of it
        x._data = np.ascontiguousarray(x._data)
    flat = x._data.reshape(-1)
    with no_grad():
        n_out = [o._data.size for o in _outputs(func, inputs)]
    cols = [np.zeros((flat.size, n)) for n in n_out]
    for k in range(flat.size):
        orig = flat[k].item()
        with no_grad():
            flat[k] = orig + eps
            plus = [o._data.astype(np.float64).reshape(-1).copy() for o in _outputs(func, inputs)]
            flat[k] = orig - eps
            minus = [o._data.astype(np.float64).reshape(-1).copy() for o in _outputs(func, inputs)]
            flat[k] = orig
        for c, p, m in zip(cols, plus, minus, strict=True):
            c[k] = (p - m) / (2 * eps)
    return cols


def _analytical(func: Callable[..., Any], inputs: tuple[Any, ...],
                diff: list[int]) -> dict[tuple[int, int], np.ndarray]:
    from ..autograd import grad
    from ..tensor import Tensor

    outs = _outputs(func, inputs)
    result: dict[tuple[int, int], np.ndarray] = {}
    for j, o in enumerate(outs):
        for i in diff:
            result[(j, i)] = np.zeros((inputs[i]._data.size, o._data.size))
        if not o._rg:
            continue
        for e in range(o._data.size):
            go = np.zeros(o._data.shape, dtype=o._data.dtype)
            go.reshape(-1)[e] = 1
            gs = grad(o, [inputs[i] for i in diff], grad_outputs=Tensor._wrap(go), retain_graph=True,
                      allow_unused=True)
            for i, gi in zip(diff, gs, strict=True):
                if gi is not None:
                    result[(j, i)][:, e] = gi._data.astype(np.float64).reshape(-1)
    return result


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    fast_mode: bool = False,
    masked: Any = None,
) -> bool:
    """Check ``func``'s gradients against central differences (use float64 inputs)."""
    from ..tensor import Tensor

    inputs = _tensors(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._rg]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    for i in diff:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point. "
                "This check will likely fail if all the inputs are not of double precision floating point. ",
                UserWarning, stacklevel=2,
            )
    analytical = _analytical(func, inputs, diff)
    for i in diff:
        numerical = _numerical(func, inputs, i, eps)
        for j, num in enumerate(numerical):
            ana = analytical[(j, i)]
            if not np.allclose(ana, num, rtol=rtol, atol=atol, equal_nan=True):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{num!r}\nanalytical:{ana!r}\n"
                )
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Check second derivatives: gradcheck the map (inputs, v) ↦ vᵀ ∂func/∂inputs built with create_graph."""
    from ..autograd import grad
    from ..tensor import Tensor
    from .grad_mode import enable_grad

    inputs = _tensors(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype), True) for o in outs
        )
    else:
        grad_outputs = _tensors(grad_outputs)
    n_in = len(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._rg]

    def first_derivative(*args: Any) -> tuple[Any, ...]:
        ins, gos = args[:n_in], args[n_in:]
        # the finite differences evaluate this under no_grad; the inner derivative still needs a graph
        with enable_grad():
            o = [x for x in _outputs(func, ins) if x._rg]
            gs = grad(o, [ins[i] for i in diff], grad_outputs=list(gos)[:len(o)], create_graph=True,
                      allow_unused=True, materialize_grads=True)
        return tuple(gs)

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
