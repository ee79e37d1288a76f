"""chainrule.optim against live PyTorch and against values pinned independently.

Trajectories: chainrule and PyTorch optimizers start from the same parameters
and receive the *same* gradient every step (computed in NumPy from PyTorch's
current parameters and assigned to both ``.grad``), so any difference is the
optimizer's own. One parameter receives a gradient only on even steps, which
exercises "grad is None → skip" and lazy state creation at a later step.

Agreement is to the last bit or two, not bitwise: PyTorch's CPU kernels fuse
``a + alpha * b`` into one FMA (one rounding) where NumPy rounds twice.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
from oracle import assert_close, needs_torch, require_torch

import chainrule as cr
from chainrule import optim

SHAPES = [(3, 4), (4,), (2, 3)]
STEPS = 50

GRID = {
    "SGD": [
        {"lr": 0.05},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.5},
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1, "maximize": True},
        {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01, "maximize": True},
    ],
    "Adam": [
        {"lr": 0.05},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "amsgrad": True},
        {"lr": 0.05, "maximize": True},
        {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-3},
        {"lr": 0.05, "betas": (0.0, 0.99)},  # lerp weight 1: PyTorch's exact end branch
        {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1, "maximize": True},
    ],
    "AdamW": [
        {"lr": 0.05},
        {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True},
        {"lr": 0.05, "maximize": True, "betas": (0.8, 0.95)},
    ],
    "RMSprop": [
        {"lr": 0.01},
        {"lr": 0.01, "centered": True},
        {"lr": 0.01, "momentum": 0.9},
        {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1},
        {"lr": 0.01, "alpha": 0.5, "maximize": True},
        {"lr": 0.01, "alpha": 0.3, "centered": True},  # lerp weight 0.7 >= 0.5
    ],
    "Adagrad": [
        {"lr": 0.1},
        {"lr": 0.1, "lr_decay": 0.1},
        {"lr": 0.1, "weight_decay": 0.1},
        {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-5},
        {"lr": 0.1, "maximize": True},
    ],
    "Adadelta": [
        {"lr": 1.0},
        {"lr": 0.5, "rho": 0.5, "eps": 1e-4},
        {"lr": 1.0, "weight_decay": 0.1},
        {"lr": 1.0, "maximize": True},
    ],
    "Adamax": [
        {"lr": 0.05},
        {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-3},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "maximize": True},
    ],
    "NAdam": [
        {"lr": 0.05},
        {"lr": 0.05, "momentum_decay": 0.1, "betas": (0.5, 0.9)},
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
    ],
    "RAdam": [
        {"lr": 0.05},
        {"lr": 0.05, "betas": (0.5, 0.8)},  # ρₜ > 5 from the first steps: the rectified branch
        {"lr": 0.05, "weight_decay": 0.1},
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
    ],
}
CASES = [(name, kw) for name, kws in GRID.items() for kw in kws]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw in CASES]


def _start(dtype: type, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def _gradient(x: np.ndarray, i: int, step: int) -> np.ndarray:
    """A smooth, non-quadratic gradient field that changes with the step (so nothing settles early)."""
    return np.sin(3.0 * x + 0.1 * step) + 0.5 * x + 0.05 * i * x**3


def _tolerance(dtype: type) -> dict[str, float]:
    return {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-6}


def _pair(torch, name, kw, dtype, groups=False, seed=0):
    """Matching chainrule and torch (params, optimizer), optionally with two param groups."""
    start = _start(dtype, seed)
    cp = [cr.tensor(a.copy(), requires_grad=True) for a in start]
    tp = [torch.tensor(a.copy(), requires_grad=True) for a in start]

    def build(lib_optim, ps):
        if groups:
            extra = {"lr": kw["lr"] * 0.5}
            if name in ("Adam", "AdamW"):
                extra["amsgrad"] = not kw.get("amsgrad", False)
            elif name == "SGD":
                extra["momentum"] = 0.3
            elif name == "RMSprop":
                extra["centered"] = not kw.get("centered", False)
            return getattr(lib_optim, name)([{"params": ps[:2]}, {"params": ps[2:], **extra}], **kw)
        return getattr(lib_optim, name)(ps, **kw)

    return cp, build(optim, cp), tp, build(torch.optim, tp)


def _drive(cp, copt, tp, topt, steps, start_step=0, set_to_none=True):
    # maximize=True climbs, so it is fed the field of -f to stay bounded (and tests the sign flip)
    sign = -1.0 if copt.param_groups[0]["maximize"] else 1.0
    for step in range(start_step, start_step + steps):
        copt.zero_grad(set_to_none=set_to_none)
        topt.zero_grad(set_to_none=set_to_none)
        for i, (c, t) in enumerate(zip(cp, tp)):
            if i == 2 and step % 2 == 1:
                continue  # no gradient this step: the parameter must be skipped
            g = sign * _gradient(t.detach().numpy(), i, step)
            if set_to_none or c.grad is None:
                c.grad = cr.tensor(g.copy())
                t.grad = require_torch().tensor(g.copy())
            else:  # accumulate into the zeroed gradients, as backward would
                c.grad._data += g
                t.grad += require_torch().tensor(g)
        copt.step()
        topt.step()


def _compare_state(copt, topt, dtype, msg=""):
    cs, ts = copt.state_dict(), topt.state_dict()
    assert cs["param_groups"] == ts["param_groups"], msg
    assert sorted(cs["state"]) == sorted(ts["state"]), msg
    for idx, tstate in ts["state"].items():
        cstate = cs["state"][idx]
        assert list(cstate) == list(tstate), f"{msg} state keys of param {idx}"
        for key, tval in tstate.items():
            cval = cstate[key]
            if tval is None:
                assert cval is None
                continue
            assert isinstance(cval, cr.Tensor), f"{msg} state[{idx}][{key}] is {type(cval).__name__}"
            assert_close(cval, tval, **_tolerance(dtype), msg=f"{msg} state[{idx}][{key}]")


@needs_torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(("name", "kw"), CASES, ids=IDS)
def test_trajectory_matches_torch(name, kw, dtype):
    torch = require_torch()
    cp, copt, tp, topt = _pair(torch, name, kw, dtype)
    _drive(cp, copt, tp, topt, STEPS)
    for i, (c, t) in enumerate(zip(cp, tp)):
        assert_close(c, t, **_tolerance(dtype), msg=f"param {i}")
    _compare_state(copt, topt, dtype)


@needs_torch
@pytest.mark.parametrize("name", list(GRID))
def test_two_param_groups_with_different_options(name):
    torch = require_torch()
    kw = GRID[name][1]
    cp, copt, tp, topt = _pair(torch, name, kw, np.float64, groups=True)
    assert len(copt.param_groups) == 2
    _drive(cp, copt, tp, topt, STEPS)
    for i, (c, t) in enumerate(zip(cp, tp)):
        assert_close(c, t, **_tolerance(np.float64), msg=f"param {i}")
    _compare_state(copt, topt, np.float64)


@needs_torch
@pytest.mark.parametrize("name", list(GRID))
def test_zero_grad_to_zeros_keeps_the_gradient_tensor(name):
    torch = require_torch()
    cp, copt, tp, topt = _pair(torch, name, GRID[name][1], np.float64)
    _drive(cp, copt, tp, topt, 10, set_to_none=False)
    for c, t in zip(cp, tp):
        assert_close(c, t, **_tolerance(np.float64))
    grad = cp[0].grad
    copt.zero_grad(set_to_none=False)
    assert cp[0].grad is grad and not grad._data.any()
    copt.zero_grad()
    assert all(p.grad is None for p in cp)


# -- values pinned independently (PITFALLS §4: x² from x = 1, lr 0.1) ----------------------------------

def _minimise_square(opt_cls, steps, **kw):
    x = cr.tensor([1.0], requires_grad=True)
    opt = opt_cls([x], lr=0.1, **kw)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (x * x).sum().backward()
        opt.step()
        out.append(float(x.detach()[0]))
    return out


def test_sgd_momentum_first_steps():
    # buffer starts at the first gradient: 1 - 0.1*2 = 0.8; b = 0.9*2 + 1.6 = 3.4 → 0.46; b = 3.06 + 0.92 → 0.062
    np.testing.assert_allclose(_minimise_square(optim.SGD, 3, momentum=0.9), [0.8, 0.46, 0.062], rtol=1e-6)


def test_adam_and_adamw_weight_decay_first_steps():
    np.testing.assert_allclose(_minimise_square(optim.Adam, 2, weight_decay=0.1), [0.9, 0.800412], atol=1e-6)
    np.testing.assert_allclose(_minimise_square(optim.AdamW, 2, weight_decay=0.1), [0.89, 0.781572], atol=1e-6)


def test_adam_first_step_moves_each_coordinate_by_lr():
    x = cr.tensor([3.0, -2.0, 0.5], requires_grad=True)
    opt = optim.Adam([x], lr=1e-3)
    (x**3).sum().backward()  # gradients of very different sizes, all non-zero
    opt.step()
    np.testing.assert_allclose(x.detach().numpy(), [3.0 - 1e-3, -2.0 - 1e-3, 0.5 - 1e-3], rtol=0, atol=1e-6)


def test_adam_on_himmelblau_reproduces_the_published_course_numbers():
    """龙良曲's PyTorch course (lesson 22): Adam lr=1e-3 from (0, 0), float32 (PITFALLS §4)."""
    x = cr.tensor([0.0, 0.0], requires_grad=True)
    opt = optim.Adam([x], lr=1e-3)
    for step in range(2001):  # the course prints x after step `step` and f before it
        f = (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2
        opt.zero_grad()
        f.backward()
        opt.step()
        if step == 0:
            assert x.tolist() == [0.0009999999310821295] * 2 and f.item() == 170.0  # bit for bit
    np.testing.assert_allclose(x.tolist(), [2.3332, 1.9541], atol=1e-4)
    assert f.item() == pytest.approx(13.73, abs=5e-3)


def test_plain_sgd_closed_form_and_float32_stays_float32():
    x = cr.tensor([2.0, -1.0], requires_grad=True)
    opt = optim.SGD([x], lr=0.25)
    for _ in range(3):
        opt.zero_grad()
        (x * x).sum().backward()
        opt.step()
    # x ← x - 0.25·2x = x/2 each step
    np.testing.assert_allclose(x.detach().numpy(), [0.25, -0.125], rtol=0, atol=0)
    assert x.dtype == cr.float32 and x.grad.dtype == cr.float32


def test_adagrad_and_rmsprop_first_step_closed_form():
    # Adagrad: s = g², p -= lr·g/(|g| + eps) ≈ lr·sign(g)
    x = cr.tensor([1.0, -4.0], dtype=cr.float64, requires_grad=True)
    x.grad = cr.tensor([2.0, -8.0], dtype=cr.float64)
    optim.Adagrad([x], lr=0.1).step()
    np.testing.assert_allclose(x.detach().numpy(), [1 - 0.2 / (2 + 1e-10), -4 + 0.8 / (8 + 1e-10)], rtol=1e-14)
    # RMSprop: v = (1 - α) g², p -= lr·g/(sqrt(v) + eps) = lr·sign(g)/sqrt(1 - α)
    y = cr.tensor([1.0, -4.0], dtype=cr.float64, requires_grad=True)
    y.grad = cr.tensor([2.0, -8.0], dtype=cr.float64)
    optim.RMSprop([y], lr=0.01, alpha=0.99).step()
    root = np.sqrt((1 - 0.99) * np.array([4.0, 64.0]))
    expected = [1 - 0.02 / (root[0] + 1e-8), -4 + 0.08 / (root[1] + 1e-8)]
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-14)
    np.testing.assert_allclose(y.detach().numpy(), [0.9, -3.9], rtol=1e-7)  # ≈ lr·sign(g)/sqrt(1 - α)


