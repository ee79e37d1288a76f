"""Silence NumPy floating-point warnings cheaply, for the ops where PyTorch returns inf/nan silently.

``np.errstate`` costs ~3 µs per use, as much as a small op itself. NumPy 2 keeps
the error state in a context variable; setting it directly costs ~0.3 µs.
The fallback (older NumPy) is the public ``np.errstate``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

try:  # NumPy >= 2.0
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj  # type: ignore[attr-defined]

    _QUIET = _make_extobj(all="ignore")
    # for the hottest unary ops, which set the state inline rather than through ``quiet``'s extra frame
    ERRSTATE_VAR: Any = _extobj_contextvar
    QUIET_STATE: Any = _QUIET

    def quiet(fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` run with every NumPy floating-point warning ignored."""

        def run(*args: Any) -> Any:
            token = _extobj_contextvar.set(_QUIET)
            try:
                return fn(*args)
            finally:
                _extobj_contextvar.reset(token)

        return run

    class silent:
        """``with silent():`` — the same as ``np.errstate(all='ignore')``, cheaper."""

        __slots__ = ("_token",)

        def __enter__(self) -> None:
            self._token = _extobj_contextvar.set(_QUIET)

        def __exit__(self, *exc: object) -> None:
            _extobj_contextvar.reset(self._token)

except ImportError:  # pragma: no cover - NumPy 1.x
    ERRSTATE_VAR = None
    QUIET_STATE = None

    def quiet(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            with np.errstate(all="ignore"):
                return fn(*args)

        return run

    class silent:  # type: ignore[no-redef]
        __slots__ = ("_ctx",)

        def __enter__(self) -> None:
            self._ctx = np.errstate(all="ignore")
            self._ctx.__enter__()

        def __exit__(self, *exc: Any) -> None:
            self._ctx.__exit__(*exc)


# The binary arithmetic, matrix products, reductions, ``exp``, ``sigmoid`` and the hottest losses
# are too hot for a per-call error state (+0.4-0.8 µs on a 1 µs op), so their floating-point
# warnings (overflow to inf, 0/0, x/0) are silenced by a warnings filter instead: it costs nothing
# unless a warning is actually raised, and it only matches warnings attributed to these chainrule
# modules, never the user's own NumPy code. Those also catch the warning when the user's filters
# turn it into an error (or np.seterr makes it raise) and recompute under a quiet error state, so
# they stay silent under ``-W error`` too.
import warnings as _warnings  # noqa: E402

QUIET_MODULES = r"chainrule\.ops\.(arith|linalg|reduction|selection|pointwise|_special|_loss_base|loss_entropy)"
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=QUIET_MODULES)
