"""chainrule.nn.init: gains equal PyTorch's exactly, fans match, and the filled values have the stated law.

Random streams differ from PyTorch's, so distributions are checked by their
bounds and moments on tensors large enough (≥ 60 000 draws) that the
tolerances below are several standard errors wide.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn import init
from tests.oracle import require_torch

GAIN_CASES = [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
              ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", math.sqrt(5)),
              ("selu", None)]


@pytest.mark.parametrize(("nonlinearity", "param"), GAIN_CASES)
def test_calculate_gain_equals_torch(nonlinearity: str, param: float | None) -> None:
    torch = require_torch()
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_known_values_and_errors() -> None:
    torch = require_torch()
    assert init.calculate_gain("tanh") == 5.0 / 3
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert round(init.calculate_gain("leaky_relu"), 6) == 1.414143
    assert init.calculate_gain("selu") == 0.75
    for args in (("swish",), ("leaky_relu", "x"), ("leaky_relu", True)):
        with pytest.raises(ValueError) as err_t:
            torch.nn.init.calculate_gain(*args)
        with pytest.raises(ValueError) as err_c:
            init.calculate_gain(*args)
        assert str(err_c.value) == str(err_t.value)


@pytest.mark.parametrize("shape", [(3, 4), (5, 3, 2, 2), (7, 2, 3)])
def test_fan_in_and_fan_out_match_torch(shape: tuple[int, ...]) -> None:
    torch = require_torch()
    assert init._calculate_fan_in_and_fan_out(cr.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def test_fan_errors_match_torch() -> None:
    torch = require_torch()
    with pytest.raises(ValueError) as err_t:
        torch.nn.init.xavier_uniform_(torch.empty(5))
    with pytest.raises(ValueError) as err_c:
        init.xavier_uniform_(cr.empty(5))
    assert str(err_c.value) == str(err_t.value)
    with pytest.raises(ValueError) as err_t:
        torch.nn.init.kaiming_uniform_(torch.empty(3, 3), mode="fan_avg")
    with pytest.raises(ValueError) as err_c:
        init.kaiming_uniform_(cr.empty(3, 3), mode="fan_avg")
    assert str(err_c.value) == str(err_t.value)


def _check_uniform(a: np.ndarray, bound: float) -> None:
    assert np.abs(a).max() <= bound * (1 + 1e-6)
    assert np.abs(a).max() > 0.99 * bound
    assert abs(a.mean()) < 0.02 * bound
    assert abs(a.std() - bound / math.sqrt(3)) < 0.01 * bound


def _check_normal(a: np.ndarray, std: float, mean: float = 0.0) -> None:
    assert abs(a.mean() - mean) < 0.02 * std
    assert abs(a.std() - std) < 0.015 * std
    assert np.abs(a - mean).max() > 3 * std  # tails exist: not a uniform or a clipped law


def test_xavier_uniform_and_normal_laws() -> None:
    cr.manual_seed(0)
    w = cr.empty(200, 300)
    fan_in, fan_out = 300, 200
    assert init.xavier_uniform_(w, gain=2.0) is w
    _check_uniform(w.numpy(), 2.0 * math.sqrt(6 / (fan_in + fan_out)))
    init.xavier_normal_(w, gain=0.5)
    _check_normal(w.numpy(), 0.5 * math.sqrt(2 / (fan_in + fan_out)))


@pytest.mark.parametrize(("mode", "nonlinearity", "a"), [("fan_in", "leaky_relu", 0), ("fan_out", "relu", 0),
                                                          ("fan_in", "leaky_relu", math.sqrt(5)),
                                                          ("fan_out", "tanh", 0)])
def test_kaiming_uniform_and_normal_laws(mode: str, nonlinearity: str, a: float) -> None:
    torch = require_torch()
    cr.manual_seed(1)
    w = cr.empty(300, 50, 2, 2)  # fan_in 200, fan_out 1200
    fan = 200 if mode == "fan_in" else 1200
    gain = torch.nn.init.calculate_gain(nonlinearity, a)
    init.kaiming_uniform_(w, a=a, mode=mode, nonlinearity=nonlinearity)
    _check_uniform(w.numpy(), gain * math.sqrt(3 / fan))
    init.kaiming_normal_(w, a=a, mode=mode, nonlinearity=nonlinearity)
    _check_normal(w.numpy(), gain / math.sqrt(fan))


def test_kaiming_defaults_give_the_pitfalls_bounds() -> None:
    cr.manual_seed(2)
    w = cr.empty(250, 400)
    init.kaiming_uniform_(w)  # leaky_relu with a=0 → gain √2 → bound √(6/fan_in)
    _check_uniform(w.numpy(), math.sqrt(6 / 400))
    init.kaiming_normal_(w)
    _check_normal(w.numpy(), math.sqrt(2 / 400))


def test_basic_fills_and_no_graph_on_parameters() -> None:
    cr.manual_seed(3)
    p = cr.nn.Parameter(cr.empty(300, 300))
    assert init.uniform_(p, -2.0, 3.0) is p
    a = p.detach().numpy()
    assert a.min() >= -2.0 and a.max() < 3.0 and abs(a.mean() - 0.5) < 0.02
    assert p.is_leaf and p.grad_fn is None and p.requires_grad  # filled under no_grad
    init.normal_(p, 1.5, 0.5)
    _check_normal(p.detach().numpy(), 0.5, 1.5)
    assert init.constant_(p, 0.25).detach().numpy().tolist()[0][:2] == [0.25, 0.25]
    assert not init.zeros_(p).detach().numpy().any()
    assert (init.ones_(p).detach().numpy() == 1).all()
    assert np.array_equal(init.eye_(cr.empty(2, 3)).numpy(), np.eye(2, 3, dtype=np.float32))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(cr.empty(2, 2, 2))
    assert init.uniform_(cr.empty(3, dtype=cr.float64)).dtype == cr.float64  # dtype kept


def test_trunc_normal_stays_in_bounds() -> None:
    cr.manual_seed(4)
    w = init.trunc_normal_(cr.empty(100_000), mean=0.5, std=1.0, a=-1.0, b=1.5)
    a = w.numpy()
    assert a.min() >= -1.0 and a.max() <= 1.5
    # the mean of N(0.5, 1) truncated to [-1, 1.5]: μ + σ(φ(α) - φ(β)) / (Φ(β) - Φ(α)), α=-1.5, β=1
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    expected = 0.5 + (phi(-1.5) - phi(1.0)) / (cdf(1.0) - cdf(-1.5))
    assert abs(a.mean() - expected) < 0.01


def test_generator_makes_init_reproducible() -> None:
    g1, g2 = cr.Generator().manual_seed(7), cr.Generator().manual_seed(7)
    a = init.kaiming_uniform_(cr.empty(4, 5), generator=g1).numpy()
    b = init.kaiming_uniform_(cr.empty(4, 5), generator=g2).numpy()
    c = init.kaiming_uniform_(cr.empty(4, 5), generator=g1).numpy()
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("shape", [(3, 7), (7, 3), (5, 5), (4, 2, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape: tuple[int, ...]) -> None:
    cr.manual_seed(5)
    w = init.orthogonal_(cr.empty(*shape, dtype=cr.float64), gain=2.0)
    m = w.numpy().reshape(shape[0], -1) / 2.0
    rows, cols = m.shape
    gram = m @ m.T if rows <= cols else m.T @ m
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-12)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(cr.empty(3))


def test_kaiming_on_empty_tensor_warns_like_torch() -> None:
    torch = require_torch()
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        torch.nn.init.kaiming_uniform_(torch.empty(0, 3))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(cr.empty(0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init.orthogonal_(cr.empty(0, 3))
