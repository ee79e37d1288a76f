"""Module.register_full_backward_hook / register_full_backward_pre_hook against PyTorch."""

from __future__ import annotations

import warnings

import pytest
from oracle import require_torch

import chainrule as cr


def _record(lib):
    lib.manual_seed(0)
    lin = lib.nn.Linear(3, 2)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor([[1.0, 2, 3], [4, 5, 6]]))
        lin.bias.copy_(lib.tensor([0.5, -0.5]))
    log: list = []

    def full(m, gi, go):
        log.append(("full", [None if g is None else g.tolist() for g in gi], [g.tolist() for g in go]))

    handle = lin.register_full_backward_hook(full)
    lin.register_full_backward_pre_hook(lambda m, go: log.append(("pre", [g.tolist() for g in go])))
    x = lib.tensor([[1.0, 2, 3]], requires_grad=True)
    (lin(x) * lib.tensor([[1.0, 3.0]])).sum().backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lin(lib.tensor([[1.0, 1, 1]])).sum().backward()  # no input requires grad: grad_input is (None,)
    handle.remove()
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))  # replaces grad_input
    x2 = lib.tensor([[1.0, 2, 3]], requires_grad=True)
    lin(x2).sum().backward()
    seq = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Tanh())
    order: list = []
    for i, m in enumerate(seq):
        m.register_full_backward_hook(lambda m, gi, go, i=i: order.append(i))
    seq(lib.ones(1, 2, requires_grad=True)).sum().backward()
    return log, x.grad.tolist(), x2.grad.tolist(), [str(w.message)[:40] for w in caught], order


def test_backward_hooks_match_pytorch() -> None:
    torch = require_torch()
    assert _record(cr) == _record(torch)


def test_hooks_do_not_run_without_grad_mode_and_handles_remove() -> None:
    lin = cr.nn.Linear(2, 1)
    calls: list = []
    h = lin.register_full_backward_hook(lambda *a: calls.append(1))
    with cr.no_grad():
        lin(cr.ones(1, 2))
    h.remove()
    lin(cr.ones(1, 2, requires_grad=True)).sum().backward()
    assert calls == [] and not lin._backward_hooks


def test_wrong_number_of_grad_inputs_raises() -> None:
    lin = cr.nn.Linear(2, 1)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input"):
        lin(cr.ones(1, 2, requires_grad=True)).sum().backward()
