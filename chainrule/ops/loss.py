"""Losses (filled in by the nn.functional work): see chainrule/nn/functional.py."""

from __future__ import annotations

__all__: list[str] = []
