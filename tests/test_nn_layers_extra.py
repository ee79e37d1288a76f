"""nn.functional layer functions (norms, embedding, conv1d, transposed convs, 1-D and adaptive max pooling,
interpolate, pixel (un)shuffle, unfold/fold, bilinear) and their modules, against live PyTorch: values, first
and second derivatives in float32 and float64, errors, parameter names/shapes, state dicts and reprs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import assert_close, require_torch

import chainrule as cr
import chainrule.nn as cnn
import chainrule.nn.functional as CF

DTYPES = [np.float32, np.float64]


def _lib_tensors(lib: Any, arrays: list[Any], grad: list[bool]) -> list[Any]:
    out = []
    for a, g in zip(arrays, grad):
        if a is None:
            out.append(None)
            continue
        t = lib.tensor(np.array(a, copy=True))
        if g:
            t.requires_grad_(True)
        out.append(t)
    return out


def check(f: Callable[..., Any], arrays: list[Any], grad: list[bool] | None = None, gradgrad: bool = True,
          dtypes: list[Any] = DTYPES, seed: int = 0) -> None:
    """Compare f(lib, *tensors) in chainrule and torch: values, first and (optionally) second derivatives."""
    torch = require_torch()
    if grad is None:
        grad = [a is not None and np.asarray(a).dtype.kind == "f" for a in arrays]
    for dt in dtypes:
        rng = np.random.default_rng(seed)
        arrs = [None if a is None else (np.asarray(a, dtype=dt) if np.asarray(a).dtype.kind == "f" else np.asarray(a))
                for a in arrays]
        res = {}
        for name, lib in (("cr", cr), ("torch", torch)):
            ts = _lib_tensors(lib, arrs, grad)
            out = f(lib, *ts)
            res[name] = (ts, out)
        (cts, cout), (tts, tout) = res["cr"], res["torch"]
        assert_close(cout, tout, msg=f"value {dt.__name__}")
        if not any(grad):
            continue
        R = rng.standard_normal(tuple(tout.shape)).astype(dt)
        wanted = [i for i, g in enumerate(grad) if g]
        cg = cr.autograd.grad((cout * cr.tensor(R)).sum(), [cts[i] for i in wanted], create_graph=gradgrad,
                              allow_unused=True)
        tg = torch.autograd.grad((tout * torch.tensor(R)).sum(), [tts[i] for i in wanted], create_graph=gradgrad,
                                 allow_unused=True)
        for i, (a, b) in enumerate(zip(cg, tg)):
            if b is None:
                assert a is None or np.all(a.detach().numpy() == 0)
                continue
            assert_close(a, b, rtol=1e-4 if dt == np.float32 else 1e-6, atol=1e-4 if dt == np.float32 else 1e-9,
                         msg=f"grad {i} {dt.__name__}")
        if not gradgrad:
            continue
        pairs = [(a, b) for a, b in zip(cg, tg) if b is not None and b.requires_grad]
        if not pairs:
            continue
        R2 = [rng.standard_normal(tuple(b.shape)).astype(dt) for _, b in pairs]
        ts_ = sum((b * torch.tensor(r)).sum() for (_, b), r in zip(pairs, R2))
        tgg = torch.autograd.grad(ts_, [tts[i] for i in wanted], allow_unused=True)
        live = [(a, r) for (a, _), r in zip(pairs, R2) if a is not None and a.requires_grad]
        if not live:  # chainrule's gradient is constant in the inputs: torch's second derivative must vanish
            assert all(b is None or not b.abs().sum() for b in tgg)
            continue
        cs = sum((a * cr.tensor(r)).sum() for a, r in live)
        cgg = cr.autograd.grad(cs, [cts[i] for i in wanted], allow_unused=True)
        for i, (a, b) in enumerate(zip(cgg, tgg)):
            if b is None:
                assert a is None or np.allclose(a.numpy(), 0)
                continue
            assert a is not None, f"gradgrad {i} missing"
            assert_close(a, b, rtol=1e-3 if dt == np.float32 else 1e-6, atol=1e-3 if dt == np.float32 else 1e-8,
                         msg=f"gradgrad {i} {dt.__name__}")


def rand(*shape: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape)


def F(lib: Any) -> Any:
    return lib.nn.functional


def raises_like(f: Callable[[Any], Any]) -> None:
    """f(lib) raises the same exception type with the same message in chainrule and torch."""
    torch = require_torch()
    with pytest.raises(Exception) as te:
        f(torch)
    with pytest.raises(type(te.value)) as ce:
        f(cr)
    assert str(ce.value).split("\n")[0] == str(te.value).split("\n")[0]


# ------------------------------------------------------------------------------------------------
# normalisation


def test_layer_norm() -> None:
    check(lambda L, x, w, b: F(L).layer_norm(x, [3, 4], w, b), [rand(2, 3, 4), rand(3, 4), rand(3, 4)])
    check(lambda L, x: F(L).layer_norm(x, (4,), eps=1e-3), [rand(5, 4)])
    raises_like(lambda L: F(L).layer_norm(L.zeros(2, 3, 4), [3]))


def test_rms_norm() -> None:
    check(lambda L, x, w: F(L).rms_norm(x, [4], w), [rand(3, 4), rand(4)])
    check(lambda L, x: F(L).rms_norm(x, (2, 4), eps=0.1), [rand(3, 2, 4)])
    raises_like(lambda L: F(L).rms_norm(L.zeros(2, 3, 4), [3]))


def test_group_norm() -> None:
    check(lambda L, x, w, b: F(L).group_norm(x, 2, w, b), [rand(2, 4, 3, 2), rand(4), rand(4)])
    check(lambda L, x: F(L).group_norm(x, 3, eps=1e-2), [rand(2, 6, 5)])
    raises_like(lambda L: F(L).group_norm(L.zeros(2, 3, 4), 2))


def test_instance_norm() -> None:
    check(lambda L, x, w, b: F(L).instance_norm(x, weight=w, bias=b), [rand(2, 3, 5), rand(3), rand(3)])
    check(lambda L, x: F(L).instance_norm(x), [rand(2, 3, 2, 3)])
    raises_like(lambda L: F(L).instance_norm(L.zeros(1, 3, 1)))
    torch = require_torch()
    x = rand(4, 3, 6)
    rs = {}
    for lib in (cr, torch):
        rm, rv = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        y = F(lib).instance_norm(lib.tensor(x), rm, rv, momentum=0.3)
        y2 = F(lib).instance_norm(lib.tensor(x), rm, rv, use_input_stats=False)
        rs[lib.__name__] = (rm, rv, y, y2)
    for a, b in zip(rs["chainrule"], rs["torch"]):
        assert_close(a, b)


def test_batch_norm_functional_training_and_eval() -> None:
    torch = require_torch()
    check(lambda L, x, w, b: F(L).batch_norm(x, None, None, w, b, training=True), [rand(4, 3, 2), rand(3), rand(3)])
    check(lambda L, x, m, v, w: F(L).batch_norm(x, m, v, w, eps=1e-3), [rand(4, 3), rand(3), np.abs(rand(3)) + 0.5,
                                                                       rand(3)], grad=[True, False, False, True])
    x = rand(5, 3, 4)
    out = {}
    for lib in (cr, torch):
        rm, rv = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        y1 = F(lib).batch_norm(lib.tensor(x), rm, rv, training=True, momentum=0.2)
        y2 = F(lib).batch_norm(lib.tensor(x), rm, rv, training=True, momentum=0.2)
        y3 = F(lib).batch_norm(lib.tensor(x), rm, rv)
        out[lib.__name__] = (rm, rv, y1, y2, y3)
    for a, b in zip(out["chainrule"], out["torch"]):
        assert_close(a, b)
    raises_like(lambda L: F(L).batch_norm(L.zeros(2, 3), None, None))
    raises_like(lambda L: F(L).batch_norm(L.zeros(1, 3), L.zeros(3), L.ones(3), training=True))
    raises_like(lambda L: F(L).batch_norm(L.zeros(2, 3), L.zeros(4), L.ones(4), training=True))


# ------------------------------------------------------------------------------------------------
# embedding


def test_embedding_values_padding_and_max_norm() -> None:
    torch = require_torch()
    idx = np.array([[0, 2, 1], [2, 2, 3]])
    check(lambda L, w, i: F(L).embedding(i, w), [rand(4, 3), idx], grad=[True, False], gradgrad=False)
    check(lambda L, w, i: F(L).embedding(i, w, padding_idx=2), [rand(4, 3), idx], grad=[True, False],
          gradgrad=False)
    check(lambda L, w, i: F(L).embedding(i, w, padding_idx=-1), [rand(4, 3), idx], grad=[True, False],
          gradgrad=False)
    W = rand(4, 3) * 3
    ws = []
    for lib in (cr, torch):
        w = lib.tensor(W.copy())
        y = F(lib).embedding(lib.tensor(idx), w, max_norm=1.0)
        ws.append((w, y))
    assert_close(ws[0][0], ws[1][0], rtol=1e-6)
    assert_close(ws[0][1], ws[1][1], rtol=1e-6)
    raises_like(lambda L: F(L).embedding(L.tensor([5]), L.zeros(3, 2)))
    raises_like(lambda L: F(L).embedding(L.tensor([1]), L.zeros(3, 2), padding_idx=4))


# ------------------------------------------------------------------------------------------------
# convolutions


@pytest.mark.parametrize("kw", [{}, {"stride": 2, "padding": 1}, {"padding": "same", "dilation": 2},
                                {"padding": "valid", "groups": 2}, {"padding": 2, "dilation": 2, "stride": 3}])
def test_conv1d(kw: dict[str, Any]) -> None:
    g = kw.get("groups", 1)
    check(lambda L, x, w, b: F(L).conv1d(x, w, b, **kw), [rand(2, 4, 9), rand(6, 4 // g, 3), rand(6)])


@pytest.mark.filterwarnings("ignore:Using padding=.same.")
def test_conv1d_unbatched_and_errors() -> None:
    check(lambda L, x, w: F(L).conv1d(x, w, padding="same"), [rand(2, 7), rand(3, 2, 4)], gradgrad=False)
    raises_like(lambda L: F(L).conv1d(L.zeros(2, 3, 4, 5), L.zeros(2, 3, 1)))


@pytest.mark.parametrize("kw", [{}, {"stride": 2}, {"stride": 2, "padding": 1, "output_padding": 1},
                                {"stride": (2, 3), "padding": (1, 0), "dilation": 2, "output_padding": (1, 2)},
                                {"groups": 2, "stride": 2}, {"padding": 1}])
def test_conv_transpose2d(kw: dict[str, Any]) -> None:
    g = kw.get("groups", 1)
    check(lambda L, x, w, b: F(L).conv_transpose2d(x, w, b, **kw), [rand(2, 4, 4, 3), rand(4, 6 // g, 3, 3),
                                                                     rand(6)])


def test_conv_transpose1d() -> None:
    check(lambda L, x, w, b: F(L).conv_transpose1d(x, w, b, stride=3, padding=1, output_padding=2),
          [rand(2, 3, 5), rand(3, 2, 4), rand(2)])
    check(lambda L, x, w: F(L).conv_transpose1d(x, w, groups=3, dilation=2), [rand(6, 5), rand(6, 1, 3)],
          gradgrad=False)
    raises_like(lambda L: F(L).conv_transpose2d(L.zeros(1, 2, 3, 3), L.zeros(2, 1, 3, 3), stride=2,
                                                output_padding=2))


# ------------------------------------------------------------------------------------------------
# pooling


def test_pool1d() -> None:
    x = rand(2, 3, 10)
    check(lambda L, x: F(L).max_pool1d(x, 3), [x])
    check(lambda L, x: F(L).max_pool1d(x, 3, 2, 1, dilation=2, ceil_mode=True), [x])
    check(lambda L, x: F(L).avg_pool1d(x, 4, 2, 2, count_include_pad=False), [x])
    check(lambda L, x: F(L).avg_pool1d(x, 3), [rand(3, 7)])
    check(lambda L, x: F(L).adaptive_avg_pool1d(x, 4), [x])
    raises_like(lambda L: F(L).max_pool1d(L.zeros(2, 3, 4, 5), 2))
    raises_like(lambda L: F(L).avg_pool1d(L.zeros(2, 3, 4, 5), 2))
    raises_like(lambda L: F(L).adaptive_avg_pool1d(L.zeros(2, 3, 4, 5), 2))


def test_adaptive_max_pool() -> None:
    torch = require_torch()
    check(lambda L, x: F(L).adaptive_max_pool2d(x, (3, 2)), [rand(2, 3, 7, 5)])
    check(lambda L, x: F(L).adaptive_max_pool2d(x, (None, 2)), [rand(3, 4, 5)])
    check(lambda L, x: F(L).adaptive_max_pool1d(x, 3), [rand(2, 3, 8)])
    x = rand(2, 3, 7, 5)
    _, ci = CF.adaptive_max_pool2d(cr.tensor(x), 3, return_indices=True)
    _, ti = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), 3, return_indices=True)
    assert_close(ci, ti)
    _, ci = CF.adaptive_max_pool1d(cr.tensor(x[0]), 2, return_indices=True)
    _, ti = torch.nn.functional.adaptive_max_pool1d(torch.tensor(x[0]), 2, return_indices=True)
    assert_close(ci, ti)
    raises_like(lambda L: F(L).adaptive_max_pool2d(L.zeros(3), 2))


# ------------------------------------------------------------------------------------------------
# interpolate, pixel shuffle, unfold / fold, bilinear


@pytest.mark.parametrize("kw", [
    {"scale_factor": 2}, {"size": 7}, {"size": 4}, {"scale_factor": 1.7}, {"scale_factor": 0.5},
    {"size": 7, "mode": "linear"}, {"size": 3, "mode": "linear", "align_corners": True},
    {"scale_factor": 2.5, "mode": "linear"}, {"size": 8, "mode": "nearest-exact"}, {"size": 3, "mode": "area"},
    {"scale_factor": 1.5, "mode": "linear", "recompute_scale_factor": True},
])
def test_interpolate_3d(kw: dict[str, Any]) -> None:
    check(lambda L, x: F(L).interpolate(x, **kw), [rand(2, 3, 5)])


@pytest.mark.parametrize("kw", [
    {"scale_factor": 2}, {"size": (5, 3)}, {"scale_factor": (1.5, 2.0)},
    {"size": (7, 4), "mode": "bilinear"}, {"size": (7, 4), "mode": "bilinear", "align_corners": True},
    {"scale_factor": 2, "mode": "bilinear"}, {"size": (2, 3), "mode": "bilinear"}, {"size": 2, "mode": "area"},
])
def test_interpolate_4d(kw: dict[str, Any]) -> None:
    check(lambda L, x: F(L).interpolate(x, **kw), [rand(2, 2, 4, 5)])


def test_interpolate_errors() -> None:
    x = lambda L: L.zeros(2, 3, 4)  # noqa: E731
    raises_like(lambda L: F(L).interpolate(x(L), scale_factor=2, mode="bilinear"))
    raises_like(lambda L: F(L).interpolate(x(L), scale_factor=2, align_corners=True))
    raises_like(lambda L: F(L).interpolate(x(L), size=3, scale_factor=2))
    raises_like(lambda L: F(L).interpolate(x(L)))
    raises_like(lambda L: F(L).interpolate(x(L), scale_factor=2, mode="foo"))


def test_pixel_shuffle() -> None:
    check(lambda L, x: F(L).pixel_shuffle(x, 2), [rand(2, 8, 3, 2)])
    check(lambda L, x: F(L).pixel_unshuffle(x, 2), [rand(3, 4, 6)])
    check(lambda L, x: F(L).pixel_unshuffle(F(L).pixel_shuffle(x, 3), 3), [rand(1, 2, 9, 2, 1)])
    raises_like(lambda L: F(L).pixel_shuffle(L.zeros(1, 3, 2, 2), 2))
    raises_like(lambda L: F(L).pixel_shuffle(L.zeros(3, 3), 2))
    raises_like(lambda L: F(L).pixel_unshuffle(L.zeros(1, 3, 3, 2), 2))


@pytest.mark.parametrize("kw", [{"kernel_size": 2}, {"kernel_size": (2, 3), "stride": 2, "padding": 1},
                                {"kernel_size": 3, "dilation": (2, 1), "padding": (2, 1), "stride": (1, 2)}])
def test_unfold_fold(kw: dict[str, Any]) -> None:
    check(lambda L, x: F(L).unfold(x, **kw), [rand(2, 3, 6, 7)])
    torch = require_torch()
    L = torch.nn.functional.unfold(torch.zeros(2, 3, 6, 7), **kw).shape[-1]
    k = kw["kernel_size"]
    kk = k * k if isinstance(k, int) else k[0] * k[1]
    check(lambda L_, c: F(L_).fold(c, (6, 7), **kw), [rand(2, 3 * kk, L)])


def test_fold_errors_and_unbatched() -> None:
    check(lambda L, x: F(L).unfold(x, 2), [rand(3, 4, 5)], gradgrad=False)
    check(lambda L, x: F(L).fold(x, (4, 5), 2), [rand(8, 12)], gradgrad=False)
    raises_like(lambda L: F(L).fold(L.zeros(1, 8, 10), (4, 5), 2))
    raises_like(lambda L: F(L).fold(L.zeros(1, 7, 12), (4, 5), 2))
    raises_like(lambda L: F(L).unfold(L.zeros(3, 4, 5, 6, 7), 2))


def test_bilinear() -> None:
    check(lambda L, a, b, w, bias: F(L).bilinear(a, b, w, bias), [rand(4, 3), rand(4, 2), rand(5, 3, 2), rand(5)])
    check(lambda L, a, b, w: F(L).bilinear(a, b, w), [rand(2, 4, 3), rand(2, 4, 2), rand(5, 3, 2)])
    raises_like(lambda L: F(L).bilinear(L.zeros(2, 3), L.zeros(2, 4), L.zeros(5, 3, 3)))


def test_conv_transpose_too_small() -> None:
    raises_like(lambda L: F(L).conv_transpose2d(L.zeros(1, 2, 4, 3), L.zeros(2, 3, 3, 3), padding=3))


# ------------------------------------------------------------------------------------------------
# modules


def module_pair(make: Callable[[Any], Any], seed: int = 0) -> tuple[Any, Any]:
    """The same module in chainrule and torch; torch's (default-initialised) state dict loaded into chainrule."""
    torch = require_torch()
    torch.manual_seed(seed)
    mt = make(torch).double()
    mc = make(cr).double()
    sd_t = mt.state_dict()
    assert [(k, tuple(v.shape)) for k, v in mc.state_dict().items()] == [(k, tuple(v.shape)) for k, v in sd_t.items()]
    mc.load_state_dict({k: cr.tensor(v.detach().numpy().copy()) for k, v in sd_t.items()})
    assert repr(mc) == repr(mt)
    return mc, mt


