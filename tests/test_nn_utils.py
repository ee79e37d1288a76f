"""chainrule.nn.utils against live PyTorch: gradient clipping and parameter/vector conversion."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.nn import utils
from tests.oracle import assert_close, require_torch

SHAPES = [(3, 4), (4,), (2, 2, 2)]


def _params_with_grads(lib: Any, scale: float, dtype: np.dtype = np.float32, seed: int = 0) -> list[Any]:
    g = np.random.default_rng(seed)
    params = []
    for shape in SHAPES:
        p = lib.nn.Parameter(lib.tensor(g.standard_normal(shape).astype(dtype)))
        p.grad = lib.tensor((g.standard_normal(shape) * scale).astype(dtype))
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.0, math.inf, "inf"])
@pytest.mark.parametrize("scale", [0.01, 5.0])
def test_clip_grad_norm_matches_torch(norm_type: Any, scale: float) -> None:
    torch = require_torch()
    pc, pt = _params_with_grads(cr, scale), _params_with_grads(torch, scale)
    total_c = utils.clip_grad_norm_(pc, max_norm=1.5, norm_type=norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(pt, max_norm=1.5, norm_type=norm_type)
    assert isinstance(total_c, cr.Tensor) and total_c.shape == ()
    assert_close(total_c, total_t)
    for a, b in zip(pc, pt):
        assert_close(a.grad, b.grad)


def test_clip_grad_norm_float64_single_tensor_and_generator_input() -> None:
    torch = require_torch()
    pc, pt = _params_with_grads(cr, 3.0, np.float64), _params_with_grads(torch, 3.0, np.float64)
    assert_close(utils.clip_grad_norm_(pc[0], 0.5), torch.nn.utils.clip_grad_norm_(pt[0], 0.5))
    assert_close(pc[0].grad, pt[0].grad)
    assert_close(utils.clip_grad_norm_(iter(pc), 0.1), torch.nn.utils.clip_grad_norm_(iter(pt), 0.1))
    for a, b in zip(pc, pt):
        assert_close(a.grad, b.grad)


def test_clip_grad_norm_after_backward_clips_the_global_norm() -> None:
    torch = require_torch()
    lin = cr.nn.Linear(4, 3)
    lin_t = torch.nn.Linear(4, 3)
    with torch.no_grad():
        lin_t.weight.copy_(torch.from_numpy(lin.weight.detach().numpy().copy()))
        lin_t.bias.copy_(torch.from_numpy(lin.bias.detach().numpy().copy()))
    x = np.random.default_rng(1).standard_normal((8, 4)).astype(np.float32) * 10
    (lin(cr.tensor(x)) ** 2).sum().backward()
    (lin_t(torch.from_numpy(x)) ** 2).sum().backward()
    assert_close(utils.clip_grad_norm_(lin.parameters(), 1.0), torch.nn.utils.clip_grad_norm_(lin_t.parameters(), 1.0))
    norm = math.sqrt(sum(float((p.grad.numpy().astype(np.float64) ** 2).sum()) for p in lin.parameters()))
    assert abs(norm - 1.0) < 1e-5
    assert_close(lin.weight.grad, lin_t.weight.grad)


def test_clip_grad_norm_without_grads_and_nonfinite() -> None:
    torch = require_torch()
    empty_c = utils.clip_grad_norm_([cr.nn.Parameter(cr.ones(2))], 1.0)
    empty_t = torch.nn.utils.clip_grad_norm_([torch.nn.Parameter(torch.ones(2))], 1.0)
    assert_close(empty_c, empty_t)
    pc, pt = _params_with_grads(cr, 1.0), _params_with_grads(torch, 1.0)
    pc[1].grad._data[0] = np.inf
    with torch.no_grad():
        pt[1].grad[0] = math.inf
    with pytest.raises(RuntimeError) as err_t:
        torch.nn.utils.clip_grad_norm_(pt, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as err_c:
        utils.clip_grad_norm_(pc, 1.0, error_if_nonfinite=True)
    assert str(err_c.value) == str(err_t.value)
    # without the flag PyTorch scales by the infinite norm (grads become 0 or NaN) and so do we
    assert_close(utils.clip_grad_norm_(pc, 1.0), torch.nn.utils.clip_grad_norm_(pt, 1.0))
    for a, b in zip(pc, pt):
        assert_close(a.grad, b.grad)


def test_clip_grad_value_matches_torch() -> None:
    torch = require_torch()
    pc, pt = _params_with_grads(cr, 2.0), _params_with_grads(torch, 2.0)
    assert utils.clip_grad_value_(pc, 0.7) is None
    torch.nn.utils.clip_grad_value_(pt, 0.7)
    for a, b in zip(pc, pt):
        assert_close(a.grad, b.grad)
        assert np.abs(a.grad.numpy()).max() <= 0.7


def test_parameters_to_vector_and_back_match_torch() -> None:
    torch = require_torch()
    pc, pt = _params_with_grads(cr, 1.0), _params_with_grads(torch, 1.0)
    for p in pc:
        p.grad = None
    vc, vt = utils.parameters_to_vector(pc), torch.nn.utils.parameters_to_vector(pt)
    assert_close(vc, vt)
    assert vc.requires_grad and vc.grad_fn is not None  # differentiable, as PyTorch's
    (vc * cr.arange(vc.numel(), dtype=cr.float32)).sum().backward()
    offset = 0
    for p in pc:  # the vector's gradient lands back in each parameter, in order
        n = p.numel()
        assert p.grad.numpy().ravel().tolist() == [float(i) for i in range(offset, offset + n)]
        offset += n
    new = np.arange(vt.numel(), dtype=np.float32)
    utils.vector_to_parameters(cr.tensor(new), pc)
    torch.nn.utils.vector_to_parameters(torch.from_numpy(new.copy()), pt)
    for a, b in zip(pc, pt):
        assert_close(a.detach(), b.detach())
        assert tuple(a.shape) == tuple(b.shape)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got"):
        utils.vector_to_parameters(new, pc)


def test_vector_to_parameters_views_the_vector_like_torch() -> None:
    torch = require_torch()
    for lib in (cr, torch):
        params = [lib.nn.Parameter(lib.zeros(2, 2)), lib.nn.Parameter(lib.zeros(3))]
        vec = lib.arange(7.0)
        lib.nn.utils.vector_to_parameters(vec, params)
        vec[0] = 100.0
        assert params[0].detach()[0, 0].item() == 100.0  # shares memory with vec in both libraries
        assert params[1].detach().tolist() == [4.0, 5.0, 6.0]


@pytest.mark.parametrize("kwargs", [{}, {"batch_first": True, "padding_value": -1.0},
                                    {"padding_side": "left", "batch_first": True}])
def test_pad_sequence_matches_torch(kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    g = np.random.default_rng(11)
    arrays = [g.standard_normal((n, 3)) for n in (2, 4, 1)]
    sc = [cr.tensor(a, requires_grad=True) for a in arrays]
    st = [torch.tensor(a, requires_grad=True) for a in arrays]
    oc, ot = utils.rnn.pad_sequence(sc, **kwargs), torch.nn.utils.rnn.pad_sequence(st, **kwargs)
    assert_close(oc, ot)
    w = np.arange(ot.numel(), dtype=np.float64).reshape(tuple(ot.shape))
    (oc * cr.tensor(w)).sum().backward()
    (ot * torch.from_numpy(w)).sum().backward()
    for a, b in zip(sc, st):
        assert_close(a.grad, b.grad)
