"""chainrule.nn modules against live PyTorch: registration, state dicts, reprs, forward and gradients.

Models are built twice by the same factory (once with ``torch``, once with
``chainrule``), weights are copied from chainrule into torch through NumPy, and
everything observable is compared: names and order, outputs, parameter
gradients, error messages, reprs.
"""

from __future__ import annotations

import copy
import math
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import chainrule as cr
import chainrule.nn as cnn
from tests.oracle import assert_close, require_torch, to_np

# --------------------------------------------------------------------------------------------
# helpers


def copy_weights(src: Any, dst: Any) -> None:
    """Copy every parameter and buffer of chainrule module ``src`` into torch module ``dst`` (same names)."""
    torch = require_torch()
    src_sd = src.state_dict()
    dst_sd = dst.state_dict()
    assert list(src_sd) == list(dst_sd)
    with torch.no_grad():
        for k, v in dst_sd.items():
            v.copy_(torch.from_numpy(np.array(src_sd[k].numpy(), copy=True)))


def make_net(lib: Any) -> Any:
    """The same nested model in torch or chainrule: Linear, activation, ModuleList, a shared module, buffers."""
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = nn.Linear(3, 4)
            self.act = nn.Tanh()
            self.blocks = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4, bias=False)])
            self.head = nn.Sequential(OrderedDict([("drop", nn.Dropout(0.0)), ("out", nn.Linear(4, 2))]))
            self.register_buffer("running", lib.zeros(2))
            self.register_buffer("scratch", lib.ones(3), persistent=False)
            self.scale = nn.Parameter(lib.ones(1))
            self.again = self.fc1  # a shared module: its parameters must be yielded once

        def forward(self, x: Any) -> Any:
            h = self.act(self.fc1(x))
            for block in self.blocks:
                h = self.act(block(h))
            return self.head(h) * self.scale + self.running

    return Net()


@pytest.fixture
def pair() -> tuple[Any, Any]:
    torch = require_torch()
    net_c, net_t = make_net(cr), make_net(torch)
    copy_weights(net_c, net_t)
    return net_c, net_t


# --------------------------------------------------------------------------------------------
# Parameter


def test_parameter_is_a_tensor_sharing_data_and_prints_like_torch() -> None:
    torch = require_torch()
    t = cr.tensor([1.0, 2.0])
    p = cnn.Parameter(t)
    assert isinstance(p, cr.Tensor) and p.requires_grad and p.is_leaf
    with cr.no_grad():
        t.mul_(3)
    assert p.tolist() == [3.0, 6.0]  # nn.Parameter(t) shares t's data
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([3.0, 6.0])))
    assert repr(cnn.Parameter(t, requires_grad=False)) == repr(torch.nn.Parameter(torch.tensor([3.0, 6.0]), False))
    assert repr(cnn.Parameter()) == repr(torch.nn.Parameter())
    (p * p).sum().backward()
    assert p.grad.tolist() == [6.0, 12.0]
    q = copy.deepcopy(p)
    assert type(q) is cnn.Parameter and q.tolist() == p.tolist() and q._data is not p._data


def test_parameter_of_int_tensor_is_refused() -> None:
    with pytest.raises(RuntimeError, match="floating point"):
        cnn.Parameter(cr.tensor([1, 2]))


# --------------------------------------------------------------------------------------------
# registration and traversal


def test_named_parameters_buffers_modules_order_match_torch(pair: tuple[Any, Any]) -> None:
    net_c, net_t = pair
    assert [n for n, _ in net_c.named_parameters()] == [n for n, _ in net_t.named_parameters()]
    assert [n for n, _ in net_c.named_buffers()] == [n for n, _ in net_t.named_buffers()]
    assert [n for n, _ in net_c.named_modules()] == [n for n, _ in net_t.named_modules()]
    assert [n for n, _ in net_c.named_children()] == [n for n, _ in net_t.named_children()]
    assert [n for n, _ in net_c.named_parameters(prefix="m", recurse=False)] == \
        [n for n, _ in net_t.named_parameters(prefix="m", recurse=False)]
    assert len(list(net_c.parameters())) == len(list(net_t.parameters())) == 8
    assert len(list(net_c.modules())) == len(list(net_t.modules()))
    assert all(isinstance(p, cnn.Parameter) for p in net_c.parameters())


def test_forward_and_parameter_gradients_match_torch(pair: tuple[Any, Any]) -> None:
    torch = require_torch()
    net_c, net_t = pair
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    out_c, out_t = net_c(cr.tensor(x)), net_t(torch.from_numpy(x))
    assert_close(out_c, out_t)
    (out_c ** 2).sum().backward()
    (out_t ** 2).sum().backward()
    grads_t = dict(net_t.named_parameters())
    for name, p in net_c.named_parameters():
        assert_close(p.grad, grads_t[name].grad, msg=name)


def test_state_dict_keys_order_shapes_and_detached(pair: tuple[Any, Any]) -> None:
    net_c, net_t = pair
    sd_c, sd_t = net_c.state_dict(), net_t.state_dict()
    assert isinstance(sd_c, OrderedDict)
    assert list(sd_c) == list(sd_t)  # the non-persistent buffer is absent from both
    for k in sd_t:
        assert tuple(sd_c[k].shape) == tuple(sd_t[k].shape)
        assert not sd_c[k].requires_grad
    # detached, but sharing memory with the parameter, as in PyTorch
    assert sd_c["fc1.weight"]._data is net_c.fc1.weight._data
    kept = net_c.state_dict(keep_vars=True)
    assert kept["fc1.weight"] is net_c.fc1.weight


def test_load_state_dict_round_trip_from_torch(pair: tuple[Any, Any]) -> None:
    torch = require_torch()
    net_c, net_t = pair
    with torch.no_grad():
        for p in net_t.parameters():
            p.add_(0.5)
        net_t.running.fill_(0.25)
    converted = {k: cr.tensor(v.numpy().copy()) for k, v in net_t.state_dict().items()}
    weight_before = net_c.fc1.weight
    result = net_c.load_state_dict(converted)
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert net_c.fc1.weight is weight_before  # loaded in place
    x = np.ones((2, 3), np.float32)
    assert_close(net_c(cr.tensor(x)), net_t(torch.from_numpy(x)))


