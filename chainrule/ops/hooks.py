"""Gradient hooks on non-leaf tensors (``y.register_hook(fn)``).

A hook is kept on the node that produced the tensor; when that node's output
gradient is complete, the engine calls ``fn(grad)`` and, if it returns a tensor,
passes that on instead — before ``retain_grad()`` stores it, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class GradHook:
    """A hook on output ``idx`` of a node."""

    __slots__ = ("fn", "idx")

    def __init__(self, fn: Callable[[Any], Any], idx: int) -> None:
        self.fn = fn
        self.idx = idx


class RemovableHandle:
    """``handle.remove()`` unregisters the hook (PyTorch's ``RemovableHandle``)."""

    def __init__(self, entries: list[Any], entry: Any) -> None:
        self._entries = entries
        self._entry = entry

    def remove(self) -> None:
        if self._entry in self._entries:
            self._entries.remove(self._entry)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def attach_hook(t: Any, hook: Callable[[Any], Any]) -> RemovableHandle:
    node = t.grad_fn
    if node.retained is None:
        node.retained = []
    entry = GradHook(hook, t._out_idx)
    node.retained.append(entry)
    return RemovableHandle(node.retained, entry)
