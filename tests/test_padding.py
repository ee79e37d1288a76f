"""F.pad's reflect / replicate / circular modes and the Reflection/Replication/CircularPad modules vs torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr
import chainrule.nn.functional as CF
from chainrule.nn.modules.padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
)

torch = require_torch()
TF = torch.nn.functional

# (shape, pad): 1-d pads on 2-D/3-D inputs, 2-d pads on 3-D/4-D, 3-d pads on 4-D/5-D; batched and unbatched
CASES: list[tuple[tuple[int, ...], tuple[int, ...]]] = [
    ((2, 5), (2, 3)),
    ((2, 5), (0, 0)),
    ((3, 2, 5), (4, 1)),
    ((2, 3, 5), (-1, 2)),
    ((2, 3, 5), (2, -2)),
    ((3, 4, 5), (1, 2, 3, 0)),
    ((2, 3, 4, 5), (0, 3, -1, 2)),
    ((1, 2, 4, 5), (2, 2, 1, 1)),
    ((2, 3, 3, 4), (1, 1, 2, 2, -1, 2)),
    ((1, 2, 3, 3, 4), (2, 0, 1, 2, 2, 1)),
    ((1, 1, 3, 3, 3), (0, 0, 0, 0, 0, 0)),
]
MODES = ["reflect", "replicate", "circular"]
NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0"}


def _fit(mode: str, shape: tuple[int, ...], pad: tuple[int, ...]) -> tuple[int, ...]:
    """Clip the pads into the range every mode accepts (reflect: < n; circular: ≤ the cropped length)."""
    out = list(pad)
    for k in range(len(pad) // 2):
        n = shape[-1 - k]
        lo, hi = pad[2 * k], pad[2 * k + 1]
        m = n - max(-lo, 0) - max(-hi, 0)
        lim = min(n - 1, m) if mode == "reflect" else m
        out[2 * k], out[2 * k + 1] = min(lo, lim), min(hi, lim)
    return tuple(out)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", MODES)
def test_values_gradients_and_second_derivatives(mode: str, dtype: str) -> None:
    rng = np.random.default_rng(0)
    for shape, raw in CASES:
        pad = _fit(mode, shape, raw)
        a = rng.standard_normal(shape).astype(dtype)
        tx = torch.tensor(a, requires_grad=True)
        ty = TF.pad(tx * tx, pad, mode=mode)
        w = rng.standard_normal(tuple(ty.shape)).astype(dtype)
        (tg,) = torch.autograd.grad((ty * torch.tensor(w)).sum(), tx, create_graph=True)
        (tgg,) = torch.autograd.grad((tg * tg).sum(), tx)

        cx = cr.tensor(a, requires_grad=True)
        cy = CF.pad(cx * cx, pad, mode=mode)
        assert cy.shape == tuple(ty.shape) and cy.dtype == getattr(cr, dtype), (mode, shape, pad)
        np.testing.assert_array_equal(cy.detach().numpy(), ty.detach().numpy())
        (cg,) = cr.autograd.grad((cy * cr.tensor(w)).sum(), cx, create_graph=True)
        (cgg,) = cr.autograd.grad((cg * cg).sum(), cx)
        tol = 1e-5 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(cg.detach().numpy(), tg.detach().numpy(), rtol=tol, atol=tol)
        np.testing.assert_allclose(cgg.numpy(), tgg.numpy(), rtol=tol, atol=tol)

        # the pad's own node, on the raw input: PyTorch's grad_fn names (circular is CopySlices in torch)
        raw_y = CF.pad(cx, pad, mode=mode)
        if mode in NAMES:
            name = NAMES[mode].format(len(pad) // 2)
            assert raw_y.grad_fn.name() == TF.pad(tx, pad, mode=mode).grad_fn.name() == name


def test_repeated_sources_accumulate() -> None:
    # replicate: every pad position reads the edge, so the edge gradient counts them all
    x = cr.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    CF.pad(x, (3, 2), mode="replicate").sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[4.0, 1.0, 3.0]])
    x = cr.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    CF.pad(x, (2, 2), mode="reflect").sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, 3.0, 2.0]])
    x = cr.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    CF.pad(x, (3, 3), mode="circular").sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[3.0, 3.0, 3.0]])


def test_gradcheck() -> None:
    for mode in MODES:
        x = cr.tensor(np.random.default_rng(1).standard_normal((2, 3, 4)), requires_grad=True)
        assert cr.autograd.gradcheck(lambda t, m=mode: CF.pad(t, (2, 1, 1, 2), mode=m), (x,))
        assert cr.autograd.gradgradcheck(lambda t, m=mode: CF.pad(t * t, (1, 0, 0, 2), mode=m), (x,))


@pytest.mark.parametrize("mode", MODES)
def test_integer_and_empty_inputs(mode: str) -> None:
    a = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(CF.pad(cr.tensor(a), (1, 2), mode=mode).numpy(),
                                  TF.pad(torch.tensor(a), (1, 2), mode=mode).numpy())
    for shape, pad in [((0, 3, 4), (1, 1)), ((0, 2, 3, 4), (1, 1, 1, 1)), ((1, 3, 3), (-3, 0, 0, 0))]:
        e = torch.zeros(shape)
        assert CF.pad(cr.zeros(*shape), pad, mode=mode).shape == tuple(TF.pad(e, pad, mode=mode).shape)
    assert CF.pad(cr.zeros(1, 3), (1, 1), mode=mode, value=0.0).shape == (1, 5)  # value 0 is accepted


def _err(f: Any) -> tuple[type, str]:
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return type(None), ""


ERROR_CASES: list[tuple[tuple[int, ...], Any, str, dict[str, Any]]] = [
    ((3,), (1, 1), "reflect", {}),                     # unsupported rank for a 1-d pad
    ((2, 3), (1, 1, 1, 1), "replicate", {}),
    ((1, 2, 3, 3, 4, 2), (1, 1, 1, 1, 1, 1), "circular", {}),
    ((1, 3), (), "reflect", {}),
    ((1, 3), (1,), "reflect", {}),                      # odd length
    ((1, 3), (1, 1, 1, 1, 1, 1), "circular", {}),       # longer than 2·ndim
    ((1, 3), (1, 1), "reflect", {"value": 2.0}),
    ((1, 3), (1, 1, 1, 1), "replicate", {"value": 1.0}),
    ((1, 3), (1, 1), "foo", {}),
    ((1, 3), (3, 0), "reflect", {}),                    # reflect pad ≥ input size
    ((1, 3), (-1, 3), "reflect", {}),
    ((1, 2, 3), (1, 1, 2, 2), "reflect", {}),
    ((1, 3, 3, 3), (0, 0, 0, 0, 0, 4), "reflect", {}),
    ((1, 3, 3, 3), (3, 3, 3, 3, 3, 3), "reflect", {}),
    ((1, 3), (-2, -1), "reflect", {}),                  # output too small
    ((1, 3), (-5, 0), "replicate", {}),
    ((1, 3, 3), (-3, 0, -3, 0), "reflect", {}),
    ((1, 3, 3), (-4, 0, -3, 0), "replicate", {}),
    ((1, 3, 3, 3), (-3, 0, -3, 0, -3, 0), "replicate", {}),
    ((1, 1, 3, 3, 3), (0, 0, -3, 0, -4, 0), "reflect", {}),  # one negative output dim
    ((1, 0), (1, 1), "reflect", {}),                    # empty non-batch dims
    ((0, 3), (0, 0), "replicate", {}),
    ((2, 0, 3), (1, 1), "reflect", {}),
    ((0, 2, 3), (1, 1, 1, 1), "replicate", {}),
    ((1, 3), (4, 0), "circular", {}),                   # wrapping more than once
    ((1, 2, 3), (1, 1, 3, 3), "circular", {}),
    ((1, 0), (1, 1), "circular", {}),
    ((1, 3), (-4, 0), "circular", {}),                  # negative output size
    ((1, 3, 3), (4, 0, -4, 0), "circular", {}),
    ((1, 3), (1.0, 1), "reflect", {}),                  # pad element types
    ((1, 3), (1, 1.5), "reflect", {}),
    ((1, 3), (True, 1), "replicate", {}),
]


@pytest.mark.parametrize("shape,pad,mode,kw", ERROR_CASES)
def test_errors_match_torch(shape: tuple[int, ...], pad: Any, mode: str, kw: dict[str, Any]) -> None:
    te = _err(lambda: TF.pad(torch.zeros(shape), pad, mode=mode, **kw))
    ce = _err(lambda: CF.pad(cr.zeros(*shape), pad, mode=mode, **kw))
    assert te[0] is not type(None)
    assert ce == te


def test_bool_dtype() -> None:
    x = np.array([[True, False, True]])
    for mode in ("reflect", "replicate"):
        assert _err(lambda m=mode: CF.pad(cr.tensor(x), (1, 1), mode=m)) == \
            _err(lambda m=mode: TF.pad(torch.tensor(x), (1, 1), mode=m))
    np.testing.assert_array_equal(CF.pad(cr.tensor(x), (1, 1), mode="circular").numpy(),
                                  TF.pad(torch.tensor(x), (1, 1), mode="circular").numpy())


def test_circular_past_the_cropped_core_is_refused() -> None:
    # PyTorch reads unwritten memory here; chainrule raises instead
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        CF.pad(cr.zeros(1, 3), (-1, 3), mode="circular")


MODULES = [
    (ReflectionPad1d, torch.nn.ReflectionPad1d, (2, 5)), (ReflectionPad2d, torch.nn.ReflectionPad2d, (2, 4, 5)),
    (ReflectionPad3d, torch.nn.ReflectionPad3d, (1, 2, 4, 4, 5)),
    (ReplicationPad1d, torch.nn.ReplicationPad1d, (2, 3, 5)),
    (ReplicationPad2d, torch.nn.ReplicationPad2d, (1, 2, 4, 5)),
    (ReplicationPad3d, torch.nn.ReplicationPad3d, (2, 4, 4, 5)),
    (CircularPad1d, torch.nn.CircularPad1d, (2, 5)), (CircularPad2d, torch.nn.CircularPad2d, (1, 2, 4, 5)),
    (CircularPad3d, torch.nn.CircularPad3d, (2, 4, 4, 5)),
]


@pytest.mark.parametrize("cls,tcls,shape", MODULES, ids=[m[0].__name__ for m in MODULES])
def test_modules(cls: Any, tcls: Any, shape: tuple[int, ...]) -> None:
    k = int(cls.__name__[-2])
    a = np.random.default_rng(2).standard_normal(shape)
    for padding in (1, (1, 2, 0, 3, 2, 1)[:2 * k], [3, 0, 1, 1, 0, 2][:2 * k]):
        m, tm = cls(padding), tcls(padding)
        assert m.padding == tm.padding
        assert repr(m) == repr(tm)
        assert m.extra_repr() == tm.extra_repr()
        np.testing.assert_array_equal(m(cr.tensor(a)).numpy(), tm(torch.tensor(a)).numpy())
    assert ReflectionPad2d((1, 2)).padding == (1, 2)  # PyTorch keeps a tuple as given


def test_circular_module_rank_check() -> None:
    for cls, tcls, x in [(CircularPad1d, torch.nn.CircularPad1d, (4,)), (CircularPad2d, torch.nn.CircularPad2d, (3, 4)),
                         (CircularPad3d, torch.nn.CircularPad3d, (1, 1, 3, 4, 2, 2))]:
        assert _err(lambda c=cls, s=x: c(1)(cr.zeros(*s))) == _err(lambda c=tcls, s=x: c(1)(torch.zeros(s)))
    assert _err(lambda: ReflectionPad1d(1)(cr.zeros(4))) == _err(lambda: torch.nn.ReflectionPad1d(1)(torch.zeros(4)))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize(("cls", "shape", "padding"), [("Conv2d", (2, 2, 5, 6), (1, 2)), ("Conv1d", (2, 2, 7), 1)])
def test_conv_padding_modes_match_pytorch(mode: str, cls: str, shape: tuple, padding) -> None:
    torch = require_torch()
    outs, ref = [], None
    for lib in (torch, cr):
        lib.manual_seed(0)
        m = getattr(lib.nn, cls)(2, 3, 3, padding=padding, padding_mode=mode).double()
        if lib is cr:
            m.load_state_dict({k: cr.from_numpy(v.detach().numpy().copy()) for k, v in ref.state_dict().items()})
        else:
            ref = m
        x = lib.from_numpy(np.random.default_rng(0).standard_normal(shape)).requires_grad_()
        y = m(x)
        grads = lib.autograd.grad((y**2).sum(), [x, m.weight])
        outs.append(([y.detach().numpy(), *(g.numpy() for g in grads)], repr(m)))
    for a, b in zip(outs[0][0], outs[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert outs[0][1] == outs[1][1]
