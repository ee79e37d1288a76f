"""In-place changes to a tensor that was already consumed: earlier consumers keep the value they used.

Each node fixes, when it is recorded, where each input's gradient goes. An in-place op later gives the
tensor a new grad_fn; gradients of the earlier consumers must still flow to the old one (PyTorch's edges).
"""

import numpy as np
import pytest
from oracle import assert_close, needs_torch

import chainrule as cr


def _both(torch, build):
    ours = build(cr)
    theirs = build(torch)
    assert_close(ours, theirs)


@needs_torch
@pytest.mark.parametrize("case", ["mul_after_add", "copy_from_consumer", "setitem_after_use", "two_inplace"])
def test_earlier_consumers_keep_their_edges(torch, case):
    def build(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        if case == "mul_after_add":
            y = x * 2
            z = y + 1
            y.mul_(5)
            (z.sum() + y.sum()).backward()
        elif case == "copy_from_consumer":
            h = x * 1
            o = h * lib.tensor([1.0, 0.0, 1.0])
            h.copy_(o)
            h.sum().backward()
        elif case == "setitem_after_use":
            y = x * 3
            z = y.sum()
            y[0] = 0.0
            (z + (y * y).sum()).backward()
        else:
            y = x + 0
            a = y * 1
            y.add_(1)
            b = y * 1
            y.mul_(3)
            (a.sum() + 2 * b.sum() + 3 * y.sum()).backward()
        return x.grad

    _both(torch, build)


def test_graph_edges_are_fixed_at_record_time():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y + 1
    fn_before = y.grad_fn
    y.mul_(5)
    assert z.grad_fn.next_functions[0][0] is fn_before
    assert y.grad_fn is not fn_before
    np.testing.assert_allclose(cr.autograd.grad(z.sum(), x)[0].numpy(), [2.0, 2.0])
