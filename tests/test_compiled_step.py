"""chainrule.compile_step: one call per training step, bit-identical to the eager step.

The reference is chainrule's own eager step (the oracle tests elsewhere tie that to PyTorch): the
compiled step must leave the same parameters, gradients and optimizer state, bit for bit, and fall
back to the eager step -- with the eager step's errors -- for whatever it does not compile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn


def _pair(make_model: Callable[[], nn.Module], make_opt: Callable[[Any], Any], seed: int = 0) -> tuple[Any, Any]:
    cr.manual_seed(seed)
    a = make_model()
    b = make_model()
    b.load_state_dict(a.state_dict())
    return (a, make_opt(a.parameters())), (b, make_opt(b.parameters()))


def _eager_step(model: nn.Module, loss_fn: Any, opt: Any, x: Any, y: Any) -> Any:
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


def _train_both(a: nn.Module, oa: Any, b: nn.Module, ob: Any, loss_fn: Any, x: Any, y: Any, steps: int) -> Any:
    """``steps`` eager steps on (a, oa) and compiled steps on (b, ob); the losses agree exactly."""
    step = cr.compile_step(b, loss_fn, ob)
    for _ in range(steps):
        la = _eager_step(a, loss_fn, oa, x, y)
        lb = step(x, y)
        assert step.compiled, step.reason
        assert la.item() == lb.item()
    return lb


def _assert_identical(a: nn.Module, b: nn.Module) -> None:
    for (name, p), q in zip(a.named_parameters(), b.parameters(), strict=True):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy()), name
        if p.grad is None:
            assert q.grad is None, name
        else:
            assert np.array_equal(p.grad.numpy(), q.grad.numpy()), name


XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [[0.0], [1.0], [1.0], [0.0]]


@pytest.mark.parametrize("dtype", [cr.float32, cr.float64])
def test_xor_network_matches_the_eager_step_bit_for_bit(dtype: Any) -> None:
    def model() -> nn.Module:
        return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Sigmoid(),
                             nn.Linear(2, 1), nn.Sigmoid()).to(dtype)

    (a, oa), (b, ob) = _pair(model, lambda p: cr.optim.SGD(p, lr=0.5))
    x, y = cr.tensor(XOR_X, dtype=dtype), cr.tensor(XOR_Y, dtype=dtype)
    loss_fn = nn.BCELoss()
    lb = _train_both(a, oa, b, ob, loss_fn, x, y, steps=50)
    assert lb.dtype == dtype and lb.shape == ()
    _assert_identical(a, b)


LAYER_CASES = {
    "tanh-mse-momentum": (lambda: nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)), nn.MSELoss(),
                          lambda p: cr.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), "float"),
    "relu-crossentropy-adam": (lambda: nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Identity(), nn.Linear(16, 4)),
                               nn.CrossEntropyLoss(), lambda p: cr.optim.Adam(p, lr=1e-2), "class"),
    "nested-no-bias-bce-logits": (lambda: nn.Sequential(nn.Sequential(nn.Linear(5, 6, bias=False), nn.ReLU()),
                                                        nn.Linear(6, 1)),
                                  nn.BCEWithLogitsLoss(), lambda p: cr.optim.SGD(p, lr=0.05, weight_decay=1e-2),
                                  "binary"),
    "composite-loss": (lambda: nn.Sequential(nn.Linear(5, 3), nn.Sigmoid()),
                       lambda out, t: ((out - t) ** 2).sum() + out.abs().mean(),
                       lambda p: cr.optim.RMSprop(p, lr=1e-2), "float3"),
}


@pytest.mark.parametrize("case", list(LAYER_CASES))
def test_layers_losses_and_optimizers_match_the_eager_step(case: str) -> None:
    make_model, loss_fn, make_opt, target_kind = LAYER_CASES[case]
    (a, oa), (b, ob) = _pair(make_model, make_opt)
    g = np.random.default_rng(1)
    x = cr.tensor(g.standard_normal((7, 5)), dtype=cr.float32)
    y = {
        "float": cr.tensor(g.standard_normal((7, 3)), dtype=cr.float32),
        "float3": cr.tensor(g.random((7, 3)), dtype=cr.float32),
        "class": cr.tensor(g.integers(0, 4, 7)),
        "binary": cr.tensor(g.integers(0, 2, (7, 1)), dtype=cr.float32),
    }[target_kind]
    _train_both(a, oa, b, ob, loss_fn, x, y, steps=20)
    _assert_identical(a, b)
    for sa, sb in zip(oa.state_dict()["state"].values(), ob.state_dict()["state"].values(), strict=True):
        for k in sa:
            va, vb = sa[k], sb[k]
            assert np.array_equal(np.asarray(va.numpy() if hasattr(va, "numpy") else va),
                                  np.asarray(vb.numpy() if hasattr(vb, "numpy") else vb)), k


def test_frozen_parameters_and_parameters_outside_the_optimizer_behave_as_eager() -> None:
    def model() -> nn.Module:
        return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))

    def frozen_and_partial(m: nn.Module) -> Any:
        m[0].bias.requires_grad_(False)
        return cr.optim.SGD(list(m[2].parameters()), lr=0.1)  # layer 0's weight accumulates .grad

    cr.manual_seed(3)
    a, b = model(), model()
    b.load_state_dict(a.state_dict())
    oa, ob = frozen_and_partial(a), frozen_and_partial(b)
    x, y = cr.randn(6, 3), cr.randn(6, 2)
    step = cr.compile_step(b, nn.MSELoss(), ob)
    for _ in range(5):
        _eager_step(a, nn.MSELoss(), oa, x, y)
        step(x, y)
        assert step.compiled, step.reason
    _assert_identical(a, b)
    assert b[0].bias.grad is None and b[0].weight.grad is not None


def test_parameter_hooks_run_as_in_eager() -> None:
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid())
    seen = []
    model[0].weight.register_hook(lambda g: seen.append(g.shape) or g * 0)
    opt = cr.optim.SGD(model.parameters(), lr=1.0)
    w0 = model[0].weight.detach().clone()
    step = cr.compile_step(model, nn.MSELoss(), opt)
    step(cr.randn(3, 2), cr.rand(3, 2))
    assert step.compiled and seen == [cr.Size([2, 2])]
    assert np.array_equal(model[0].weight.detach().numpy(), w0.numpy())  # the hook zeroed the update


def _small() -> tuple[nn.Module, Any]:
    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 1))
    return model, cr.optim.SGD(model.parameters(), lr=0.1)


@pytest.mark.parametrize("variant", ["layer", "hook", "input-grad", "1-d input"])
def test_what_it_does_not_compile_runs_the_eager_step(variant: str) -> None:
    (a, oa), (b, ob) = _pair(lambda: nn.Sequential(nn.Linear(3, 4), nn.Softplus(), nn.Linear(4, 1))
                             if variant == "layer" else _small()[0], lambda p: cr.optim.SGD(p, lr=0.1))
    x = cr.randn(5, 3) if variant != "1-d input" else cr.randn(3)
    y = cr.randn(5, 1) if variant != "1-d input" else cr.randn(1)
    xa, xb = x.clone(), x.clone()
    if variant == "input-grad":
        xa.requires_grad_()
        xb.requires_grad_()
    if variant == "hook":
        for m in (a, b):
            m[1].register_forward_hook(lambda mod, args, out: out * 2)
    step = cr.compile_step(b, nn.MSELoss(), ob)
    for _ in range(3):
        la = _eager_step(a, nn.MSELoss(), oa, xa, y)
        lb = step(xb, y)
        assert not step.compiled and step.reason
        assert la.item() == lb.item()
    _assert_identical(a, b)
    if variant == "input-grad":
        assert np.array_equal(xa.grad.numpy(), xb.grad.numpy())


def test_errors_are_the_eager_step_errors() -> None:
    model, opt = _small()
    step = cr.compile_step(model, nn.MSELoss(), opt)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(5x2 and 3x4\)"):
        step(cr.randn(5, 2), cr.randn(5, 1))
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype"):
        step(cr.randn(5, 3, dtype=cr.float64), cr.randn(5, 1))
    with cr.no_grad(), pytest.raises(RuntimeError, match="does not require grad"):
        step(cr.randn(5, 3), cr.randn(5, 1))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        cr.compile_step(model, nn.BCELoss(), opt)(cr.randn(5, 3) * 100, cr.rand(5, 1))


def test_a_changed_model_is_recompiled() -> None:
    model, opt = _small()
    step = cr.compile_step(model, nn.MSELoss(), opt)
    x, y = cr.randn(5, 3), cr.randn(5, 1)
    step(x, y)
    assert step.compiled
    model.append(nn.Softplus())
    step(x, y)
    assert not step.compiled and "Softplus" in step.reason
    del model[3]
    step(x, y)
    assert step.compiled


def test_bad_arguments_name_the_argument() -> None:
    model, opt = _small()
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        cr.compile_step(lambda x: x, nn.MSELoss(), opt)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        cr.compile_step(model, 3, opt)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="optimizer must be a chainrule.optim.Optimizer"):
        cr.compile_step(model, nn.MSELoss(), object())  # type: ignore[arg-type]
