"""``chainrule.nn.functional``: every activation and loss as PyTorch spells them.

The implementations, each with its closed-form derivative beside it, live in
``chainrule/ops/activation.py`` and ``chainrule/ops/loss.py``; the convolution and
pooling functions (composites of differentiable ops) beside their modules in
``chainrule/nn/modules/conv.py`` and ``pooling.py``.
"""

from __future__ import annotations

from typing import Any

from ..ops.activation import *  # noqa: F401,F403
from ..ops.activation import __all__ as _activation_all
from ..ops.inplace import relu_  # noqa: F401  (F.relu_: relu written in place)
from ..ops.loss import *  # noqa: F401,F403
from ..ops.loss import __all__ as _loss_all
from .functional_layers import *  # noqa: F401,F403
from .functional_layers import CATALOGUED as _layers_catalogued
from .functional_losses_extra import *  # noqa: F401,F403
from .functional_losses_extra import CATALOGUED as _losses_extra_catalogued
from .modules.attention import scaled_dot_product_attention  # noqa: F401
from .modules.conv import conv2d  # noqa: F401  (see __all__)
from .modules.embedding_bag import embedding_bag  # noqa: F401
from .modules.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d  # noqa: F401

# ``__all__`` is the derivative catalogue's scope (closed-form derivatives); conv2d, the poolings and most of
# functional_layers are composites of recorded ops (a window gather, matmul, max, sum), reachable as F.conv2d etc.

__all__ = list(_activation_all) + list(_loss_all) + list(_layers_catalogued) + list(_losses_extra_catalogued)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Any:
    """cos θ = Σ x₁x₂ / (max(‖x₁‖, ε) · max(‖x₂‖, ε)) along ``dim`` (inputs broadcast); a composite of recorded
    ops, so its gradient comes from theirs."""
    from ..ops.reduction import norm as _norm
    from ..ops.reduction import sum as _sum
    from ..ops.selection import clamp_min

    n1 = clamp_min(_norm(x1, 2, dim, True), eps)
    n2 = clamp_min(_norm(x2, 2, dim, True), eps)
    return _sum((x1 / n1) * (x2 / n2), dim)


def pairwise_distance(x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Any:
    """‖x₁ − x₂ + ε‖_p over the last dimension (PyTorch adds ε to the difference to keep the norm's gradient
    finite at zero distance)."""
    from ..ops.reduction import norm as _norm

    return _norm(x1 - x2 + eps, p, -1, keepdim)