# -- state and state_dict --------------------------------------------------------------------------

def test_state_is_keyed_by_parameter_and_step_is_a_float32_scalar_tensor():
    p = cr.tensor([1.0, 2.0], requires_grad=True)
    q = cr.tensor([3.0], requires_grad=True)
    opt = optim.Adam([p, q])
    p.grad = cr.tensor([0.5, 0.5])
    opt.step()
    assert list(opt.state) == [p]  # q had no gradient: no state yet
    step = opt.state[p]["step"]
    assert isinstance(step, cr.Tensor) and step.shape == () and step.dtype == cr.float32 and step.item() == 1.0
    assert set(opt.state[p]) == {"step", "exp_avg", "exp_avg_sq"}


def test_adagrad_creates_state_eagerly():
    p = cr.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    assert opt.state[p]["step"].item() == 0.0
    np.testing.assert_array_equal(opt.state[p]["sum"].numpy(), [0.25, 0.25])


def test_plain_sgd_keeps_no_state():
    p = cr.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = cr.tensor([1.0])
    opt.step()
    assert opt.state_dict()["state"] == {}


@needs_torch
@pytest.mark.parametrize(("name", "kw"), [(n, GRID[n][-1]) for n in GRID])
def test_state_dict_round_trip_continues_the_same_trajectory(name, kw):
    torch = require_torch()
    # uninterrupted reference
    cp, copt, tp, topt = _pair(torch, name, kw, np.float64, groups=True)
    _drive(cp, copt, tp, topt, 30)
    # interrupted after 15 steps: fresh params with the saved values, fresh optimizer, load, continue
    ap, aopt, bp, bopt = _pair(torch, name, kw, np.float64, groups=True)
    _drive(ap, aopt, bp, bopt, 15)
    saved = copy.deepcopy(aopt.state_dict())
    ap2, aopt2, _, _ = _pair(torch, name, kw, np.float64, groups=True, seed=1)
    for dst, src in zip(ap2, ap):
        dst._data[...] = src._data
    aopt2.load_state_dict(saved)
    _drive(ap2, aopt2, bp, bopt, 15, start_step=15)
    for a, c in zip(ap2, cp):
        if name == "NAdam":  # loading casts the float32 mu_product to the parameter dtype (PyTorch does too)
            np.testing.assert_allclose(a.detach().numpy(), c.detach().numpy(), rtol=1e-6)
        else:
            np.testing.assert_array_equal(a.detach().numpy(), c.detach().numpy())


