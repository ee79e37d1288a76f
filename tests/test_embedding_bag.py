"""nn.EmbeddingBag / F.embedding_bag against PyTorch: every mode, offsets or 2-D bags, empty bags,
per-sample weights, include_last_offset, padding_idx; outputs, weight gradients, repr and grad_fn name."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr

W = np.random.default_rng(0).standard_normal((10, 3))
CASES = [
    ("mean", [1, 2, 4, 5, 4, 3, 2, 9], [0, 4], None, {}),
    ("sum", [1, 2, 3], [0, 1, 1], None, {}),
    ("max", [1, 2, 4, 5, 4, 3, 2, 9], [0, 4, 4], None, {}),
    ("mean", [[1, 2], [3, 3]], None, None, {}),
    ("sum", [1, 2, 4, 5], [0, 2], [0.5, 1.0, 2.0, -1.0], {}),
    ("mean", [1, 2, 4, 5, 4], [0, 2, 5], None, {"include_last_offset": True}),
    ("sum", [1, 0, 4, 0], [0, 2], None, {"padding_idx": 0}),
]


def _run(lib, mode, inp, off, psw, kw):
    e = lib.nn.EmbeddingBag(10, 3, mode=mode, **kw).double()
    with lib.no_grad():
        e.weight.copy_(lib.from_numpy(W.copy()))
    args = [lib.tensor(inp)] + ([lib.tensor(off)] if off is not None else [])
    kwargs = {} if psw is None else {"per_sample_weights": lib.tensor(psw, dtype=lib.float64)}
    y = e(*args, **kwargs)
    (y**2).sum().backward()
    return y.detach().numpy(), e.weight.grad.numpy(), repr(e), y.grad_fn.name()


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_embedding_bag_matches_pytorch(case) -> None:
    torch = require_torch()
    ours, theirs = _run(cr, *case), _run(torch, *case)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    assert ours[2:] == theirs[2:]


def test_embedding_bag_errors() -> None:
    e = cr.nn.EmbeddingBag(10, 3)
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        e(cr.tensor([1, 2]))
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        cr.nn.functional.embedding_bag(cr.tensor([[1]]), e.weight, mode="median")
