"""Grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

The flag lives in a one-element list, ``GRAD_ENABLED``, that every op reads on
its hot path (a list index is the cheapest shared mutable flag in CPython).
Like PyTorch's, the context managers also work as decorators.
"""

from __future__ import annotations

import functools
import warnings
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


class _BareDecorator(_GradModeContext):
    """Also usable as a bare decorator, ``@no_grad`` without parentheses, as in PyTorch 2."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], bool):
            return cls()(args[0])
        return super().__new__(cls)


class no_grad(_BareDecorator):
    """Context manager / decorator that turns recording off: results have ``requires_grad=False``."""

    _mode = False


class enable_grad(_BareDecorator):
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

    def __init__(self, mode: Any = True) -> None:
        self._mode = not mode


# -- anomaly detection ------------------------------------------------------------------------------
ANOMALY = [False]  # read by the engine: when on, every backward formula's output is checked for NaN


def is_anomaly_enabled() -> bool:
    return ANOMALY[0]


class set_detect_anomaly:
    """``set_detect_anomaly(mode)``: turns anomaly detection on or off now, and restores it on exit when
    used with ``with``. While it is on, the backward pass raises ``RuntimeError: Function
    'XBackward0' returned nan values in its 0th output.`` at the first NaN a formula produces."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = ANOMALY[0]
        ANOMALY[0] = bool(mode) and bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        ANOMALY[0] = self._prev


class detect_anomaly:
    """Context manager / decorator: anomaly detection on inside (see ``set_detect_anomaly``)."""

    def __init__(self, check_nan: bool = True) -> None:
        self._check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self._prev = ANOMALY[0]
        ANOMALY[0] = self._check_nan

    def __exit__(self, *exc: object) -> None:
        ANOMALY[0] = self._prev

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