@needs_torch
@pytest.mark.parametrize(("name", "kw"), [(n, GRID[n][-1]) for n in GRID])
def test_state_dicts_cross_load_between_chainrule_and_torch(name, kw):
    torch = require_torch()
    cp, copt, tp, topt = _pair(torch, name, kw, np.float64, groups=True)
    _drive(cp, copt, tp, topt, 10)
    # torch's state_dict into a fresh chainrule optimizer (torch tensors convert through __array__)
    cp2, copt2, tp2, topt2 = _pair(torch, name, kw, np.float64, groups=True)
    for c, t in zip(cp2, tp):
        c._data[...] = t.detach().numpy()
    copt2.load_state_dict(topt.state_dict())
    # chainrule's state_dict into a fresh torch optimizer
    for t2, c in zip(tp2, cp):
        with torch.no_grad():
            t2.copy_(torch.from_numpy(c.detach().numpy().copy()))
    csd = copt.state_dict()
    tsd = {"param_groups": copy.deepcopy(csd["param_groups"]),
           "state": {i: {k: torch.from_numpy(np.array(v.numpy(), copy=True)) for k, v in s.items()}
                     for i, s in csd["state"].items()}}
    topt2.load_state_dict(tsd)
    _drive(cp2, copt2, tp2, topt2, 10, start_step=10)
    _drive(cp, copt, tp, topt, 10, start_step=10)
    for c2, t2, t in zip(cp2, tp2, tp):
        assert_close(c2, t, **_tolerance(np.float64))
        assert_close(t2, t, **_tolerance(np.float64))


