"""Lazy layers: ``LazyLinear`` and ``LazyConv2d`` infer their input size from the first batch.

Until the first forward their ``weight`` and ``bias`` are ``UninitializedParameter``s (no shape, no
values). A forward pre-hook then reads the input size (``in_features = x.shape[-1]`` for Linear,
``in_channels = x.shape[-4 or -3]`` for Conv2d), *materializes* each parameter in place -- the same
Python object gets its array and becomes a plain ``Parameter`` -- runs the ordinary initialisation
(``reset_parameters``, i.e. U(-1/√fan_in, 1/√fan_in)), removes the hook and turns the module into the
plain class (``LazyLinear`` → ``Linear``), as PyTorch does. Because the parameter objects survive, an
optimizer built before the first forward updates the materialized parameters.

Loading a ``state_dict`` into a lazy module materializes its parameters with the loaded shapes first.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from ... import _dtype
from ...autograd.grad_mode import GRAD_ENABLED
from ...tensor import Size, Tensor
from ..parameter import Parameter
from .conv import Conv2d, _pair
from .linear import Linear

__all__ = ["UninitializedParameter", "LazyModuleMixin", "LazyLinear", "LazyConv2d"]

_SHAPE_ERROR = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
    "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to "
    "initialize the parameters before accessing their attributes."
)


class UninitializedParameter(Parameter):
    """``UninitializedParameter(requires_grad=True, device=None, dtype=None)``: a parameter whose shape is not
    known yet. ``materialize(shape)`` gives it an (uninitialised) array of that shape in place and turns it into a
    ``Parameter``; until then its shape cannot be read."""

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device: Any = None,  # type: ignore[misc]
                dtype: Any = None) -> UninitializedParameter:
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
        p = Parameter.__new__(cls, Tensor._wrap(np.empty((0,), dtype=dt.np)), requires_grad)
        return p  # type: ignore[return-value]

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        pass

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the parameter an array of ``shape`` (dtype: ``dtype`` or its own) and make it a ``Parameter``."""
        if isinstance(shape, int):
            shape = (shape,)
        dt = self._data.dtype if dtype is None else _dtype.as_dtype(dtype).np
        self._data = np.empty(tuple(int(s) for s in shape), dtype=dt)
        self.__class__ = self.cls_to_become  # type: ignore[assignment]

    @property
    def shape(self) -> Size:  # type: ignore[override]
        raise RuntimeError(_SHAPE_ERROR)

    def size(self, dim: int | None = None) -> Any:
        raise RuntimeError(_SHAPE_ERROR)

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        return (UninitializedParameter, (self._rg, None, _dtype.from_numpy_dtype(self._data.dtype)))

    def __deepcopy__(self, memo: dict[int, Any]) -> UninitializedParameter:
        if id(self) in memo:
            return memo[id(self)]
        p = UninitializedParameter(self._rg, dtype=_dtype.from_numpy_dtype(self._data.dtype))
        memo[id(self)] = p
        return p


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an ``UninitializedParameter``."""
    return isinstance(param, UninitializedParameter)


def _infer_parameters(module: Any, args: tuple[Any, ...]) -> None:
    """The forward pre-hook of a lazy module: initialize from the first input, then become the plain class."""
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyModuleMixin:
    """Mixed in before a layer class: parameters stay ``UninitializedParameter`` until the first forward calls
    ``initialize_parameters(*inputs)``; then the module becomes ``cls_to_become``."""

    cls_to_become: type | None = None
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]

    def _lazy_setup(self) -> None:
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)  # type: ignore[attr-defined]

    def has_uninitialized_params(self) -> bool:
        """Whether any of this module's own parameters or buffers is still uninitialized."""
        return any(is_lazy(p) for p in (*self._parameters.values(), *self._buffers.values()))

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialize and initialise the parameters from the shapes of the first inputs."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {type(self).__name__}")

    def state_dict(self, *args: Any, **kwargs: Any) -> OrderedDict[str, Tensor]:
        """As ``Module.state_dict``, but an uninitialized parameter is stored as itself (it has no values)."""
        dest = super().state_dict(*args, **kwargs)  # type: ignore[misc]
        prefix = kwargs.get("prefix", args[1] if len(args) > 1 else "")
        for name, p in self._parameters.items():
            if is_lazy(p):
                dest[prefix + name] = p
        return dest  # type: ignore[no-any-return]

    def _load_from_state_dict(self, state_dict: Any, prefix: str, missing: list[str], unexpected: list[str],
                              errors: list[str], assign: bool) -> None:
        skip = []
        for name, p in self._parameters.items():
            key = prefix + name
            if p is None or not is_lazy(p) or key not in state_dict:
                continue
            value = state_dict[key]
            if is_lazy(value):
                skip.append(key)  # uninitialized into uninitialized: nothing to copy
            elif isinstance(value, Tensor):
                prev = GRAD_ENABLED[0]
                GRAD_ENABLED[0] = False
                try:
                    p.materialize(value.shape)  # type: ignore[attr-defined]
                finally:
                    GRAD_ENABLED[0] = prev
        if skip:
            state_dict = {k: v for k, v in state_dict.items() if k not in skip}
        n_missing = len(missing)
        super()._load_from_state_dict(state_dict, prefix, missing, unexpected, errors, assign)  # type: ignore[misc]
        if skip:
            missing[n_missing:] = [k for k in missing[n_missing:] if k not in skip]


class LazyLinear(LazyModuleMixin, Linear):
    """``LazyLinear(out_features, bias=True, device=None, dtype=None)``: a ``Linear`` whose ``in_features`` is
    ``input.shape[-1]`` of the first forward; it then becomes a ``Linear`` with y = x Wᵀ + b and W, b ~
    U(-1/√in_features, 1/√in_features)."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        Linear.__init__(self, 0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._lazy_setup()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """in_features = input.shape[-1]; materialize weight (out, in) and bias (out,) and initialise them."""
        if self.has_uninitialized_params():
            prev = GRAD_ENABLED[0]
            GRAD_ENABLED[0] = False
            try:
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))  # type: ignore[attr-defined]
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))  # type: ignore[attr-defined]
                self.reset_parameters()
            finally:
                GRAD_ENABLED[0] = prev
        if self.in_features == 0:  # parameters came from a state_dict
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


class LazyConv2d(LazyModuleMixin, Conv2d):
    """``LazyConv2d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
    padding_mode='zeros', device=None, dtype=None)``: a ``Conv2d`` whose ``in_channels`` is the channel dimension
    of the first input ((N, C, H, W) or (C, H, W)); it then becomes a ``Conv2d``."""

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        Conv2d.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._lazy_setup()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def _get_in_channels(self, input: Tensor) -> int:
        if input.dim() not in (3, 4):
            raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to {self._get_name()}, but got input "
                               f"of size: {input.shape}")
        return int(input.shape[1] if input.dim() == 4 else input.shape[0])

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """in_channels from the input; materialize weight (out, in/groups, kh, kw) and bias (out,)."""
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            prev = GRAD_ENABLED[0]
            GRAD_ENABLED[0] = False
            try:
                shape = (self.out_channels, self.in_channels // self.groups, *_pair(self.kernel_size))
                self.weight.materialize(shape)  # type: ignore[attr-defined]
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))  # type: ignore[attr-defined]
                self.reset_parameters()
            finally:
                GRAD_ENABLED[0] = prev
        if self.in_channels == 0:  # parameters came from a state_dict
            self.in_channels = self.weight.shape[1] * self.groups

