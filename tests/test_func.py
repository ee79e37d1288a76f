"""chainrule.func (grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call) against
torch.func: the same script on both libraries gives the same values, shapes, dtypes and errors."""

from __future__ import annotations

import importlib

from oracle import require_torch

import chainrule as cr


def _script(torch):
    F = importlib.import_module(torch.__name__ + ".func")
    grad, grad_and_value, vmap, jacrev, jacfwd, hessian, vjp, jvp, functional_call = (
        getattr(F, n) for n in "grad grad_and_value vmap jacrev jacfwd hessian vjp jvp functional_call".split())
    out = []
    x = torch.tensor([1.0, 2.0, 3.0])
    out.append(grad(lambda x: (x**3).sum())(x))
    out.append(grad(grad(lambda x: (x**3).sum()))(torch.tensor(2.0)))
    out.append(grad_and_value(lambda x, y: (x * y).sum(), argnums=(0, 1))(x, x * 2))
    out.append(grad(lambda x: ((x**2).sum(), x.mean()), has_aux=True)(x))
    try:
        grad(lambda x: x**2)(x)
    except Exception as e:
        out.append((type(e).__name__, str(e)))
    out.append(vmap(lambda a: a.sum())(torch.ones(3, 4)))
    out.append(vmap(lambda a, b: a * b, in_dims=(0, None))(torch.ones(3, 2), torch.tensor([1.0, 2.0])))
    out.append(vmap(torch.dot)(torch.ones(3, 2), torch.ones(3, 2)))
    out.append(vmap(lambda a: (a, a * 2), out_dims=(0, 1))(torch.ones(3, 2))[1].shape)
    out.append(vmap(lambda a: a.sum(), in_dims=1)(torch.arange(6.0).reshape(2, 3)))
    try:
        vmap(lambda a, b: a + b)(torch.ones(3), torch.ones(4))
    except Exception as e:
        out.append((type(e).__name__, str(e)))
    out.append(jacrev(lambda x: x**2)(x))
    out.append(hessian(lambda x: (x**3).sum())(x))
    out.append(jacfwd(lambda x, y: x * y, argnums=1)(x, x))
    o, fn = vjp(lambda x: x**2, x)
    out.append((o, fn(torch.ones(3))))
    out.append(jvp(lambda x: x**2, (x,), (torch.ones(3),)))
    m = torch.nn.Linear(3, 1)
    out.append(functional_call(m, {"weight": torch.ones(1, 3), "bias": torch.zeros(1)}, (x,)))
    out.append(m.weight.shape)
    out.append(vmap(grad(lambda x: (x**2).sum()))(torch.ones(2, 3)))
    r = grad(lambda x: (x**3).sum())(x)
    out.append((r.requires_grad, r.grad_fn))
    return [_fmt(v) for v in out]


def _fmt(v):
    if isinstance(v, (tuple, list)):
        return tuple(_fmt(a) for a in v)
    if hasattr(v, "tolist"):
        return ("T", v.tolist(), str(v.dtype))
    return v


def test_func_transforms_match_pytorch() -> None:
    torch = require_torch()
    ours, theirs = _script(cr), _script(torch)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a == b


def test_vmap_per_sample_gradients_with_functional_call() -> None:
    torch = require_torch()
    results = []
    for lib in (cr, torch):
        F = importlib.import_module(lib.__name__ + ".func")
        lib.manual_seed(0)
        model = lib.nn.Linear(3, 1)
        with lib.no_grad():
            model.weight.copy_(lib.tensor([[0.5, -1.0, 2.0]]))
            model.bias.fill_(0.1)
        params = {k: v.detach() for k, v in model.named_parameters()}
        x = lib.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
        y = lib.tensor([[1.0], [0.0]])

        def loss(p, xi, yi, model=model, lib=lib, F=F):
            pred = F.functional_call(model, p, (xi.unsqueeze(0),))
            return ((pred - yi.unsqueeze(0)) ** 2).mean()

        g = F.vmap(F.grad(loss), in_dims=(None, 0, 0))(params, x, y)
        results.append({k: v.tolist() for k, v in g.items()})
    assert results[0] == results[1]
