"""Custom differentiable ops: subclass ``Function`` with ``forward(ctx, ...)`` and ``backward(ctx, ...)``.

``forward`` runs with grad mode off; ``backward`` receives one gradient per
output and returns one per forward argument (``None`` for non-tensors). When a
graph is being built (``create_graph=True``) ``backward`` runs on Tensors with
grad mode on, so a backward written with chainrule ops is differentiable again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import GRAD_ENABLED, no_grad
from .graph import FREED_MSG, Node, OpName, edges_of


class FunctionCtx:
    """The ``ctx`` passed to ``forward`` and ``backward``."""

    def __init__(self) -> None:
        self._saved: tuple[Any, ...] = ()
        self._saved_versions: tuple[int, ...] = ()
        self._freed = False
        self.needs_input_grad: tuple[bool, ...] = ()
        self.materialize_grads = True
        self._non_diff: set[int] = set()

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors for ``backward``; an in-place change to them afterwards is detected."""
        self._saved = tensors
        vs = []
        for t in tensors:
            if t is None:
                vs.append(0)
                continue
            if t._vc is None:
                t._vc = [0]
            vs.append(t._vc[0])
        self._saved_versions = tuple(vs)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        node = getattr(self, "_node", None)
        if self._freed or (node is not None and node.freed):
            raise RuntimeError(FREED_MSG)
        for t, v in zip(self._saved, self._saved_versions, strict=True):
            if t is not None and t._vc[0] != v:
                from .graph import _raise_modified

                _raise_modified(t, 0, self._node, t._vc[0], v)  # type: ignore[attr-defined]
        return self._saved

    saved_variables = saved_tensors

    def mark_dirty(self, *tensors: Any) -> None:
        for t in tensors:
            t._bump()

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self._non_diff.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)


class FunctionNode(Node):
    """The graph node of a custom ``Function`` application."""

    __slots__ = ("fn_cls", "ctx", "n_out", "arg_pos", "n_args", "out_meta", "saves")
    fn_cls: Any
    n_args: int
    ctx: Any
    n_out: Any
    arg_pos: Any
    out_meta: Any
    saves: Any

    @property
    def n_outputs(self) -> int:  # type: ignore[override]
        return self.n_out

    @property
    def name(self) -> str:  # type: ignore[override]
        return OpName(self.fn_cls.__name__ + "Backward")

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        from ..tensor import Tensor

        ctx = self.ctx
        grads = list(g) if self.n_out > 1 else [g]
        outs: list[Any] = []
        for k, gk in enumerate(grads):
            if gk is None:
                if ctx.materialize_grads:
                    shape, dt = self.out_meta[k]
                    gk = np.zeros(shape, dtype=dt)
                else:
                    outs.append(None)
                    continue
            outs.append(gk if F.is_tensor else Tensor._wrap(gk))
        res = self.fn_cls.backward(ctx, *outs)
        if not isinstance(res, tuple):
            res = (res,)
        # one gradient per forward argument; surplus trailing Nones are allowed, as in PyTorch
        n_args = self.n_args
        if len(res) != n_args and not (len(res) > n_args and all(r is None for r in res[n_args:])):
            raise RuntimeError(
                f"function {self.name} returned an incorrect number of gradients (expected {n_args}, got {len(res)})"
            )
        out: list[Any] = []
        for pos in self.arg_pos:
            r = res[pos]
            if r is None:
                out.append(None)
            elif F.is_tensor:
                out.append(r if isinstance(r, Tensor) else Tensor._wrap(np.asarray(r)))
            else:
                out.append(r._data if isinstance(r, Tensor) else np.asarray(r))
        return tuple(out)


class FunctionMeta(type):
    pass


class Function(metaclass=FunctionMeta):
    """Base class for custom autograd ops (``MyOp.apply(*args)``)."""

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        from ..tensor import Tensor

        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        with no_grad():
            result = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(result, tuple)
        outs = (result,) if single else result
        tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        record = GRAD_ENABLED[0] and any(args[i]._rg for i in tensor_pos)
        fixed = []
        for o in outs:
            if isinstance(o, Tensor) and any(o is a for a in args):
                o = o.detach()  # an input returned as-is becomes a new tensor in the graph
            fixed.append(o)
        if record:
            node = FunctionNode.__new__(FunctionNode)
            node.fn_cls = cls
            node.ctx = ctx
            ctx._node = node  # type: ignore[attr-defined]
            node.n_out = len(fixed)
            node.arg_pos = tensor_pos
            node.n_args = len(args)
            node.inputs = tuple(args[i] for i in tensor_pos)
            node.edges = edges_of(node.inputs)
            node.freed = False
            node.retained = None
            # a non-zero ``saves`` (bit 4: "custom saved tensors") lets the engine free them after a pass
            node.saves = 4 if ctx._saved else 0
            node.epoch = -1  # (the ctx checks the versions of its saved tensors itself)
            node.out_meta = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), np.float32)
                             for o in fixed]
            for k, o in enumerate(fixed):
                if isinstance(o, Tensor) and o._data.dtype.kind == "f" and id(o) not in ctx._non_diff:
                    o.grad_fn = node
                    o._rg = True
                    o._out_idx = k
        return fixed[0] if single else tuple(fixed)


def once_differentiable(fn: Any) -> Any:
    """Mark a backward as not differentiable again (it runs on detached tensors)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            return fn(ctx, *[a.detach() if hasattr(a, "detach") else a for a in args])

    return wrapper