def compare_modules(make: Callable[[Any], Any], *inputs: np.ndarray, train: bool = True) -> tuple[Any, Any]:
    torch = require_torch()
    mc, mt = module_pair(make)
    mc.train(train)
    mt.train(train)
    xc = [cr.tensor(x, requires_grad=True) for x in inputs]
    xt = [torch.tensor(x, requires_grad=True) for x in inputs]
    yc, yt = mc(*xc), mt(*xt)
    assert_close(yc, yt)
    R = np.random.default_rng(0).standard_normal(tuple(yt.shape))
    (yc * cr.tensor(R)).sum().backward()
    (yt * torch.tensor(R)).sum().backward()
    for a, b in zip(xc, xt):
        assert_close(a.grad, b.grad, rtol=1e-6, atol=1e-9)
    for (n, p), (_, q) in zip(mc.named_parameters(), mt.named_parameters()):
        assert_close(p.grad, q.grad, rtol=1e-6, atol=1e-9, msg=n)
    for (n, b), (_, c) in zip(mc.named_buffers(), mt.named_buffers()):
        assert_close(b, c, msg=n)
    return mc, mt


@pytest.mark.parametrize("case", [
    (lambda L: L.nn.GroupNorm(2, 4), (2, 4, 3)),
    (lambda L: L.nn.GroupNorm(3, 6, affine=False, eps=1e-3), (2, 6, 2, 2)),
    (lambda L: L.nn.RMSNorm(4), (3, 4)),
    (lambda L: L.nn.RMSNorm([2, 3], eps=1e-3, elementwise_affine=False), (3, 2, 3)),
    (lambda L: L.nn.InstanceNorm1d(3), (2, 3, 5)),
    (lambda L: L.nn.InstanceNorm1d(3, affine=True), (3, 5)),
    (lambda L: L.nn.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 4, 4)),
    (lambda L: L.nn.Upsample(scale_factor=2), (2, 3, 4)),
    (lambda L: L.nn.Upsample(size=(5, 7), mode="bilinear"), (1, 2, 3, 4)),
    (lambda L: L.nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True), (1, 2, 3, 4)),
    (lambda L: L.nn.UpsamplingNearest2d(scale_factor=2), (1, 2, 3, 4)),
    (lambda L: L.nn.UpsamplingBilinear2d(size=(5, 6)), (1, 2, 3, 4)),
    (lambda L: L.nn.PixelShuffle(2), (1, 8, 2, 3)),
    (lambda L: L.nn.PixelUnshuffle(2), (1, 2, 4, 6)),
    (lambda L: L.nn.ZeroPad1d(2), (2, 3, 4)),
    (lambda L: L.nn.ZeroPad2d((1, 2, 0, 3)), (2, 3, 4)),
    (lambda L: L.nn.ConstantPad1d((1, 2), 3.5), (2, 3, 4)),
    (lambda L: L.nn.ConstantPad2d(1, -1.0), (2, 3, 4)),
    (lambda L: L.nn.AdaptiveMaxPool1d(3), (2, 3, 8)),
    (lambda L: L.nn.AdaptiveMaxPool2d((2, None)), (2, 3, 5, 4)),
    (lambda L: L.nn.AdaptiveAvgPool1d(3), (2, 3, 8)),
    (lambda L: L.nn.AvgPool1d(3, 2, 1), (2, 3, 8)),
    (lambda L: L.nn.MaxPool1d(3), (2, 3, 8)),
    (lambda L: L.nn.MaxPool1d(3, 2, 1, 2, ceil_mode=True), (2, 3, 9)),
    (lambda L: L.nn.ConvTranspose1d(2, 4, 3), (2, 2, 5)),
    (lambda L: L.nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False,
                                    dilation=2), (2, 2, 3, 4)),
    (lambda L: L.nn.ConvTranspose2d(3, 2, (2, 3), stride=(1, 2)), (3, 4, 4)),
    (lambda L: L.nn.Fold((4, 5), 2), (2, 8, 12)),
    (lambda L: L.nn.Unfold(2, padding=1), (2, 2, 3, 4)),
])
def test_module_matches_torch(case: tuple[Callable[[Any], Any], tuple[int, ...]]) -> None:
    make, shape = case
    compare_modules(make, rand(*shape))


