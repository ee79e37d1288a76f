"""``chainrule.func``: PyTorch's function transforms, built on the same reverse-mode engine.

- ``grad(f)(x)`` = ∇ₓ f(x) for a scalar f; ``grad_and_value`` also returns f(x). Transforms nest:
  ``grad(grad(f))`` is f″, because an inner transform differentiates with ``create_graph`` whenever an
  outer one is watching its inputs.
- ``vjp(f, *x)`` → (f(x), v ↦ vᵀ J);  ``jvp(f, x, t)`` → (f(x), J t) (the double-vjp identity).
- ``jacrev``/``jacfwd``: the Jacobian J[i, j] = ∂fᵢ/∂xⱼ (shape: output shape + input shape); ``hessian``.
- ``vmap(f)``: f applied to each slice along the mapped dimension, results stacked. chainrule runs the
  slices one after another (PyTorch batches them), so results and gradients are the same and the speed
  is a Python loop's.
- ``functional_call(module, params, args)``: the module run with the given tensors in place of its
  parameters and buffers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import autograd
from .autograd.grad_mode import enable_grad
from .tensor import Tensor

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap", "functional_call"]

_LEVEL = [0]  # how many transforms are running (an inner one keeps its graph for the outer ones)


@contextlib.contextmanager
def _transform() -> Iterator[None]:
    _LEVEL[0] += 1
    try:
        with enable_grad():
            yield
    finally:
        _LEVEL[0] -= 1


def _finish(x: Any) -> Any:
    """At the outermost level results are plain tensors, as PyTorch's."""
    if _LEVEL[0]:
        return x
    if isinstance(x, Tensor):
        return x.detach()
    if isinstance(x, (tuple, list)):
        return type(x)(_finish(v) for v in x)
    if isinstance(x, dict):
        return {k: _finish(v) for k, v in x.items()}
    return x


def _leaves(x: Any) -> list[Tensor]:
    """The tensors of a pytree (a tensor, or dicts/lists/tuples of them), in order."""
    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, dict):
        return [t for v in x.values() for t in _leaves(v)]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _leaves(v)]
    raise TypeError(f"Expected f(*args) to take tensors (or dicts, lists and tuples of them) as the "
                    f"differentiated arguments, got {type(x).__name__}")


def _rebuild(x: Any, values: Iterator[Any]) -> Any:
    """``x``'s structure with its tensors replaced by ``values``, in order."""
    if isinstance(x, Tensor):
        return next(values)
    if isinstance(x, dict):
        return {k: _rebuild(v, values) for k, v in x.items()}
    return type(x)(_rebuild(v, values) for v in x)


def _watch(x: Any) -> Any:
    """A differentiable version of input x (a pytree): a tensor itself when an outer transform already
    watches it, else a detached copy that requires grad."""
    return _rebuild(x, iter([t if t.requires_grad else t.detach().requires_grad_() for t in _leaves(x)]))


