"""The Tensor: a NumPy array, its dtype, and its place in the autograd graph.

Attributes (``__slots__``, set by ``_wrap`` on every op's hot path):

* ``_data``     the NumPy array (``.data`` is the PyTorch-style detached Tensor view)
* ``_rg``       requires_grad
* ``grad_fn``   the ``Node`` that made it, ``None`` for leaves
* ``_grad``     accumulated gradient (a Tensor) for leaves and ``retain_grad()`` tensors
* ``_vc``       version counter, a one-element list shared with views; created lazily
* ``_out_idx``  which output of ``grad_fn`` this is (multi-output custom Functions)

Math methods are bound in ``chainrule/_methods.py``; the ops live in ``chainrule/ops``.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _dtype
from ._dtype import dtype as DType
from ._dtype import from_numpy_dtype
from .autograd.grad_mode import GRAD_ENABLED
from .autograd.graph import EDIT_EPOCH

_ndarray = np.ndarray


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """``device('cpu')``, ``device('cuda:0')``: a place for tensors, named like PyTorch's.

    Any PyTorch device type can be *named* (so ``device('cuda' if cuda.is_available() else 'cpu')``
    works), but tensors live on the CPU only until the CuPy backend arrives: see ``check_device``.
    """

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, type: str | int | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index  # type: ignore[assignment]  # noqa: A001
        elif isinstance(type, int):  # device(0) means the first accelerator, and there is none
            raise RuntimeError("Cannot access accelerator device when none is available.")
        name = str(type)
        if ":" in name:
            name, _, idx = name.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if name not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                               f"{name}")
        self.type = name
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        # like PyTorch, a device never equals a string: compare with device('cpu') or ``.type``
        return isinstance(other, device) and other.type == self.type and other.index == self.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def check_device(dev: Any) -> None:
    """Refuse to place a tensor anywhere but the CPU, with PyTorch's error on a build without CUDA."""
    if dev is None or dev is CPU:
        return
    d = dev if isinstance(dev, device) else device(dev)
    if d.type == "cpu":
        return
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled (chainrule computes on the CPU with NumPy; "
                             "use device('cpu'))")
    raise RuntimeError(f"chainrule cannot place tensors on {d}: only the CPU is available (device('cpu'))")


