"""The reverse-mode engine: ``grad`` walks the graph once, in reverse topological order.

1. Seed each output's node with its gradient (``ones`` for a scalar output).
2. Order the reachable nodes by an iterative depth-first search (reverse
   post-order): no recursion, so a chain of 100,000 ops is fine, and the order
   is deterministic because inputs are visited in their recorded order.
3. When only some ``inputs`` are wanted, mark the nodes that lead to them and
   skip the rest.
4. For each node: sum of incoming gradients -> version check -> its backward
   formula (on arrays, or on Tensors when ``create_graph``) -> reduce every
   input gradient to the input's shape and dtype (the one place broadcasting is
   undone) -> pass it on. Saved values are released unless ``retain_graph``.

The array-mode loop is written out flat: on tiny networks the per-node Python
cost of this loop *is* the training time.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import numpy as np

from .._errstate import silent
from .._kernels import owns_memory
from .grad_mode import ANOMALY, GRAD_ENABLED
from .graph import EDIT_EPOCH, FREED_MSG, Node, check_versions
from .namespace import ARRAY, TENSOR, sum_to

_TENSOR_CLS: list[Any] = []
_data_of = attrgetter("_data")


def _tensor_cls() -> Any:
    """``chainrule.Tensor``, imported once (the engine is imported before the Tensor module is complete)."""
    if not _TENSOR_CLS:
        from ..tensor import Tensor

        _TENSOR_CLS.append(Tensor)
    return _TENSOR_CLS[0]


def _shape_str(shape: tuple[int, ...]) -> str:
    return "torch.Size([" + ", ".join(str(s) for s in shape) + "])"


def _seed_grads(outputs: Sequence[Any], grad_outputs: Sequence[Any] | None, create_graph: bool) -> list[Any]:
    Tensor = _tensor_cls()
    seeds = []
    for i, out in enumerate(outputs):
        go = None if grad_outputs is None else grad_outputs[i]
        if not out._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if go is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = np.ones(out._data.shape, dtype=out._data.dtype)
            seeds.append(Tensor._wrap(g) if create_graph else g)
            continue
        if not isinstance(go, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(go).__name__}")
        if go._data.shape != out._data.shape:  # PyTorch wants the exact shape, even for one element
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {_shape_str(go._data.shape)} and "
                f"output[{i}] has a shape of {_shape_str(out._data.shape)}."
            )
        if go._data.dtype != out._data.dtype:
            go = go.to(out.dtype)
        seeds.append(go if create_graph else go._data)
    return seeds


def _topo_order(root_nodes: list[Node]) -> list[Node]:
    """Nodes reachable from the roots, each before every node it consumes (reverse DFS post-order)."""
    if len(root_nodes) == 1:
        chain = _chain_order(root_nodes[0])
        if chain is not None:
            return chain
    order: list[Node] = []
    visited: set[Node] = set()
    for root in root_nodes:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root.edges))]
        while stack:
            node, it = stack[-1]
            for fn in it:
                if fn and fn not in visited:  # a producing node (None: no grad, False: a leaf)
                    visited.add(fn)
                    stack.append((fn, iter(fn.edges)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _chain_order(node: Node) -> list[Node] | None:
    """The order of a graph in which every node has at most one producing input (a sequential
    network: layer after layer, parameters are leaves) -- the chain itself, found without the DFS's
    visited set and iterator stack; ``None`` when some node has two producers."""
    order = [node]
    while True:
        nxt = None
        for fn in node.edges:
            if fn:
                if nxt is not None:
                    return None
                nxt = fn
        if nxt is None:
            return order
        order.append(nxt)
        node = nxt


def _needed_nodes(order: list[Node], leaf_ids: set[int], target_nodes: set[Node]) -> set[Node]:
    """Nodes from which some wanted input can be reached (only those need their backward run)."""
    needed = set(target_nodes & set(order))
    for n in reversed(order):  # inputs before consumers
        if n in needed:
            continue
        for t, fn in zip(n.inputs, n.edges):
            if (fn is False and id(t) in leaf_ids) or (fn and fn in needed):
                needed.add(n)
                break
    return needed


def _add(a: Any, b: Any) -> Any:
    return b if a is None else a + b


def run_backward(
    outputs: Sequence[Any],
    grad_outputs: Sequence[Any] | None,
    inputs: Sequence[Any] | None,
    retain_graph: bool,
    create_graph: bool,
    allow_unused: bool = False,
    accumulate: bool = False,
) -> list[Any] | None:
    """Core of ``autograd.grad`` (``inputs`` given) and ``Tensor.backward`` (``accumulate``)."""
    Tensor = _tensor_cls()
    seeds = _seed_grads(outputs, grad_outputs, create_graph)

    grads: dict[Node, Any] = {}
    leaf_grads: dict[int, list[Any]] = {}  # id(leaf) -> [leaf, grad]
    root_nodes: list[Node] = []
    for out, g in zip(outputs, seeds):
        fn = out.grad_fn
        if fn is None:
            slot = leaf_grads.setdefault(id(out), [out, None])
            slot[1] = _add(slot[1], g)
        else:
            root_nodes.append(fn)
            _accumulate(grads, fn, out._out_idx, g)
    seeds = None  # type: ignore[assignment]

    order = _topo_order(root_nodes)

    # which (node, output index) pairs and leaves are wanted
    captures: dict[tuple[Node, int], Any] = {}
    needed: set[Node] | None = None
    leaf_ids: set[int] = set()
    if inputs is not None:
        for t in inputs:
            if not t._rg:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            if t.grad_fn is None:
                leaf_ids.add(id(t))
            else:
                captures[(t.grad_fn, t._out_idx)] = None
        needed = _needed_nodes(order, leaf_ids, {n for n, _ in captures})

    prev_mode = GRAD_ENABLED[0]
    GRAD_ENABLED[0] = create_graph
    try:
        # PyTorch's backward formulas give inf/nan silently (log'(0) = g/0, sqrt'(0), 0·inf ...): one cheap
        # errstate for the whole pass instead of one per formula
        with silent():
            if create_graph or captures or needed is not None or ANOMALY[0]:
                _general_pass(order, grads, leaf_grads, captures, needed, leaf_ids, retain_graph, create_graph)
            else:
                _array_pass(order, grads, leaf_grads, retain_graph)
    finally:
        GRAD_ENABLED[0] = prev_mode

    if accumulate:
        # _accumulate_leaf decides by reference count whether it may keep a gradient array, so no
        # other local may still refer to one here
        grads = None  # type: ignore[assignment]
        _store_leaf_grads(leaf_grads, create_graph)
        return None

    assert inputs is not None
    # Arrays already handed out: the caller's grad_outputs, and earlier results. A pass-through formula
    # (add, or an output that is itself an input) gives several inputs one array, which must not alias.
    taken = set() if create_graph else _caller_array_ids(grad_outputs, Tensor)
    result: list[Any] = []
    for i, t in enumerate(inputs):
        if t.grad_fn is None:
            slot = leaf_grads.get(id(t))  # type: ignore[assignment]  # the name is reused: may be None here
            g = None if slot is None else slot[1]
        else:
            g = captures.get((t.grad_fn, t._out_idx))
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
            result.append(None)
            continue
        if not create_graph:
            g = np.array(g) if id(g) in taken else _own(g)
            taken.add(id(g))
            g = Tensor._wrap(g)
        result.append(g)
    return result


def backward_scalar(out: Any, retain_graph: bool) -> None:
    """``loss.backward()`` for a scalar loss made by an op: ``run_backward``'s array path without its
    general set-up (seeds, captures, wanted inputs), which is a tenth of a tiny network's backward."""
    fn = out.grad_fn
    A = out._data
    if fn is None or A.size != 1 or fn.n_outputs != 1 or ANOMALY[0]:  # leaves, non-scalars, errors, anomaly mode
        run_backward((out,), None, None, retain_graph, False, accumulate=True)
        return
    grads = {fn: np.array(1, dtype=A.dtype) if A.ndim == 0 else np.ones(A.shape, dtype=A.dtype)}  # (a fresh seed)
    leaf_grads: dict[int, list[Any]] = {}
    order = _topo_order([fn])
    prev_mode = GRAD_ENABLED[0]
    GRAD_ENABLED[0] = False
    try:
        with silent():  # backward formulas give inf/nan silently, as PyTorch's
            _array_pass(order, grads, leaf_grads, retain_graph)
    finally:
        GRAD_ENABLED[0] = prev_mode
    grads = None  # type: ignore[assignment]
    _store_leaf_grads(leaf_grads, False)


