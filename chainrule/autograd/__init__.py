"""chainrule.autograd: ``grad``, ``backward``, ``Function``, ``gradcheck``, ``functional``.

``grad`` is the engine; ``backward`` (and ``Tensor.backward``) wraps it and
accumulates into the leaves' ``.grad``.
"""

from __future__ import annotations

from typing import Any

from . import functional
from .engine import _tensor_cls, run_backward
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["grad", "backward", "Function", "FunctionCtx", "once_differentiable", "gradcheck", "gradgradcheck",
           "GradcheckError", "functional", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "inference_mode", "Variable", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


def _as_tuple(x: Any) -> tuple[Any, ...]:
    if x is None:
        return ()
    if isinstance(x, _tensor_cls()):  # a function-level import here cost 3 us per backward()
        return (x,)
    return tuple(x)


def _check_gradients(gs: tuple[Any, ...]) -> list[Any]:
    """PyTorch refuses anything but Tensors (or None) as gradients, before it compares counts."""
    Tensor = _tensor_cls()

    for g in gs:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    return list(gs)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Any, ...]:
    """Gradients of ``outputs`` with respect to ``inputs`` (a tuple, one entry per input).

    ``grad_outputs`` are the vectors in the vector-Jacobian products (required for
    non-scalar outputs); ``create_graph=True`` records the computation so the
    result can be differentiated again; ``retain_graph`` defaults to ``create_graph``.
    """
    from ..tensor import Tensor

    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if not ins:
        raise RuntimeError("grad requires at least one input")
    for x in ins:
        if not isinstance(x, Tensor):
            raise TypeError(f"grad expects inputs to be Tensors, got {type(x).__name__}")
    gos = None if grad_outputs is None else _check_gradients(_as_tuple(grad_outputs))
    if gos is not None and len(gos) != len(outs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(gos)} grad_outputs and "
                           f"{len(outs)} outputs")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    allow = bool(allow_unused) or materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    res = run_backward(outs, gos, ins, retain_graph, create_graph, allow)
    assert res is not None
    if materialize_grads:
        from ..creation import zeros_like

        res = [zeros_like(x) if g is None else g for g, x in zip(res, ins)]
    return tuple(res)


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Any = None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of every leaf (or of ``inputs``)."""
    outs = _as_tuple(tensors)
    gts = grad_tensors if grad_tensors is not None else grad_variables
    gos = None if gts is None else _check_gradients(_as_tuple(gts))
    if gos is not None and len(gos) != len(outs):
        raise RuntimeError(f"got {len(gos)} tensors and {len(outs)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        ins = _as_tuple(inputs)
        res = run_backward(outs, gos, ins, retain_graph, create_graph, True)
        assert res is not None
        from .engine import _accumulate_leaf

        for x, g in zip(ins, res):
            if g is not None:
                _accumulate_leaf(x, g if create_graph else g._data, create_graph)
        return
    run_backward(outs, gos, None, retain_graph, create_graph, accumulate=True)


def Variable(data: Any, requires_grad: bool = False) -> Any:  # noqa: N802 - PyTorch's legacy name
    """Legacy ``Variable(tensor)``: returns the tensor itself (with ``requires_grad`` set if asked)."""
    from ..creation import as_tensor

    t = as_tensor(data)
    if requires_grad:
        t.requires_grad_(True)
    return t
