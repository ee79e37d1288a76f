"""chainrule: a NumPy deep-learning library whose autograd is exact to PyTorch's, and readable.

``import chainrule as torch`` runs PyTorch code that stays inside the subset
documented in ``docs/api.md``.
"""

from __future__ import annotations

import builtins as _builtins
import math as _math

import numpy as np

from . import _methods  # noqa: F401  (binds the ops to Tensor)
from ._dtype import (bool_ as bool, dtype, double, float16, float32, float64, get_default_dtype, half,  # noqa: A004
                     int8, int16, int32, int64, long, set_default_dtype, short, uint8)
from ._dtype import float32 as float, int32 as int  # noqa: A004  (PyTorch's aliases)
from .autograd import grad_mode as _grad_mode
from .autograd.grad_mode import (enable_grad, inference_mode, is_anomaly_enabled, is_grad_enabled, no_grad,
                                 set_grad_enabled)
from .creation import (arange, as_tensor, asarray, bernoulli, empty, empty_like, eye, from_numpy, full, full_like,
                       linspace, logspace, multinomial, normal, ones, ones_like, rand, rand_like, randint,
                       randint_like, randn, randn_like, randperm, tensor, zeros, zeros_like)
from .functional import *  # noqa: F401,F403
from .functional import __all__ as _functional_all
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .tensor import Size, Tensor, device, is_tensor
from .serialization import load, save
from . import utils  # noqa: E402  (torch.utils.data is reachable after a plain import, so is ours)
from . import autograd  # noqa: E402
from . import optim  # noqa: E402
from . import nn  # noqa: E402
from .compiled_step import CompiledStep, compile_step  # noqa: E402
from . import linalg  # noqa: E402
from . import distributions, func, jit, special, testing  # noqa: E402
from .func import vmap  # noqa: E402
from .nn.functional import cosine_similarity, pairwise_distance  # noqa: E402
from ._promotion import can_cast, promote_types, result_type, typename  # noqa: E402
from ._typeinfo import finfo, iinfo  # noqa: E402
from .ops.inplace import relu_  # noqa: E402  (torch.relu_)

__version__ = "0.1.0"

# PyTorch's memory formats, as names (chainrule's tensors are NumPy arrays: C order or strided views)
contiguous_format, preserve_format = "contiguous_format", "preserve_format"
# PyTorch's math constants
pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan

FloatTensor = DoubleTensor = LongTensor = None  # set below


def is_floating_point(input: Tensor) -> _builtins.bool:
    return input.is_floating_point()


def numel(input: Tensor) -> _builtins.int:
    return input.numel()


class _TypedTensorMeta(type):
    """``isinstance(t, FloatTensor)`` is True for any float32 Tensor, as in PyTorch."""

    _dtype: object

    def __instancecheck__(cls, obj: object) -> _builtins.bool:
        return isinstance(obj, Tensor) and obj.dtype == cls._dtype


def _typed_tensor(name: str, dt: object) -> type:
    def new(cls: type, *args: object) -> Tensor:
        # ``FloatTensor([1, 2])`` copies data; ``FloatTensor(2, 3)`` makes a zero tensor of that shape
        if len(args) == 1 and not isinstance(args[0], (_builtins.int, np.integer)):
            return tensor(args[0], dtype=dt)
        return zeros(*args, dtype=dt)  # type: ignore[arg-type]

    return _TypedTensorMeta(name, (), {"__new__": new, "_dtype": dt, "__module__": "torch"})


FloatTensor = _typed_tensor("FloatTensor", float32)  # type: ignore[assignment]
DoubleTensor = _typed_tensor("DoubleTensor", float64)  # type: ignore[assignment]
LongTensor = _typed_tensor("LongTensor", int64)  # type: ignore[assignment]
IntTensor = _typed_tensor("IntTensor", int32)
BoolTensor = _typed_tensor("BoolTensor", bool)
HalfTensor = _typed_tensor("HalfTensor", float16)


def detach(input: Tensor) -> Tensor:
    return input.detach()


