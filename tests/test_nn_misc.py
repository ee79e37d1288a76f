"""linear, dropout, one_hot, normalize and pad: behaviour and errors as PyTorch.

Values and derivatives against PyTorch for these live in the conformance table of
``test_nn_losses.py``; this file covers randomness, edge cases and error messages.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr
import chainrule.nn.functional as CF


def test_dropout_scales_kept_elements_and_gradient_is_the_mask() -> None:
    x = cr.ones(200, 50, requires_grad=True)
    y = CF.dropout(x, p=0.3)
    assert y.grad_fn.name() == "MulBackward0"
    vals = y.detach().numpy()
    kept = vals != 0
    np.testing.assert_allclose(vals[kept], 1 / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.02  # 10,000 Bernoulli(0.7): σ ≈ 0.0046
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), vals)


def test_dropout_is_reproducible_with_manual_seed() -> None:
    cr.manual_seed(3)
    a = CF.dropout(cr.ones(100)).numpy()
    cr.manual_seed(3)
    b = CF.dropout(cr.ones(100)).numpy()
    np.testing.assert_array_equal(a, b)


def test_dropout_edge_settings() -> None:
    x = cr.randn(4, 3, requires_grad=True)
    assert CF.dropout(x, 0.5, training=False) is x
    assert CF.dropout(x, 0.0) is x
    np.testing.assert_array_equal(CF.dropout(x, 1.0).detach().numpy(), np.zeros((4, 3), np.float32))
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {p}"):
            CF.dropout(x, p)
    z = cr.ones(1000)
    out = CF.dropout(z, 0.5, inplace=True)
    assert out is z and set(np.unique(z.numpy())) <= {0.0, 2.0}


def test_one_hot_values_and_errors() -> None:
    out = CF.one_hot(cr.tensor([[0, 2], [1, 0]]), 4)
    assert out.dtype == cr.int64 and out.shape == (2, 2, 4)
    np.testing.assert_array_equal(out.numpy()[0], [[1, 0, 0, 0], [0, 0, 1, 0]])
    assert CF.one_hot(cr.tensor([0, 3])).shape == (2, 4)
    assert CF.one_hot(cr.zeros(0, dtype=cr.int64), 3).shape == (0, 3)
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        CF.one_hot(cr.tensor([0, 2]), 2)
    with pytest.raises(RuntimeError, match="Class values must be non-negative."):
        CF.one_hot(cr.tensor([0, -1]))
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor of type LongTensor."):
        CF.one_hot(cr.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="Can not infer total number of classes from empty tensor."):
        CF.one_hot(cr.zeros(0, dtype=cr.int64))


def test_normalize_zero_vector_like_pytorch() -> None:
    torch = require_torch()
    a = np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]])
    x = cr.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    y, ty = CF.normalize(x), torch.nn.functional.normalize(tx)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy())
    np.testing.assert_allclose(y.detach().numpy()[1], [0.6, 0.8, 0.0])
    w = np.arange(6.0).reshape(2, 3)
    (g,) = cr.autograd.grad(y, x, cr.tensor(w))
    (tg,) = torch.autograd.grad(ty, tx, torch.tensor(w))
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12)


def test_pad_crops_and_errors() -> None:
    torch = require_torch()
    a = np.arange(24.0).reshape(2, 3, 4)
    for pads in ((-1, -2), (1, -1, -1, 2), (0, 0, 0, 0, 1, 1)):
        x = cr.tensor(a, requires_grad=True)
        tx = torch.tensor(a, requires_grad=True)
        y, ty = CF.pad(x, pads, value=-1.0), torch.nn.functional.pad(tx, pads, value=-1.0)
        np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
        w = np.random.default_rng(0).standard_normal(ty.shape)
        (g,) = cr.autograd.grad(y, x, cr.tensor(w))
        (tg,) = torch.autograd.grad(ty, tx, torch.tensor(w))
        np.testing.assert_array_equal(g.numpy(), tg.numpy())
    x = cr.ones(2, 3)
    assert CF.pad(x, (1, 1)).grad_fn is None
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        CF.pad(x, (1, 2, 3))
    with pytest.raises(RuntimeError, match="Padding length should be less than or equal to two times the input "
                                           "dimension but got padding length 6 and input of dimension 2"):
        CF.pad(x, (1, 2, 3, 4, 5, 6))
    with pytest.raises(RuntimeError, match="length must be non-negative"):
        CF.pad(x, (-2, -2))
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode foo"):
        CF.pad(x, (1, 1), mode="foo")


def test_pad_second_derivative_through_create_graph() -> None:
    x = cr.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = CF.pad(x * x, (1, -1))
    (g,) = cr.autograd.grad(y.sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [[0.0, 2.0, 0.0], [6.0, 8.0, 0.0]])
    (gg,) = cr.autograd.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.numpy(), [[2.0, 2.0, 0.0], [2.0, 2.0, 0.0]])


def test_linear_is_the_fused_op() -> None:
    x, w, b = cr.randn(3, 4), cr.randn(5, 4, requires_grad=True), cr.randn(5)
    y = CF.linear(x, w, b)
    assert y.grad_fn.name() == "AddmmBackward0"
    np.testing.assert_allclose(y.detach().numpy(), x.numpy() @ w.detach().numpy().T + b.numpy(), rtol=1e-5)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(3x4 and 3x5\)"):
        CF.linear(x, cr.randn(5, 3))


SPATIAL_CASES = {
    "conv2d stride 2 pad 1": "F.conv2d(X, W, B, stride=2, padding=1)",
    "conv2d same": "F.conv2d(X, W[..., :1], padding='same')",
    "conv2d dilation, no bias": "F.conv2d(X, W, dilation=(2, 1))",
    "max_pool2d (2, 2)": "F.max_pool2d(X, (2, 2))",
    "max_pool2d 3/2/1": "F.max_pool2d(X, 3, stride=2, padding=1)",
    "max_pool2d of relu (the blitz)": "F.max_pool2d(F.relu(X), 2)",
    "avg_pool2d": "F.avg_pool2d(X, 2)",
    "avg_pool2d pad, exclude pad": "F.avg_pool2d(X, 3, 2, 1, count_include_pad=False)",
    "adaptive_avg_pool2d (3, 4)": "F.adaptive_avg_pool2d(X, (3, 4))",
    "adaptive_avg_pool2d 1": "F.adaptive_avg_pool2d(X, 1)",
    "AdaptiveAvgPool2d (None, 2)": "L.nn.AdaptiveAvgPool2d((None, 2))(X)",
    "adaptive unbatched": "F.adaptive_avg_pool2d(X[0], (2, 5))",
}


@pytest.mark.parametrize("case", list(SPATIAL_CASES))
def test_functional_conv_and_pooling_match_pytorch(case: str) -> None:
    """F.conv2d / max_pool2d / avg_pool2d / adaptive_avg_pool2d: values and input/weight gradients."""
    import warnings

    torch = require_torch()
    g = np.random.default_rng(0)
    x, w, b = (g.standard_normal(s).astype(np.float32) for s in ((2, 3, 7, 9), (4, 3, 3, 2), (4,)))
    results = []
    for L in (torch, cr):
        X, W, B = (L.tensor(a, requires_grad=True) for a in (x, w, b))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # PyTorch's note on 'same' with an even kernel
            y = eval(SPATIAL_CASES[case], {"L": L, "F": L.nn.functional, "X": X, "W": W, "B": B})
        (y * y).sum().backward()
        results.append([y.detach().numpy(), X.grad.numpy()] + ([W.grad.numpy()] if W.grad is not None else []))
    assert len(results[0]) == len(results[1])
    for a, c in zip(*results):
        np.testing.assert_allclose(c, a, rtol=1e-4, atol=1e-4)


def test_dropout2d_zeroes_whole_channels_and_scales_the_rest() -> None:
    cr.manual_seed(0)
    x = cr.ones(64, 8, 3, 3, requires_grad=True)
    y = cr.nn.functional.dropout2d(x, 0.25)
    m = y.detach().numpy()
    per_map = m.reshape(64, 8, -1)
    assert (per_map == per_map[..., :1]).all()  # one draw per (sample, channel)
    assert set(np.unique(m).tolist()) <= {0.0, float(np.float32(1 / 0.75))}
    assert 0.15 < (per_map[..., 0] == 0).mean() < 0.35  # 512 draws with p = 0.25
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), m)  # ∂y/∂x = m/(1 − p)
    d = cr.nn.Dropout2d(0.5)
    d.eval()
    assert d(x) is x
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        cr.nn.functional.dropout2d(cr.ones(2, 3, 4))


def test_softmax2d_matches_pytorch() -> None:
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    out = cr.nn.Softmax2d()(cr.tensor(x)).numpy()
    np.testing.assert_allclose(out, torch.nn.Softmax2d()(torch.tensor(x)).numpy(), rtol=1e-6, atol=1e-7)
    assert repr(cr.nn.Softmax2d()) == repr(torch.nn.Softmax2d()) and repr(cr.nn.Dropout2d(0.3)) == repr(
        torch.nn.Dropout2d(0.3))
