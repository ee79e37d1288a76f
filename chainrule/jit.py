"""``chainrule.jit``: TorchScript's entry points as pass-throughs, so scripts that decorate with them run.

chainrule has no compiler of its own here: ``script`` and ``trace`` return what they are given (a function
or module keeps running eagerly, with the same results), ``ignore``/``unused``/``export`` are identity
decorators, and ``is_scripting()`` is False. Saving a compiled program (``jit.save``/``jit.load``) is
refused: use ``chainrule.save`` for tensors and state dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["script", "trace", "ignore", "unused", "export", "is_scripting", "is_tracing", "save", "load"]

T = TypeVar("T")


def script(obj: T, optimize: Any = None, _frames_up: int = 0, _rcb: Any = None,
           example_inputs: Any = None) -> T:
    """Returns ``obj`` unchanged (it runs eagerly)."""
    return obj


def trace(func: T, example_inputs: Any = None, *args: Any, **kwargs: Any) -> T:
    """Returns ``func`` unchanged (it runs eagerly, so data-dependent control flow keeps working)."""
    return func


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """An identity decorator, with or without arguments."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn: Callable[..., Any]) -> Callable[..., Any]:
    return fn


def export(fn: Callable[..., Any]) -> Callable[..., Any]:
    return fn


def is_scripting() -> bool:
    return False


def is_tracing() -> bool:
    return False


def save(m: Any, f: Any, _extra_files: Any = None) -> None:
    raise NotImplementedError("chainrule.jit.save: chainrule does not compile TorchScript programs; save the "
                              "state dict with chainrule.save(model.state_dict(), path) instead")


def load(f: Any, map_location: Any = None, _extra_files: Any = None) -> Any:
    raise NotImplementedError("chainrule.jit.load: chainrule does not load TorchScript programs; load a state "
                              "dict with chainrule.load(path) and model.load_state_dict(...)")
