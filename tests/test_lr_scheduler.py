"""chainrule.optim.lr_scheduler: learning-rate sequences side by side with live PyTorch.

Each case builds the same optimizer (two param groups with different lrs) in
both libraries, steps optimizer then scheduler 40 times and compares every lr
(and momentum / beta1 where a scheduler cycles them). The schedulers do the
same float arithmetic in the same order as PyTorch, so the sequences must be
equal to the last bit, not just close.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from oracle import needs_torch, require_torch

import chainrule as cr
from chainrule.optim import lr_scheduler

STEPS = 40


class Warmup:
    """A picklable callable lr_lambda with state (LambdaLR saves its ``__dict__``)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __call__(self, epoch: int) -> float:
        return min(1.0, (epoch + 1) / self.n)


SCHEDULERS = [
    ("StepLR", {"step_size": 7}),
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [5, 12, 12, 30], "gamma": 0.3}),
    ("MultiStepLR", {"milestones": [2, 8]}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}),  # several restarts within 40 steps
    ("LambdaLR", {"lr_lambda": lambda e: 0.95**e}),
    ("LambdaLR", {"lr_lambda": Warmup(10)}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.8, "total_iters": 25}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": STEPS + 1}),
    ("OneCycleLR", {"max_lr": [0.5, 2.0], "epochs": 6, "steps_per_epoch": 7, "anneal_strategy": "linear"}),
    ("OneCycleLR", {"max_lr": 0.3, "total_steps": 50, "three_phase": True, "pct_start": 0.25,
                    "div_factor": 10.0, "final_div_factor": 100.0}),
    ("OneCycleLR", {"max_lr": 0.3, "total_steps": 45, "cycle_momentum": False}),
    # beyond API.md's list, but common in tutorials
    ("ConstantLR", {}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 12}),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.97}),
    ("PolynomialLR", {"total_iters": 30, "power": 2.0}),
    ("CosineAnnealingWarmRestarts", {"T_0": 5}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.001}),
]
IDS = [f"{name}{i}" for i, (name, _) in enumerate(SCHEDULERS)]


