"""``chainrule.nn.functional``: every activation and loss as PyTorch spells them.

The implementations, each with its closed-form derivative beside it, live in
``chainrule/ops/activation.py`` and ``chainrule/ops/loss.py``.
"""

from __future__ import annotations

from ..ops.activation import *  # noqa: F401,F403
from ..ops.activation import __all__ as _activation_all
from ..ops.loss import *  # noqa: F401,F403
from ..ops.loss import __all__ as _loss_all

__all__ = list(_activation_all) + list(_loss_all)