def _store_leaf_grads(leaf_grads: dict[int, list[Any]], create_graph: bool) -> None:
    """Accumulate each leaf's summed gradient into its ``.grad`` (``backward()``'s last step)."""
    Tensor = _tensor_cls()
    items = list(leaf_grads.values())
    leaf_grads.clear()
    while items:
        leaf, lg = items.pop()
        if leaf._grad is None and not leaf._hooks and not create_graph:
            # the usual case (grads were zeroed to None), inlined: the leaf adopts the array unless
            # something else refers to it (references: ``lg``, _shared's argument, getrefcount's)
            leaf._grad = Tensor._wrap(np.array(lg, copy=True) if _shared(lg, 3) else lg)
        else:
            _accumulate_leaf(leaf, lg, create_graph)
        leaf = lg = None


def _caller_array_ids(grad_outputs: Sequence[Any] | None, Tensor: Any) -> set[int]:
    ids = set()
    for go in grad_outputs or ():
        if isinstance(go, Tensor):
            ids.add(id(go._data))
        elif go is not None:
            ids.add(id(go))
    return ids


def _array_pass(order: list[Node], grads: dict[Node, Any], leaf_grads: dict[int, list[Any]],
                retain_graph: bool) -> None:
    """The fast path: NumPy values, every leaf wanted (``backward()``), nothing recorded."""
    F = ARRAY
    for node in order:
        g = grads.pop(node, None)
        if g is None:
            continue
        if node.retained is not None:
            g = _store_retained(node, g)
        if node.freed:
            raise RuntimeError(FREED_MSG)
        saves = node.saves
        if saves:
            if node.epoch != EDIT_EPOCH[0]:  # something was changed in place since the forward
                check_versions(node)
            x = tuple(map(_data_of, node.inputs)) if saves & 1 else None
            in_grads = node.backward(F, g, x, node.out if saves & 2 else None)
            if not retain_graph:
                node.freed = True
                node.out = None
        else:
            in_grads = node.backward(F, g, None, None)
        for t, fn, gi in zip(node.inputs, node.edges, in_grads):
            if gi is None or fn is None:
                continue
            A = t._data
            if gi.shape != A.shape:
                gi = sum_to(gi, A.shape)
                if gi.shape != A.shape:
                    gi = gi.reshape(A.shape)
            if gi.dtype is not A.dtype:
                gi = gi.astype(A.dtype)
            if fn is False:
                slot = leaf_grads.get(id(t))
                if slot is None:
                    leaf_grads[id(t)] = [t, gi]
                else:
                    slot[1] = slot[1] + gi
            elif fn.n_outputs == 1:
                prev = grads.get(fn)
                grads[fn] = gi if prev is None else prev + gi
            else:
                _accumulate(grads, fn, t._out_idx, gi)
        in_grads = gi = g = None  # type: ignore[assignment]