def _argnums(argnums: int | tuple[int, ...], n: int) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={a}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def grad_and_value(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """``(∇f(x), f(x))`` (with ``has_aux``: ``((∇f, aux), f)``); ``argnums`` a tuple gives a tuple of gradients."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums(argnums, len(args))
        with _transform():
            args = tuple(_watch(a) if i in nums else a for i, a in enumerate(args))
            out = func(*args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: "
                                       "(output, aux) if has_aux is True")
                out, aux = out
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   "instead?")
            trees = [args[i] for i in nums]
            inputs = tuple(t for tree in trees for t in _leaves(tree))
            flat = autograd.grad(out, inputs, create_graph=True, allow_unused=True)
            flat_iter = iter([g if g is not None else _zeros(x) for g, x in zip(flat, inputs)])
            grads = tuple(_rebuild(tree, flat_iter) for tree in trees)
        g: Any = grads[0] if isinstance(argnums, int) else grads
        result = ((g, aux), out) if has_aux else (g, out)
        return _finish(result)

    return wrapper


def _zeros(x: Tensor) -> Tensor:
    from .creation import zeros_like

    return zeros_like(x)


def grad(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """∇ₓ f(x) for a function f returning a scalar tensor (``has_aux``: f returns (scalar, aux) and
    ``grad`` gives (∇f, aux))."""
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return gv(*args, **kwargs)[0]

    return wrapper


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """``(f(primals), vjp_fn)``: ``vjp_fn(v)`` is the tuple (vᵀ ∂f/∂primalᵢ)ᵢ."""
    with _transform():
        xs = tuple(_watch(p) for p in primals)
        out = func(*xs)
        aux = None
        if has_aux:
            out, aux = out
    outs = out if isinstance(out, tuple) else (out,)

    def vjp_fn(*cotangents: Any) -> tuple[Any, ...]:
        cots = cotangents[0] if len(cotangents) == 1 and isinstance(out, tuple) else cotangents
        with _transform():
            grads = autograd.grad(outs, xs, grad_outputs=tuple(cots), create_graph=True, retain_graph=True,
                                  allow_unused=True)
            grads = tuple(g if g is not None else _zeros(x) for g, x in zip(grads, xs))
        return _finish(grads)

    result = (_finish(out), vjp_fn)
    return (*result, _finish(aux)) if has_aux else result


def jvp(func: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], *, has_aux: bool = False) -> Any:
    """``(f(primals), J·tangents)``."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    with _transform():
        xs = tuple(_watch(p) for p in primals)
        out = func(*xs)
        aux = None
        if has_aux:
            out, aux = out
        outs = out if isinstance(out, tuple) else (out,)
        # J t = ∂/∂u (uᵀ J) t: differentiate the vjp with a dummy cotangent u with respect to u
        us = tuple(_zeros(o).requires_grad_() for o in outs)
        vjps = autograd.grad(outs, xs, grad_outputs=us, create_graph=True, allow_unused=True)
        pairs = [(v, t) for v, t in zip(vjps, tangents) if v is not None]
        jt = autograd.grad(tuple(v for v, _ in pairs), us, grad_outputs=tuple(t for _, t in pairs),
                           create_graph=True, allow_unused=True)
        jt = tuple(j if j is not None else _zeros(o) for j, o in zip(jt, outs))
    tangent_out = jt if isinstance(out, tuple) else jt[0]
    result = (_finish(out), _finish(tangent_out))
    return (*result, _finish(aux)) if has_aux else result


def jacrev(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, *,
           has_aux: bool = False) -> Callable[..., Any]:
    """The Jacobian ∂f/∂x (output shape + input shape), one reverse pass per output element."""

    def wrapper(*args: Any) -> Any:
        nums = _argnums(argnums, len(args))
        with _transform():
            xs = [_watch(a) if i in nums else a for i, a in enumerate(args)]
            out = func(*xs)
            aux = None
            if has_aux:
                out, aux = out
            inputs = tuple(xs[i] for i in nums)
            jac = _jacobian_rows(out, inputs)
        res = jac[0] if isinstance(argnums, int) else jac
        return _finish((res, aux) if has_aux else res)

    return wrapper


def _jacobian_rows(out: Tensor, inputs: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    from .creation import zeros_like
    from .ops.shape import reshape, stack

    flat = reshape(out, (-1,))
    rows: list[list[Tensor]] = [[] for _ in inputs]
    for k in range(flat.shape[0]):
        seed = zeros_like(flat)
        seed._data[k] = 1
        grads = autograd.grad(flat, inputs, grad_outputs=seed, create_graph=True, retain_graph=True,
                              allow_unused=True)
        for r, g, x in zip(rows, grads, inputs):
            r.append(g if g is not None else _zeros(x))
    result = []
    for r, x in zip(rows, inputs):
        j = stack(r) if r else zeros_like(x).reshape((0, *x.shape))
        result.append(reshape(j, (*out.shape, *x.shape)))
    return tuple(result)


jacfwd = jacrev  # the same numbers (reverse mode computes them here)


def hessian(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """The Hessian ∂²f/∂x² of a scalar function (the Jacobian of its gradient)."""
    return jacrev(jacrev(func, argnums), argnums)


def _mapped_size(args: Sequence[Any], dims: Sequence[Any]) -> int:
    sizes = [a.shape[d] for a, d in zip(args, dims) if d is not None and isinstance(a, Tensor)]
    if not sizes:
        raise ValueError("vmap(f, in_dims=..., ...)(<inputs>): at least one input must be mapped over (got "
                         "in_dims=None for every tensor)")
    if len(set(sizes)) != 1:
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    return sizes[0]


def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable[..., Any]:
    """``f`` mapped over dimension ``in_dims`` of its inputs (an int for all, or one per argument, ``None`` =
    not mapped); outputs stacked along ``out_dims``."""
    from .ops.shape import stack

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        dims = list(in_dims) if isinstance(in_dims, (tuple, list)) else [in_dims] * len(args)
        if len(dims) != len(args):
            raise ValueError(f"vmap(f, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                             f"structure of `inputs`. in_dims has structure of length {len(dims)} but inputs has "
                             f"{len(args)} elements")
        dims = [d % a.dim() if isinstance(a, Tensor) and d is not None else d for a, d in zip(args, dims)]
        n = _mapped_size(args, dims)
        results = []
        for i in range(n):
            sliced = [a[(slice(None),) * d + (i,)] if d is not None and isinstance(a, Tensor) else a
                      for a, d in zip(args, dims)]
            results.append(func(*sliced, **kwargs))
        return _stack_results(results, out_dims)

    def _stack_results(results: list[Any], od: Any) -> Any:
        first = results[0]
        if isinstance(first, tuple):
            ods = list(od) if isinstance(od, (tuple, list)) else [od] * len(first)
            return tuple(_stack_results([r[k] for r in results], ods[k]) for k in range(len(first)))
        if isinstance(first, dict):
            return {k: _stack_results([r[k] for r in results], od) for k in first}
        return stack(results, od)

    return wrapper


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: Any = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the named tensors standing in for its parameters and buffers."""
    dicts = parameter_and_buffer_dicts
    mapping: dict[str, Any] = {}
    for d in dicts if isinstance(dicts, (tuple, list)) else (dicts,):
        mapping.update(d)
    if strict:
        expected = {n for n, _ in module.named_parameters()} | {n for n, _ in module.named_buffers()}
        missing, unexpected = sorted(expected - set(mapping)), sorted(set(mapping) - expected)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\tUnexpected key(s): "
                               f"{', '.join(map(repr, unexpected))}.\n\tMissing key(s): "
                               f"{', '.join(map(repr, missing))}.")
    saved = []
    try:
        for name, value in mapping.items():
            owner, _, attr = name.rpartition(".")
            sub = module.get_submodule(owner) if owner else module
            store = sub._parameters if attr in sub._parameters else sub._buffers
            if attr not in store:
                raise AttributeError(f"{type(sub).__name__} has no parameter or buffer named '{attr}'")
            saved.append((store, attr, store[attr]))
            store[attr] = value
        args = () if args is None else (args if isinstance(args, tuple) else (args,))
        return module(*args, **(kwargs or {}))
    finally:
        for store, attr, old in reversed(saved):
            store[attr] = old
