"""The compiled training step: one call for ``zero_grad → forward → loss → backward → step``.

    step = chainrule.compile_step(model, loss_fn, optimizer)
    for _ in range(10_000):
        loss = step(x, y)   # same numbers as the eager step below, bit for bit

    # is, in effect:
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()

Why. On a tiny network the eager step's time is Python, not arithmetic: every op builds a Tensor
and a graph node, and the backward walk visits every node (docs/performance.md). For a
``Sequential`` of layers with fixed array formulas -- ``Linear``, ``Sigmoid``, ``Tanh``, ``ReLU``,
``Identity`` -- the step's array program is known before it runs. This module runs that program
directly on the NumPy arrays, the way a hand-written NumPy network does:

* forward: each layer's array formula, keeping what its derivative reads (the input of a Linear,
  the output of an activation) -- no Tensor, no node;
* loss: run *eagerly* on the network's output as a leaf, so every loss (and its errors) works;
* backward: the loss's gradient, then each layer's derivative in reverse -- the same formulas as
  the eager nodes (``SigmoidBackward0.backward`` itself; ``Gᵀx``, ``ΣG``, ``G W`` for Linear, with the
  same NumPy calls);
* update: the optimizer's own ``step()``, so every optimizer, param group and lr scheduler works.

The arithmetic is the eager step's, in the same order, so parameters agree bit for bit
(tests/test_compiled_step.py). Whatever it cannot compile -- another layer type, a forward hook,
an input that requires grad, mismatched dtypes, grad mode off -- runs the eager step instead:
same result, eager speed. ``step.compiled`` and ``step.reason`` say which path the last call took.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._errstate import silent
from .autograd.engine import _accumulate_leaf
from .autograd.grad_mode import GRAD_ENABLED
from .autograd.graph import SAVE_INPUTS, SAVE_OUTPUT
from .autograd.namespace import ARRAY, sum_to
from .nn.modules.activation import ReLU, Sigmoid, Tanh
from .nn.modules.container import Sequential
from .nn.modules.linear import Identity, Linear
from .nn.modules.module import Module
from .ops import _special
from .ops._loss_base import LossNode
from .ops.pointwise import ReluBackward0, SigmoidBackward0, TanhBackward0
from .optim.optimizer import Optimizer
from .tensor import Tensor

__all__ = ["CompiledStep", "compile_step"]

# layer kinds of the array program
_LINEAR, _SIGMOID, _TANH, _RELU = 0, 1, 2, 3
_KINDS: dict[type, int] = {Linear: _LINEAR, Sigmoid: _SIGMOID, Tanh: _TANH, ReLU: _RELU}
_add_reduce = np.add.reduce  # the bias gradient, as LinearBackward computes it
# the eager ops' array forwards (``ops.pointwise``: sigmoid, tanh, relu) ...
_ACTIVATION_FORWARD: dict[int, Any] = {_SIGMOID: _special.sigmoid, _TANH: np.tanh,
                                       _RELU: lambda x: np.maximum(x, 0)}
# ... and the eager nodes' derivative formulas, called on arrays (they read only g and the saved output y)
_ACTIVATION_BACKWARD: dict[int, Any] = {_SIGMOID: SigmoidBackward0.backward, _TANH: TanhBackward0.backward,
                        _RELU: ReluBackward0.backward}


def compile_step(model: Module, loss_fn: Callable[[Tensor, Any], Tensor], optimizer: Optimizer) -> CompiledStep:
    """A callable ``step(input, target) -> loss`` doing one eager-equivalent training step."""
    if not isinstance(model, Module):
        raise TypeError(f"compile_step: model must be an nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"compile_step: loss_fn must be callable, got {type(loss_fn).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"compile_step: optimizer must be a chainrule.optim.Optimizer, got {type(optimizer).__name__}")
    return CompiledStep(model, loss_fn, optimizer)


class CompiledStep:
    """``step(input, target)``: see the module docstring."""

    def __init__(self, model: Module, loss_fn: Callable[[Tensor, Any], Tensor], optimizer: Optimizer) -> None:
        self.model = model
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.compiled = False
        self.reason = "not called yet"
        self._modules: tuple[Any, ...] = ()
        self._plan: list[tuple[int, Any]] | None = None  # (kind, module)
        self._plan_reason = ""

    def __repr__(self) -> str:
        return f"CompiledStep(compiled={self.compiled}, reason={self.reason!r})"

    # -- the plan: which layers, and whether they can be compiled -------------------------------------
    def _layers(self) -> tuple[Any, ...]:
        """The model's modules in call order (nested Sequentials flattened, and kept for their hooks;
        a ``None`` child stays, so that the eager step gives its error)."""
        model = self.model
        if type(model) is Sequential:  # the usual flat case, without the walk
            mods = tuple(model._modules.values())
            if not any(type(m) is Sequential for m in mods):
                return (model, *mods)
        out: list[Any] = []

        def walk(m: Any) -> None:
            if type(m) is Sequential:
                out.append(m)  # kept so that its hooks are seen
                for child in m._modules.values():
                    walk(child)
            else:
                out.append(m)

        walk(self.model)
        return tuple(out)

    def _make_plan(self, layers: tuple[Any, ...]) -> None:
        plan: list[tuple[int, Any]] = []
        self._plan, self._plan_reason = None, ""
        for m in layers:
            if type(m) is Sequential or type(m) is Identity:
                continue
            kind = _KINDS.get(type(m))
            if kind is None:
                self._plan_reason = f"{type(m).__name__} layers are not compiled"
                return
            plan.append((kind, m))
        self._plan = plan

    # -- one step -------------------------------------------------------------------------------------
    def __call__(self, input: Tensor, target: Any) -> Tensor:
        layers = self._layers()
        if layers != self._modules:  # first call, or the model was changed
            self._modules = layers
            self._make_plan(layers)
        reason = self._why_eager(input, layers)
        if reason:
            self.compiled, self.reason = False, reason
            return self._eager(input, target)
        result = self._compiled(input, target)
        if result is None:
            return self._eager(input, target)
        self.compiled, self.reason = True, ""
        return result

    def _why_eager(self, input: Any, layers: tuple[Any, ...]) -> str:
        if self._plan is None:
            return self._plan_reason
        if not GRAD_ENABLED[0]:
            return "grad mode is off"
        if not isinstance(input, Tensor):
            return "the input is not a Tensor"
        if input._rg:
            return "the input requires grad"
        if input._data.ndim != 2:
            return "the input is not a 2-D batch"
        wants_grad = False
        for m in layers:
            if m._forward_hooks or m._forward_pre_hooks:
                return f"{type(m).__name__} has a forward hook"
            if type(m) is Linear:
                wants_grad = wants_grad or m.weight._rg or (m.bias is not None and m.bias._rg)
        if not wants_grad:  # the eager step raises: the loss would not require grad
            return "no parameter requires grad"
        return ""

    def _eager(self, input: Tensor, target: Any) -> Tensor:
        opt = self.optimizer
        opt.zero_grad()
        loss = self.loss_fn(self.model(input), target)
        loss.backward()
        opt.step()
        return loss

    def _compiled(self, input: Tensor, target: Any) -> Tensor | None:
        """The array program; ``None`` (before anything is changed) when a layer's dtype or shape does
        not fit, so that the eager step runs and raises PyTorch's error."""
        plan = self._plan
        assert plan is not None
        x = input._data
        saved: list[np.ndarray] = []  # per layer: a Linear's input, an activation's output
        for kind, m in plan:
            if kind == _LINEAR:
                W = m.weight._data
                if x.dtype is not W.dtype or x.shape[1] != W.shape[1]:
                    self.reason = "a Linear's input does not match its weight"
                    return None
                saved.append(x)
                z = x.dot(W.T)  # Tensor-free ``ops.linalg.linear``
                bias = m.bias
                if bias is not None:
                    z += bias._data
                x = z
            else:
                if kind != _RELU and x.dtype.kind != "f":  # eager casts it: leave that to the eager step
                    self.reason = "a Sigmoid or Tanh input is not floating point"
                    return None
                x = _ACTIVATION_FORWARD[kind](x)
                saved.append(x)

        opt = self.optimizer
        opt.zero_grad()
        # the loss, eagerly, on the output as a leaf
        out = Tensor._wrap(x, True)
        loss = self.loss_fn(out, target)
        g = _loss_gradient(loss, out)

        for i in range(len(plan) - 1, -1, -1):
            if g is None:
                break
            kind, m = plan[i]
            s = saved[i]
            if kind == _LINEAR:
                w, b = m.weight, m.bias
                gb = _add_reduce(g, 0) if b is not None and b._rg else None
                gx = g.dot(w._data) if i > 0 else None  # the first input needs none
                gw = g.T.dot(s) if w._rg else None
                if gw is not None:
                    _give_grad(w, gw)
                if gb is not None:
                    _give_grad(b, gb)
                g = gx
            else:
                g = _ACTIVATION_BACKWARD[kind](None, ARRAY, g, None, s)[0]
        opt.step()
        return loss