def _general_pass(order: list[Node], grads: dict[Node, Any], leaf_grads: dict[int, list[Any]],
                  captures: dict[tuple[Node, int], Any], needed: set[Node] | None, leaf_ids: set[int],
                  retain_graph: bool, create_graph: bool) -> None:
    """Any mode: Tensor values when ``create_graph``, only the wanted inputs when ``needed`` is given."""
    Tensor = _tensor_cls()
    F = TENSOR if create_graph else ARRAY
    for node in order:
        g = grads.pop(node, None)
        if g is None:
            continue
        if node.retained is not None:
            g = _store_retained(node, g)
        if captures:
            if node.n_outputs == 1:
                if (node, 0) in captures:
                    captures[(node, 0)] = g
            else:
                for k in range(node.n_outputs):
                    if (node, k) in captures:
                        captures[(node, k)] = g[k]
        if needed is not None and node not in needed:
            continue
        if node.freed:
            raise RuntimeError(FREED_MSG)
        saves = node.saves
        x = y = None
        if saves:
            check_versions(node)
            if create_graph:
                if saves & 1:
                    x = node.inputs
                if saves & 2:
                    y = Tensor._from_node(node)
            else:
                if saves & 1:
                    x = tuple(t._data for t in node.inputs)
                if saves & 2:
                    y = node.out
        in_grads = node.backward(F, g, x, y)
        if ANOMALY[0]:
            _check_nan(node, in_grads)
        for t, fn, gi in zip(node.inputs, node.edges, in_grads):
            if gi is None or fn is None:
                continue
            if needed is not None:
                if fn is False:
                    if id(t) not in leaf_ids:
                        continue
                elif fn not in needed:
                    continue
            gi = _fit(gi, t, F)
            if fn is False:
                slot = leaf_grads.get(id(t))
                if slot is None:
                    leaf_grads[id(t)] = [t, gi]
                else:
                    slot[1] = slot[1] + gi
            else:
                _accumulate(grads, fn, t._out_idx, gi)
        if not retain_graph and saves:
            node.freed = True
            node.out = None


def _check_nan(node: Node, in_grads: Any) -> None:
    """Anomaly mode: PyTorch's error at the first formula that produced NaN."""
    for k, gi in enumerate(in_grads):
        if gi is None:
            continue
        arr = gi._data if hasattr(gi, "_data") else np.asarray(gi)
        if arr.dtype.kind in "fc" and np.isnan(arr).any():
            raise RuntimeError(f"Function '{node.name}' returned nan values in its {k}th output.")