def test_load_state_dict_errors_match_torch_exactly() -> None:
    torch = require_torch()
    bad_c = {"weight": cr.zeros(2, 3), "foo": cr.zeros(1)}
    bad_t = {"weight": torch.zeros(2, 3), "foo": torch.zeros(1)}
    for strict in (True, False):
        with pytest.raises(RuntimeError) as err_t:
            torch.nn.Linear(3, 3).load_state_dict(bad_t, strict=strict)
        with pytest.raises(RuntimeError) as err_c:
            cnn.Linear(3, 3).load_state_dict(bad_c, strict=strict)
        assert str(err_c.value) == str(err_t.value)
        assert ("Missing key(s)" in str(err_c.value)) is strict  # strict=False still raises on the size mismatch


def test_load_state_dict_non_strict_returns_incompatible_keys_like_torch() -> None:
    torch = require_torch()
    seq_c = cnn.Sequential(cnn.Linear(2, 2), cnn.ReLU(), cnn.Linear(2, 1))
    seq_t = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    sd_c = {"0.weight": cr.zeros(2, 2), "2.bias": cr.zeros(1), "3.weight": cr.zeros(1), "extra": cr.zeros(1)}
    sd_t = {k: torch.zeros(tuple(v.shape)) for k, v in sd_c.items()}
    res_c = seq_c.load_state_dict(sd_c, strict=False)
    res_t = seq_t.load_state_dict(sd_t, strict=False)
    assert tuple(res_c) == tuple(res_t)
    assert res_c.missing_keys == res_t.missing_keys and res_c.unexpected_keys == res_t.unexpected_keys
    assert repr(res_c) == repr(res_t)
    assert seq_c[0].weight.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(RuntimeError) as err_t:
        seq_t.load_state_dict(sd_t)
    with pytest.raises(RuntimeError) as err_c:
        seq_c.load_state_dict(sd_c)
    assert str(err_c.value) == str(err_t.value)


def test_load_state_dict_rejects_non_tensor_values_like_torch() -> None:
    torch = require_torch()
    with pytest.raises(RuntimeError) as err_t:
        torch.nn.Linear(1, 1).load_state_dict({"weight": [[1.0]], "bias": torch.zeros(1)})
    with pytest.raises(RuntimeError) as err_c:
        cnn.Linear(1, 1).load_state_dict({"weight": [[1.0]], "bias": cr.zeros(1)})
    assert str(err_c.value) == str(err_t.value)