def test_load_state_dict_copies_state_and_casts_to_the_parameter_dtype():
    p = cr.tensor([1.0, 2.0], dtype=cr.float64, requires_grad=True)
    opt = optim.Adam([p])
    p.grad = cr.tensor([1.0, 1.0], dtype=cr.float64)
    opt.step()
    sd = opt.state_dict()
    q = cr.tensor([1.0, 2.0], requires_grad=True)  # float32
    opt2 = optim.Adam([q])
    opt2.load_state_dict(sd)
    assert opt2.state[q]["exp_avg"].dtype == cr.float32
    assert opt2.state[q]["step"].dtype == cr.float32
    before = sd["state"][0]["exp_avg"].numpy().copy()
    q.grad = cr.tensor([5.0, 5.0])
    opt2.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"].numpy(), before)  # the source was not aliased
    assert opt2.state[q]["step"].item() == 2.0


def test_load_state_dict_restores_hyper_parameters():
    p = cr.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.5, momentum=0.9)
    sd = opt.state_dict()
    opt2 = optim.SGD([cr.tensor([1.0], requires_grad=True)], lr=0.1)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.5 and opt2.param_groups[0]["momentum"] == 0.9
    sd["param_groups"][0]["lr"] = 7.0
    assert opt2.param_groups[0]["lr"] == 0.5  # groups are deep-copied


@needs_torch
def test_state_dict_errors_match_torch():
    torch = require_torch()
    messages = {}
    for lib in (cr, torch):
        ps = [lib.tensor([1.0], requires_grad=True) for _ in range(3)]
        src = lib.optim.SGD(ps, lr=0.1).state_dict()
        seen = []
        for groups in ([{"params": ps[:1]}, {"params": ps[1:]}], [{"params": ps[:2]}]):
            with pytest.raises(ValueError) as info:
                lib.optim.SGD(groups).load_state_dict(src)
            seen.append(str(info.value))
        messages[lib.__name__] = seen
    assert messages["chainrule"] == messages["torch"]
    assert "different number of parameter groups" in messages["chainrule"][0]


