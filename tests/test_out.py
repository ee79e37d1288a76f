"""``out=``: written into the given tensor and returned, with PyTorch's resize, dtype and autograd rules."""

from __future__ import annotations

import warnings

import pytest
from oracle import require_torch

import chainrule as cr


def _run(lib):
    t = lib.ones(2, 2)
    res = []
    o = lib.zeros(2, 2)
    r = lib.add(t, 1, out=o)
    res.append((r is o, o.tolist()))
    y3 = lib.empty(2, 2)
    lib.matmul(t, t.T, out=y3)
    res.append(y3.tolist())
    z = lib.empty(0)
    lib.mul(t, t * 3, out=z)
    res.append(z.tolist())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = lib.empty(3)
        lib.sub(t, 1, out=w)
    res.append((w.shape == (2, 2), len(caught), str(caught[0].message)[:60] if caught else None))
    v, i = lib.empty(0), lib.empty(0, dtype=lib.int64)
    lib.sort(lib.tensor([3.0, 1.0, 2.0]), out=(v, i))
    res.append((v.tolist(), i.tolist()))
    s = lib.empty(0)
    lib.sum(lib.ones(2, 3), 1, out=s)
    res.append(s.tolist())
    c = lib.empty(0)
    lib.cat([t, t], 0, out=c)
    res.append(c.shape == (4, 2))
    for bad in (lambda: lib.add(t, 1.5, out=lib.zeros(2, 2, dtype=lib.int64)),
                lambda: lib.add(lib.ones(2, requires_grad=True), 1, out=lib.zeros(2))):
        with pytest.raises(RuntimeError) as info:
            bad()
        res.append(str(info.value))
    with lib.no_grad():
        g = lib.zeros(2)
        lib.add(lib.ones(2, requires_grad=True), 1, out=g)
        res.append(g.tolist())
    return res


def test_out_matches_pytorch() -> None:
    torch = require_torch()
    assert _run(cr) == _run(torch)


def test_linalg_out() -> None:
    o = cr.empty(2)
    r = cr.linalg.vector_norm(cr.ones(2, 3), dim=1, out=o)
    assert r is o and o.tolist() == pytest.approx([3**0.5] * 2)
