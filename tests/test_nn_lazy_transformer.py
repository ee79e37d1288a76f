"""LazyLinear / LazyConv2d and the Transformer blocks against live PyTorch."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr
from chainrule.nn.modules.lazy import LazyConv2d, LazyLinear, UninitializedParameter
from chainrule.nn.modules.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

torch = require_torch()


def _cr(t):
    return cr.from_numpy(t.detach().numpy().copy())


def _load(cm, tm):
    cm.load_state_dict({k: _cr(v) for k, v in tm.state_dict().items()})


# ---------------------------------------------------------------- lazy layers

def test_lazy_linear_repr_and_class_change():
    m = LazyLinear(10)
    assert repr(m) == repr(torch.nn.LazyLinear(10)) == "LazyLinear(in_features=0, out_features=10, bias=True)"
    assert repr(LazyLinear(10, bias=False)) == repr(torch.nn.LazyLinear(10, bias=False))
    assert isinstance(m.weight, UninitializedParameter) and repr(m.weight) == "<UninitializedParameter>"
    assert m.has_uninitialized_params()
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        m.weight.shape
    w0, b0 = m.weight, m.bias
    y = m(cr.randn(3, 5))
    assert type(m) is cr.nn.Linear and repr(m) == "Linear(in_features=5, out_features=10, bias=True)"
    assert m.weight is w0 and m.bias is b0 and type(m.weight) is cr.nn.Parameter
    assert tuple(m.weight.shape) == (10, 5) and tuple(y.shape) == (3, 10) and m.in_features == 5
    bound = 1 / np.sqrt(5)
    assert np.abs(m.weight.detach().numpy()).max() <= bound and np.abs(m.bias.detach().numpy()).max() <= bound
    assert not m._forward_pre_hooks


def test_lazy_linear_d2l_pattern_and_early_optimizer():
    # d2l: build, call once on a dummy batch, then the optimizer
    cr.manual_seed(0)
    net = cr.nn.Sequential(LazyLinear(8), cr.nn.ReLU(), LazyLinear(1))
    net(cr.randn(2, 4))
    opt = cr.optim.SGD(net.parameters(), lr=0.1)
    assert [tuple(p.shape) for p in net.parameters()] == [(8, 4), (8,), (1, 8), (1,)]
    x, t = cr.randn(16, 4), cr.randn(16, 1)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = ((net(x) - t) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    # an optimizer built *before* the first forward holds the same parameter objects, so it works too
    m = LazyLinear(3)
    opt = cr.optim.Adam(m.parameters(), lr=0.1)
    x = cr.randn(4, 2)
    m(x)
    w = m.weight.detach().clone()
    opt.zero_grad()
    m(x).sum().backward()
    opt.step()
    assert not np.allclose(m.weight.detach().numpy(), w.numpy())


def test_lazy_linear_state_dict_dtype_and_deepcopy():
    m = LazyLinear(3)
    src = cr.nn.Linear(4, 3)
    m.load_state_dict(src.state_dict())
    assert type(m) is LazyLinear and not m.has_uninitialized_params()
    y = m(cr.randn(2, 4))
    assert type(m) is cr.nn.Linear and m.in_features == 4
    np.testing.assert_array_equal(m.weight.detach().numpy(), src.weight.detach().numpy())
    assert tuple(y.shape) == (2, 3)
    m = LazyLinear(3).double()
    m(cr.randn(2, 4, dtype=cr.float64))
    assert m.weight.dtype == cr.float64
    c = copy.deepcopy(LazyLinear(3))
    assert isinstance(c.weight, UninitializedParameter)
    c(cr.randn(1, 6))
    assert tuple(c.weight.shape) == (3, 6)


def test_lazy_conv2d():
    m = LazyConv2d(8, 3, padding=1)
    assert repr(m) == repr(torch.nn.LazyConv2d(8, 3, padding=1))
    y = m(cr.randn(2, 3, 5, 5))
    tm = torch.nn.LazyConv2d(8, 3, padding=1)
    tm(torch.randn(2, 3, 5, 5))
    assert type(m) is cr.nn.Conv2d and repr(m) == repr(tm)
    assert tuple(m.weight.shape) == (8, 3, 3, 3) and tuple(y.shape) == (2, 8, 5, 5)
    g = LazyConv2d(8, 3, groups=2)
    g(cr.randn(4, 5, 5))  # unbatched
    assert tuple(g.weight.shape) == (8, 2, 3, 3) and g.in_channels == 4
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        LazyConv2d(8, 3, groups=2)(cr.randn(1, 3, 5, 5))
    with pytest.raises(RuntimeError, match="Expected 3D"):
        LazyConv2d(8, 3)(cr.randn(3, 5))


# ---------------------------------------------------------------- transformer

def _compare(cm, tm, c_inputs, t_inputs, kwargs_c, kwargs_t):
    tm.eval()
    cm.eval()
    t_out = tm(*t_inputs, **kwargs_t)
    c_out = cm(*c_inputs, **kwargs_c)
    np.testing.assert_allclose(c_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10, atol=1e-10)
    seed = np.random.default_rng(1).standard_normal(tuple(t_out.shape))
    (t_out * torch.from_numpy(seed)).sum().backward()
    (c_out * cr.from_numpy(seed)).sum().backward()
    for c_in, t_in in zip(c_inputs, t_inputs):
        np.testing.assert_allclose(c_in.grad.numpy(), t_in.grad.numpy(), rtol=1e-9, atol=1e-10)
    t_params = dict(tm.named_parameters())
    c_params = dict(cm.named_parameters())
    assert list(c_params) == list(t_params)
    for name, tp in t_params.items():
        np.testing.assert_allclose(c_params[name].grad.numpy(), tp.grad.numpy(), rtol=1e-9, atol=1e-10,
                                   err_msg=name)


def _inputs(*shapes):
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal(s) for s in shapes]
    t = [torch.tensor(a, requires_grad=True) for a in arrs]
    c = [cr.tensor(a, requires_grad=True) for a in arrs]
    return c, t


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_matches_torch(batch_first, norm_first):
    torch.manual_seed(0)
    E, H, F, L, N = 8, 2, 16, 5, 3
    tm = torch.nn.TransformerEncoderLayer(E, H, F, batch_first=batch_first, norm_first=norm_first,
                                          dtype=torch.float64)
    cm = TransformerEncoderLayer(E, H, F, batch_first=batch_first, norm_first=norm_first, dtype=cr.float64)
    assert repr(cm) == repr(tm)
    _load(cm, tm)
    shape = (N, L, E) if batch_first else (L, N, E)
    c, t = _inputs(shape)
    pad = np.zeros((N, L), bool)
    pad[0, -2:] = True
    pad[2, -1] = True
    mask_t = torch.nn.Transformer.generate_square_subsequent_mask(L, dtype=torch.float64)
    mask_c = Transformer.generate_square_subsequent_mask(L, dtype=cr.float64)
    np.testing.assert_array_equal(mask_c.numpy(), mask_t.numpy())
    _compare(cm, tm, c, t,
             {"src_mask": mask_c, "src_key_padding_mask": cr.from_numpy(pad), "is_causal": True},
             {"src_mask": mask_t, "src_key_padding_mask": torch.from_numpy(pad), "is_causal": True})


def test_encoder_layer_gelu_bool_mask_and_unbatched():
    torch.manual_seed(1)
    tm = torch.nn.TransformerEncoderLayer(6, 3, 12, activation="gelu", dtype=torch.float64)
    cm = TransformerEncoderLayer(6, 3, 12, activation="gelu", dtype=cr.float64)
    _load(cm, tm)
    bool_mask = np.triu(np.ones((4, 4), bool), 1)
    c, t = _inputs((4, 2, 6))
    _compare(cm, tm, c, t, {"src_mask": cr.from_numpy(bool_mask)}, {"src_mask": torch.from_numpy(bool_mask)})
    c, t = _inputs((4, 6))
    _compare(cm, tm, c, t, {}, {})
    assert repr(TransformerEncoderLayer(6, 3, 12, activation=cr.nn.GELU())) == repr(
        torch.nn.TransformerEncoderLayer(6, 3, 12, activation=torch.nn.GELU()))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        TransformerEncoderLayer(6, 3, activation="tanh")
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        cm(cr.randn(4, 2, 6, dtype=cr.float64), is_causal=True)


def test_encoder_stack_matches_torch():
    torch.manual_seed(2)
    E = 8
    t_layer = torch.nn.TransformerEncoderLayer(E, 2, 16, batch_first=True, dtype=torch.float64)
    tm = torch.nn.TransformerEncoder(t_layer, 2, norm=torch.nn.LayerNorm(E, dtype=torch.float64),
                                     enable_nested_tensor=False)
    cm = TransformerEncoder(TransformerEncoderLayer(E, 2, 16, batch_first=True, dtype=cr.float64), 2,
                            norm=cr.nn.LayerNorm(E, dtype=cr.float64), enable_nested_tensor=False)
    assert list(cm.state_dict()) == list(tm.state_dict())
    _load(cm, tm)
    c, t = _inputs((3, 5, E))
    pad = np.zeros((3, 5))
    pad[1, 3:] = -np.inf  # a float padding mask, the same type as the attention mask
    mask = np.triu(np.full((5, 5), -np.inf), 1)
    _compare(cm, tm, c, t, {"mask": cr.from_numpy(mask), "src_key_padding_mask": cr.from_numpy(pad)},
             {"mask": torch.from_numpy(mask), "src_key_padding_mask": torch.from_numpy(pad)})


@pytest.mark.parametrize("batch_first,norm_first", [(False, False), (True, True)])
def test_decoder_matches_torch(batch_first, norm_first):
    torch.manual_seed(3)
    E, L, S, N = 8, 4, 6, 2
    t_layer = torch.nn.TransformerDecoderLayer(E, 2, 16, batch_first=batch_first, norm_first=norm_first,
                                               dtype=torch.float64)
    tm = torch.nn.TransformerDecoder(t_layer, 2)
    cm = TransformerDecoder(TransformerDecoderLayer(E, 2, 16, batch_first=batch_first, norm_first=norm_first,
                                                    dtype=cr.float64), 2)
    assert repr(cm.layers[0]) == repr(t_layer)
    _load(cm, tm)
    tgt_shape, mem_shape = ((N, L, E), (N, S, E)) if batch_first else ((L, N, E), (S, N, E))
    c, t = _inputs(tgt_shape, mem_shape)
    mem_pad = np.zeros((N, S), bool)
    mem_pad[0, -2:] = True
    tgt_mask = np.triu(np.full((L, L), -np.inf), 1)
    _compare(cm, tm, c, t,
             {"tgt_mask": cr.from_numpy(tgt_mask), "memory_key_padding_mask": cr.from_numpy(mem_pad)},
             {"tgt_mask": torch.from_numpy(tgt_mask), "memory_key_padding_mask": torch.from_numpy(mem_pad)})


def test_full_transformer_matches_torch():
    torch.manual_seed(4)
    kw = {"d_model": 8, "nhead": 2, "num_encoder_layers": 1, "num_decoder_layers": 1, "dim_feedforward": 16}
    tm = torch.nn.Transformer(**kw, dtype=torch.float64)
    cm = Transformer(**kw, dtype=cr.float64)
    assert list(cm.state_dict()) == list(tm.state_dict())
    _load(cm, tm)
    c, t = _inputs((5, 2, 8), (4, 2, 8))
    tgt_mask_t = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    tgt_mask_c = Transformer.generate_square_subsequent_mask(4, dtype=cr.float64)
    _compare(cm, tm, c, t, {"tgt_mask": tgt_mask_c}, {"tgt_mask": tgt_mask_t})
    assert Transformer.generate_square_subsequent_mask(3).dtype == cr.float32
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        cm(cr.randn(5, 2, 8, dtype=cr.float64), cr.randn(4, 3, 8, dtype=cr.float64))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        cm(cr.randn(5, 2, 6, dtype=cr.float64), cr.randn(4, 2, 6, dtype=cr.float64))


def test_transformer_trains_with_dropout():
    cr.manual_seed(0)
    layer = TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
    enc = TransformerEncoder(layer, 2)
    assert enc.layers[0] is not enc.layers[1] and enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight
    opt = cr.optim.Adam(enc.parameters(), lr=1e-2)
    x = cr.randn(4, 5, 8)
    target = cr.randn(4, 5, 8)
    first = None
    for _ in range(10):
        opt.zero_grad()
        loss = ((enc(x) - target) ** 2).mean()
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < first
