"""Rprop, ASGD and CyclicLR against live PyTorch: trajectories, optimizer state and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr


def _trajectory(lib, name: str, kwargs: dict, dtype: str, steps: int = 40) -> tuple[list[np.ndarray], dict]:
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((4, 3)).astype(dtype)
    target = lib.from_numpy(rng.standard_normal((4, 3)).astype(dtype))
    w = lib.from_numpy(w0.copy()).requires_grad_()
    opt = getattr(lib.optim, name)([w], **kwargs)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (((w - target) ** 2).sum() * 0.5).backward()  # gradient w − target: exact in both libraries
        opt.step()
        out.append(w.detach().numpy().copy())
    return out, opt.state_dict()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "kwargs"), [
    ("Rprop", {}),
    ("Rprop", {"lr": 0.1, "etas": (0.3, 1.7), "step_sizes": (1e-3, 0.5)}),
    ("Rprop", {"lr": 0.05, "maximize": True}),
    ("ASGD", {}),
    ("ASGD", {"lr": 0.05, "t0": 5, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.05, "t0": 3, "lambd": 0.01, "alpha": 0.5}),
])
def test_trajectory_and_state_match_pytorch(name: str, kwargs: dict, dtype: str) -> None:
    torch = require_torch()
    ours, our_state = _trajectory(cr, name, kwargs, dtype)
    theirs, their_state = _trajectory(torch, name, kwargs, dtype)
    # Rprop moves by sign only: exact. ASGD agrees to rounding (PyTorch's add_ with alpha may fuse).
    rtol = 0 if name == "Rprop" else (1e-6 if dtype == "float32" else 1e-13)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    assert list(our_state["state"][0]) == list(their_state["state"][0])
    for key, theirs_v in their_state["state"][0].items():
        ours_v = our_state["state"][0][key]
        assert str(ours_v.dtype) == str(theirs_v.dtype), key
        np.testing.assert_allclose(ours_v.numpy(), theirs_v.numpy(), rtol=rtol, atol=rtol)
    assert our_state["param_groups"][0].keys() == their_state["param_groups"][0].keys()


def test_constructor_errors_match_pytorch() -> None:
    torch = require_torch()
    for name, kwargs in [("Rprop", {"lr": -1}), ("Rprop", {"etas": (1.5, 2.0)}), ("ASGD", {"lr": -0.1}),
                         ("ASGD", {"weight_decay": -1})]:
        messages = []
        for lib in (cr, torch):
            with pytest.raises(ValueError) as info:
                getattr(lib.optim, name)([lib.zeros(1, requires_grad=True)], **kwargs)
            messages.append(str(info.value))
        assert messages[0] == messages[1]


def _schedule(lib, opt_name: str, opt_kwargs: dict, kwargs: dict, steps: int = 25) -> tuple[list, dict]:
    w = lib.zeros(3, requires_grad=True)
    opt = getattr(lib.optim, opt_name)([w], **opt_kwargs)
    sched = lib.optim.lr_scheduler.CyclicLR(opt, **kwargs)
    out = []
    for _ in range(steps):
        opt.step()
        sched.step()
        g = opt.param_groups[0]
        out.append((g["lr"], g.get("momentum"), g.get("betas"), sched.get_last_lr()))
    return out, sched.state_dict()


@pytest.mark.parametrize(("opt_name", "opt_kwargs", "kwargs"), [
    ("SGD", {"lr": 0.1, "momentum": 0.9}, {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}),
    ("SGD", {"lr": 0.1, "momentum": 0.9},
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "step_size_down": 5, "mode": "triangular2"}),
    ("Adam", {"lr": 0.1}, {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "mode": "exp_range", "gamma": 0.9}),
    ("SGD", {"lr": 0.1}, {"base_lr": [0.01], "max_lr": 0.2, "step_size_up": 2, "cycle_momentum": False,
                          "scale_fn": lambda x: 0.5**x, "scale_mode": "iterations"}),
])
def test_cyclic_lr_matches_pytorch(opt_name: str, opt_kwargs: dict, kwargs: dict) -> None:
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, our_state = _schedule(cr, opt_name, opt_kwargs, kwargs)
        theirs, their_state = _schedule(torch, opt_name, opt_kwargs, kwargs)
    assert ours == theirs
    assert set(our_state) == set(their_state)
    assert our_state["_scale_fn_custom"] is None and their_state["_scale_fn_custom"] is None


def test_cyclic_lr_state_dict_round_trip_and_errors() -> None:
    torch = require_torch()
    w = cr.zeros(1, requires_grad=True)
    opt = cr.optim.SGD([w], lr=0.1, momentum=0.9)
    sched = cr.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3)
    for _ in range(4):
        opt.step()
        sched.step()
    fresh = cr.optim.lr_scheduler.CyclicLR(cr.optim.SGD([w], lr=0.1, momentum=0.9), 0.01, 0.1, step_size_up=3)
    fresh.load_state_dict(sched.state_dict())
    assert fresh.last_epoch == sched.last_epoch and fresh.get_last_lr() == sched.get_last_lr()
    for bad, exc in [({"base_lr": 0.1, "max_lr": 1, "mode": "foo"}, ValueError),
                     ({"base_lr": [0.1, 0.2], "max_lr": 1}, ValueError)]:
        messages = []
        for lib in (cr, torch):
            with pytest.raises(exc) as info:
                lib.optim.lr_scheduler.CyclicLR(lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1,
                                                               momentum=0.9), **bad)
            messages.append(str(info.value))
        assert messages[0] == messages[1]
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        cr.optim.lr_scheduler.CyclicLR(cr.optim.Adagrad([w], lr=0.1), 0.1, 1.0)
