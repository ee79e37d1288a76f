"""Grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

The flag lives in a one-element list, ``GRAD_ENABLED``, that every op reads on
its hot path (a list index is the cheapest shared mutable flag in CPython).
Like PyTorch's, the context managers also work as decorators.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

GRAD_ENABLED = [True]

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """True when operations are recorded for autograd."""
    return GRAD_ENABLED[0]


class _GradModeContext:
    _mode: bool = True

    def __enter__(self) -> None:
        self._prev = GRAD_ENABLED[0]
        GRAD_ENABLED[0] = self._mode

    def __exit__(self, *exc: object) -> None:
        GRAD_ENABLED[0] = self._prev

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Context manager / decorator that turns recording off: results have ``requires_grad=False``."""

    _mode = False


class enable_grad(_GradModeContext):
    """Context manager / decorator that turns recording back on inside ``no_grad``."""

    _mode = True


class set_grad_enabled(_GradModeContext):
    """``set_grad_enabled(mode)``: sets grad mode now, and restores it on exit when used with ``with``."""

    def __init__(self, mode: bool) -> None:
        self._prev = GRAD_ENABLED[0]
        self._mode = bool(mode)
        GRAD_ENABLED[0] = self._mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        GRAD_ENABLED[0] = self._prev

    def __call__(self, fn: F) -> F:
        GRAD_ENABLED[0] = self._prev
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class inference_mode(no_grad):
    """Alias of ``no_grad`` (chainrule has no separate inference tensors)."""

    def __init__(self, mode: bool = True) -> None:
        self._mode = not mode