def test_setattr_registration_rules_and_errors() -> None:
    torch = require_torch()
    for lib in (cr, torch):
        m = lib.nn.Linear(2, 2)
        with pytest.raises(TypeError, match="cannot assign .* as parameter 'weight'"):
            m.weight = lib.zeros(2, 2)
        m.weight = None  # allowed: the slot stays registered, holding None
        assert "weight" not in dict(m.named_parameters())
        m.register_buffer("b", lib.ones(1))
        with pytest.raises(TypeError, match="cannot assign 'int' as buffer 'b'"):
            m.b = 3
        with pytest.raises(KeyError, match="attribute 'training' already exists"):
            m.register_buffer("training", lib.ones(1))
        with pytest.raises(KeyError, match='contain "."'):
            m.register_parameter("a.b", None)
        with pytest.raises(TypeError, match="is not a Module subclass"):
            m.add_module("x", 3)
        del m.b
        assert "b" not in dict(m.named_buffers())
        m.sub = lib.nn.ReLU()
        m.sub = lib.nn.Tanh()  # re-assignment replaces the child
        assert [n for n, _ in m.named_children()] == ["sub"]
    with pytest.raises(AttributeError) as err_t:
        torch.nn.Linear(1, 1).nope
    with pytest.raises(AttributeError) as err_c:
        cnn.Linear(1, 1).nope
    assert str(err_c.value) == str(err_t.value)

    class Early(cnn.Module):
        def __init__(self) -> None:
            self.w = cnn.Parameter(cr.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_buffer_assignment_registers_like_torch() -> None:
    torch = require_torch()
    names = []
    for lib in (torch, cr):
        m = lib.nn.Linear(1, 1)
        m.a = lib.nn.Buffer(lib.ones(2))
        m.b = lib.nn.Buffer(lib.zeros(1), persistent=False)
        names.append((list(m.state_dict()), [n for n, _ in m.named_buffers()], type(m.a).__name__))
    assert names[0] == names[1] == (["weight", "bias", "a"], ["a", "b"], "Tensor")


def test_parameter_assigned_over_plain_attribute_and_non_leaf_refused() -> None:
    m = cnn.Module()
    m.w = 3
    m.w = cnn.Parameter(cr.ones(2))
    assert [n for n, _ in m.named_parameters()] == ["w"]
    with pytest.raises(TypeError, match="torch.nn.Parameter or None required"):
        m.register_parameter("v", cnn.Parameter(cr.ones(1)) * 2)
    x = cnn.Parameter(cr.ones(1))
    x.grad_fn = (x * 2).grad_fn  # a Parameter that is not a leaf
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'v'"):
        m.register_parameter("v", x)


def test_registries_and_attributes_stay_in_sync_through_copies() -> None:
    import pickle

    m = cnn.Sequential(cnn.Linear(2, 3), cnn.ReLU())
    m.register_buffer("b", cr.ones(1))
    shallow = copy.copy(m)
    shallow.extra = cnn.Parameter(cr.ones(1))
    assert not hasattr(m, "extra") and "extra" not in dict(m.named_parameters())
    for clone in (m, copy.deepcopy(m), pickle.loads(pickle.dumps(m)), copy.copy(m)):
        assert clone[0].weight is clone._modules["0"]._parameters["weight"]
        new_w = cnn.Parameter(cr.zeros(3, 2))
        clone[0]._parameters["weight"] = new_w  # direct table writes show through attributes
        assert clone[0].weight is new_w
        del clone._buffers["b"]
        assert not hasattr(clone, "b")
        clone._modules.pop("1")
        assert not hasattr(clone, "1") and len(clone) == 1
    assert m[0].weight is not copy.deepcopy(m)[0].weight


def test_module_init_rejects_arguments_like_torch() -> None:
    torch = require_torch()
    for args, kwargs in (((1,), {}), ((), {"x": 1})):
        with pytest.raises(TypeError) as err_t:
            torch.nn.Module(*args, **kwargs)
        with pytest.raises(TypeError) as err_c:
            cnn.Module(*args, **kwargs)
        assert str(err_c.value) == str(err_t.value)


def test_shared_parameter_is_yielded_once() -> None:
    a = cnn.Linear(2, 2)
    b = cnn.Linear(2, 2)
    b.weight = a.weight
    seq = cnn.Sequential(a, b)
    names = [n for n, _ in seq.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.bias"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


# --------------------------------------------------------------------------------------------
# modes, gradients, conversion


def test_train_eval_propagate_and_return_self(pair: tuple[Any, Any]) -> None:
    net_c, net_t = pair
    assert net_c.eval() is net_c
    assert [m.training for m in net_c.modules()] == [m.training for m in net_t.eval().modules()] == \
        [False] * len(list(net_c.modules()))
    net_c.train()
    assert all(m.training for m in net_c.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net_c.train(1)


def test_zero_grad_set_to_none_and_to_zero() -> None:
    m = cnn.Linear(2, 2)
    m(cr.ones(1, 2)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert m.weight.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None


def test_requires_grad_apply_and_dtype_conversion() -> None:
    m = cnn.Sequential(cnn.Linear(2, 3), cnn.Linear(3, 1))
    assert m.requires_grad_(False) is m and not any(p.requires_grad for p in m.parameters())
    m.requires_grad_()
    seen: list[str] = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == ["Linear", "Linear", "Sequential"]  # children first, as PyTorch
    w = m[0].weight
    m.register_buffer("count", cr.tensor([3]))
    m.double()
    assert m[0].weight is w and w.dtype == cr.float64 and isinstance(w, cnn.Parameter)
    assert m.count.dtype == cr.int64  # integer buffers keep their dtype
    assert m(cr.ones(1, 2, dtype=cr.float64)).dtype == cr.float64
    m.to(cr.float32)
    assert w.dtype == cr.float32
    assert m.float() is m and m.to("cpu") is m
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        m.to(cr.int64)


def test_forward_hooks_and_missing_forward() -> None:
    m = cnn.Linear(2, 2)
    calls: list[str] = []
    h = m.register_forward_hook(lambda mod, args, out: calls.append("post") or out * 0)
    m.register_forward_pre_hook(lambda mod, args: calls.append("pre"))
    assert m(cr.ones(1, 2)).tolist() == [[0.0, 0.0]]
    h.remove()
    assert m(cr.ones(1, 2)).tolist() != [[0.0, 0.0]]
    assert calls == ["pre", "post", "pre"]
    assert m(input=cr.ones(1, 2)).shape == (1, 2)  # keyword and general calls take the slow path
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        cnn.Module()(1)


# --------------------------------------------------------------------------------------------
# Linear, Identity, Flatten, Unflatten


def test_linear_default_init_is_uniform_one_over_sqrt_fan_in() -> None:
    cr.manual_seed(0)
    m = cnn.Linear(400, 250)
    bound = 1 / np.sqrt(400)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert w.dtype == np.float32 and w.shape == (250, 400) and b.shape == (250,)
    for a in (w, b):
        assert np.abs(a).max() <= bound
        assert np.abs(a).max() > 0.97 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound  # U(-c, c) has std c/√3
    assert abs(w.mean()) < 0.01 * bound


def test_linear_forward_backward_matches_torch_and_options() -> None:
    torch = require_torch()
    for bias in (True, False):
        lc = cnn.Linear(3, 2, bias=bias, dtype=cr.float64)
        lt = torch.nn.Linear(3, 2, bias=bias, dtype=torch.float64)
        copy_weights(lc, lt)
        assert repr(lc) == repr(lt)
        x = np.random.default_rng(1).standard_normal((4, 5, 3))
        xc, xt = cr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        yc, yt = lc(xc), lt(xt)
        assert_close(yc, yt)
        yc.sin().sum().backward()
        yt.sin().sum().backward()
        assert_close(xc.grad, xt.grad)
        assert_close(lc.weight.grad, lt.weight.grad)
        if bias:
            assert_close(lc.bias.grad, lt.bias.grad)
        else:
            assert lc.bias is None
    assert tuple(cnn.Linear(3, 2)(cr.zeros(0, 3)).shape) == (0, 2)  # empty batch works
    with pytest.raises(RuntimeError) as err_t:
        torch.nn.Linear(3, 2)(torch.zeros(4, 5))
    with pytest.raises(RuntimeError) as err_c:
        cnn.Linear(3, 2)(cr.zeros(4, 5))
    assert str(err_c.value) == str(err_t.value)


def test_identity_flatten_unflatten_match_torch() -> None:
    torch = require_torch()
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert cnn.Identity(3, unused=1)(cr.tensor(x)).tolist() == x.tolist()
    for args in ((), (0,), (1, 2), (0, -2)):
        fc, ft = cnn.Flatten(*args), torch.nn.Flatten(*args)
        assert repr(fc) == repr(ft)
        assert fc(cr.tensor(x)).shape == ft(torch.from_numpy(x)).shape
    uc, ut = cnn.Unflatten(2, (2, 2)), torch.nn.Unflatten(2, (2, 2))
    assert repr(uc) == repr(ut)
    assert uc(cr.tensor(x)).tolist() == ut(torch.from_numpy(x)).tolist()


# --------------------------------------------------------------------------------------------
# containers


def test_sequential_indexing_slicing_append_and_ordered_dict() -> None:
    torch = require_torch()
    a, b, c = cnn.Linear(2, 3), cnn.ReLU(), cnn.Linear(3, 1)
    seq = cnn.Sequential(a, b)
    assert len(seq) == 2 and seq[0] is a and seq[-1] is b and list(seq) == [a, b]
    assert seq.append(c) is seq and seq[2] is c and len(seq) == 3
    sub = seq[1:]
    assert isinstance(sub, cnn.Sequential) and list(sub) == [b, c]
    assert [n for n, _ in sub.named_children()] == ["1", "2"]  # slicing keeps the keys, as PyTorch
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    x = cr.ones(4, 2)
    assert seq(x).tolist() == c(b(a(x))).tolist()
    named = cnn.Sequential(OrderedDict([("inp", cnn.Linear(2, 2)), ("act", cnn.Tanh())]))
    assert [n for n, _ in named.named_children()] == ["inp", "act"] and isinstance(named.act, cnn.Tanh)
    assert list(named.state_dict()) == ["inp.weight", "inp.bias"]
    del named[0]
    assert [n for n, _ in named.named_children()] == ["0"]  # PyTorch renumbers after a deletion
    del seq[0]
    assert [n for n, _ in seq.named_children()] == ["0", "1"] and seq[0] is b
    seq[0] = cnn.Sigmoid()
    assert isinstance(seq[0], cnn.Sigmoid)
    t = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Sequential(torch.nn.Linear(3, 1)))
    s = cnn.Sequential(cnn.Linear(2, 3), cnn.ReLU(), cnn.Sequential(cnn.Linear(3, 1)))
    assert repr(s) == repr(t)


def test_module_list_and_dict() -> None:
    torch = require_torch()
    ml = cnn.ModuleList([cnn.Linear(2, 2) for _ in range(3)])
    ml.append(cnn.ReLU())
    ml.extend([cnn.Tanh()])
    ml.insert(0, cnn.Sigmoid())
    assert len(ml) == 6 and isinstance(ml[0], cnn.Sigmoid) and isinstance(ml[-1], cnn.Tanh)
    assert isinstance(ml[1:3], cnn.ModuleList) and len(ml[1:3]) == 2
    assert [n for n, _ in ml.named_parameters()][:2] == ["1.weight", "1.bias"]
    tl = torch.nn.ModuleList([torch.nn.Sigmoid()] + [torch.nn.Linear(2, 2) for _ in range(3)]
                             + [torch.nn.ReLU(), torch.nn.Tanh()])
    assert repr(ml) == repr(tl)  # PyTorch's compact "(1-3): 3 x Linear(...)" form
    assert repr(cnn.ModuleList()) == repr(torch.nn.ModuleList())
    md = cnn.ModuleDict({"b": cnn.ReLU(), "a": cnn.Linear(1, 1)})
    md["c"] = cnn.Tanh()
    assert list(md) == ["b", "a", "c"] and "a" in md and len(md) == 3
    assert list(md.keys()) == ["b", "a", "c"] and md.pop("b") is not None and "b" not in md
    td = torch.nn.ModuleDict({"a": torch.nn.Linear(1, 1), "c": torch.nn.Tanh()})
    assert repr(md) == repr(td)
    assert list(md.state_dict()) == list(td.state_dict())


def test_custom_net_repr_matches_torch(pair: tuple[Any, Any]) -> None:
    net_c, net_t = pair
    assert repr(net_c) == repr(net_t)


# --------------------------------------------------------------------------------------------
# activation and loss modules


ACTIVATIONS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Sigmoid", (), {}), ("Tanh", (), {}), ("ReLU", (), {}), ("ReLU", (), {"inplace": True}), ("ReLU6", (), {}),
    ("LeakyReLU", (0.2,), {}), ("LeakyReLU", (), {"inplace": True}), ("ELU", (), {"alpha": 0.5}), ("SELU", (), {}),
    ("CELU", (1.5,), {}), ("GELU", (), {}), ("GELU", ("tanh",), {}), ("SiLU", (), {}), ("Mish", (), {}),
    ("Softplus", (), {}), ("Softplus", (2.0, 1.0), {}), ("Softsign", (), {}), ("Hardtanh", (-0.5, 0.7), {}),
    ("Hardsigmoid", (), {}), ("Hardswish", (), {}), ("LogSigmoid", (), {}), ("Tanhshrink", (), {}),
    ("Softshrink", (0.3,), {}), ("Hardshrink", (), {}), ("PReLU", (), {}), ("PReLU", (5, 0.1), {}),
    ("Softmax", (1,), {}), ("Softmin", (0,), {}), ("LogSoftmax", (-1,), {}), ("GLU", (), {}), ("GLU", (0,), {}),
    ("Threshold", (0.3, 20.0), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), ACTIVATIONS, ids=[f"{a[0]}{a[1]}{a[2]}" for a in ACTIVATIONS])
def test_activation_module_matches_torch(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    mc, mt = getattr(cnn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(mc) == repr(mt)
    if name == "PReLU":
        copy_weights(mc.double(), mt.double())
    x = np.random.default_rng(3).standard_normal((4, 5, 2)) * 3
    x[0, :3, 0] = [0.0, 0.3, -0.5]  # kinks and shrink thresholds
    xc, xt = cr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    # an in-place activation may not overwrite a leaf: feed it a fresh non-leaf
    yc, yt = mc(xc * 1.0), mt(xt * 1.0)
    assert_close(yc, yt)
    w = np.random.default_rng(4).standard_normal(tuple(yt.shape))
    (yc * cr.tensor(w)).sum().backward()
    (yt * torch.from_numpy(w)).sum().backward()
    assert_close(xc.grad, xt.grad)
    if name == "PReLU":
        assert_close(mc.weight.grad, mt.weight.grad)


def _loss_inputs(name: str, torch: Any) -> tuple[list[np.ndarray], dict[str, Any]]:
    """Inputs (float64 unless they are class indices) and constructor kwargs for each loss."""
    g = np.random.default_rng(5)
    x = g.standard_normal((4, 3))
    y = g.standard_normal((4, 3))
    probs = 1 / (1 + np.exp(-x))
    sign = np.where(g.random((4, 3)) < 0.5, -1.0, 1.0)
    idx = np.array([0, 2, 1, 2])
    cases: dict[str, tuple[list[np.ndarray], dict[str, Any]]] = {
        "MSELoss": ([x, y], {}), "L1Loss": ([x, y], {"reduction": "sum"}),
        "SmoothL1Loss": ([x, y], {"beta": 0.5}), "HuberLoss": ([x, y], {"delta": 0.7, "reduction": "none"}),
        "BCELoss": ([probs, g.random((4, 3))], {"weight": np.array([1.0, 2.0, 0.5])}),
        "BCEWithLogitsLoss": ([x, g.random((4, 3))], {"pos_weight": np.array([3.0, 1.0, 0.5])}),
        "CrossEntropyLoss": ([x, idx], {"weight": np.array([1.0, 2.0, 3.0]), "label_smoothing": 0.1}),
        "NLLLoss": ([x, idx], {"ignore_index": 1}),
        "KLDivLoss": ([np.log(probs / probs.sum(1, keepdims=True)), g.random((4, 3))], {"reduction": "batchmean"}),
        "PoissonNLLLoss": ([x, np.abs(y)], {"full": True}),
        "SoftMarginLoss": ([x, sign], {}),
        "MarginRankingLoss": ([x[:, 0], y[:, 0], sign[:, 0]], {"margin": 0.2}),
        "HingeEmbeddingLoss": ([x, sign], {"margin": 0.5}),
        "CosineEmbeddingLoss": ([x, y, sign[:, 0]], {"margin": 0.1}),
    }
    return cases[name]


LOSSES = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
          "NLLLoss", "KLDivLoss", "PoissonNLLLoss", "SoftMarginLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
          "CosineEmbeddingLoss"]


def test_threshold_inplace_without_grad_writes_into_input() -> None:
    x = cr.tensor([0.5, -2.0, 3.0])
    assert cnn.Threshold(0.6, -1.0, inplace=True)(x) is x
    assert x.tolist() == [-1.0, -1.0, 3.0]


@pytest.mark.parametrize("name", LOSSES)
def test_loss_module_matches_torch(name: str) -> None:
    torch = require_torch()
    arrays, kwargs = _loss_inputs(name, torch)
    kw_c = {k: cr.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    kw_t = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    mc, mt = getattr(cnn, name)(**kw_c), getattr(torch.nn, name)(**kw_t)
    assert repr(mc) == repr(mt)
    assert list(mc.state_dict()) == list(mt.state_dict())  # weight / pos_weight are buffers
    ins_c = [cr.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    ins_t = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    # only the first (and for the pairwise losses the second) input is differentiated
    n_diff = 2 if name in ("MarginRankingLoss", "CosineEmbeddingLoss") else 1
    for t in ins_c[n_diff:]:
        t.requires_grad_(False)
    for t in ins_t[n_diff:]:
        t.requires_grad_(False)
    lc, lt = mc(*ins_c), mt(*ins_t)
    assert_close(lc, lt)
    lc.sum().backward()
    lt.sum().backward()
    for a, b in zip(ins_c[:n_diff], ins_t[:n_diff]):
        assert_close(a.grad, b.grad)


def test_loss_legacy_size_average_reduce_translate_like_torch() -> None:
    torch = require_torch()
    for size_average, reduce in ((False, None), (None, False), (True, True)):
        with pytest.warns(UserWarning):
            rc = cnn.MSELoss(size_average=size_average, reduce=reduce).reduction
        with pytest.warns(UserWarning):
            rt = torch.nn.MSELoss(size_average=size_average, reduce=reduce).reduction
        assert rc == rt


def test_loss_weight_buffer_follows_dtype_conversion() -> None:
    m = cnn.CrossEntropyLoss(weight=cr.tensor([1.0, 2.0]))
    assert [n for n, _ in m.named_buffers()] == ["weight"]
    m.double()
    assert m.weight.dtype == cr.float64


# --------------------------------------------------------------------------------------------
# Dropout


def test_dropout_statistics_in_training_and_identity_in_eval() -> None:
    torch = require_torch()
    assert repr(cnn.Dropout(0.3)) == repr(torch.nn.Dropout(0.3))
    cr.manual_seed(0)
    d = cnn.Dropout(0.3)
    x = cr.ones(200_000)
    y = d(x).numpy()
    dropped = (y == 0).mean()
    assert abs(dropped - 0.3) < 0.005  # binomial sd ≈ 0.001
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)  # survivors are scaled by 1/(1-p)
    d.eval()
    assert d(x).tolist()[:5] == [1.0] * 5 and np.array_equal(d(x).numpy(), x.numpy())
    d.train()
    assert not np.any(cnn.Dropout(1.0)(x).numpy())
    assert np.array_equal(cnn.Dropout(0.0)(x).numpy(), x.numpy())


def test_dropout_gradient_uses_the_same_mask() -> None:
    cr.manual_seed(1)
    x = cr.ones(1000, requires_grad=True)
    y = cnn.Dropout(0.5)(x)
    y.sum().backward()
    assert np.array_equal(to_np(x.grad), to_np(y.detach()))  # d y_i / d x_i = m_i / (1-p) = y_i / x_i


def test_dropout_rejects_bad_probability_like_torch() -> None:
    torch = require_torch()
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError) as err_t:
            torch.nn.Dropout(p)
        with pytest.raises(ValueError) as err_c:
            cnn.Dropout(p)
        assert str(err_c.value) == str(err_t.value)


def test_import_chainrule_as_torch_exposes_nn() -> None:
    import chainrule

    assert chainrule.nn is cnn and chainrule.nn.functional is cnn.functional


# --------------------------------------------------------------------------------------------
# LayerNorm, BatchNorm, Embedding (composites: gradients come from the ops)


def _compare_module(mc: Any, mt: Any, x: np.ndarray, steps: int = 1) -> None:
    """Same forward, input gradient and parameter gradients (and buffers after ``steps`` calls)."""
    torch = require_torch()
    assert repr(mc) == repr(mt)
    copy_weights(mc, mt)
    for step in range(steps):
        xs = x + step
        xc, xt = cr.tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
        yc, yt = mc(xc), mt(xt)
        assert_close(yc, yt)
        w = np.cos(np.arange(yt.numel())).reshape(tuple(yt.shape))
        (yc * cr.tensor(w)).sum().backward()
        (yt * torch.from_numpy(w)).sum().backward()
        assert_close(xc.grad, xt.grad)
    grads_t = dict(mt.named_parameters())
    for name, p in mc.named_parameters():
        assert_close(p.grad, grads_t[name].grad, msg=name)
    sd_t = mt.state_dict()
    for name, b in mc.state_dict().items():
        assert_close(b, sd_t[name], msg=name)


@pytest.mark.parametrize("kwargs", [{}, {"elementwise_affine": False}, {"bias": False}])
def test_layer_norm_matches_torch(kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    x = np.random.default_rng(6).standard_normal((3, 2, 4)) * 2 + 1
    for shape in (4, (2, 4)):
        mc = cnn.LayerNorm(shape, dtype=cr.float64, **kwargs)
        mt = torch.nn.LayerNorm(shape, dtype=torch.float64, **kwargs)
        if mc.weight is not None:
            with cr.no_grad():
                mc.weight.uniform_(0.5, 1.5)
        _compare_module(mc, mt, x)
    with pytest.raises(RuntimeError) as err_t:
        torch.nn.LayerNorm(4)(torch.ones(2, 3))
    with pytest.raises(RuntimeError) as err_c:
        cnn.LayerNorm(4)(cr.ones(2, 3))
    assert str(err_c.value) == str(err_t.value)


@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"affine": False}, {"bias": False},
                                    {"track_running_stats": False}])
def test_batch_norm_train_and_eval_match_torch(kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    x = np.random.default_rng(7).standard_normal((5, 3, 2)) * 3 + 2
    for cls, data in (("BatchNorm1d", x), ("BatchNorm1d", x[:, :, 0]), ("BatchNorm2d", x.reshape(5, 3, 2, 1))):
        mc = getattr(cnn, cls)(3, dtype=cr.float64, **kwargs)
        mt = getattr(torch.nn, cls)(3, dtype=torch.float64, **kwargs)
        _compare_module(mc, mt, data, steps=3)  # running stats after three training batches
        mc.eval()
        mt.eval()
        assert_close(mc(cr.tensor(data)), mt(torch.from_numpy(data)).detach())


def test_batch_norm_state_dict_without_num_batches_tracked_loads_like_torch() -> None:
    torch = require_torch()
    sc, st = cnn.Sequential(cnn.BatchNorm1d(3)), torch.nn.Sequential(torch.nn.BatchNorm1d(3))
    assert list(sc.state_dict()) == list(st.state_dict())
    sd_c = {k: v for k, v in sc.state_dict().items() if "num_batches" not in k}
    sd_t = {k: v for k, v in st.state_dict().items() if "num_batches" not in k}
    assert repr(sc.load_state_dict(sd_c)) == repr(st.load_state_dict(sd_t)) == "<All keys matched successfully>"
    assert list(sd_c) == list(sd_t)  # the caller's dict is left alone
    assert list(cnn.BatchNorm1d(3, track_running_stats=False).state_dict()) == ["weight", "bias"]


def test_batch_norm_errors_match_torch() -> None:
    torch = require_torch()
    cases = [("BatchNorm1d", (1, 3)), ("BatchNorm1d", (2, 3, 4, 5)), ("BatchNorm2d", (2, 3, 4)),
             ("BatchNorm1d", (2, 4))]
    for cls, shape in cases:
        with pytest.raises((ValueError, RuntimeError)) as err_t:
            getattr(torch.nn, cls)(3)(torch.ones(shape))
        with pytest.raises(err_t.type) as err_c:
            getattr(cnn, cls)(3)(cr.ones(*shape))
        assert str(err_c.value) == str(err_t.value)


def test_embedding_matches_torch_including_padding_and_max_norm() -> None:
    torch = require_torch()
    idx = np.array([[1, 0, 4], [4, 4, 2]])
    for kwargs in ({}, {"padding_idx": 4}, {"padding_idx": -1}, {"max_norm": 1.0}):
        mc = cnn.Embedding(5, 3, dtype=cr.float64, **kwargs)
        mt = torch.nn.Embedding(5, 3, dtype=torch.float64, **kwargs)
        assert repr(mc) == repr(mt)
        with cr.no_grad():
            mc.weight.mul_(2.0)  # non-zero padding row and rows above max_norm
        copy_weights(mc, mt)
        yc, yt = mc(cr.tensor(idx)), mt(torch.from_numpy(idx))
        assert_close(yc, yt)
        assert_close(mc.weight.detach(), mt.weight.detach())  # max_norm renormalises in place
        w = np.sin(np.arange(yt.numel())).reshape(tuple(yt.shape))
        (yc * cr.tensor(w)).sum().backward()
        (yt * torch.from_numpy(w)).sum().backward()
        assert_close(mc.weight.grad, mt.weight.grad)
    pre = cr.tensor([[1.0, 2.0], [3.0, 4.0]])
    emb = cnn.Embedding.from_pretrained(pre)
    assert not emb.weight.requires_grad and emb(cr.tensor([1])).tolist() == [[3.0, 4.0]]
    for bad in (np.array([5]), np.array([1.0])):
        with pytest.raises((IndexError, RuntimeError)) as err_t:
            torch.nn.Embedding(5, 3)(torch.from_numpy(bad))
        with pytest.raises(err_t.type) as err_c:
            cnn.Embedding(5, 3)(cr.tensor(bad))
        assert str(err_c.value) == str(err_t.value)


def test_parameter_list_and_dict_match_torch() -> None:
    torch = require_torch()
    pc = cnn.ParameterList([cnn.Parameter(cr.ones(2, 3)), cnn.Parameter(cr.ones(2, dtype=cr.float64)), cr.ones(3)])
    pt = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)),
                                 torch.nn.Parameter(torch.ones(2, dtype=torch.float64)), torch.ones(3)])
    assert repr(cnn.Sequential(pc)) == repr(torch.nn.Sequential(pt))
    assert [n for n, _ in pc.named_parameters()] == ["0", "1", "2"] and isinstance(pc[2], cnn.Parameter)
    assert len(pc) == 3 and pc[-1] is pc[2] and len(pc[1:]) == 2
    dc = cnn.ParameterDict({"b": cnn.Parameter(cr.ones(2)), "a": cr.zeros(1, 2)})
    dt = torch.nn.ParameterDict({"b": torch.nn.Parameter(torch.ones(2)), "a": torch.zeros(1, 2)})
    assert repr(dc) == repr(dt)
    assert list(dc) == ["a", "b"] and list(dc.state_dict()) == list(dt.state_dict())
    assert dc.pop("b") is not None and "b" not in dc and len(dc) == 1