# -- constructor errors, compared with PyTorch's message ---------------------------------------------

ERROR_CASES = [
    ("SGD", lambda ps: [], {}),
    ("SGD", lambda ps: ps[0], {}),
    ("SGD", lambda ps: [1.0], {}),
    ("SGD", lambda ps: ps, {"lr": -1}),
    ("SGD", lambda ps: ps, {"momentum": -0.5}),
    ("SGD", lambda ps: ps, {"weight_decay": -1e-3}),
    ("SGD", lambda ps: ps, {"nesterov": True}),
    ("SGD", lambda ps: ps, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
    ("SGD", lambda ps: [{"params": ps}, {"params": ps[:1]}], {}),
    ("SGD", lambda ps: [{"params": set(ps)}], {}),
    ("SGD", lambda ps: [ps[0] * 2], {}),
    ("SGD", lambda ps: ["not a tensor"], {}),
    ("Adam", lambda ps: ps, {"lr": -0.1}),
    ("Adam", lambda ps: ps, {"eps": -1.0}),
    ("Adam", lambda ps: ps, {"betas": (1.0, 0.999)}),
    ("Adam", lambda ps: ps, {"betas": (0.9, -0.1)}),
    ("Adam", lambda ps: ps, {"betas": (0, 0.999)}),
    ("Adam", lambda ps: ps, {"weight_decay": -1}),
    ("AdamW", lambda ps: ps, {"lr": -2}),
    ("RMSprop", lambda ps: ps, {"alpha": -1}),
    ("RMSprop", lambda ps: ps, {"momentum": -1}),
    ("RMSprop", lambda ps: ps, {"eps": -1}),
    ("Adagrad", lambda ps: ps, {"lr_decay": -1}),
    ("Adagrad", lambda ps: ps, {"initial_accumulator_value": -1}),
    ("Adagrad", lambda ps: ps, {"eps": -1}),
]


@needs_torch
@pytest.mark.parametrize(("name", "params", "kw"), ERROR_CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(ERROR_CASES)])
def test_constructor_errors_match_torch(name, params, kw):
    torch = require_torch()
    results = []
    for lib in (cr, torch):
        ps = [lib.tensor([1.0, 2.0], requires_grad=True), lib.tensor([3.0], requires_grad=True)]
        with pytest.raises(Exception) as info:
            getattr(lib.optim, name)(params(ps), **kw)
        results.append((type(info.value), str(info.value)))
    assert results[0] == results[1]


@needs_torch
def test_duplicate_parameters_warn_like_torch():
    torch = require_torch()
    for lib in (cr, torch):
        p = lib.tensor([1.0], requires_grad=True)
        with pytest.warns(UserWarning, match="duplicate parameters"):
            lib.optim.SGD([p, p], lr=0.1)


