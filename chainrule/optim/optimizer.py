"""``Optimizer``: parameter groups, per-parameter state and PyTorch's ``state_dict`` format.

Subclasses implement ``_update_group(group)``, which updates every parameter of
one group that has a gradient. Updates work on the NumPy arrays underneath
(``p._data``, ``p._grad._data``) in place, so nothing is recorded by autograd
(PyTorch runs its updates under ``no_grad`` for the same reason), and they bump
each parameter's version counter so that a graph which saved the old value
notices the in-place change.

State is kept per parameter in ``self.state`` (a ``defaultdict(dict)`` keyed by
the parameter tensor itself, whose hash is its identity) with chainrule Tensors
as values, exactly the structure ``torch.optim`` uses, so ``state_dict()``
round-trips and matches PyTorch's layout key for key.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from itertools import chain
from typing import Any

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]


class _RequiredParameter:
    """Sentinel for a hyper-parameter that every param group must give (``torch.optim.optimizer.required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_TYPENAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
              "int32": "IntTensor", "bool": "BoolTensor", "uint8": "ByteTensor"}


def _typename(obj: Any) -> str:
    """``torch.typename``: ``torch.FloatTensor`` for a float32 tensor, the class name otherwise."""
    if isinstance(obj, Tensor):
        return "torch." + _TYPENAMES.get(obj._data.dtype.name, "Tensor")
    return type(obj).__name__


def params_with_grad(group: dict[str, Any]) -> Iterator[tuple[Tensor, np.ndarray, np.ndarray]]:
    """(parameter, its array, its gradient array) for each parameter of ``group`` that has a gradient;
    the gradient is negated when the group maximizes. Every optimizer's update loop starts here."""
    maximize = group.get("maximize", False)
    for p in group["params"]:
        grad = p._grad
        if grad is None:
            continue
        yield p, p._data, (-grad._data if maximize else grad._data)


_RANGE_NAMES = {"lr": "learning rate", "eps": "epsilon value"}


def check_hyperparameters(**values: Any) -> None:
    """PyTorch's constructor checks, in the order given: each value ≥ 0 (``rho`` ≤ 1 too), each beta in [0, 1)."""
    for name, v in values.items():
        if name == "betas":
            for i, b in enumerate(v):
                if not 0.0 <= b < 1.0:
                    raise ValueError(f"Invalid beta parameter at index {i}: {b}")
        elif not 0.0 <= v or (name == "rho" and v > 1.0):
            raise ValueError(f"Invalid {_RANGE_NAMES.get(name, name + ' value')}: {v}")


def count_step(state: Any, p: Tensor, *buffers: str) -> tuple[dict[str, Any], float]:
    """The parameter's state, created at its first step as PyTorch's is (a float32 step counter, then a
    zero buffer per name, in order); the step is counted and returned."""
    st = state[p]
    if len(st) == 0:
        st["step"] = step_tensor()
        for name in buffers:
            st[name] = zeros_state(p)
    step_arr = st["step"]._data
    step_arr += 1
    return st, float(step_arr)


def adam_moments(m: np.ndarray, v: np.ndarray, g: np.ndarray, beta1: float, beta2: float) -> np.ndarray:
    """Adam's running moments, in place and in PyTorch's rounding order: m = lerp(m, g, 1 − β₁),
    v = β₂ v + ((1 − β₂) g) g. Returns the scratch array (free for the caller to reuse)."""
    lerp_(m, g, 1 - beta1)
    v *= beta2
    t = np.multiply(g, 1 - beta2)
    t *= g
    v += t
    return t


