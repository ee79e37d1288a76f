"""Tensor.register_hook on leaves and non-leaves, against PyTorch."""

import pytest
from oracle import assert_close, needs_torch

import chainrule as cr


def _scenario(lib, case):
    x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    seen = []
    if case == "scale_intermediate":
        y = x * 2
        y.register_hook(lambda g: g * 10)
        (y * y).sum().backward()
    elif case == "observe_summed_grad":
        y = x.exp()
        y.register_hook(lambda g: seen.append(g.detach().clone()))
        (y * 3 + y.sin()).sum().backward()
    elif case == "retain_after_hook":
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g + 1)
        y.sum().backward()
        seen.append(y.grad.detach().clone())
    elif case == "leaf_hook":
        x.register_hook(lambda g: g * -1)
        (x * x).sum().backward()
    elif case == "removed":
        y = x * 2
        h = y.register_hook(lambda g: g * 100)
        h.remove()
        y.sum().backward()
    return [x.grad] + seen


@needs_torch
@pytest.mark.parametrize("case", ["scale_intermediate", "observe_summed_grad", "retain_after_hook", "leaf_hook",
                                  "removed"])
def test_hooks_match_torch(torch, case):
    ours = _scenario(cr, case)
    theirs = _scenario(torch, case)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_close(a, b)


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        cr.ones(2).register_hook(lambda g: g)


def test_post_accumulate_grad_hook_matches_pytorch():
    from oracle import require_torch

    torch = require_torch()

    def run(lib):
        x = lib.ones(2, requires_grad=True)
        log = []
        h = x.register_post_accumulate_grad_hook(lambda p: log.append(p.grad.clone().tolist()))
        x.register_hook(lambda g: g * 2)
        for _ in range(2):
            (x * 3).sum().backward()
        h.remove()
        (x * 3).sum().backward()
        w = lib.ones(3, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)

        def step(p):  # the optimizer-in-backward pattern
            opt.step()
            opt.zero_grad()

        w.register_post_accumulate_grad_hook(step)
        (w**2).sum().backward()
        errors = []
        for bad in (lambda: lib.ones(2).register_post_accumulate_grad_hook(print),
                    lambda: (x * 2).register_post_accumulate_grad_hook(print)):
            try:
                bad()
            except RuntimeError as e:
                errors.append(str(e))
        return log, x.grad.tolist(), w.detach().tolist(), w.grad, errors

    assert run(cr) == run(torch)
