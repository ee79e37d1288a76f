"""``nn.Module``: the base class of every layer, with PyTorch's registration rules.

Parameters, buffers and submodules live in three insertion-ordered dicts
(``_parameters``, ``_buffers``, ``_modules``); ``__setattr__`` routes a
``Parameter``/``Module`` into the right one. Unlike PyTorch, which finds them
again through ``__getattr__``, each table mirrors its entries into the
instance ``__dict__``: ``self.weight`` is then an ordinary attribute read, and
the class needs no ``__getattr__`` (whose mere presence makes every attribute
access on a module, ``self.forward`` included, about twice as slow).
Every traversal (``named_parameters``, ``named_modules``, ``state_dict`` ...) is
pre-order and deterministic; a tensor or module shared by two owners is yielded
once (remembered by ``id`` -- never iterated from a set).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

from ...autograd.grad_mode import GRAD_ENABLED, is_grad_enabled
from ...ops.cast import type_ as _tensor_type_name
from ...tensor import Tensor, check_device
from ..parameter import Buffer, Parameter

M = TypeVar("M", bound="Module")
_NO_ARG: Any = object()  # marks "no positional argument" in Module.__call__


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"

    __str__ = __repr__  # type: ignore[misc]  # a method alias, not a NamedTuple field


IncompatibleKeys = _IncompatibleKeys


class RemovableHandle:
    """Returned by ``register_forward_hook``: ``remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict[int, Any]) -> None:
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _typename(value: Any) -> str:
    return _tensor_type_name(value) if isinstance(value, Tensor) else type(value).__name__


def _indent(text: str, spaces: int) -> str:
    """Indent every line but the first (child reprs nest under ``(name): ``)."""
    first, *rest = text.split("\n")
    if not rest:
        return text
    pad = " " * spaces
    return first + "\n" + "\n".join(pad + line for line in rest)


def _quoted(keys: list[str]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def _check_name(kind: str, name: Any, owner: Module, table: dict[str, Any]) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(owner, name) and name not in table:
        raise KeyError(f"attribute '{name}' already exists")


class _Registry(dict):
    """A name → value table whose writes are mirrored into the owning module's ``__dict__``."""

    _owner: dict[str, Any] | None = None  # None while unpickling (items arrive before the state)

    def __init__(self, owner: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._owner = owner

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, value)
        if self._owner is not None:
            self._owner[key] = value

    def __delitem__(self, key: str) -> None:
        dict.__delitem__(self, key)
        if self._owner is not None:
            self._owner.pop(key, None)

    def pop(self, key: str, *default: Any) -> Any:
        if key in self and self._owner is not None:
            self._owner.pop(key, None)
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple[str, Any]:
        key, value = dict.popitem(self)
        if self._owner is not None:
            self._owner.pop(key, None)
        return key, value

    def clear(self) -> None:
        if self._owner is not None:
            for key in self:
                self._owner.pop(key, None)
        dict.clear(self)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)


def _add_hook(hooks: dict[int, Callable[..., Any]], hook: Callable[..., Any], prepend: bool) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:  # dicts keep insertion order: re-insert the others after it
        for key in [k for k in hooks if k != handle.id]:
            hooks[key] = hooks.pop(key)
    return handle