def test_bilinear_module_and_init() -> None:
    compare_modules(lambda L: L.nn.Bilinear(3, 2, 4), rand(5, 3), rand(5, 2))
    m = cnn.Bilinear(9, 2, 50)
    assert np.abs(m.weight.detach().numpy()).max() <= 1 / 3 and np.abs(m.bias.detach().numpy()).max() <= 1 / 3
    assert m.weight.detach().numpy().std() > 0.1


def test_instance_norm_eval_uses_running_stats() -> None:
    make = lambda L: L.nn.InstanceNorm1d(3, track_running_stats=True, momentum=0.5)  # noqa: E731
    mc, mt = compare_modules(make, rand(2, 3, 6))
    compare_modules(make, rand(2, 3, 6), train=False)
    raises_like(lambda L: L.nn.InstanceNorm1d(3, affine=True)(L.zeros(2, 4, 5)))
    raises_like(lambda L: L.nn.InstanceNorm1d(3)(L.zeros(2, 3, 4, 5)))
    with pytest.warns(UserWarning, match="does not match num_features"):
        cnn.InstanceNorm1d(3)(cr.zeros(2, 4, 5))


def test_group_norm_module_errors() -> None:
    raises_like(lambda L: L.nn.GroupNorm(3, 4))


def test_conv_transpose_output_size_and_init() -> None:
    torch = require_torch()
    mc, mt = module_pair(lambda L: L.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1))
    x = rand(1, 2, 4, 4)
    for size in ([8, 8], [1, 3, 7, 8]):
        assert_close(mc(cr.tensor(x), output_size=size), mt(torch.tensor(x), output_size=size))
    with pytest.raises(ValueError):
        mc(cr.tensor(x), output_size=[10, 10])
    m = cnn.ConvTranspose2d(4, 6, 3)
    bound = 1 / np.sqrt(6 * 9)  # fan_in of the transposed weight: out_channels/groups · k²
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert np.abs(m.weight.detach().numpy()).max() <= bound


