"""Layers computed as composites show PyTorch's grad_fn name on their output, with PyTorch's values and
first and second derivatives (float64, live torch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr

torch = require_torch()

R = np.random.default_rng(0)


def _arr(*shape: int) -> np.ndarray:
    return R.standard_normal(shape)


def _cases() -> dict[str, tuple[list[Any], Callable[[Any, Any, list[Any]], Any]]]:
    """name → (arrays: float arrays become float64 inputs that require grad, others constants; fn(lib, F, ts))."""
    idx = np.array([[0, 2], [1, 1]])
    mask = np.array([True, False, True, False])
    c: dict[str, tuple[list[Any], Callable[[Any, Any, list[Any]], Any]]] = {
        "conv1d": ([_arr(2, 3, 5), _arr(4, 3, 2), _arr(4)], lambda L, F, t: F.conv1d(t[0], t[1], t[2], padding=1)),
        "conv1d_unbatched": ([_arr(3, 5), _arr(4, 3, 2)], lambda L, F, t: F.conv1d(t[0], t[1])),
        "conv2d": ([_arr(2, 3, 5, 5), _arr(4, 3, 2, 2), _arr(4)], lambda L, F, t: F.conv2d(t[0], t[1], t[2], stride=2)),
        "conv2d_unbatched": ([_arr(3, 4, 4), _arr(2, 3, 3, 3)], lambda L, F, t: F.conv2d(t[0], t[1], padding="same")),
        "conv_transpose1d": ([_arr(2, 3, 4), _arr(3, 2, 2), _arr(2)],
                             lambda L, F, t: F.conv_transpose1d(t[0], t[1], t[2], stride=2)),
        "conv_transpose2d": ([_arr(2, 3, 3, 3), _arr(3, 2, 2, 2)], lambda L, F, t: F.conv_transpose2d(t[0], t[1])),
        "conv_transpose2d_unbatched": ([_arr(3, 3, 3), _arr(3, 2, 2, 2)],
                                       lambda L, F, t: F.conv_transpose2d(t[0], t[1], padding=1)),
        "layer_norm": ([_arr(2, 3, 4)], lambda L, F, t: F.layer_norm(t[0], (4,))),
        "layer_norm_affine": ([_arr(2, 3, 4), _arr(3, 4), _arr(3, 4)],
                              lambda L, F, t: F.layer_norm(t[0], (3, 4), t[1], t[2])),
        "batch_norm_train": ([_arr(5, 3), _arr(3), _arr(3)],
                             lambda L, F, t: F.batch_norm(t[0], None, None, t[1], t[2], training=True)),
        "batch_norm_train_4d": ([_arr(3, 2, 2, 2)], lambda L, F, t: F.batch_norm(t[0], None, None, training=True)),
        "batch_norm_eval": ([_arr(4, 3, 2), np.zeros(3) + 0.1, np.ones(3) * 1.5, _arr(3), _arr(3)],
                            lambda L, F, t: F.batch_norm(t[0], t[1], t[2], t[3], t[4], training=False)),
        "group_norm": ([_arr(2, 4, 3), _arr(4), _arr(4)], lambda L, F, t: F.group_norm(t[0], 2, t[1], t[2])),
        "embedding": ([idx, _arr(3, 4)], lambda L, F, t: F.embedding(t[0], t[1])),
        "embedding_padding_idx": ([idx, _arr(3, 4)], lambda L, F, t: F.embedding(t[0], t[1], padding_idx=1)),
        "max_pool2d": ([_arr(2, 3, 4, 4)], lambda L, F, t: F.max_pool2d(t[0], 2)),
        "max_pool2d_unbatched": ([_arr(3, 5, 5)], lambda L, F, t: F.max_pool2d(t[0], 3, 2, 1)),
        "avg_pool2d": ([_arr(2, 3, 4, 4)], lambda L, F, t: F.avg_pool2d(t[0], 2)),
        "avg_pool2d_unbatched": ([_arr(3, 4, 4)], lambda L, F, t: F.avg_pool2d(t[0], 3, 1, 1, count_include_pad=False)),
        "adaptive_avg_pool2d_1": ([_arr(2, 3, 4, 4)], lambda L, F, t: F.adaptive_avg_pool2d(t[0], 1)),
        "adaptive_avg_pool2d_1_unbatched": ([_arr(3, 4, 4)], lambda L, F, t: F.adaptive_avg_pool2d(t[0], (1, 1))),
        "adaptive_avg_pool2d_2": ([_arr(2, 3, 5, 4)], lambda L, F, t: F.adaptive_avg_pool2d(t[0], 2)),
        "adaptive_avg_pool2d_unbatched": ([_arr(3, 6, 6)], lambda L, F, t: F.adaptive_avg_pool2d(t[0], (3, 2))),
        "l1_loss_mean": ([_arr(4), _arr(4)], lambda L, F, t: F.l1_loss(t[0], t[1])),
        "l1_loss_sum": ([_arr(4), _arr(4)], lambda L, F, t: F.l1_loss(t[0], t[1], reduction="sum")),
        "l1_loss_none": ([_arr(4), _arr(4)], lambda L, F, t: F.l1_loss(t[0], t[1], reduction="none")),
        "masked_fill_scalar": ([_arr(4), mask], lambda L, F, t: t[0].masked_fill(t[1], 0.5)),
        "masked_fill_tensor": ([_arr(4), mask, _arr()], lambda L, F, t: L.masked_fill(t[0], t[1], t[2])),
        "masked_fill_inplace": ([_arr(4), mask], lambda L, F, t: (t[0] * 1).masked_fill_(t[1], -1.0)),
    }
    return c


CASES = _cases()


def _inputs(lib: Any, arrays: list[Any], grad_idx: set[int]) -> list[Any]:
    return [lib.tensor(a, requires_grad=i in grad_idx) for i, a in enumerate(arrays)]


@pytest.mark.parametrize("name", list(CASES))
def test_name_values_and_derivatives(name: str) -> None:
    arrays, fn = CASES[name]
    # the running statistics of batch_norm_eval stay constants
    constants = {1, 2} if name == "batch_norm_eval" else set()
    grad_idx = {i for i, a in enumerate(arrays) if a.dtype.kind == "f"} - constants
    outs = []
    for lib in (torch, cr):
        ts = _inputs(lib, arrays, grad_idx)
        out = fn(lib, lib.nn.functional, ts)
        wanted = [ts[i] for i in sorted(grad_idx)]
        g = lib.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)) + 0.3)
        firsts = lib.autograd.grad(out, wanted, g, create_graph=True)
        # second order: d/dinputs Σ (first derivatives)², which involves the second derivative
        s = sum((f * f).sum() for f in firsts if f is not None)
        seconds = lib.autograd.grad(s, wanted, allow_unused=True) if s.requires_grad else [None] * len(wanted)
        outs.append((out.grad_fn.name(), out, firsts, seconds))
    (tn, to, tf, ts2), (cn, co, cf, cs2) = outs
    assert cn == tn
    np.testing.assert_allclose(co.detach().numpy(), to.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(cf, tf, strict=True):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-11)
    for a, b in zip(cs2, ts2, strict=True):
        if b is None:
            assert a is None or not np.any(a.detach().numpy())
        else:
            ref = b.detach().numpy(force=True)  # torch may give a ZeroTensor (l1_loss)
            got = np.zeros_like(ref) if a is None else a.detach().numpy()
            np.testing.assert_allclose(got, ref, rtol=1e-8, atol=1e-10)


def test_modules_show_pytorch_names() -> None:
    x4, x3 = _arr(2, 3, 5, 5), _arr(2, 3, 5)
    mods = [
        (lambda nn: nn.Conv2d(3, 4, 2, dtype=torch_dtype(nn)), x4),
        (lambda nn: nn.Conv2d(3, 4, 2, dtype=torch_dtype(nn)), x4[0]),
        (lambda nn: nn.Conv1d(3, 4, 2, dtype=torch_dtype(nn)), x3),
        (lambda nn: nn.Conv1d(3, 4, 2, dtype=torch_dtype(nn)), x3[0]),
        (lambda nn: nn.ConvTranspose2d(3, 4, 2, dtype=torch_dtype(nn)), x4),
        (lambda nn: nn.ConvTranspose1d(3, 4, 2, dtype=torch_dtype(nn)), x3),
        (lambda nn: nn.LayerNorm(5, dtype=torch_dtype(nn)), x3),
        (lambda nn: nn.BatchNorm1d(3, dtype=torch_dtype(nn)), x3),
        (lambda nn: nn.BatchNorm2d(3, dtype=torch_dtype(nn)), x4),
        (lambda nn: nn.BatchNorm2d(3, dtype=torch_dtype(nn)).eval(), x4),
        (lambda nn: nn.MaxPool2d(2), x4),
        (lambda nn: nn.AvgPool2d(2), x4),
        (lambda nn: nn.AdaptiveAvgPool2d((1, 1)), x4),
        (lambda nn: nn.AdaptiveAvgPool2d(2), x4),
    ]
    for make, x in mods:
        names = [make(lib.nn)(lib.tensor(x, requires_grad=True)).grad_fn.name() for lib in (torch, cr)]
        assert names[1] == names[0]
    for lib in (torch, cr):
        emb = lib.nn.Embedding(4, 3)(lib.tensor([[0, 3]]))
        assert emb.grad_fn.name() == "EmbeddingBackward0"
        assert lib.nn.L1Loss()(lib.randn(3, requires_grad=True), lib.randn(3)).grad_fn.name() == "MeanBackward0"


def torch_dtype(nn: Any) -> Any:
    return (torch if nn is torch.nn else cr).float64


def test_class_name_matches_and_no_grad_is_untouched() -> None:
    x = cr.randn(2, 3, 4, 4, requires_grad=True)
    out = cr.nn.functional.conv2d(x, cr.randn(2, 3, 3, 3))
    assert type(out.grad_fn).__name__ == out.grad_fn.name() == "ConvolutionBackward0"
    assert str(out).endswith("grad_fn=<ConvolutionBackward0>)")
    # the renamed class is shared between calls, and plain ops keep their own names
    again = cr.nn.functional.conv2d(x, cr.randn(2, 3, 3, 3))
    assert type(again.grad_fn) is type(out.grad_fn)
    assert (x + 1).grad_fn.name() == "AddBackward0"
    with cr.no_grad():
        assert cr.nn.functional.conv2d(x, cr.randn(2, 3, 3, 3)).grad_fn is None
    assert cr.nn.functional.layer_norm(cr.randn(2, 4), (4,)).grad_fn is None