def _optimizers(torch, optimizer="SGD"):
    out = []
    for lib in (cr, torch):
        p, q = lib.tensor([1.0], requires_grad=True), lib.tensor([2.0], requires_grad=True)
        if optimizer == "SGD":
            opt = lib.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1, momentum=0.9)
        else:
            opt = lib.optim.Adam([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1)
        out.append(opt)
    return out


def _trace(opt, sched, steps=STEPS, metrics=None):
    rows = [_snapshot(opt, sched)]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        rows.append(_snapshot(opt, sched))
    return rows


def _snapshot(opt, sched):
    groups = opt.param_groups
    return ([g["lr"] for g in groups], list(sched.get_last_lr()), [g.get("momentum") for g in groups],
            [g.get("betas") for g in groups])


@needs_torch
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize(("name", "kw"), SCHEDULERS, ids=IDS)
def test_lr_sequence_matches_torch(name, kw, optimizer):
    torch = require_torch()
    copt, topt = _optimizers(torch, optimizer)
    csched = getattr(lr_scheduler, name)(copt, **kw)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    assert _trace(copt, csched) == _trace(topt, tsched)
    assert [g.get("initial_lr") for g in copt.param_groups] == [g.get("initial_lr") for g in topt.param_groups]
    assert csched.last_epoch == tsched.last_epoch == STEPS
    assert csched.state_dict() == tsched.state_dict()


@needs_torch
@pytest.mark.parametrize(("name", "kw"), [SCHEDULERS[i] for i in (0, 2, 4, 6, 10)],
                         ids=[IDS[i] for i in (0, 2, 4, 6, 10)])
def test_two_chained_schedulers_match_torch(name, kw):
    torch = require_torch()
    copt, topt = _optimizers(torch)
    cs = [getattr(lr_scheduler, name)(copt, **kw), lr_scheduler.ExponentialLR(copt, gamma=0.97)]
    ts = [getattr(torch.optim.lr_scheduler, name)(topt, **kw), torch.optim.lr_scheduler.ExponentialLR(topt, 0.97)]
    c_lrs, t_lrs = [], []
    for _ in range(STEPS):
        for opt, scheds, out in ((copt, cs, c_lrs), (topt, ts, t_lrs)):
            opt.step()
            for s in scheds:
                s.step()
            out.append([g["lr"] for g in opt.param_groups])
    assert c_lrs == t_lrs


def _composite(lib, opt, kind):
    sched = lib.optim.lr_scheduler
    warm = sched.LinearLR(opt, start_factor=0.1, total_iters=5)
    if kind == "SequentialLR":
        decay = sched.CosineAnnealingLR(opt, T_max=20)
        step = sched.StepLR(opt, step_size=4, gamma=0.5)
        return sched.SequentialLR(opt, [warm, decay, step], milestones=[5, 25])
    return sched.ChainedScheduler([warm, sched.ExponentialLR(opt, gamma=0.95)])


@needs_torch
@pytest.mark.parametrize("kind", ["SequentialLR", "ChainedScheduler"])
def test_composite_schedulers_match_torch(kind):
    torch = require_torch()
    copt, topt = _optimizers(torch)
    csched, tsched = _composite(cr, copt, kind), _composite(torch, topt, kind)
    assert _trace(copt, csched) == _trace(topt, tsched)
    cstate, tstate = csched.state_dict(), tsched.state_dict()
    assert cstate.keys() == tstate.keys()
    assert [s.keys() for s in cstate["_schedulers"]] == [s.keys() for s in tstate["_schedulers"]]
    # resume in PyTorch's documented order (scheduler state first, then the optimizer's), in both libraries
    copt2, topt2 = _optimizers(torch)
    csched2, tsched2 = _composite(cr, copt2, kind), _composite(torch, topt2, kind)
    csched2.load_state_dict(cstate)
    tsched2.load_state_dict(tstate)
    copt2.load_state_dict(copt.state_dict())
    topt2.load_state_dict(topt.state_dict())
    assert _trace(copt2, csched2, 10) == _trace(topt2, tsched2, 10)


@needs_torch
def test_warm_restarts_with_fractional_epochs_match_torch():
    torch = require_torch()
    copt, topt = _optimizers(torch)
    csched = lr_scheduler.CosineAnnealingWarmRestarts(copt, T_0=4, T_mult=2)
    tsched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(topt, T_0=4, T_mult=2)
    for epoch in np.linspace(0, 30, 61):
        copt.step()
        topt.step()
        csched.step(float(epoch))
        tsched.step(float(epoch))
        assert csched.get_last_lr() == tsched.get_last_lr()
        assert (csched.T_cur, csched.T_i, csched.last_epoch) == (tsched.T_cur, tsched.T_i, tsched.last_epoch)


@needs_torch
@pytest.mark.parametrize(("name", "kw"), [SCHEDULERS[i] for i in (1, 2, 4, 6, 10)],
                         ids=[IDS[i] for i in (1, 2, 4, 6, 10)])
def test_step_with_epoch_uses_the_closed_form_and_warns(name, kw):
    torch = require_torch()
    copt, topt = _optimizers(torch)
    csched = getattr(lr_scheduler, name)(copt, **kw)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    for epoch in (3, 17, 9, 30):
        copt.step()
        topt.step()
        with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)` was not necessary"):
            csched.step(epoch)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tsched.step(epoch)
        assert csched.get_last_lr() == tsched.get_last_lr()


@needs_torch
@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "ExponentialLR", "LinearLR"])
def test_resume_from_state_dict_continues_like_torch(name):
    torch = require_torch()
    kw = {"StepLR": {"step_size": 4}, "CosineAnnealingLR": {"T_max": 9}, "ExponentialLR": {"gamma": 0.8},
          "LinearLR": {"total_iters": 12}}[name]
    copt, topt = _optimizers(torch)
    csched = getattr(lr_scheduler, name)(copt, **kw)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    for _ in range(10):
        copt.step()
        csched.step()
        topt.step()
        tsched.step()
    # a fresh optimizer and scheduler resumed from both state dicts, with last_epoch as checkpoint code passes it
    copt2, topt2 = _optimizers(torch)
    copt2.load_state_dict(copt.state_dict())
    topt2.load_state_dict(topt.state_dict())
    csched2 = getattr(lr_scheduler, name)(copt2, last_epoch=csched.last_epoch, **kw)
    tsched2 = getattr(torch.optim.lr_scheduler, name)(topt2, last_epoch=tsched.last_epoch, **kw)
    csched2.load_state_dict(csched.state_dict())
    tsched2.load_state_dict(tsched.state_dict())
    assert _trace(copt2, csched2, 20) == _trace(topt2, tsched2, 20)


@needs_torch
def test_resuming_without_initial_lr_is_a_key_error_like_torch():
    torch = require_torch()
    copt, topt = _optimizers(torch)
    for lib, opt in ((lr_scheduler, copt), (torch.optim.lr_scheduler, topt)):
        with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
            lib.StepLR(opt, step_size=3, last_epoch=5)


# -- ReduceLROnPlateau -------------------------------------------------------------------------------

PLATEAU = [
    {},
    {"patience": 2},
    {"patience": 1, "factor": 0.5, "cooldown": 3},
    {"mode": "max", "patience": 2, "threshold": 0.05},
    {"mode": "min", "threshold_mode": "abs", "threshold": 0.2, "patience": 0},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.1, "patience": 1, "min_lr": [0.02, 0.001]},
    {"patience": 0, "factor": 0.5, "min_lr": 0.01},
    {"patience": 0, "factor": 0.9, "eps": 0.01},  # changes smaller than eps are skipped
]


def _metrics(n: int = STEPS) -> list[float]:
    """A noisy, slowly improving loss with plateaus, and a rising score for mode='max'."""
    rng = np.random.default_rng(3)
    base = np.concatenate([np.linspace(2.0, 1.0, 10), np.full(10, 1.0), np.linspace(1.0, 0.5, 10), np.full(n, 0.5)])
    return [float(v) for v in base[:n] + 0.05 * rng.standard_normal(n)]


@needs_torch
@pytest.mark.parametrize("kw", PLATEAU, ids=[str(i) for i in range(len(PLATEAU))])
def test_reduce_on_plateau_matches_torch(kw):
    torch = require_torch()
    copt, topt = _optimizers(torch)
    metrics = _metrics()
    if kw.get("mode") == "max":
        metrics = [-m for m in metrics]
    csched = lr_scheduler.ReduceLROnPlateau(copt, **kw)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kw)
    assert _trace(copt, csched, metrics=metrics) == _trace(topt, tsched, metrics=metrics)
    for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "min_lrs"):
        assert getattr(csched, key) == getattr(tsched, key), key
    assert set(csched.state_dict()) == set(tsched.state_dict())


def test_reduce_on_plateau_by_hand():
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.SGD([p], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5, cooldown=1)
    lrs = []
    for loss in [5, 4, 4, 4, 4, 4, 4, 3]:
        sched.step(cr.tensor(float(loss)))  # 0-d tensors are accepted as metrics
        lrs.append(opt.param_groups[0]["lr"])
    # two bad epochs (>patience 1) halve the lr, then one cooldown epoch is not counted
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_reduce_on_plateau_state_dict_round_trip():
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.SGD([p], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=0)
    sched.step(1.0)
    sched.step(0.5)
    other = lr_scheduler.ReduceLROnPlateau(cr.optim.SGD([p], lr=1.0))
    other.load_state_dict(sched.state_dict())
    assert other.mode == "max" and other.best == 1.0 and other.mode_worse == -math.inf


# -- closed forms pinned independently ---------------------------------------------------------------

def _lrs(make, steps):
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.SGD([p], lr=1.0)
    sched = make(opt)
    out = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(opt.param_groups[0]["lr"])
    return out


def test_closed_forms():
    np.testing.assert_allclose(_lrs(lambda o: lr_scheduler.StepLR(o, 3, gamma=0.5), 9),
                               [0.5 ** (e // 3) for e in range(10)], rtol=1e-15)
    np.testing.assert_allclose(_lrs(lambda o: lr_scheduler.ExponentialLR(o, 0.9), 10),
                               [0.9**e for e in range(11)], rtol=1e-14)
    np.testing.assert_allclose(_lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, 10, eta_min=0.1), 10),
                               [0.1 + 0.9 * (1 + math.cos(math.pi * e / 10)) / 2 for e in range(11)], atol=1e-14)
    np.testing.assert_allclose(_lrs(lambda o: lr_scheduler.LinearLR(o, 0.25, 1.0, 4), 6),
                               [0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0, 1.0], rtol=1e-14)
    np.testing.assert_allclose(_lrs(lambda o: lr_scheduler.MultiStepLR(o, [2, 5], 0.1), 6),
                               [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01], rtol=1e-14)


def test_one_cycle_endpoints_and_momentum():
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=100)
    g = opt.param_groups[0]
    assert g["lr"] == pytest.approx(1.0 / 25) and g["momentum"] == 0.95
    lrs, moms = [g["lr"]], [g["momentum"]]
    for _ in range(99):
        opt.step()
        sched.step()
        lrs.append(g["lr"])
        moms.append(g["momentum"])
    peak = int(np.argmax(lrs))
    assert peak == 29 and lrs[peak] == pytest.approx(1.0) and moms[peak] == pytest.approx(0.85)
    assert lrs[-1] == pytest.approx(1.0 / 25 / 1e4) and moms[-1] == pytest.approx(0.95)
    opt.step()
    sched.step()  # step 100 of 100 is allowed; one more is not
    opt.step()
    with pytest.raises(ValueError, match="Tried to step 101 times. The specified number of total steps is 100"):
        sched.step()


def test_one_cycle_with_adam_cycles_beta1():
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.Adam([p], lr=0.1, betas=(0.9, 0.99))
    lr_scheduler.OneCycleLR(opt, max_lr=0.01, total_steps=10)
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)


# -- warnings and errors -----------------------------------------------------------------------------

def test_stepping_the_scheduler_before_the_optimizer_warns():
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.SGD([p], lr=0.1)
    sched = lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`"):
        sched.step()
    opt2 = cr.optim.SGD([p], lr=0.1)
    sched2 = lr_scheduler.StepLR(opt2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt2.step()
        sched2.step()
        sched2.get_last_lr()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched2.get_lr()


def test_lambda_lr_state_dict_keeps_callable_objects_state():
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.SGD([{"params": [p]}, {"params": [cr.tensor([1.0], requires_grad=True)]}], lr=1.0)
    sched = lr_scheduler.LambdaLR(opt, [Warmup(4), lambda e: 1.0])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"n": 4}, None]
    other = lr_scheduler.LambdaLR(opt, [Warmup(9), lambda e: 1.0])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].n == 4 and "lr_lambdas" in state