def _fit(gi: Any, t: Any, F: Any) -> Any:
    """Reduce a gradient to its input's shape and dtype (broadcasting is undone only here)."""
    if F is ARRAY:
        if gi.shape != t._data.shape:
            gi = sum_to(gi, t._data.shape)
            if gi.shape != t._data.shape:  # size-1 reshape cases, e.g. (1,) vs ()
                gi = gi.reshape(t._data.shape)
        if gi.dtype != t._data.dtype:
            gi = gi.astype(t._data.dtype)
        return gi
    if gi._data.shape != t._data.shape:
        gi = F.sum_to(gi, t._data.shape)
    if gi._data.dtype != t._data.dtype:
        gi = gi.to(t.dtype)
    return gi


def _accumulate(grads: dict[Node, Any], fn: Node, idx: int, g: Any) -> None:
    if fn.n_outputs == 1:
        prev = grads.get(fn)
        grads[fn] = g if prev is None else prev + g
    else:
        slot = grads.get(fn)
        if slot is None:
            slot = grads[fn] = [None] * fn.n_outputs
        slot[idx] = _add(slot[idx], g)


def _own(g: np.ndarray) -> np.ndarray:
    """A gradient array that nothing else aliases (pass-through formulas return views and shared arrays)."""
    if not (g.flags.writeable and owns_memory(g)):
        return np.array(g)
    return g


_OWN_REFS = 4


def _accumulate_leaf(leaf: Any, g: Any, create_graph: bool) -> None:
    Tensor = _tensor_cls()
    post = []
    if leaf._hooks:
        for hook in leaf._hooks:
            if type(hook) is PostAccumulateHook:
                post.append(hook.fn)
                continue
            r = hook(g if create_graph else Tensor._wrap(g))
            if r is not None:
                g = r if create_graph else r._data
    _add_into_grad(leaf, g, create_graph, Tensor)
    for fn in post:  # register_post_accumulate_grad_hook: called with the leaf once .grad is updated
        fn(leaf)


class PostAccumulateHook:
    """A hook from ``Tensor.register_post_accumulate_grad_hook``: ``fn(tensor)`` runs after ``.grad`` is updated."""

    __slots__ = ("fn",)

    def __init__(self, fn: Any) -> None:
        self.fn = fn


def _add_into_grad(leaf: Any, g: Any, create_graph: bool, Tensor: Any) -> None:
    prev = leaf._grad
    if create_graph:
        if prev is None:
            # PyTorch stores a (differentiable) copy: ``g`` may be another leaf's grad or the caller's tensor
            leaf._grad = g.clone() if g._rg else Tensor._wrap(np.array(g._data))
        else:
            leaf._grad = prev + g
    elif prev is None:
        leaf._grad = Tensor._wrap(np.array(g, copy=True) if _shared(g) else g)
    elif prev._rg:  # a grad with history (from create_graph) is replaced out of place, keeping its history
        leaf._grad = prev + Tensor._wrap(np.asarray(g))
    else:
        prev._data += g
        prev._bump()


def _shared(g: np.ndarray, own_refs: int = _OWN_REFS) -> bool:
    # From _accumulate_leaf, referenced by: the caller's ``lg``, the caller's argument, this frame's
    # ``g`` and getrefcount's argument (``own_refs`` = 4). Anything more (another leaf, a user's
    # grad_outputs, a saved value) means shared.
    if sys.getrefcount(g) > own_refs:
        return True
    flags = g.flags  # (flags and owns_memory hold references to g while they run: count first)
    if not flags.writeable:
        return True
    return not (flags.owndata if g.base is None else owns_memory(g))


def _store_retained(node: Node, g: Any) -> Any:
    """Run the tensor hooks registered on the node's outputs, then store ``retain_grad()`` gradients.

    Returns the (possibly hook-replaced) gradient to pass on."""
    Tensor = _tensor_cls()
    entries = node.retained
    multi = node.n_outputs != 1
    for entry in entries:  # type: ignore[union-attr]
        fn = getattr(entry, "fn", None)
        if fn is None:
            continue
        gk = g[entry.idx] if multi else g
        if gk is None:
            continue
        is_tensor = isinstance(gk, Tensor)
        r = fn(gk if is_tensor else Tensor._wrap(gk))
        if r is not None:
            r = r if is_tensor else r._data
            if multi:
                g = list(g)
                g[entry.idx] = r
            else:
                g = r
    for entry in entries:  # type: ignore[union-attr]
        if hasattr(entry, "fn"):
            continue
        ref, idx = entry
        t = ref()
        if t is None:
            continue
        gk = g[idx] if multi else g
        if gk is None:
            continue
        if isinstance(gk, Tensor):
            t._grad = gk if t._grad is None else t._grad + gk
        else:
            t._grad = Tensor._wrap(np.array(gk)) if t._grad is None else Tensor._wrap(t._grad._data + gk)
    return g