def set_printoptions(precision: object = None, threshold: object = None, edgeitems: object = None,
                     linewidth: object = None, profile: object = None, sci_mode: object = None) -> None:
    """Tensor printing options, as ``torch.set_printoptions``: ``profile`` ('default', 'short', 'full') first,
    then each given option; ``sci_mode`` True/False forces scientific/fixed notation, None chooses per tensor."""
    from . import _repr

    if profile == "default":
        _repr.PRECISION, _repr.THRESHOLD, _repr.EDGEITEMS, _repr.LINEWIDTH = 4, 1000, 3, 80
    elif profile == "short":
        _repr.PRECISION, _repr.THRESHOLD, _repr.EDGEITEMS, _repr.LINEWIDTH = 2, 1000, 2, 80
    elif profile == "full":
        _repr.PRECISION, _repr.THRESHOLD, _repr.EDGEITEMS, _repr.LINEWIDTH = 4, _math.inf, 3, 80  # type: ignore[assignment]
    if precision is not None:
        _repr.PRECISION = precision  # type: ignore[assignment]
    if threshold is not None:
        _repr.THRESHOLD = threshold  # type: ignore[assignment]
    if edgeitems is not None:
        _repr.EDGEITEMS = edgeitems  # type: ignore[assignment]
    if linewidth is not None:
        _repr.LINEWIDTH = linewidth  # type: ignore[assignment]
    _repr.SCI_MODE = sci_mode  # type: ignore[assignment]  # (always set, as PyTorch's)


def set_num_threads(n: object) -> None:
    """Threads for chainrule's fused kernels, and for BLAS when threadpoolctl is installed (PyTorch's
    ``set_num_threads``: the intra-op thread count)."""
    # (``int`` and ``bool`` in this module are chainrule's dtypes)
    if isinstance(n, _builtins.bool) or not isinstance(n, _builtins.int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    from . import _kernels

    _kernels.set_threads(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return
    threadpool_limits(n)


def get_num_threads() -> _builtins.int:
    """The thread count set by ``set_num_threads`` (default: the CPUs this process may use)."""
    from . import _kernels

    return _kernels.get_threads()


_MATMUL_PRECISION = ["highest"]


def set_float32_matmul_precision(precision: str) -> None:
    """Accepted for compatibility: NumPy's BLAS always multiplies float32 in full precision ("highest")."""
    if precision not in ("highest", "high", "medium"):
        import warnings

        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _MATMUL_PRECISION[0] = precision


def get_float32_matmul_precision() -> str:
    return _MATMUL_PRECISION[0]


def use_deterministic_algorithms(mode: object, *, warn_only: object = False) -> None:
    """chainrule is always deterministic on the CPU; accepted for compatibility."""


def compile(model: object = None, **kwargs: object) -> object:  # noqa: A001
    """Accepted for compatibility: returns the model unchanged (chainrule runs eagerly)."""
    if model is None:
        return lambda m: m
    return model


_grad_mode_module = _grad_mode


class _Accelerator:
    """``chainrule.cuda`` / ``chainrule.backends.mps``: what device-picking code asks (``is_available()``).

    chainrule computes on the CPU with NumPy, so every accelerator reports itself unavailable and seeding
    one is a no-op, as on a CPU-only PyTorch build.
    """

    @staticmethod
    def is_available() -> _builtins.bool:
        return False

    @staticmethod
    def device_count() -> _builtins.int:
        return 0

    @staticmethod
    def manual_seed(seed_value: object) -> None:
        return None

    manual_seed_all = manual_seed

    @staticmethod
    def is_built() -> _builtins.bool:
        return False


class _Cudnn:
    """``backends.cudnn``: the flags PyTorch scripts set for reproducibility (nothing to configure here)."""

    enabled = True
    deterministic = False
    benchmark = False

    @staticmethod
    def is_available() -> _builtins.bool:
        return False


class _Backends:
    mps = _Accelerator()
    cuda = _Accelerator()
    cudnn = _Cudnn()


cuda = _Accelerator()
backends = _Backends()