def test_training_trajectory_matches_torch() -> None:
    """Module + loss + optimizer together: 30 SGD-momentum steps on an MLP give PyTorch's losses and weights."""
    torch = require_torch()

    def build(lib: Any) -> Any:
        nn = lib.nn
        return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))

    mc, mt = build(cr), build(torch)
    copy_weights(mc, mt)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    y = np.array([[0], [1], [1], [0]], np.float32)
    opt_c = cr.optim.SGD(mc.parameters(), lr=0.1, momentum=0.9)
    opt_t = torch.optim.SGD(mt.parameters(), lr=0.1, momentum=0.9)
    loss_c, loss_t = cnn.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss()
    for _ in range(30):
        for model, opt, loss, lib in ((mc, opt_c, loss_c, cr), (mt, opt_t, loss_t, torch)):
            opt.zero_grad()
            out = loss(model(lib.tensor(x)), lib.tensor(y))
            out.backward()
            opt.step()
        assert_close(loss_c(mc(cr.tensor(x)), cr.tensor(y)), loss_t(mt(torch.tensor(x)), torch.tensor(y)),
                     rtol=1e-4, atol=1e-5)
    sd_t = mt.state_dict()
    for k, v in mc.state_dict().items():
        assert_close(v, sd_t[k], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: cnn.LayerNorm(4, dtype=cr.float64),
    lambda: cnn.BatchNorm1d(4, dtype=cr.float64),
    lambda: cnn.Sequential(cnn.Linear(4, 3, dtype=cr.float64), cnn.GELU(), cnn.Linear(3, 2, dtype=cr.float64)),
], ids=["LayerNorm", "BatchNorm1d", "MLP"])
def test_module_gradients_pass_float64_finite_differences(make: Any) -> None:
    """First and second derivatives w.r.t. the input and every parameter, against central differences."""
    cr.manual_seed(8)
    module = make()
    slots = [(m, name) for m in module.modules() for name, p in m._parameters.items() if p is not None]
    x = cr.randn(5, 4, dtype=cr.float64, requires_grad=True)

    def f(inp: Any, *ps: Any) -> Any:
        for (m, name), t in zip(slots, ps):  # a functional call: the module runs on the given tensors
            m._parameters[name] = t
        return module(inp)

    values = [cr.tensor(m._parameters[name].detach().numpy().copy(), requires_grad=True) for m, name in slots]
    assert cr.autograd.gradcheck(f, (x, *values))
    assert cr.autograd.gradgradcheck(f, (x, *values))