class Module:
    """Base class for all neural network modules (``torch.nn.Module``)."""

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _modules: dict[str, Module | None]
    _non_persistent_buffers_set: set[str]
    _forward_hooks: dict[int, Callable[..., Any]]
    _forward_pre_hooks: dict[int, Callable[..., Any]]
    _backward_hooks: dict[int, Callable[..., Any]]
    _backward_pre_hooks: dict[int, Callable[..., Any]]
    _hooked: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs:
            raise TypeError(f"Module.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if args:
            raise TypeError(f"Module.__init__() takes 1 positional argument but {len(args) + 1} were given")
        setattr_ = object.__setattr__
        setattr_(self, "training", True)
        d = self.__dict__
        setattr_(self, "_parameters", _Registry(d))
        setattr_(self, "_buffers", _Registry(d))
        setattr_(self, "_non_persistent_buffers_set", set())
        setattr_(self, "_modules", _Registry(d))
        setattr_(self, "_forward_hooks", {})
        setattr_(self, "_forward_pre_hooks", {})
        setattr_(self, "_backward_hooks", {})
        setattr_(self, "_backward_pre_hooks", {})
        setattr_(self, "_hooked", False)  # any hook ever registered: __call__ takes the general path

    # -- calling ----------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, input: Any = _NO_ARG, /, *args: Any, **kwargs: Any) -> Any:
        # The hot path, one positional input and no hooks, avoids re-packing *args/**kwargs
        # (that alone costs more than a small layer's NumPy work).
        if input is _NO_ARG or kwargs or self._hooked:
            return self._call_general(() if input is _NO_ARG else (input, *args), kwargs)
        if args:  # a loss: (input, target)
            return self.forward(input, *args)
        return self.forward(input)

    def _call_general(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        backward_hooks = (self._backward_hooks or self._backward_pre_hooks) and is_grad_enabled()
        if not (self._forward_hooks or self._forward_pre_hooks or backward_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks.values()):
            res = hook(self, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
        if backward_hooks:
            from .backward_hooks import call_with_backward_hooks

            out = call_with_backward_hooks(self, self.forward, args, kwargs)
        else:
            out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            res = hook(self, args, out)
            if res is not None:
                out = res
        return out

    def register_forward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every forward; a non-None result replaces the output."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        object.__setattr__(self, "_hooked", True)
        return handle

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, args)`` before every forward; a non-None result replaces the args."""
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        object.__setattr__(self, "_hooked", True)
        return handle

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the gradients with respect to the module's
        inputs are computed; a non-None result replaces ``grad_input`` (see ``backward_hooks.py``)."""
        object.__setattr__(self, "_hooked", True)
        return _add_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients with respect to the outputs arrive; a non-None
        result replaces ``grad_output``."""
        object.__setattr__(self, "_hooked", True)
        return _add_hook(self._backward_pre_hooks, hook, prepend)

    # -- registration -----------------------------------------------------------------------
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` (a leaf ``Parameter`` or None) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name, self, self._parameters)
        if param is not None:
            if not isinstance(param, Parameter):
                raise TypeError(
                    f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                    "(torch.nn.Parameter or None required)"
                )
            if param.grad_fn is not None:
                raise ValueError(
                    f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                    f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                    "the forward() method."
                )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter (saved in ``state_dict`` unless not persistent)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name, self, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' (torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module, reachable as the attribute ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        _check_name("module", name, self, self._modules)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _forget(self, name, keep="_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' (torch.nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            if "_modules" not in d:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _forget(self, name, keep="_modules")
            self._modules[name] = value
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            d["_modules"][name] = None
        elif isinstance(value, Buffer):
            _forget(self, name, keep="_buffers")
            self.register_buffer(name, Tensor._wrap(value._data, value._rg), value.persistent)
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(torch.Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for table in ("_parameters", "_buffers", "_modules"):
            t = self.__dict__.get(table)
            if t is not None and name in t:
                del t[name]
                if table == "_buffers":
                    self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # pickle and copy hand over a __dict__ whose registries mirror into some other dict
        # (the state's, or the original module's for a shallow copy): give this module its own
        d = self.__dict__
        d.update(state)
        for table in ("_parameters", "_buffers", "_modules"):
            reg = d.get(table)
            if isinstance(reg, dict):
                own = _Registry(d)
                dict.update(own, reg)
                d[table] = own

    def __dir__(self) -> list[str]:
        keys = list(super().__dir__())
        keys += list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(k for k in set(keys) if not k[0].isdigit())

    # -- traversal --------------------------------------------------------------------------
    def named_modules(self, memo: set[int] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for this module and every descendant, pre-order, each module once."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, table: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for mod_prefix, module in mods:
            for name, value in getattr(module, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, parameter)`` in registration order; a shared parameter appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> Module:
        mod: Module = self
        if target == "":
            return mod
        for item in target.split("."):
            if item not in mod._modules:
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = mod._modules[item]  # type: ignore[assignment]
        return mod

    def get_parameter(self, target: str) -> Parameter:
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if name not in mod._parameters:
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        return mod._parameters[name]  # type: ignore[return-value]

    # -- modes and gradients ----------------------------------------------------------------
    def train(self: M, mode: bool = True) -> M:
        """Set training mode on this module and all descendants (Dropout behaves differently)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self: M) -> M:
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to None (default) or to zeros."""
        for p in self.parameters():
            g = p._grad
            if g is None:
                continue
            if set_to_none:
                p._grad = None
            else:
                if g.grad_fn is not None:
                    g = g.detach()
                    p._grad = g
                g._data[...] = 0
                g._bump()

    # -- conversion -------------------------------------------------------------------------
    def _apply(self: M, fn: Callable[[Tensor], Tensor]) -> M:
        """Convert every parameter (in place: the Parameter objects stay the same) and buffer."""
        for module in self.children():
            module._apply(fn)
        prev = GRAD_ENABLED[0]
        GRAD_ENABLED[0] = False
        try:
            for p in self._parameters.values():
                if p is None:
                    continue
                p._data = fn(p)._data
                if p._grad is not None:
                    p._grad = Tensor._wrap(fn(p._grad)._data)
            for key, b in self._buffers.items():
                if b is not None:
                    self._buffers[key] = fn(b)
        finally:
            GRAD_ENABLED[0] = prev
        return self

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call ``fn`` on every descendant (children first) and then on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(tensor)``: floating tensors only change dtype."""
        from ... import _dtype
        from ...tensor import device as Device

        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments: {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, Device)):
                dev = a
            elif a is not None and not isinstance(a, bool):
                dtype = a
        if dev is not None:
            Device(dev)  # validates the name
            if self._has_tensors():  # PyTorch fails only when a tensor would move (AssertionError for CUDA)
                check_device(dev)
        if dtype is None:
            return self
        dt = _dtype.as_dtype(dtype)
        if not dt.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dt}")
        return self._apply(lambda t: t.to(dt) if t.is_floating_point() else t)

    def float(self: M) -> M:  # noqa: A003
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self: M) -> M:
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self: M) -> M:
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def cpu(self: M) -> M:
        return self

    def cuda(self: M, device: Any = None) -> M:
        """PyTorch's error on a build without CUDA (``AssertionError``) when there is a tensor to move."""
        if self._has_tensors():
            check_device("cuda")
        return self

    def _has_tensors(self) -> bool:
        return any(True for _ in self.parameters()) or any(True for _ in self.buffers())

    def type(self: M, dst_type: Any) -> M:  # noqa: A003
        return self._apply(lambda t: t.type(dst_type))

    def share_memory(self: M) -> M:
        return self

    # -- state dicts ------------------------------------------------------------------------
    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Parameters and persistent buffers by dotted name, detached unless ``keep_vars``."""
        if args:  # the deprecated positional form state_dict(destination, prefix, keep_vars)
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _load_from_state_dict(self, state_dict: Mapping[str, Any], prefix: str, missing: list[str],
                              unexpected: list[str], errors: list[str], assign: bool) -> None:
        local: dict[str, Tensor] = {k: v for k, v in self._parameters.items() if v is not None}
        local.update((k, v) for k, v in self._buffers.items()
                     if v is not None and k not in self._non_persistent_buffers_set)
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                              f"object from checkpoint but received {type(value)}")
                continue
            if value.shape != param.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                              f"the shape in current model is {param.shape}.")
                continue
            if assign:
                new = value if not isinstance(param, Parameter) else Parameter(value, param.requires_grad)
                setattr(self, name, new)
                continue
            prev = GRAD_ENABLED[0]
            GRAD_ENABLED[0] = False
            try:
                param.copy_(value)
            except Exception as exc:  # noqa: BLE001  (reported like PyTorch, with the key)
                errors.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                              f"{param.shape} and whose dimensions in the checkpoint are {value.shape}, an "
                              f"exception occurred : {exc.args}.")
            finally:
                GRAD_ENABLED[0] = prev
        for key in state_dict:
            if key.startswith(prefix):
                head = key[len(prefix):].split(".", 1)[0]
                if head not in self._modules and head not in local:
                    unexpected.append(key)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        Shape mismatches always raise; with ``strict`` missing and unexpected keys raise too,
        otherwise they come back in the ``_IncompatibleKeys`` named tuple.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing: list[str] = []
        unexpected: list[str] = []
        errors: list[str] = []
        for mod_prefix, module in self.named_modules():
            p = mod_prefix + "." if mod_prefix else ""
            sub = state_dict if not p else {k: v for k, v in state_dict.items() if k.startswith(p)}
            module._load_from_state_dict(sub, p, missing, unexpected, errors, assign)
        if strict:
            if unexpected:
                errors.insert(0, f"Unexpected key(s) in state_dict: {_quoted(unexpected)}. ")
            if missing:
                errors.insert(0, f"Missing key(s) in state_dict: {_quoted(missing)}. ")
        if errors:
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(type(self).__name__, "\n\t".join(errors))
            )
        return _IncompatibleKeys(missing, unexpected)  # type: ignore[call-arg]  # mypy counts __str__ as a field

    # -- printing ---------------------------------------------------------------------------
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr; subclasses override it."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _indent(repr(module), 2) for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                body = extra_lines[0]
            else:
                body = "\n  " + "\n  ".join(lines) + "\n"
        return self._get_name() + "(" + body + ")"


def _forget(module: Module, name: str, keep: str) -> None:
    """Remove ``name`` from the instance dict and the registries other than ``keep`` (re-assignment)."""
    d = module.__dict__
    d.pop(name, None)
    for table in ("_parameters", "_buffers", "_modules"):
        if table != keep and table in d and name in d[table]:
            del d[table][name]
            if table == "_buffers":
                d["_non_persistent_buffers_set"].discard(name)