def test_add_param_group_and_required_defaults():
    p, q = cr.tensor([1.0], requires_grad=True), cr.tensor([2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": q, "lr": 0.5})
    assert opt.param_groups[1]["params"] == [q]
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [p]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([q])

    class Custom(optim.Optimizer):
        def __init__(self, params, lr=optim.optimizer.required):
            super().__init__(params, {"lr": lr})

    with pytest.raises(ValueError, match="didn't specify a value of required optimization parameter lr"):
        Custom([p])


def test_named_parameters_are_accepted():
    p = cr.tensor([1.0], requires_grad=True)
    opt = optim.SGD([("w", p)], lr=0.1)
    assert opt.param_groups[0]["params"] == [p] and opt.param_groups[0]["param_names"] == ["w"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w"]


@needs_torch
@pytest.mark.parametrize("name", list(GRID))
def test_repr_matches_torch(name):
    torch = require_torch()
    kw = GRID[name][-1]
    c = getattr(optim, name)([cr.tensor([1.0], requires_grad=True)], **kw)
    t = getattr(torch.optim, name)([torch.tensor([1.0], requires_grad=True)], **kw)
    assert repr(c) == repr(t)


# -- step semantics --------------------------------------------------------------------------------

def test_step_with_closure_reevaluates_under_enable_grad_and_returns_the_loss():
    x = cr.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([x], lr=0.1)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        calls.append(loss.item())
        return loss

    with cr.no_grad():
        loss = opt.step(closure)
    assert calls == [5.0] and loss.item() == 5.0
    np.testing.assert_allclose(x.detach().numpy(), [0.8, -1.6], rtol=1e-6)
    assert opt.step() is None


def test_step_records_nothing_and_bumps_the_version():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * x  # saves x for backward
    y.sum().backward(retain_graph=True)
    opt = optim.Adam([x], lr=0.1)
    v0 = x._version
    opt.step()
    assert x.grad_fn is None and x.is_leaf and x.requires_grad
    assert x._version > v0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_parameters_without_grad_are_left_alone():
    for name, kws in GRID.items():
        for kw in kws:
            p = cr.tensor([1.0, 2.0], requires_grad=True)
            opt = getattr(optim, name)([p], **kw)
            opt.step()
            np.testing.assert_array_equal(p.detach().numpy(), [1.0, 2.0])


def test_optimizer_works_with_real_training_loop_spelling():
    torch = cr  # the API the tutorials use
    w = torch.zeros(3, requires_grad=True)
    xs = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 1.0, 1.0], [2.0, -1.0, 0.0]])
    target = xs @ torch.tensor([0.5, -1.0, 2.0])
    opt = torch.optim.Adam([w], lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(300):
            opt.zero_grad()
            loss = ((xs @ w - target) ** 2).mean()
            loss.backward()
            opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [0.5, -1.0, 2.0], atol=1e-3)


@needs_torch
@pytest.mark.parametrize("name", list(GRID))
def test_tensor_lr_matches_torch(name):
    torch = require_torch()
    kw = dict(GRID[name][-1])
    lr = kw.pop("lr")
    cp, tp = cr.tensor([1.0, -2.0], requires_grad=True), torch.tensor([1.0, -2.0], requires_grad=True)
    copt = getattr(optim, name)([cp], lr=cr.tensor(lr), **kw)
    topt = getattr(torch.optim, name)([tp], lr=torch.tensor(lr), **kw)
    for _ in range(3):
        cp.grad, tp.grad = cr.tensor([0.5, 0.25]), torch.tensor([0.5, 0.25])
        copt.step()
        topt.step()
    assert_close(cp, tp)


def test_user_defined_optimizer_subclass():
    """The tutorial pattern: subclass Optimizer, override step under no_grad, keep custom state."""

    class PlainSGD(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        @cr.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    self.state[p]["calls"] = self.state[p].get("calls", 0) + 1
                    p.add_(p.grad, alpha=-group["lr"])

    p = cr.tensor([1.0], requires_grad=True)
    opt = PlainSGD([p])
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
        sched.step()
    # 1 → 1 - 0.1·2 = 0.8 → 0.8 - 0.05·1.6 = 0.72 → 0.72 - 0.025·1.44 = 0.684
    np.testing.assert_allclose(p.detach().numpy(), [0.684], rtol=1e-6)
    assert opt.state_dict() == {"state": {0: {"calls": 3}},
                                "param_groups": [{"lr": 0.0125, "initial_lr": 0.1, "params": [0]}]}


@needs_torch
@pytest.mark.parametrize("kw", [{"lr": 0.5, "history_size": 10}, {"lr": 1.0, "max_iter": 5},
                                {"lr": 0.1, "tolerance_change": 1e-3, "history_size": 3}])
def test_lbfgs_on_rosenbrock_matches_torch(kw):
    """float64: the same iterates, closure evaluations and iteration counts as PyTorch's L-BFGS."""
    torch = require_torch()
    results = []
    for L in (torch, cr):
        x = L.tensor([-1.5, 2.0], dtype=L.float64, requires_grad=True)
        opt = L.optim.LBFGS([x], **kw)

        def closure(L=L, x=x, opt=opt):
            opt.zero_grad()
            loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(6)]
        results.append((x.detach().numpy().copy(), losses, opt.state[x]["func_evals"], opt.state[x]["n_iter"]))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-8, atol=1e-9)  # (losses near 0 cancel)
    assert results[1][2:] == results[0][2:]


def test_lbfgs_refuses_groups_and_strong_wolfe():
    p = cr.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        optim.LBFGS([{"params": [p]}, {"params": [cr.tensor([2.0], requires_grad=True)]}])
    with pytest.raises(NotImplementedError, match="strong_wolfe"):
        optim.LBFGS([p], line_search_fn="strong_wolfe")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        optim.LBFGS([p], line_search_fn="armijo")
