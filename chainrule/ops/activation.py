"""Activations (filled in by the nn.functional work): see chainrule/nn/functional.py."""

from __future__ import annotations

from .pointwise import relu, sigmoid, tanh
from .softmax import log_softmax, softmax, softmin

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "softmin"]
