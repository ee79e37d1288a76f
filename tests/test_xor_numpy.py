"""chainrule.examples.xor_numpy: the seed's hand-written backpropagation, corrected.

References: float64 central differences, live PyTorch autograd, the closed-form
BCE, and NumPy's legacy global generator for the seed's initial weights.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from oracle import require_torch

from chainrule.examples import xor_numpy as xn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]


def mean_loss(params, loss="bce"):
    _, _, y_hat, z3 = xn.forward(params, xn.X)
    return xn.loss_value(y_hat, z3, xn.Y, loss)


def test_init_params_are_the_seeds_randn_draws_in_order():
    np.random.seed(7)  # the seed program's global generator
    expected = [np.random.randn(2, 3), np.random.randn(1, 3), np.random.randn(3, 2), np.random.randn(1, 2),
                np.random.randn(2, 1), np.random.randn(1, 1)]
    params = xn.init_params(7)
    assert list(params) == NAMES
    for name, e in zip(NAMES, expected):
        np.testing.assert_array_equal(params[name], e.reshape(params[name].shape))


def test_init_params_rejects_other_depths():
    with pytest.raises(ValueError, match="two layer sizes"):
        xn.init_params(0, hidden=(3,))


@pytest.mark.parametrize("loss", ["bce", "mse"])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_gradients_match_central_differences(loss, reduction):
    params = xn.init_params(3)
    _, grads = xn.gradients(params, xn.X, xn.Y, reduction, loss)
    n = 1.0 if reduction == "mean" else len(xn.X)  # the sum's gradient is N times the mean's
    eps = 1e-6
    for name in NAMES:
        numeric = np.zeros_like(params[name])
        for i in np.ndindex(params[name].shape):
            old = params[name][i]
            params[name][i] = old + eps
            up = mean_loss(params, loss)
            params[name][i] = old - eps
            down = mean_loss(params, loss)
            params[name][i] = old
            numeric[i] = n * (up - down) / (2 * eps)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_gradients_match_pytorch_autograd(loss):
    torch = require_torch()
    params = xn.init_params(5, hidden=(4, 3))
    value, grads = xn.gradients(params, xn.X, xn.Y, "sum", loss)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.tensor(xn.X)
    for i in (1, 2):
        h = torch.sigmoid(h @ t[f"W{i}"] + t[f"b{i}"])
    out = torch.sigmoid(h @ t["W3"] + t["b3"])
    y = torch.tensor(xn.Y)
    fn = torch.nn.functional.binary_cross_entropy if loss == "bce" else torch.nn.functional.mse_loss
    fn(out, y, reduction="sum").backward()
    assert value == pytest.approx(fn(out, y).item(), rel=1e-12)
    for name in NAMES:
        np.testing.assert_allclose(grads[name], t[name].grad.numpy(), rtol=1e-12, atol=1e-14, err_msg=name)


def test_saturated_network_gives_finite_loss_and_gradients():
    # The seed divided by ŷ(1 − ŷ): with weights this large ŷ rounds to exactly 0 or 1 and that overflowed.
    params = {k: v * 200 for k, v in xn.init_params(1).items()}
    _, _, y_hat, z3 = xn.forward(params, xn.X)
    assert np.any((y_hat == 0) | (y_hat == 1)), "the test needs a saturated output"
    value, grads = xn.gradients(params, xn.X, xn.Y)
    # closed form from the logit: BCE = ln(1 + e^z) − y z, exact even where ŷ rounds to 0 or 1
    z = z3.ravel()
    expected = np.mean([max(zi, 0) + np.log1p(np.exp(-abs(zi))) - yi * zi for zi, yi in zip(z, xn.Y.ravel())])
    assert value == pytest.approx(expected, rel=1e-12)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


def test_train_updates_in_place_and_loss_falls():
    params = xn.init_params(1)
    before = {k: v.copy() for k, v in params.items()}
    lines = []
    losses = xn.train(params, epochs=3000, print_every=1000, log=lines.append)
    assert lines == [xn.format_loss(e, losses[e]) for e in (0, 1000, 2000)]
    assert all(not np.array_equal(before[k], params[k]) for k in NAMES)
    assert losses[-1] < 0.1 < losses[0]
    # seed 1 solves XOR: every output on the right side of 0.5
    assert np.array_equal(xn.predict(params).ravel() > 0.5, xn.Y.ravel() > 0.5)


def test_one_step_is_plain_gradient_descent_on_the_summed_gradient():
    params = xn.init_params(2)
    start = {k: v.copy() for k, v in params.items()}
    _, grads = xn.gradients(start, xn.X, xn.Y, "sum")
    xn.train(params, epochs=1, lr=0.5, print_every=0)
    for k in NAMES:
        np.testing.assert_array_equal(params[k], start[k] - 0.5 * grads[k])


def test_runs_as_a_module():
    out = subprocess.run([sys.executable, "-m", "chainrule.examples.xor_numpy", "--epochs", "50", "--seed", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [int(re.fullmatch(r"Epoch (\d+) loss: \d+\.\d{6}", s).group(1)) for s in lines[:10]] == list(range(0, 50, 5))
    assert lines[10] == "Predictions:"
    assert [s.split(" -> ")[0] for s in lines[11:]] == ["[0, 0]", "[0, 1]", "[1, 0]", "[1, 1]"]
    assert [s.endswith(f"(target {t})") for s, t in zip(lines[11:], "0110")] == [True] * 4


def test_the_default_start_solves_xor_in_the_seeds_10000_epochs():
    params = xn.init_params()
    losses = xn.train(params, print_every=0)
    assert np.array_equal(xn.predict(params).ravel() > 0.5, xn.Y.ravel() > 0.5)
    assert losses[-1] < 0.01
