"""Activation modules: thin wrappers that hold the hyper-parameters and call ``nn.functional``.

The math and the derivatives live with the functions (``chainrule/ops/activation.py``);
each class here only mirrors PyTorch's constructor, ``forward`` and ``extra_repr``.
"""

from __future__ import annotations

import warnings
from typing import Any

from ...autograd.grad_mode import GRAD_ENABLED
from ...ops.selection import where
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


def _inplace(inplace: bool, lead: str = ", ") -> str:
    return lead + "inplace=True" if inplace else ""


class _Stateless(Module):
    """An activation without arguments (PyTorch's accept and ignore any)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()


class Sigmoid(_Stateless):
    """y = 1 / (1 + e⁻ˣ)"""

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(_Stateless):
    """y = tanh x"""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Softsign(_Stateless):
    """y = x / (1 + |x|)"""

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class LogSigmoid(_Stateless):
    """y = log σ(x) = -softplus(-x)"""

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Tanhshrink(_Stateless):
    """y = x - tanh x"""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class _InplaceOnly(Module):
    """An activation whose only argument is ``inplace``."""

    _show_inplace = True

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return _inplace(self.inplace, "") if self._show_inplace else ""


class ReLU(_InplaceOnly):
    """y = max(0, x)"""

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)


class SELU(_InplaceOnly):
    """y = scale·(max(0, x) + min(0, α(eˣ - 1))), α ≈ 1.6733, scale ≈ 1.0507"""

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, inplace=self.inplace)


class SiLU(_InplaceOnly):
    """y = x·σ(x)"""

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)


class Mish(_InplaceOnly):
    """y = x·tanh(softplus(x))"""

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, inplace=self.inplace)


class Hardsigmoid(_InplaceOnly):
    """y = clamp(x/6 + 1/2, 0, 1)"""

    _show_inplace = False

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, inplace=self.inplace)


class Hardswish(_InplaceOnly):
    """y = x·hardsigmoid(x)"""

    _show_inplace = False

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, inplace=self.inplace)

class LeakyReLU(Module):
    """y = x for x ≥ 0, negative_slope·x otherwise"""

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + _inplace(self.inplace)


class ELU(Module):
    """y = x for x > 0, α(eˣ - 1) otherwise"""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + _inplace(self.inplace)


class CELU(ELU):
    """y = max(0, x) + min(0, α(e^{x/α} - 1))"""

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)


class GELU(Module):
    """y = x·Φ(x) (``approximate='tanh'``: x/2·(1 + tanh(√(2/π)(x + 0.044715x³))))"""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """y = log(1 + e^{βx}) / β, linear (y = x) where βx > threshold"""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """y = clamp(x, min_val, max_val)"""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and rename to `min_val`",
                          FutureWarning, stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and rename to `max_val`",
                          FutureWarning, stacklevel=2)
            max_val = max_value
        if not max_val > min_val:
            raise AssertionError(f"Hardtanh: max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace(self.inplace)


class ReLU6(Hardtanh):
    """y = min(max(0, x), 6)"""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace, "")


class Threshold(Module):
    """y = x where x > threshold, else value"""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        # y = where(x > threshold, x, value): its gradient is 1 above the threshold and 0 elsewhere
        out = where(input > self.threshold, input, self.value)
        if self.inplace and not (GRAD_ENABLED[0] and input._rg):
            input._data[...] = out._data
            input._bump()
            return input
        return out  # recorded: out of place, so the gradient stays exact

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + _inplace(self.inplace)


class _Shrink(Module):
    _fn = ""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return getattr(F, self._fn)(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(_Shrink):
    """y = x - λ for x > λ, x + λ for x < -λ, 0 otherwise"""

    _fn = "softshrink"


class Hardshrink(_Shrink):
    """y = x for |x| > λ, 0 otherwise"""

    _fn = "hardshrink"


class PReLU(Module):
    """y = max(0, x) + a·min(0, x) with a learnable ``weight`` a (one per channel, or shared)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        from ...creation import empty

        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, dtype=dtype, device=device))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _DimModule(Module):
    _fn = ""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return getattr(F, self._fn)(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_DimModule):
    """y_i = e^{x_i} / Σ_j e^{x_j} along ``dim``"""

    _fn = "softmax"


class Softmin(_DimModule):
    """y = softmax(-x) along ``dim``"""

    _fn = "softmin"


class LogSoftmax(_DimModule):
    """y_i = x_i - log Σ_j e^{x_j} along ``dim``"""

    _fn = "log_softmax"


class GLU(_DimModule):
    """y = a ⊗ σ(b), where a and b are the two halves of the input along ``dim``"""

    _fn = "glu"

    def __init__(self, dim: int = -1) -> None:
        super().__init__(dim)


class Softmax2d(Module):
    """Softmax over the channel dimension (-3) of an (N, C, H, W) or (C, H, W) input."""

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3)
