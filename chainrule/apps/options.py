"""argparse value types for the command line: each error names what was expected and what was given.

argparse prefixes the message with the option (``argument --epochs: ...``) and exits with status 2.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any


def _parsed(text: str, convert: Any, ok: Callable[[Any], bool], expected: str) -> Any:
    """``convert(text)`` if it parses and satisfies ``ok``, else argparse's error naming what was expected."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _parsed(text, int, lambda v: v >= 1, "a positive integer")  # type: ignore[no-any-return]


def non_negative_int(text: str) -> int:
    return _parsed(text, int, lambda v: v >= 0, "an integer ≥ 0")  # type: ignore[no-any-return]


def positive_float(text: str) -> float:
    return _parsed(text, float, lambda v: math.isfinite(v) and v > 0,  # type: ignore[no-any-return]
                   "a positive finite number")


def fraction(text: str) -> float:
    return _parsed(text, float, lambda v: 0 <= v < 1, "a fraction in [0, 1)")  # type: ignore[no-any-return]


def layer_sizes(text: str) -> tuple[int, ...]:
    """'3,2' -> (3, 2); each hidden layer size a positive integer."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive layer sizes such as 3,2, got {text!r}")
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive layer sizes such as 3,2, got {text!r}")
    return sizes