@needs_torch
@pytest.mark.parametrize(("name", "kw"), [
    ("LinearLR", {"start_factor": 0.0}),
    ("LinearLR", {"end_factor": 1.5}),
    ("LambdaLR", {"lr_lambda": [lambda e: 1.0]}),
    ("OneCycleLR", {"max_lr": 1.0}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 0}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "pct_start": 1.5}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "anneal_strategy": "exp"}),
    ("OneCycleLR", {"max_lr": [1.0], "total_steps": 10}),
    ("ReduceLROnPlateau", {"factor": 1.0}),
    ("ReduceLROnPlateau", {"mode": "mid"}),
    ("ReduceLROnPlateau", {"threshold_mode": "pct"}),
    ("ReduceLROnPlateau", {"min_lr": [0.1]}),
    ("ConstantLR", {"factor": 1.5}),
    ("MultiplicativeLR", {"lr_lambda": 0.9}),
    ("CosineAnnealingWarmRestarts", {"T_0": 0}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 1.5}),
    ("SequentialLR", {"schedulers": [], "milestones": []}),
])
def test_constructor_errors_match_torch(name, kw):
    torch = require_torch()
    results = []
    for lib, opt in zip((lr_scheduler, torch.optim.lr_scheduler), _optimizers(torch)):
        with pytest.raises(Exception) as info:
            getattr(lib, name)(opt, **kw)
        results.append((type(info.value).__name__, str(info.value)))
    assert results[0] == results[1]


