"""F.scaled_dot_product_attention and nn.MultiheadAttention against PyTorch: values and gradients (float64)."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr

rng = np.random.default_rng(0)
Q, K, V = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((2, 3, 6, 5))
MASK_B = rng.random((4, 6)) > 0.3
MASK_B[1] = False  # a query that may attend to nothing: 0, as PyTorch's kernel gives
MASK_F = rng.standard_normal((4, 6))


def _sdpa(lib, kw_builder):
    q, k, v = (lib.from_numpy(a.copy()).requires_grad_() for a in (Q, K, V))
    o = lib.nn.functional.scaled_dot_product_attention(q, k, v, **kw_builder(lib))
    grads = lib.autograd.grad((o * o).sum(), (q, k, v))
    return [o.detach().numpy(), *(g.numpy() for g in grads)]


@pytest.mark.parametrize("kw_builder", [
    lambda L: {}, lambda L: {"is_causal": True}, lambda L: {"attn_mask": L.from_numpy(MASK_B)},
    lambda L: {"attn_mask": L.from_numpy(MASK_F)}, lambda L: {"scale": 0.3},
], ids=["plain", "causal", "bool_mask", "float_mask", "scale"])
def test_sdpa_matches_pytorch(kw_builder) -> None:
    torch = require_torch()
    for a, b in zip(_sdpa(cr, kw_builder), _sdpa(torch, kw_builder)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("batch_first", [False, True])
def test_multihead_attention_matches_pytorch(batch_first: bool) -> None:
    torch = require_torch()
    x_np = rng.standard_normal((2, 3, 6) if batch_first else (4, 2, 6))
    L = 3 if batch_first else 4
    kpm_np = np.zeros((2, L), bool)
    kpm_np[0, 2] = kpm_np[1, 1:3] = True
    outs, ref = [], None
    for lib in (torch, cr):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(6, 2, batch_first=batch_first).double()
        if lib is cr:  # the same weights as PyTorch's module
            m.load_state_dict({k: cr.from_numpy(v.detach().numpy().copy()) for k, v in ref.state_dict().items()})
        else:
            ref = m
        x = lib.from_numpy(x_np.copy()).requires_grad_()
        o, w = m(x, x, x, key_padding_mask=lib.from_numpy(kpm_np),
                 attn_mask=lib.from_numpy(np.triu(np.ones((L, L), bool), 1)))
        o2, w2 = m(x, x, x, average_attn_weights=False)
        grads = lib.autograd.grad((o**2).sum() + w.sum() + (o2**3).sum(), [x, *m.parameters()])
        outs.append([o.detach().numpy(), w.detach().numpy(), w2.detach().numpy(), *(g.numpy() for g in grads)])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_multihead_attention_parameters_and_repr_match_pytorch() -> None:
    torch = require_torch()
    for kw in ({}, {"kdim": 3, "vdim": 5}, {"bias": False}):
        ours = [(n, tuple(p.shape)) for n, p in cr.nn.MultiheadAttention(4, 2, **kw).named_parameters()]
        theirs = [(n, tuple(p.shape)) for n, p in torch.nn.MultiheadAttention(4, 2, **kw).named_parameters()]
        assert ours == theirs
    assert repr(cr.nn.MultiheadAttention(4, 2)) == repr(torch.nn.MultiheadAttention(4, 2))
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        cr.nn.MultiheadAttention(5, 2)
    out, w = cr.nn.MultiheadAttention(4, 2)(cr.ones(3, 4), cr.ones(3, 4), cr.ones(3, 4), need_weights=False)
    assert tuple(out.shape) == (3, 4) and w is None
