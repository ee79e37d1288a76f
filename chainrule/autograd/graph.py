"""The recorded graph: one ``Node`` per differentiable op application.

A node keeps the input tensors (they are the graph's edges: ``t.grad_fn`` or a
leaf), the output array when its backward formula needs it, and the version
counters of everything it saved, so that an in-place change made after the
forward pass is caught instead of giving a silently wrong gradient.

Subclasses live with their forward in ``chainrule/ops``; each one is a row of
the derivative catalogue:

* ``name``       PyTorch's grad_fn name (``ExpBackward0``),
* ``saves``      what ``backward`` reads: ``SAVE_INPUTS`` and/or ``SAVE_OUTPUT``,
* ``backward(F, g, x, y)``: the vector-Jacobian product. ``F`` is the array
  namespace (NumPy functions, or chainrule functions when ``create_graph=True``),
  ``g`` the output gradient, ``x`` the tuple of saved input values, ``y`` the
  saved output. It returns one gradient (or ``None``) per input, shaped like the
  *broadcast* result: the engine reduces broadcast dimensions in one place.
"""

from __future__ import annotations

from typing import Any

SAVE_INPUTS = 1
SAVE_OUTPUT = 2
# holds index or mask arrays (PyTorch saves them as tensors): released by a backward without
# retain_graph, so a second backward raises as PyTorch's does
SAVE_STATE = 4

FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
    "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
    "or if you need to access saved tensors after calling backward."
)


class OpName(str):
    """A grad_fn name that is also callable: ``node.name`` (chainrule) and ``node.name()`` (PyTorch) agree."""

    __slots__ = ()

    def __call__(self) -> str:
        return str(self)