def test_not_an_optimizer_is_a_type_error():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], 3)


@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.MultiStepLR(o, [2, 4, 4]),
    lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=0),
    lambda o: lr_scheduler.OneCycleLR(o, 1.0, total_steps=10),
    lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ConstantLR(o), lr_scheduler.ExponentialLR(o, 0.9)], [3]),
])
def test_scheduler_state_survives_chainrule_save_and_load(make, tmp_path):
    p = cr.tensor([1.0], requires_grad=True)
    opt = cr.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = make(opt)
    for i in range(5):
        opt.step()
        sched.step(*([1.0 + (i == 0)] if isinstance(sched, lr_scheduler.ReduceLROnPlateau) else []))
    cr.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, tmp_path / "ckpt.pt")
    loaded = cr.load(tmp_path / "ckpt.pt")
    q = cr.tensor([1.0], requires_grad=True)
    opt2 = cr.optim.SGD([q], lr=0.1, momentum=0.9)
    sched2 = make(opt2)
    sched2.load_state_dict(loaded["scheduler"])
    opt2.load_state_dict(loaded["optimizer"])
    for _ in range(3):
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step(*([1.0] if isinstance(s, lr_scheduler.ReduceLROnPlateau) else []))
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert sched2.get_last_lr() == sched.get_last_lr()
