"""Higher-level derivatives built on ``grad``: jacobian, hessian, vjp, jvp, hvp, vhp.

* vjp(f, x, v) = vᵀ J          (one reverse pass)
* jvp(f, x, v) = J v           (the "double vjp" trick: u ↦ uᵀJ is linear in u, differentiate it)
* jacobian(f, x)               (one vjp per output element)
* hessian(f, x) = jacobian of ∇f
* hvp(f, x, v) = H v,  vhp(f, x, v) = vᵀ H
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _as_tuple(x: Any) -> tuple[tuple[Any, ...], bool]:
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        return (x,), False
    return tuple(x), True


def _prepare(inputs: tuple[Any, ...], create_graph: bool) -> tuple[Any, ...]:
    out = []
    for x in inputs:
        d = x.detach() if not create_graph or not x._rg else x.view_as(x)
        if not d._rg:
            d.requires_grad_(True)
        out.append(d)
    return tuple(out)


def _zeros_like(x: Any) -> Any:
    from ..tensor import Tensor

    return Tensor._wrap(np.zeros(x._data.shape, dtype=x._data.dtype))


def _grads(outputs: tuple[Any, ...], inputs: tuple[Any, ...], vs: Any, create_graph: bool) -> tuple[Any, ...]:
    from . import grad

    live = [(o, v) for o, v in zip(outputs, vs if vs is not None else [None] * len(outputs)) if o._rg]
    if not live:
        return tuple(_zeros_like(x) for x in inputs)
    gs = grad([o for o, _ in live], inputs, grad_outputs=[v for _, v in live] if vs is not None else None,
              retain_graph=True, create_graph=create_graph, allow_unused=True)
    return tuple(_zeros_like(x) if g is None else g for g, x in zip(gs, inputs))


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), vᵀ J)``; ``v`` may be omitted for a scalar output."""
    from ..autograd.grad_mode import enable_grad

    ins, in_tuple = _as_tuple(inputs)
    ins = _prepare(ins, create_graph)
    with enable_grad():
        out = func(*ins)
        outs, out_tuple = _as_tuple(out)
        vs = None if v is None else _as_tuple(v)[0]
        if vs is None:
            for o in outs:
                if o._data.size != 1:
                    raise RuntimeError("The vector v can only be None if the user-provided function returns a "
                                       "single Tensor with a single element.")
        res = _grads(outs, ins, vs, create_graph)
    outs_d = tuple(o if create_graph else o.detach() for o in outs)
    res = tuple(r if create_graph else r.detach() for r in res)
    return (outs_d if out_tuple else outs_d[0]), (res if in_tuple else res[0])


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), J v)`` by differentiating the (linear) vjp with respect to its vector."""
    from ..autograd.grad_mode import enable_grad
    from . import grad

    ins, in_tuple = _as_tuple(inputs)
    ins = _prepare(ins, True)
    with enable_grad():
        out = func(*ins)
        outs, out_tuple = _as_tuple(out)
        if v is None:
            if len(ins) != 1 or ins[0]._data.size != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function "
                                   "is a single Tensor with a single element.")
            vs: tuple[Any, ...] = (_ones_like(ins[0]),)
        else:
            vs = _as_tuple(v)[0]
        us = tuple(_zeros_like(o).requires_grad_(True) for o in outs)
        g = _grads(outs, ins, us, True)
        live = [(gi, vi) for gi, vi in zip(g, vs) if gi._rg]
        if live:
            res = grad([gi for gi, _ in live], us, grad_outputs=[vi for _, vi in live], create_graph=create_graph,
                       allow_unused=True)
            res = tuple(_zeros_like(u) if r is None else r for r, u in zip(res, us))
        else:
            res = tuple(_zeros_like(u) for u in us)
    outs_d = tuple(o if create_graph else o.detach() for o in outs)
    res = tuple(r if create_graph else r.detach() for r in res)
    return (outs_d if out_tuple else outs_d[0]), (res if out_tuple else res[0])


def _ones_like(x: Any) -> Any:
    from ..tensor import Tensor

    return Tensor._wrap(np.ones(x._data.shape, dtype=x._data.dtype))


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """∂func/∂inputs, shaped ``output.shape + input.shape`` (nested tuples for several of either)."""
    from ..autograd.grad_mode import enable_grad
    from ..ops.shape import reshape, stack
    from . import grad

    ins, in_tuple = _as_tuple(inputs)
    ins = _prepare(ins, create_graph)
    with enable_grad():
        out = func(*ins)
        outs, out_tuple = _as_tuple(out)
        rows = []
        for o in outs:
            per_input: list[list[Any]] = [[] for _ in ins]
            flat = reshape(o, (-1,))
            for k in range(flat._data.size):
                if flat._rg:
                    gs = grad(flat[k], ins, retain_graph=True, create_graph=create_graph, allow_unused=True)
                else:
                    gs = (None,) * len(ins)
                for i, (gi, x) in enumerate(zip(gs, ins)):
                    per_input[i].append(_zeros_like(x) if gi is None else gi)
            jac = []
            for i, x in enumerate(ins):
                if per_input[i]:
                    J = stack(per_input[i], 0)
                else:
                    from ..tensor import Tensor

                    J = Tensor._wrap(np.zeros((0,) + x._data.shape, dtype=x._data.dtype))
                J = reshape(J, tuple(o._data.shape) + tuple(x._data.shape))
                jac.append(J if create_graph else J.detach())
            rows.append(tuple(jac))
    if not out_tuple and not in_tuple:
        return rows[0][0]
    if not out_tuple:
        return rows[0]
    if not in_tuple:
        return tuple(r[0] for r in rows)
    return tuple(rows)


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """Second derivatives of a scalar function, shaped ``input.shape + input.shape``."""
    from . import grad

    ins, in_tuple = _as_tuple(inputs)

    def gradient(*xs: Any) -> Any:
        out = func(*xs)
        if out._data.size != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor with a single element")
        gs = grad(out, xs, create_graph=True, allow_unused=True)
        gs = tuple(_zeros_like(x) if g is None else g for g, x in zip(gs, xs))
        return gs if in_tuple else gs[0]

    return jacobian(gradient, ins if in_tuple else ins[0], create_graph=create_graph)


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), vᵀ H)`` for a scalar function."""
    from ..autograd.grad_mode import enable_grad

    ins, in_tuple = _as_tuple(inputs)
    ins = _prepare(ins, True)
    with enable_grad():
        out = func(*ins)
        if out._data.size != 1:
            raise RuntimeError("The function given to hvp/vhp should return a single Tensor with a single element")
        g = _grads((out,), ins, None, True)
        vs = _as_tuple(v)[0] if v is not None else (_ones_like(ins[0]),)
        res = _grads(tuple(gi for gi in g), ins, vs, create_graph)
    res = tuple(r if create_graph else r.detach() for r in res)
    o = out if create_graph else out.detach()
    return o, (res if in_tuple else res[0])


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), H v)``; equal to vhp because the Hessian is symmetric."""
    return vhp(func, inputs, v, create_graph, strict)