def test_modules_are_exported() -> None:
    for name in ["GroupNorm", "RMSNorm", "InstanceNorm1d", "InstanceNorm2d", "Upsample", "PixelShuffle",
                 "PixelUnshuffle", "ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d", "Bilinear",
                 "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AvgPool1d", "MaxPool1d", "ConvTranspose1d",
                 "ConvTranspose2d", "Fold", "Unfold", "AdaptiveAvgPool1d"]:
        assert hasattr(cnn, name), name
    for name in ["layer_norm", "batch_norm", "group_norm", "instance_norm", "rms_norm", "embedding", "conv1d",
                 "conv_transpose1d", "conv_transpose2d", "interpolate", "pixel_shuffle", "unfold", "fold",
                 "bilinear", "max_pool1d", "avg_pool1d", "adaptive_max_pool2d"]:
        assert callable(getattr(CF, name)), name


def test_interpolate_5d_and_fold_grad_fn() -> None:
    check(lambda L, x: F(L).interpolate(x, scale_factor=(2, 1, 1.5)), [rand(1, 2, 2, 3, 4)])
    check(lambda L, x: F(L).interpolate(x, size=(3, 4, 5), mode="trilinear"), [rand(1, 2, 2, 3, 4)])
    torch = require_torch()
    c = cr.tensor(rand(1, 8, 12), requires_grad=True)
    t = torch.tensor(rand(1, 8, 12), requires_grad=True)
    assert CF.fold(c, (4, 5), 2).grad_fn.name() == F(torch).fold(t, (4, 5), 2).grad_fn.name()
    assert repr(cnn.Upsample(scale_factor=(2, 3))) == repr(torch.nn.Upsample(scale_factor=(2, 3)))


@pytest.mark.parametrize("shape", [(1, 2, 3), (1, 2, 3, 4), (1, 1, 2, 3, 4)])
def test_interpolate_empty_output_error(shape: tuple[int, ...]) -> None:
    raises_like(lambda L: F(L).interpolate(L.zeros(*shape), scale_factor=0.3))