# --------------------------------------------------------------------------------------------
# recurrent layers


RNN_CASES = [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu", "bias": False}), ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True, "batch_first": True}), ("GRU", {}),
    ("GRU", {"num_layers": 2, "bidirectional": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), RNN_CASES, ids=[f"{c[0]}-{c[1]}" for c in RNN_CASES])
def test_recurrent_layers_match_torch(name: str, kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    mc = getattr(cnn, name)(3, 4, dtype=cr.float64, **kwargs)
    mt = getattr(torch.nn, name)(3, 4, dtype=torch.float64, **kwargs)
    assert repr(mc) == repr(mt)
    assert [(n, tuple(p.shape)) for n, p in mc.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in mt.named_parameters()]
    copy_weights(mc, mt)
    g = np.random.default_rng(9)
    x = g.standard_normal((2, 5, 3) if kwargs.get("batch_first") else (5, 2, 3))
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    h0 = g.standard_normal((layers, 2, 4))
    for with_state in (False, True):
        xc, xt = cr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        hc, ht = cr.tensor(h0, requires_grad=True), torch.tensor(h0, requires_grad=True)
        state_c = ((hc, hc * 0.5) if name == "LSTM" else hc) if with_state else None
        state_t = ((ht, ht * 0.5) if name == "LSTM" else ht) if with_state else None
        out_c, hid_c = mc(xc, state_c)
        out_t, hid_t = mt(xt, state_t)
        assert_close(out_c, out_t)
        last_c = hid_c if name != "LSTM" else hid_c[0] * 2 + hid_c[1]
        last_t = hid_t if name != "LSTM" else hid_t[0] * 2 + hid_t[1]
        assert_close(last_c, last_t)
        w = np.cos(np.arange(out_t.numel())).reshape(tuple(out_t.shape))
        ((out_c * cr.tensor(w)).sum() + last_c.sum()).backward()
        ((out_t * torch.from_numpy(w)).sum() + last_t.sum()).backward()
        assert_close(xc.grad, xt.grad)
        if with_state:
            assert_close(hc.grad, ht.grad)
    grads_t = dict(mt.named_parameters())
    for n, p in mc.named_parameters():
        assert_close(p.grad, grads_t[n].grad, msg=n)


def test_recurrent_unbatched_input_cells_and_errors_match_torch() -> None:
    torch = require_torch()
    x = np.random.default_rng(10).standard_normal((5, 3))
    for name in ("RNN", "LSTM", "GRU"):
        mc, mt = getattr(cnn, name)(3, 4, dtype=cr.float64), getattr(torch.nn, name)(3, 4, dtype=torch.float64)
        copy_weights(mc, mt)
        assert_close(mc(cr.tensor(x))[0], mt(torch.from_numpy(x))[0].detach())
        with pytest.raises(RuntimeError) as err_t:
            mt(torch.zeros(5, 2, 4, dtype=torch.float64))
        with pytest.raises(RuntimeError) as err_c:
            mc(cr.zeros(5, 2, 4, dtype=cr.float64))
        assert str(err_c.value) == str(err_t.value)
    for name, kwargs in (("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {"bias": False})):
        mc = getattr(cnn, name)(3, 4, dtype=cr.float64, **kwargs)
        mt = getattr(torch.nn, name)(3, 4, dtype=torch.float64, **kwargs)
        assert repr(mc) == repr(mt)
        copy_weights(mc, mt)
        for inp in (x, x[0]):  # batched and unbatched
            out_c, out_t = mc(cr.tensor(inp)), mt(torch.from_numpy(inp))
            if name == "LSTMCell":
                out_c, out_t = out_c[0] + out_c[1], out_t[0] + out_t[1]
            assert_close(out_c, out_t.detach())


# --------------------------------------------------------------------------------------------
# convolution and pooling


CONV_CASES = [
    {}, {"stride": 2, "padding": 1}, {"dilation": 2, "bias": False}, {"groups": 2, "padding": (1, 2)},
    {"padding": "same", "kernel_size": (2, 3)}, {"padding": "valid", "stride": (1, 2)},
]


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")  # PyTorch's own performance note
@pytest.mark.parametrize("kwargs", CONV_CASES, ids=[str(c) for c in CONV_CASES])
def test_conv2d_matches_torch(kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    kwargs = {"kernel_size": 3, **kwargs}
    mc = cnn.Conv2d(4, 6, dtype=cr.float64, **kwargs)
    mt = torch.nn.Conv2d(4, 6, dtype=torch.float64, **kwargs)
    assert repr(mc) == repr(mt)
    bound = 1 / math.sqrt(mc.weight[0].numel())  # PyTorch's default init: U(±1/√fan_in)
    assert np.abs(mc.weight.detach().numpy()).max() <= bound
    _compare_module(mc, mt, np.random.default_rng(12).standard_normal((2, 4, 7, 6)))
    unbatched = np.random.default_rng(13).standard_normal((4, 5, 5))
    assert_close(mc(cr.tensor(unbatched)), mt(torch.from_numpy(unbatched)).detach())


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")
@pytest.mark.parametrize("kwargs", [{}, {"stride": 2, "padding": 2, "dilation": 2}, {"groups": 2, "bias": False},
                                    {"padding": "same", "kernel_size": 4}])
def test_conv1d_matches_torch(kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    kwargs = {"kernel_size": 3, **kwargs}
    mc = cnn.Conv1d(4, 6, dtype=cr.float64, **kwargs)
    mt = torch.nn.Conv1d(4, 6, dtype=torch.float64, **kwargs)
    assert repr(mc) == repr(mt)
    assert [(n, tuple(p.shape)) for n, p in mc.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in mt.named_parameters()]
    _compare_module(mc, mt, np.random.default_rng(16).standard_normal((2, 4, 9)))
    unbatched = np.random.default_rng(17).standard_normal((4, 8))
    assert_close(mc(cr.tensor(unbatched)), mt(torch.from_numpy(unbatched)).detach())


POOL_CASES = [
    ("MaxPool2d", {"kernel_size": 2}), ("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("MaxPool2d", {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    ("MaxPool2d", {"kernel_size": 2, "stride": 1, "dilation": 2}),
    ("AvgPool2d", {"kernel_size": 2}), ("AvgPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("AvgPool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    ("AvgPool2d", {"kernel_size": (2, 3), "divisor_override": 4}),
]


@pytest.mark.parametrize(("name", "kwargs"), POOL_CASES, ids=[f"{c[0]}{c[1]}" for c in POOL_CASES])
def test_pooling_matches_torch(name: str, kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    mc, mt = getattr(cnn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    x = np.random.default_rng(14).standard_normal((2, 3, 7, 6))  # distinct values: no ties in a window
    _compare_module(mc, mt, x)


def test_small_cnn_training_step_matches_torch() -> None:
    torch = require_torch()

    def build(lib: Any) -> Any:
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(12, 2))

    mc, mt = build(cr), build(torch)
    copy_weights(mc, mt)
    x = np.random.default_rng(15).standard_normal((5, 1, 4, 4)).astype(np.float32)
    y = np.array([0, 1, 1, 0, 1])
    loss_c = cnn.CrossEntropyLoss()(mc(cr.tensor(x)), cr.tensor(y))
    loss_t = torch.nn.CrossEntropyLoss()(mt(torch.from_numpy(x)), torch.from_numpy(y))
    assert_close(loss_c, loss_t)
    loss_c.backward()
    loss_t.backward()
    grads_t = dict(mt.named_parameters())
    for n, p in mc.named_parameters():
        assert_close(p.grad, grads_t[n].grad, msg=n)


def test_moving_a_module_to_cuda_fails_like_a_cpu_only_pytorch() -> None:
    """AssertionError when a parameter would move; a module without tensors moves trivially."""
    torch = require_torch()
    for lib in (torch, cr):
        for move in (lambda m: m.cuda(), lambda m: m.to("cuda"), lambda m, lib=lib: m.to(lib.device("cuda"))):
            with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
                move(lib.nn.Linear(1, 1))
            assert isinstance(move(lib.nn.ReLU()), lib.nn.ReLU)
        assert isinstance(lib.nn.Linear(1, 1).to("cpu"), lib.nn.Linear)
