"""``einsum``: Einstein summation, forward by NumPy, backward by einsum itself.

    y[out] = Σ over the letters not in ``out`` of  Π_k x_k[s_k]

The gradient for operand k is another einsum: the output gradient G with every *other* operand,
summed down to k's letters,

    ∂L/∂x_k[s_k] = Σ  G[out] · Π_{j≠k} x_j[s_j]        ("out,s_1,…,s_{k−1},s_{k+1},…->s_k")

with two corrections: a letter that appears only in s_k (summed away there alone) does not occur on the
right-hand side, so the gradient is computed without it and broadcast along it; and a letter repeated
within s_k (a diagonal, ``'ii'``) receives the gradient on that diagonal only. Written with chainrule's
own einsum, the backward is itself differentiable. Broadcast ``...`` dimensions are summed back to the
operand's shape by the engine, as for any broadcasting op.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._util import GRAD_ENABLED, Node, Tensor, arg_type_error, record, wrap

__all__ = ["einsum"]


def _parse(equation: str, ndims: list[int]) -> tuple[list[str], str]:
    """(input subscripts, output subscripts), with the implicit output made explicit (the letters used
    once, in alphabetical order, after any ``...``)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(ndims):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(ndims) > len(ins) else
                           "einsum(): fewer operands were provided than specified in the equation")
    if not arrow:
        letters = [c for s in ins for c in s.replace("...", "")]
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        rhs = ("..." if any("..." in s for s in ins) else "") + "".join(once)
    return ins, rhs


class EinsumBackward0(Node):
    """y = einsum(eq, x_1, …, x_n); see the module docstring for ∂L/∂x_k."""

    __slots__ = ("ins", "out")
    ins: list[str]
    out: str
    name = "EinsumBackward0"
    saves = 1  # SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        grads: list[Any] = []
        for k in range(len(self.ins)):
            if not self.inputs[k]._rg:
                grads.append(None)
                continue
            grads.append(_operand_grad(F, g, x, self.ins, self.out, k))
        return tuple(grads)


def _operand_grad(F: Any, g: Any, x: Any, ins: list[str], out: str, k: int) -> Any:
    sub = ins[k]
    others = [s for j, s in enumerate(ins) if j != k]
    present = set(out.replace("...", "")) | {c for s in others for c in s.replace("...", "")}
    letters = []  # k's letters, each once, in order (the ellipsis kept as a unit)
    body = sub.replace("...", "")
    for c in body:
        if c not in letters:
            letters.append(c)
    reachable = [c for c in letters if c in present]
    # NumPy wants "..." in the output whenever an input has it: keep those dims, and sum them away
    # below when operand k has none
    ellipsis = "..." in out or any("..." in s for s in others) or "..." in sub
    target = ("..." if ellipsis else "") + "".join(reachable)
    operands = [g] + [x[j] for j in range(len(ins)) if j != k]
    eq = ",".join([out] + others) + "->" + target
    gu = einsum(eq, *operands) if F.is_tensor else np.einsum(eq, *operands)
    if ellipsis and "..." not in sub:
        extra = len(gu.shape) - len(reachable)
        if extra:
            gu = F.sum(gu, axis=tuple(range(extra)))
    shape = tuple(x[k].shape)
    n_lead = len(shape) - len(body)
    sizes = {c: shape[n_lead + body.index(c)] for c in letters}
    # broadcast along the letters that only this operand sums over
    if len(reachable) < len(letters):
        full = [sizes[c] if c in reachable else 1 for c in letters]
        gu = F.reshape(gu, tuple(gu.shape[: len(gu.shape) - len(reachable)]) + tuple(full))
        gu = F.broadcast_to(gu, tuple(gu.shape[: len(gu.shape) - len(letters)]) + tuple(sizes[c] for c in letters))
    if len(letters) == len(body):  # no repeated letter: the axes only need reordering to k's order
        return gu
    if F.is_tensor:
        raise NotImplementedError("einsum: the create_graph gradient through a repeated subscript "
                                  f"('{sub}') is not supported")
    # a repeated letter: write gu on the diagonal it describes
    grid = np.indices([sizes[c] for c in letters], sparse=True)
    pos = {c: grid[i] for i, c in enumerate(letters)}
    out_arr = np.zeros(gu.shape[: gu.ndim - len(letters)] + tuple(sizes[c] for c in body), dtype=gu.dtype)
    index = (Ellipsis,) + tuple(pos[c] for c in body)
    out_arr[index] = gu
    return out_arr


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation over the operands' subscripts (``'ij,jk->ik'`` is a matrix product, ``'ii'`` a
    trace, ``'bij,bjk->bik'`` a batched product); the operands may also be given as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise arg_type_error("einsum", "tensors", 2, t) if i == 0 else TypeError(
                f"einsum(): operand {i} must be a Tensor, not {type(t).__name__}")
    arrays = [t._data for t in operands]
    ins, out = _parse(equation, [a.ndim for a in arrays])
    dt = arrays[0].dtype
    if any(a.dtype != dt for a in arrays):
        raise RuntimeError(f"einsum(): operands do not have the same dtype: {[str(a.dtype) for a in arrays]}")
    try:
        r = np.einsum(",".join(ins) + "->" + out, *arrays)
    except ValueError as e:
        raise RuntimeError(f"einsum(): {e}") from None
    t = wrap(np.asarray(r, dtype=dt))
    if GRAD_ENABLED[0] and any(o._rg for o in operands):
        node = EinsumBackward0.__new__(EinsumBackward0)
        node.ins, node.out = ins, out
        record(node, t, tuple(operands))
    return t
