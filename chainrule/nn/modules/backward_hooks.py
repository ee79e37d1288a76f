"""Module backward hooks: ``register_full_backward_hook`` and ``register_full_backward_pre_hook``.

PyTorch's semantics: ``hook(module, grad_input, grad_output)`` runs once the gradients with respect to
the module's positional tensor inputs are known (``grad_input`` has one entry per positional argument,
None where it is not a tensor that requires grad); a non-None result replaces ``grad_input``. A pre-hook
``hook(module, grad_output)`` runs when the gradients with respect to the outputs arrive, and may
replace them. If no input requires grad, the full hook runs with ``grad_input`` all None when the
output gradients arrive.

How: the call's tensor outputs pass through an identity ``Function`` whose backward sees grad_output
(and runs the pre-hooks), and its tensor inputs through another whose backward sees grad_input and
runs the full hooks — so the hooks fire inside the ordinary backward pass, in graph order.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ...autograd.function import Function
from ...tensor import Tensor


class _State:
    """What the two identity functions of one module call share."""

    def __init__(self, module: Any, n_inputs: int) -> None:
        self.module = module
        self.n_inputs = n_inputs
        self.grad_output: tuple[Any, ...] | None = None
        self.inputs_hooked = False


def _run_full_hooks(state: _State, grad_input: tuple[Any, ...]) -> tuple[Any, ...]:
    for hook in list(state.module._backward_hooks.values()):
        res = hook(state.module, grad_input, state.grad_output)
        if res is not None:
            res = res if isinstance(res, tuple) else (res,)
            if len(res) != len(grad_input):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(res)}, but "
                                   f"expected {len(grad_input)}")
            grad_input = res
    return grad_input


class _OutputHook(Function):
    @staticmethod
    def forward(ctx: Any, state: _State, *outputs: Any) -> Any:
        ctx.state = state
        return tuple(o.clone() for o in outputs) if len(outputs) > 1 else outputs[0].clone()

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        state: _State = ctx.state
        for hook in list(state.module._backward_pre_hooks.values()):
            res = hook(state.module, grads)
            if res is not None:
                grads = res if isinstance(res, tuple) else (res,)
        state.grad_output = grads
        if not state.inputs_hooked and state.module._backward_hooks:
            # nothing upstream will see grad_input: report it as all None now, with PyTorch's warning
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                          "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.",
                          UserWarning, stacklevel=2)
            _run_full_hooks(state, (None,) * state.n_inputs)
        return (None, *grads)


class _InputHook(Function):
    @staticmethod
    def forward(ctx: Any, state: _State, positions: tuple[int, ...], *inputs: Any) -> Any:
        ctx.state, ctx.positions = state, positions
        return tuple(i.clone() for i in inputs) if len(inputs) > 1 else inputs[0].clone()

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        state: _State = ctx.state
        grad_input: list[Any] = [None] * state.n_inputs
        for pos, g in zip(ctx.positions, grads):
            grad_input[pos] = g
        new = _run_full_hooks(state, tuple(grad_input))
        return (None, None, *(new[pos] for pos in ctx.positions))


def call_with_backward_hooks(module: Any, forward: Callable[..., Any], args: tuple[Any, ...],
                             kwargs: dict[str, Any]) -> Any:
    """``forward(*args, **kwargs)`` with the module's backward hooks attached to its inputs and outputs."""
    state = _State(module, len(args))
    positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad)
    if positions and module._backward_hooks:
        hooked = _InputHook.apply(state, positions, *(args[i] for i in positions))
        hooked = hooked if isinstance(hooked, tuple) else (hooked,)
        args = list(args)  # type: ignore[assignment]
        for pos, t in zip(positions, hooked):
            args[pos] = t  # type: ignore[index]
        args = tuple(args)
        state.inputs_hooked = True
    out = forward(*args, **kwargs)
    single = isinstance(out, Tensor)
    outs = (out,) if single else tuple(out) if isinstance(out, (tuple, list)) else None
    if outs is None or not any(isinstance(o, Tensor) and o.requires_grad for o in outs):
        return out
    idx = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
    hooked_out = _OutputHook.apply(state, *(outs[i] for i in idx))
    hooked_out = hooked_out if isinstance(hooked_out, tuple) else (hooked_out,)
    new_outs = list(outs)
    for i, t in zip(idx, hooked_out):
        new_outs[i] = t
    if single:
        return new_outs[0]
    return type(out)(new_outs) if isinstance(out, list) else tuple(new_outs)
