"""(being written)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__: list[str] = []
# Tensor methods this family adds: method name -> function (the tensor is the first argument)
METHODS: dict[str, Callable[..., Any]] = {}