CPU = device("cpu")


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints like PyTorch's."""

    def __repr__(self) -> str:
        return "torch.Size([" + ", ".join(str(s) for s in self) + "])"

    def __getitem__(self, key: Any) -> Any:
        r = tuple.__getitem__(self, key)
        return Size(r) if type(key) is slice else r

    def __add__(self, other: Any) -> Size:
        return Size(tuple.__add__(self, other))

    def __radd__(self, other: Any) -> Size:
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n: Any) -> Size:
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class Tensor:
    """An n-dimensional array with reverse-mode autograd, spelled like ``torch.Tensor``."""

    __slots__ = ("_data", "_rg", "grad_fn", "_grad", "_vc", "_out_idx", "_retains", "_hooks", "__weakref__")

    __array_priority__ = 1000  # ndarray <op> Tensor defers to the Tensor

    _data: np.ndarray
    _rg: bool
    grad_fn: Any
    _grad: Tensor | None
    _vc: list[int] | None
    _out_idx: int
    _retains: bool
    _hooks: list[Any] | None

    if TYPE_CHECKING:  # methods and operators bound in chainrule/_methods.py
        def __abs__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __add__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __and__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __eq__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __floordiv__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __ge__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __getitem__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __gt__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __iadd__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __imul__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __invert__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __isub__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __itruediv__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __le__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __lt__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __matmul__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __mod__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __mul__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __ne__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __neg__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __or__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __pos__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __pow__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __radd__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __rand__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __rfloordiv__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __rmatmul__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __rmul__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __ror__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __rpow__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __rsub__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __rtruediv__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __setitem__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __sub__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __truediv__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __xor__(self, *args: Any, **kwargs: Any) -> Any: ...
        def abs(self, *args: Any, **kwargs: Any) -> Any: ...
        def abs_(self, *args: Any, **kwargs: Any) -> Any: ...
        def absolute(self, *args: Any, **kwargs: Any) -> Any: ...
        def acos(self, *args: Any, **kwargs: Any) -> Any: ...
        def add(self, *args: Any, **kwargs: Any) -> Any: ...
        def add_(self, *args: Any, **kwargs: Any) -> Any: ...
        def all(self, *args: Any, **kwargs: Any) -> Any: ...
        def allclose(self, *args: Any, **kwargs: Any) -> Any: ...
        def amax(self, *args: Any, **kwargs: Any) -> Any: ...
        def amin(self, *args: Any, **kwargs: Any) -> Any: ...
        def any(self, *args: Any, **kwargs: Any) -> Any: ...
        def arccos(self, *args: Any, **kwargs: Any) -> Any: ...
        def arcsin(self, *args: Any, **kwargs: Any) -> Any: ...
        def arctan(self, *args: Any, **kwargs: Any) -> Any: ...
        def argmax(self, *args: Any, **kwargs: Any) -> Any: ...
        def argmin(self, *args: Any, **kwargs: Any) -> Any: ...
        def asin(self, *args: Any, **kwargs: Any) -> Any: ...
        def atan(self, *args: Any, **kwargs: Any) -> Any: ...
        def bernoulli_(self, *args: Any, **kwargs: Any) -> Any: ...
        def bitwise_and(self, *args: Any, **kwargs: Any) -> Any: ...
        def bitwise_not(self, *args: Any, **kwargs: Any) -> Any: ...
        def bitwise_or(self, *args: Any, **kwargs: Any) -> Any: ...
        def bitwise_xor(self, *args: Any, **kwargs: Any) -> Any: ...
        def bmm(self, *args: Any, **kwargs: Any) -> Any: ...
        def broadcast_to(self, *args: Any, **kwargs: Any) -> Any: ...
        def ceil(self, *args: Any, **kwargs: Any) -> Any: ...
        def chunk(self, *args: Any, **kwargs: Any) -> Any: ...
        def clamp(self, *args: Any, **kwargs: Any) -> Any: ...
        def clamp_(self, *args: Any, **kwargs: Any) -> Any: ...
        def clamp_max(self, *args: Any, **kwargs: Any) -> Any: ...
        def clamp_min(self, *args: Any, **kwargs: Any) -> Any: ...
        def clip(self, *args: Any, **kwargs: Any) -> Any: ...
        def clip_(self, *args: Any, **kwargs: Any) -> Any: ...
        def clone(self, *args: Any, **kwargs: Any) -> Any: ...
        def copy_(self, *args: Any, **kwargs: Any) -> Any: ...
        def cos(self, *args: Any, **kwargs: Any) -> Any: ...
        def cos_(self, *args: Any, **kwargs: Any) -> Any: ...
        def cosh(self, *args: Any, **kwargs: Any) -> Any: ...
        def count_nonzero(self, *args: Any, **kwargs: Any) -> Any: ...
        def cumsum(self, *args: Any, **kwargs: Any) -> Any: ...
        def div(self, *args: Any, **kwargs: Any) -> Any: ...
        def div_(self, *args: Any, **kwargs: Any) -> Any: ...
        def divide(self, *args: Any, **kwargs: Any) -> Any: ...
        def dot(self, *args: Any, **kwargs: Any) -> Any: ...
        def eq(self, *args: Any, **kwargs: Any) -> Any: ...
        def equal(self, *args: Any, **kwargs: Any) -> Any: ...
        def exp(self, *args: Any, **kwargs: Any) -> Any: ...
        def exp_(self, *args: Any, **kwargs: Any) -> Any: ...
        def expand(self, *args: Any, **kwargs: Any) -> Any: ...
        def expand_as(self, *args: Any, **kwargs: Any) -> Any: ...
        def expm1(self, *args: Any, **kwargs: Any) -> Any: ...
        def exponential_(self, *args: Any, **kwargs: Any) -> Any: ...
        def fill_(self, *args: Any, **kwargs: Any) -> Any: ...
        def flatten(self, *args: Any, **kwargs: Any) -> Any: ...
        def flip(self, *args: Any, **kwargs: Any) -> Any: ...
        def floor(self, *args: Any, **kwargs: Any) -> Any: ...
        def floor_(self, *args: Any, **kwargs: Any) -> Any: ...
        def floor_divide(self, *args: Any, **kwargs: Any) -> Any: ...
        def gather(self, *args: Any, **kwargs: Any) -> Any: ...
        def ge(self, *args: Any, **kwargs: Any) -> Any: ...
        def greater(self, *args: Any, **kwargs: Any) -> Any: ...
        def greater_equal(self, *args: Any, **kwargs: Any) -> Any: ...
        def gt(self, *args: Any, **kwargs: Any) -> Any: ...
        def index_select(self, *args: Any, **kwargs: Any) -> Any: ...
        def isclose(self, *args: Any, **kwargs: Any) -> Any: ...
        def isfinite(self, *args: Any, **kwargs: Any) -> Any: ...
        def isinf(self, *args: Any, **kwargs: Any) -> Any: ...
        def isnan(self, *args: Any, **kwargs: Any) -> Any: ...
        def le(self, *args: Any, **kwargs: Any) -> Any: ...
        def less(self, *args: Any, **kwargs: Any) -> Any: ...
        def less_equal(self, *args: Any, **kwargs: Any) -> Any: ...
        def log(self, *args: Any, **kwargs: Any) -> Any: ...
        def log10(self, *args: Any, **kwargs: Any) -> Any: ...
        def log1p(self, *args: Any, **kwargs: Any) -> Any: ...
        def log2(self, *args: Any, **kwargs: Any) -> Any: ...
        def log_(self, *args: Any, **kwargs: Any) -> Any: ...
        def log_softmax(self, *args: Any, **kwargs: Any) -> Any: ...
        def logical_and(self, *args: Any, **kwargs: Any) -> Any: ...
        def logical_not(self, *args: Any, **kwargs: Any) -> Any: ...
        def logical_or(self, *args: Any, **kwargs: Any) -> Any: ...
        def logical_xor(self, *args: Any, **kwargs: Any) -> Any: ...
        def logsumexp(self, *args: Any, **kwargs: Any) -> Any: ...
        def lt(self, *args: Any, **kwargs: Any) -> Any: ...
        def masked_fill(self, *args: Any, **kwargs: Any) -> Any: ...
        def masked_fill_(self, *args: Any, **kwargs: Any) -> Any: ...
        def matmul(self, *args: Any, **kwargs: Any) -> Any: ...
        def max(self, *args: Any, **kwargs: Any) -> Any: ...
        def maximum(self, *args: Any, **kwargs: Any) -> Any: ...
        def mean(self, *args: Any, **kwargs: Any) -> Any: ...
        def min(self, *args: Any, **kwargs: Any) -> Any: ...
        def minimum(self, *args: Any, **kwargs: Any) -> Any: ...
        def mm(self, *args: Any, **kwargs: Any) -> Any: ...
        def movedim(self, *args: Any, **kwargs: Any) -> Any: ...
        def mul(self, *args: Any, **kwargs: Any) -> Any: ...
        def mul_(self, *args: Any, **kwargs: Any) -> Any: ...
        def multiply(self, *args: Any, **kwargs: Any) -> Any: ...
        def mv(self, *args: Any, **kwargs: Any) -> Any: ...
        def narrow(self, *args: Any, **kwargs: Any) -> Any: ...
        def ne(self, *args: Any, **kwargs: Any) -> Any: ...
        def neg(self, *args: Any, **kwargs: Any) -> Any: ...
        def neg_(self, *args: Any, **kwargs: Any) -> Any: ...
        def negative(self, *args: Any, **kwargs: Any) -> Any: ...
        def norm(self, *args: Any, **kwargs: Any) -> Any: ...
        def normal_(self, *args: Any, **kwargs: Any) -> Any: ...
        def not_equal(self, *args: Any, **kwargs: Any) -> Any: ...
        def outer(self, *args: Any, **kwargs: Any) -> Any: ...
        def permute(self, *args: Any, **kwargs: Any) -> Any: ...
        def pow(self, *args: Any, **kwargs: Any) -> Any: ...
        def pow_(self, *args: Any, **kwargs: Any) -> Any: ...
        def prod(self, *args: Any, **kwargs: Any) -> Any: ...
        def random_(self, *args: Any, **kwargs: Any) -> Any: ...
        def reciprocal(self, *args: Any, **kwargs: Any) -> Any: ...
        def relu(self, *args: Any, **kwargs: Any) -> Any: ...
        def relu_(self, *args: Any, **kwargs: Any) -> Any: ...
        def remainder(self, *args: Any, **kwargs: Any) -> Any: ...
        def repeat(self, *args: Any, **kwargs: Any) -> Any: ...
        def reshape(self, *args: Any, **kwargs: Any) -> Any: ...
        def reshape_as(self, *args: Any, **kwargs: Any) -> Any: ...
        def round(self, *args: Any, **kwargs: Any) -> Any: ...
        def round_(self, *args: Any, **kwargs: Any) -> Any: ...
        def rsqrt(self, *args: Any, **kwargs: Any) -> Any: ...
        def sigmoid(self, *args: Any, **kwargs: Any) -> Any: ...
        def sigmoid_(self, *args: Any, **kwargs: Any) -> Any: ...
        def sign(self, *args: Any, **kwargs: Any) -> Any: ...
        def sin(self, *args: Any, **kwargs: Any) -> Any: ...
        def sin_(self, *args: Any, **kwargs: Any) -> Any: ...
        def sinh(self, *args: Any, **kwargs: Any) -> Any: ...
        def softmax(self, *args: Any, **kwargs: Any) -> Any: ...
        def split(self, *args: Any, **kwargs: Any) -> Any: ...
        def sqrt(self, *args: Any, **kwargs: Any) -> Any: ...
        def sqrt_(self, *args: Any, **kwargs: Any) -> Any: ...
        def square(self, *args: Any, **kwargs: Any) -> Any: ...
        def squeeze(self, *args: Any, **kwargs: Any) -> Any: ...
        def squeeze_(self, *args: Any, **kwargs: Any) -> Any: ...
        def std(self, *args: Any, **kwargs: Any) -> Any: ...
        def sub(self, *args: Any, **kwargs: Any) -> Any: ...
        def sub_(self, *args: Any, **kwargs: Any) -> Any: ...
        def subtract(self, *args: Any, **kwargs: Any) -> Any: ...
        def sum(self, *args: Any, **kwargs: Any) -> Any: ...
        def swapaxes(self, *args: Any, **kwargs: Any) -> Any: ...
        def swapdims(self, *args: Any, **kwargs: Any) -> Any: ...
        def t(self, *args: Any, **kwargs: Any) -> Any: ...
        def t_(self, *args: Any, **kwargs: Any) -> Any: ...
        def tan(self, *args: Any, **kwargs: Any) -> Any: ...
        def tanh(self, *args: Any, **kwargs: Any) -> Any: ...
        def tanh_(self, *args: Any, **kwargs: Any) -> Any: ...
        def to(self, *args: Any, **kwargs: Any) -> Any: ...
        def transpose(self, *args: Any, **kwargs: Any) -> Any: ...
        def tril(self, *args: Any, **kwargs: Any) -> Any: ...
        def triu(self, *args: Any, **kwargs: Any) -> Any: ...
        def true_divide(self, *args: Any, **kwargs: Any) -> Any: ...
        def trunc(self, *args: Any, **kwargs: Any) -> Any: ...
        def type_as(self, *args: Any, **kwargs: Any) -> Any: ...
        def unbind(self, *args: Any, **kwargs: Any) -> Any: ...
        def unflatten(self, *args: Any, **kwargs: Any) -> Any: ...
        def uniform_(self, *args: Any, **kwargs: Any) -> Any: ...
        def unsqueeze(self, *args: Any, **kwargs: Any) -> Any: ...
        def unsqueeze_(self, *args: Any, **kwargs: Any) -> Any: ...
        def var(self, *args: Any, **kwargs: Any) -> Any: ...
        def view(self, *args: Any, **kwargs: Any) -> Any: ...
        def view_as(self, *args: Any, **kwargs: Any) -> Any: ...
        def where(self, *args: Any, **kwargs: Any) -> Any: ...
        def zero_(self, *args: Any, **kwargs: Any) -> Any: ...

    # -- construction -------------------------------------------------------------------------
    def __init__(self, *args: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        """``Tensor(data)`` or ``Tensor(*sizes)`` (uninitialised float32, like ``torch.Tensor(2, 3)``)."""
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            from .creation import _array_from_data

            arr = _array_from_data(args[0], _dtype.get_default_dtype().np if dtype is None else dtype)
        else:
            arr = np.zeros(tuple(int(a) for a in args), dtype=_dtype.get_default_dtype().np)
        _init(self, arr)
        if requires_grad:
            self._set_requires_grad(True, "Only Tensors of floating point and complex dtype can require gradients")

    @staticmethod
    def _wrap(data: np.ndarray, requires_grad: bool = False) -> Tensor:
        t = _new(Tensor)
        t._data = data
        t._rg = requires_grad
        t.grad_fn = None
        t._grad = None
        t._vc = None
        t._out_idx = 0
        t._retains = False
        t._hooks = None
        return t

    @staticmethod
    def _from_node(node: Any, idx: int = 0) -> Tensor:
        """The output of ``node`` as a Tensor in its graph (for ``create_graph`` passes)."""
        t = Tensor._wrap(node.out if node.n_outputs == 1 else node.out[idx], True)
        t.grad_fn = node
        t._vc = node.out_vc
        t._out_idx = idx
        return t

    # -- basic properties ----------------------------------------------------------------------
    @property
    def dtype(self) -> DType:
        return from_numpy_dtype(self._data.dtype)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return int(self._data.itemsize)

    @property
    def device(self) -> device:
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def get_device(self) -> int:
        """-1: the CPU (PyTorch's answer for a CPU tensor)."""
        return -1

    @property
    def is_cpu(self) -> bool:
        return True

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def contiguous(self, memory_format: Any = None) -> Tensor:
        """Itself when already C-contiguous, else a contiguous copy (recorded, like PyTorch's clone)."""
        if self._data.flags.c_contiguous:
            return self
        from .ops.cast import clone

        return clone(self, memory_format="contiguous_format")

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def _scalar(self) -> Any:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data)

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self._rg:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data if dtype is None else self._data.astype(dtype)

    # -- autograd attributes -------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._set_requires_grad(value, "only Tensors of floating point and complex dtype can require gradients")

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set requires_grad in place: only floating-point leaves may change it."""
        return self._set_requires_grad(requires_grad, "only Tensors of floating point dtype can require gradients")

    def _set_requires_grad(self, requires_grad: bool, int_msg: str) -> Tensor:
        # PyTorch words the integer-dtype refusal differently for the attribute, the method and the
        # ``requires_grad=`` argument of the creation functions; ``int_msg`` carries the caller's wording.
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(int_msg)
        self._rg = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains and self._grad is None:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                "Tensor by mistake, make sure you access the leaf Tensor instead.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor of size "
                    f"'{list(self._data.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward (a no-op on leaves)."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains:
            return
        self._retains = True
        node = self.grad_fn
        if node.retained is None:
            node.retained = []
        node.retained.append((weakref.ref(self), self._out_idx))

    @property
    def retains_grad(self) -> bool:
        return self._retains

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Any:
        """Call ``hook(grad)`` when this leaf's gradient is computed; its return value replaces the grad."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            from .ops.hooks import attach_hook

            return attach_hook(self, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        hooks = self._hooks

        class _Handle:
            def remove(self) -> None:
                if hook in hooks:
                    hooks.remove(hook)

        return _Handle()

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> Any:
        """Call ``hook(self)`` each time ``backward`` has accumulated into this leaf's ``.grad``."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        from .autograd.engine import PostAccumulateHook

        entry = PostAccumulateHook(hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(entry)
        hooks = self._hooks

        class _Handle:
            def remove(self) -> None:
                if entry in hooks:
                    hooks.remove(entry)

        return _Handle()

    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (``autograd.backward`` on one tensor)."""
        if gradient is None and inputs is None and not create_graph:  # ``loss.backward()``
            _ENGINE[0](self, bool(retain_graph))
            return
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    @property
    def data(self) -> Tensor:
        """A detached Tensor sharing this one's array; changes to it are not tracked by autograd."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    # -- versions (in-place tracking) ---------------------------------------------------------
    def _bump(self) -> None:
        EDIT_EPOCH[0] += 1  # tells the engine that saved values may have changed (autograd/graph.py)
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    @property
    def _version(self) -> int:
        return 0 if self._vc is None else self._vc[0]

    # -- conversion -----------------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (shared, not copied). Refused when the tensor requires grad, as in PyTorch."""
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def item(self) -> Any:
        """The single value as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def detach(self) -> Tensor:
        """A new tensor sharing the array, cut from the graph (shares the version counter)."""
        t = Tensor._wrap(self._data)
        if self._vc is None:
            self._vc = [0]
        t._vc = self._vc
        return t

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._rg = False
        return self

    def cpu(self) -> Tensor:
        return self

    # -- new_* constructors: same dtype (and device) as self unless given ----------------------
    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from .creation import tensor

        if isinstance(data, Tensor):
            data = data._data  # PyTorch copies (and warns); the copy is what matters
        return tensor(data, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from .creation import zeros

        return zeros(*size, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from .creation import ones

        return ones(*size, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from .creation import empty

        return empty(*size, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
        from .creation import full

        return full(size, fill_value, dtype=self.dtype if dtype is None else dtype, device=device,
                    requires_grad=requires_grad)

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        check_device("cuda")
        return self  # pragma: no cover - check_device raises

    def __repr__(self) -> str:
        from ._repr import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        """PyTorch's rule: a 0-d tensor formats as its number (``f"{loss}"`` gives ``1.0``, with or
        without a spec); any other tensor formats as its repr, and refuses a spec."""
        if self._data.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __reduce__(self) -> Any:
        return (_rebuild, (self._data, self._rg))

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol "
                "at the moment."
            )
        t = type(self)._wrap(self._data.copy(), self._rg) if type(self) is Tensor else _copy_subclass(self)
        memo[id(self)] = t
        if self._grad is not None:
            t._grad = Tensor._wrap(self._grad._data.copy())
        return t

    if TYPE_CHECKING:  # also bound in chainrule/_methods.py; kept last: these names would shadow the builtins
        # ``float``/``type`` in every annotation written after them in this class body
        def float(self, *args: Any, **kwargs: Any) -> Any: ...
        def double(self, *args: Any, **kwargs: Any) -> Any: ...
        def half(self, *args: Any, **kwargs: Any) -> Any: ...
        def type(self, *args: Any, **kwargs: Any) -> Any: ...
        @property
        def T(self) -> Any: ...
        @property
        def mT(self) -> Any: ...


_new = object.__new__


def _load_backward_scalar(t: Tensor, retain_graph: bool) -> None:
    # the engine imports this module: bind it on first use, then call it directly
    from .autograd.engine import backward_scalar

    _ENGINE[0] = backward_scalar
    backward_scalar(t, retain_graph)


_ENGINE: list[Callable[[Tensor, bool], None]] = [_load_backward_scalar]


def _init(t: Tensor, arr: np.ndarray) -> None:
    t._data = arr
    t._rg = False
    t.grad_fn = None
    t._grad = None
    t._vc = None
    t._out_idx = 0
    t._retains = False
    t._hooks = None


def _copy_subclass(t: Tensor) -> Tensor:
    new = _new(type(t))
    _init(new, t._data.copy())
    new._rg = t._rg
    return new


def _rebuild(data: np.ndarray, rg: bool) -> Tensor:
    return Tensor._wrap(data, rg)


def _wrap_dim(dim: int, ndim: int) -> int:
    """Normalise a possibly negative ``dim``, with PyTorch's IndexError when out of range."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def grad_enabled() -> bool:
    return GRAD_ENABLED[0]


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)
