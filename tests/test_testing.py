"""chainrule.testing.assert_close: the same verdicts and messages as PyTorch's, case by case."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr


def _cases(L):  # (actual, expected, kwargs), built the same way with either library
    nan = float("nan")
    return [
        (L.tensor([1.0, 2.0, 3.0]), L.tensor([1.0, 2.5, 3.1]), {}),
        (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0], dtype=L.float64), {}),
        (L.ones(2), L.ones(3), {}),
        (L.tensor([1, 2]), L.tensor([1, 3]), {}),
        (L.tensor([nan]), L.tensor([nan]), {}),
        (L.tensor([nan]), L.tensor([nan]), {"equal_nan": True}),
        (L.tensor(1.0), 1.0, {}),
        (L.tensor([1.0, 2.0]), [1.0, 2.0], {}),
        ([1.0, 2.0], [1.0, 2.0001], {}),
        (L.tensor(1.0), L.tensor(1.1), {}),
        (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0], dtype=L.float64), {"check_dtype": False}),
        (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.5], dtype=L.float64), {"check_dtype": False}),
        (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.1]), {"rtol": 0.1, "atol": 0}),
        (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.1]), {"rtol": 0.1}),
        (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.1]), {"msg": "custom"}),
        (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.1]), {"msg": lambda m: "X" + m[:6]}),
        (L.ones(2, requires_grad=True), L.ones(2), {}),
        ({"a": L.ones(1)}, {"a": L.zeros(1)}, {}),
        ([L.ones(1), L.ones(2)], [L.ones(1), L.zeros(2)], {}),
        (L.ones(2, 2), L.zeros(2, 2), {}),
        (L.tensor([0.0, 1.0]), L.tensor([0.0, 2.0]), {}),
        (L.tensor([1.0, 3.0]), L.tensor([1.0, nan]), {}),
        (L.tensor([nan, 3.0]), L.tensor([nan, 4.0]), {"equal_nan": True}),
        (1, 2, {}), (1, 1.0, {}), (True, False, {}), ([1.0, 2.0], [1.0, 2.0, 3.0], {}), ({"a": 1}, {"b": 1}, {}),
        ((1, 2), [1, 2], {}),
        (np.array([1.0, 2.0]), np.array([1.0, 2.1]), {}),
        (L.tensor([1, 2]), L.tensor([1.0, 2.0]), {}),
        (L.ones(2, 2), L.ones(2, 2).t(), {}),
        (L.tensor(1.0), L.tensor(1.1), {"atol": 0.2, "rtol": 0}),
        (L.tensor([1e-9]), L.tensor([0.0]), {}),
        (L.tensor([True, False]), L.tensor([True, True]), {}),
        (L.tensor([1, 2], dtype=L.int32), L.tensor([1, 5], dtype=L.int32), {}),
        (L.tensor([1.0, 2.0], dtype=L.float16), L.tensor([1.0, 2.01], dtype=L.float16), {}),
    ]


def _verdict(lib, a, b, kwargs):
    try:
        lib.testing.assert_close(a, b, **kwargs)
    except Exception as e:  # the type and the whole message must match
        return type(e).__name__, str(e)
    return "ok"


@pytest.mark.parametrize("i", range(len(_cases(cr))))
def test_assert_close_matches_pytorch(i: int) -> None:
    torch = require_torch()
    ours = _verdict(cr, *_cases(cr)[i])
    theirs = _verdict(torch, *_cases(torch)[i])
    assert ours == theirs


def test_assert_allclose_is_lenient_about_dtype_and_nan() -> None:
    cr.testing.assert_allclose(cr.tensor([1.0, float("nan")]), [1.0, float("nan")])
    with pytest.raises(AssertionError):
        cr.testing.assert_allclose(cr.tensor([1.0]), [1.1])


def test_dtype_queries_match_pytorch() -> None:
    torch = require_torch()
    pairs = [("int32", "float32"), ("uint8", "int8"), ("bool", "int64"), ("float16", "int64"), ("float64", "float32"),
             ("int64", "bool"), ("float32", "int32")]
    for a, b in pairs:
        assert str(cr.promote_types(getattr(cr, a), getattr(cr, b))) == str(
            torch.promote_types(getattr(torch, a), getattr(torch, b)))
        assert cr.can_cast(getattr(cr, a), getattr(cr, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))
    for build in (lambda L: (L.tensor([1]), 1.0), lambda L: (L.tensor([1], dtype=L.int32), L.tensor(1.0)),
                  lambda L: (2, 3.0), lambda L: (L.tensor([1.0], dtype=L.float16), 2), lambda L: (True, 1)):
        assert str(cr.result_type(*build(cr))) == str(torch.result_type(*build(torch)))
    assert cr.typename(cr.ones(1)) == torch.typename(torch.ones(1)) == "torch.FloatTensor"
    assert cr.typename(cr.nn.Linear(1, 1)) == torch.typename(torch.nn.Linear(1, 1))
    assert cr.typename(3) == torch.typename(3)


def test_compatibility_shims() -> None:
    assert cr.jit.script(lambda x: x + 1)(cr.ones(1)).item() == 2.0
    assert cr.jit.trace(cr.nn.Linear(2, 1), cr.ones(1, 2)) is not None and not cr.jit.is_scripting()
    cr.set_float32_matmul_precision("high")
    assert cr.get_float32_matmul_precision() == "high"
    cr.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
        cr.ones(2).pin_memory()
    assert not cr.ones(2).is_pinned()
    with pytest.raises(NotImplementedError, match="state dict"):
        cr.jit.save(cr.nn.Linear(1, 1), "x.pt")