def decay_weights(w: np.ndarray, g: np.ndarray, lr: float, weight_decay: float, decoupled: bool) -> np.ndarray:
    """Weight decay before an Adam-family step: p *= 1 − lr·λ (decoupled, AdamW-style, in place) or
    g + λ p (L2, a new gradient array); returns the gradient to use."""
    if weight_decay == 0:
        return g
    if decoupled:
        w *= 1 - lr * weight_decay
        return g
    return g + weight_decay * w


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start.lerp_(end, weight)`` with PyTorch's two-sided formula (exact at both ends)."""
    t = end - start
    if weight < 0.5:
        t *= weight
        start += t
    else:
        t *= 1 - weight
        np.subtract(end, t, out=start)


def step_tensor(value: float = 0.0) -> Tensor:
    """The step counter PyTorch keeps in optimizer state: a 0-d float32 tensor."""
    return Tensor._wrap(np.array(value, dtype=np.float32))


def zeros_state(p: Tensor) -> Tensor:
    """A zero buffer shaped and typed like parameter ``p`` (``torch.zeros_like``)."""
    return Tensor._wrap(np.zeros_like(p._data))


class Optimizer:
    """Base class of all optimizers: ``Optimizer(params, defaults)``.

    ``params`` is an iterable of tensors, or of dicts (param groups) with a
    ``"params"`` entry and per-group overrides of ``defaults``.
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + _typename(params)
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups: list[Any] = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # -- groups -----------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with its own hyper-parameters) to ``param_groups``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in "
                "sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        tensors, names = [], []
        for param in params:
            if isinstance(param, tuple):  # (name, tensor) pairs from named_parameters()
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not (param.grad_fn is None or param._retains):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = set(tensors)  # tensors hash by identity
        if len(ids) != len(tensors):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; "
                "see github.com/pytorch/pytorch/issues/40967 for more information",
                UserWarning,
                stacklevel=3,
            )
        seen: set[Tensor] = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- gradients and steps ----------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to ``None`` (default) or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g._rg = False
                    g._data.fill(0)
                    g._bump()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter with a gradient; ``closure`` re-evaluates the loss (returned)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        # The updates touch only arrays, so no grad-mode switch is needed to keep them out of the graph.
        for group in self.param_groups:
            self._update_group(group)
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    # -- persistence ------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}`` as in PyTorch.

        Parameters are replaced by their running index over all groups; state
        values are the live state tensors (not copies), as in PyTorch.
        """
        index: dict[Tensor, int] = {}  # tensors hash by identity
        start = 0
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(p, i)
            packed["params"] = [index[p] for p in group["params"]]
            start += len(packed["params"])
            packed_groups.append(packed)
        packed_state = {(index[k] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()`` (from chainrule, or PyTorch's with its tensors converted by ``__array__``).

        State tensors are copied, floating ones cast to their parameter's dtype
        (the ``step`` counter keeps its own).
        """
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups, strict=True)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups), strict=True))
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = {key: _cast_state(param, key, value) for key, value in v.items()}
            else:
                state[k] = v
        for group, new_group in zip(groups, saved_groups, strict=True):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            for name, default in self.defaults.items():  # groups saved by older versions lack new keys
                new_group.setdefault(name, default)
        self.state = state
        self.param_groups = saved_groups

    def __repr__(self) -> str:
        out = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"


def _cast_state(param: Tensor, key: str, value: Any) -> Any:
    """A private copy of one loaded state value, as a chainrule Tensor when it is array-like."""
    if isinstance(value, Tensor):
        arr = value._data
    elif isinstance(value, np.ndarray) or (hasattr(value, "__array__") and not isinstance(value, (int, float))):
        arr = np.asarray(value)  # e.g. a torch tensor from torch's own state_dict
    elif key == "step" and isinstance(value, (int, float)):
        return step_tensor(float(value))  # old checkpoints stored the step as a number
    elif isinstance(value, dict):
        return {k: _cast_state(param, k, v) for k, v in value.items()}
    else:
        return deepcopy(value)
    if key != "step" and arr.dtype.kind == "f" and param._data.dtype.kind == "f":
        return Tensor._wrap(arr.astype(param._data.dtype, copy=True))
    return Tensor._wrap(np.array(arr, copy=True))
