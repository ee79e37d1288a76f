"""In-place ops on indexed views of non-leaf tensors (``y[0] += 1``, ``y[:, 1].mul_(3)``): the base gets a
CopySlices history and the view is re-read from it, as in PyTorch. Compared with live PyTorch."""

from __future__ import annotations

from oracle import require_torch

import chainrule as cr


def _cases(torch):
    out = []

    def case(f):
        try:
            out.append(f())
        except Exception as e:  # the type and the start of the message must match
            out.append((type(e).__name__, str(e)[:80]))

    def plus_equals():
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y[0] += 1
        (y**2).sum().backward()
        return y.tolist(), x.grad.tolist()

    def column_ops():
        x = torch.arange(6.0).reshape(2, 3).requires_grad_()
        y = x * 1
        y[:, 0] *= 2
        y[:, 1].mul_(3)
        (y**2).sum().backward()
        return y.tolist(), x.grad.tolist()

    def saved_output_modified():  # exp saved its output, which the view changed: PyTorch's error
        x = torch.ones(3, requires_grad=True)
        w = torch.tensor([2.0, 3.0], requires_grad=True)
        y = x.exp()
        v = y[1:]
        v.add_(w * w)
        (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
        return y.tolist()

    def view_of_leaf():
        x = torch.ones(3, requires_grad=True)
        x[0] += 1

    def second_order():
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        y[0] += x[1] * x[1]
        (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = torch.autograd.grad(g.sum(), x)
        return g.tolist(), gg.tolist()

    def source_gets_gradient():
        x = torch.ones(2, 3, dtype=torch.float64, requires_grad=True)
        w = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
        y = x.sin()
        y[1].add_(w * 2)
        y.pow(2).sum().backward()
        return [round(v, 9) for v in x.grad.flatten().tolist()], [round(v, 9) for v in w.grad.tolist()]

    for f in (plus_equals, column_ops, saved_output_modified, view_of_leaf, second_order, source_gets_gradient):
        case(f)
    return out


def test_inplace_through_indexed_views_matches_pytorch() -> None:
    torch = require_torch()
    assert _cases(cr) == _cases(torch)