class Node:
    """A recorded op application (PyTorch's ``grad_fn``)."""

    __slots__ = ("inputs", "edges", "out", "versions", "out_vc", "out_version", "epoch", "freed", "retained",
                 "__weakref__")
    # slot attributes, set by ``record`` (bare annotations: no class attribute, the slots stay)
    inputs: tuple[Any, ...]
    edges: tuple[Any, ...]
    out: Any
    versions: list[int]
    out_vc: list[int]
    out_version: int
    epoch: int
    freed: bool
    retained: Any
    name: str = OpName("Backward")  # subclasses write a plain str; __init_subclass__ makes it an OpName
    saves = 0
    n_outputs = 1
    # True when a saved input is read only for the *other* inputs' gradients (z = a·b: ∂z/∂a = b), so
    # changing it in place is harmless while no other input requires grad (PyTorch saves nothing then)
    cross_saved = False
    is_view = False  # True for ops whose output aliases the input (reshape, slicing, transpose, ...)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if type(name) is str:  # make PyTorch's ``grad_fn.name()`` work on every op class
            cls.name = OpName(name)

    def __init__(self) -> None:
        # subclasses are built with ``cls.__new__`` on the hot path; this exists for clarity only
        self.inputs = ()
        self.freed = False

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        raise NotImplementedError(f"the derivative of {self.name} is not implemented")

    # -- PyTorch-compatible introspection -------------------------------------------------
    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        out: list[tuple[Any, int]] = []
        for t, e in zip(self.inputs, self.edges):
            if e is None:
                out.append((None, 0))
            elif e is False:
                out.append((AccumulateGrad(t), 0))
            else:
                out.append((e, t._out_idx))
        return tuple(out)

    def name_(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<{self.name} object at {hex(id(self))}>"


class AccumulateGrad:
    """Stand-in for PyTorch's leaf node, shown by ``next_functions``."""

    name = OpName("torch::autograd::AccumulateGrad")  # PyTorch's ``name()`` of its leaf node

    def __init__(self, variable: Any) -> None:
        self.variable = variable
        self.next_functions: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


# Counts every in-place change to any tensor (``Tensor._bump``). A node remembers the count when it
# saves its values; while the count is unchanged at backward time nothing can have been modified, so
# the per-tensor version check is skipped (the usual case: one in-place step per training step, made
# after backward).
EDIT_EPOCH = [0]


def edges_of(inputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """Where each input's gradient goes, fixed now: its producing node, ``False`` for a leaf that
    requires grad, ``None`` for no gradient. An in-place op may later give the input tensor a new
    ``grad_fn``; this node must still send its gradient to the value it actually consumed."""
    return tuple([None if t is None or not t._rg else (t.grad_fn or False) for t in inputs])


def _version_of(t: Any) -> int:
    return t._vc[0]  # type: ignore[no-any-return]


def record(node: Node, out: Any, inputs: tuple[Any, ...]) -> None:
    """Attach ``node`` as ``out.grad_fn``; remember what its backward will read."""
    node.inputs = inputs
    if len(inputs) == 1:  # the common arities spelled out: this runs for every recorded op
        t = inputs[0]
        node.edges = ((t.grad_fn or False) if t._rg else None,)
    elif len(inputs) == 2:
        a, b = inputs
        node.edges = ((a.grad_fn or False) if a is not None and a._rg else None,
                      (b.grad_fn or False) if b is not None and b._rg else None)
    elif len(inputs) == 3:  # linear(x, W, b)
        a, b, c = inputs
        node.edges = ((a.grad_fn or False) if a is not None and a._rg else None,
                      (b.grad_fn or False) if b is not None and b._rg else None,
                      (c.grad_fn or False) if c is not None and c._rg else None)
    else:
        node.edges = tuple([None if t is None or not t._rg else (t.grad_fn or False) for t in inputs])
    node.freed = False
    node.retained = None
    saves = node.saves
    if saves:
        node.epoch = EDIT_EPOCH[0]
        if saves & SAVE_INPUTS:
            try:
                node.versions = list(map(_version_of, inputs))
            except TypeError:  # a tensor without a version counter yet: give it one
                for t in inputs:
                    if t._vc is None:
                        t._vc = [0]
                node.versions = list(map(_version_of, inputs))
        if saves & SAVE_OUTPUT:
            node.out = out._data
            vc = out._vc = [0]
            node.out_vc = vc
            node.out_version = 0
    out.grad_fn = node
    out._rg = True


def check_versions(node: Node) -> None:
    """Raise PyTorch's error when a saved tensor was modified in place after being saved."""
    if node.epoch == EDIT_EPOCH[0]:  # no in-place change anywhere since the node was recorded
        return
    if node.saves & SAVE_INPUTS:
        for t, v in zip(node.inputs, node.versions):  # the common, clean case: one cheap pass
            if t._vc[0] != v:
                break
        else:
            v = None
        if v is not None:
            for i, (t, v) in enumerate(zip(node.inputs, node.versions, strict=True)):
                if t._vc[0] != v:
                    if node.cross_saved and not any(u._rg for j, u in enumerate(node.inputs) if j != i):
                        continue
                    _raise_modified(t, i, node, t._vc[0], v)
    if node.saves & SAVE_OUTPUT and node.out_vc[0] != node.out_version:
        _raise_modified_array(node.out, 0, node, node.out_vc[0], node.out_version)


def _raise_modified(t: Any, idx: int, node: Node, now: int, expected: int) -> None:
    _raise_modified_array(t._data, idx, node, now, expected, t)


_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "bool": "Bool", "int16": "Short", "int8": "Char", "uint8": "Byte"}


def _raise_modified_array(arr: Any, idx: int, node: Node, now: int, expected: int, t: Any = None) -> None:
    tname = _TYPE_NAMES.get(str(arr.dtype), "Float")
    shape = ", ".join(str(s) for s in arr.shape)
    if t is not None and t.grad_fn is not None:
        where = f", which is output {t._out_idx} of {_op_name(t.grad_fn.name)},"
    elif t is not None and t._rg:
        where = ", which is a leaf Variable,"
    elif t is not None:
        where = ""  # a tensor that does not require grad: PyTorch names nothing
    else:
        where = f", which is output 0 of {_op_name(node.name)},"
    from .grad_mode import ANOMALY

    hint = ("Hint: the backtrace further above shows the operation that failed to compute its gradient. The "
            "variable in question was changed in there or anywhere later. Good luck!" if ANOMALY[0] else
            "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[torch.{tname}Tensor [{shape}]]{where} is at version {now}; expected version {expected} instead. {hint}"
    )


def _op_name(node_name: str) -> str:
    """The op a node records, as PyTorch's message names it: ``MulBackward0`` → ``Mul``."""
    stem = node_name.rstrip("0123456789")
    return stem[: -len("Backward")] if stem.endswith("Backward") else node_name