def _loss_gradient(loss: Tensor, out: Tensor) -> np.ndarray | None:
    """∂loss/∂out as an array. A fused loss (one node reading ``out`` and a target that needs no
    gradient) has its formula called directly, as the engine's loop would for that one node;
    anything else goes through ``loss.backward()``."""
    node = loss.grad_fn
    if (isinstance(node, LossNode) and node.edges == (False, None) and node.inputs[0] is out
            and loss._data.size == 1 and node.retained is None):
        seed = np.ones(loss._data.shape, dtype=loss._data.dtype)
        x = (out._data, node.inputs[1]._data) if node.saves & SAVE_INPUTS else None
        with silent():
            g = node.backward(ARRAY, seed, x, node.out if node.saves & SAVE_OUTPUT else None)[0]
        node.freed = True  # as after an eager backward
        A = out._data
        if g.shape != A.shape:
            g = sum_to(g, A.shape).reshape(A.shape)
        if g.dtype is not A.dtype:
            g = g.astype(A.dtype)
        return g  # type: ignore[no-any-return]
    loss.backward()
    grad = out._grad
    return None if grad is None else grad._data


def _give_grad(p: Tensor, g: np.ndarray) -> None:
    """Accumulate a freshly computed gradient array into a parameter, as the engine does for a leaf
    (the array is new and referenced nowhere else, so a parameter without a grad adopts it)."""
    if p._grad is None and not p._hooks:
        p._grad = Tensor._wrap(g)
    else:
        _accumulate_leaf(p, g, False)
