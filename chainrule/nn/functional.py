"""``chainrule.nn.functional``: every activation and loss as PyTorch spells them.

The implementations, each with its closed-form derivative beside it, live in
``chainrule/ops/activation.py`` and ``chainrule/ops/loss.py``; the convolution and
pooling functions (composites of differentiable ops) beside their modules in
``chainrule/nn/modules/conv.py`` and ``pooling.py``.
"""

from __future__ import annotations

from ..ops.activation import *  # noqa: F401,F403
from ..ops.activation import __all__ as _activation_all
from ..ops.inplace import relu_  # noqa: F401  (F.relu_: relu written in place)
from ..ops.loss import *  # noqa: F401,F403
from ..ops.loss import __all__ as _loss_all
from .modules.conv import conv2d  # noqa: F401  (see __all__)
from .modules.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d  # noqa: F401

# ``__all__`` is the derivative catalogue's scope (closed-form derivatives); conv2d and the poolings are
# composites of recorded ops (a window gather, matmul, max, sum), reachable as F.conv2d etc.
__all__ = list(_activation_all) + list(_loss_all)
