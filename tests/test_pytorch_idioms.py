"""PyTorch idioms from course and tutorial code (d2l.ai, the 60-minute blitz, pytorch/examples), each run on
chainrule and on PyTorch: the same value, dtype and shape, or the same exception type and message."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from oracle import needs_torch, require_torch

import chainrule as cr

pytestmark = needs_torch

IDIOMS = {
    # NumPy's keyword names, which PyTorch's argument parser accepts
    "sum axis": "A = L.arange(20.).reshape(5, 4); r = A.sum(axis=0)",
    "sum axis keepdims": "A = L.arange(20.).reshape(5, 4); r = A.sum(axis=1, keepdims=True)",
    "mean axis": "A = L.arange(20.).reshape(5, 4); r = A.mean(axis=0)",
    "max axis": "A = L.arange(20.).reshape(5, 4); r = A.max(axis=0).values",
    "argmax axis": "A = L.arange(20.).reshape(5, 4); r = A.argmax(axis=1)",
    "cumsum axis": "A = L.arange(20.).reshape(5, 4); r = A.cumsum(axis=0)",
    "std axis": "A = L.arange(20.).reshape(5, 4); r = A.std(axis=0)",
    "softmax axis": "A = L.arange(20.).reshape(5, 4); r = L.softmax(A, axis=1)",
    "unsqueeze axis": "A = L.arange(20.).reshape(5, 4); r = A.unsqueeze(axis=0)",
    "stack axis": "A = L.arange(20.).reshape(5, 4); r = L.stack([A, A], axis=1)",
    # size= and other keywords
    "zeros size=": "r = L.zeros(size=(2, 3))",
    "randn size=() requires_grad": "r = L.randn(size=(), requires_grad=True).shape",
    "randint size=": "r = L.randint(3, size=(2,)).shape",
    "randint high= size=": "r = L.randint(high=10, size=(3,)).shape",
    "arange end=": "r = L.arange(end=3)",
    # views and contiguity
    "view of a transpose": "x = L.arange(6.).reshape(2, 3); r = x.t().view(-1)",
    "contiguous makes contiguous": "x = L.arange(6.).reshape(2, 3); r = x.t().contiguous().is_contiguous()",
    "view after contiguous": "x = L.arange(6.).reshape(2, 3); r = x.t().contiguous().view(-1)",
    "clone keeps the layout": "x = L.arange(6.).reshape(2, 3); r = x.t().clone().is_contiguous()",
    "view of a compatible slice": "x = L.arange(24.).reshape(2, 3, 4); r = x[:, :, :2].view(2, 3, 2)",
    "view of an incompatible slice": "x = L.arange(24.).reshape(2, 3, 4); r = x[:, :2].view(-1)",
    # comparisons with non-tensors
    "== None": "r = L.ones(2) == None",
    "!= None": "r = L.ones(2) != None",
    "== list": "r = L.ones(2) == [1, 1]",
    # augmented assignment writes in place
    "**= aliases": "a = L.tensor([2., 3.]); b = a; b **= 2; r = a",
    "**= through a view": "x = L.ones(3); v = x[1:]; v **= 2; r = x",
    "**= on a leaf": "w = L.ones(2, requires_grad=True); w **= 2; r = w",
    "//=": "a = L.tensor([5, 7]); b = a; b //= 2; r = a",
    "%=": "a = L.tensor([5, 7]); b = a; b %= 3; r = a",
    "&=": "m = L.tensor([True, False]); n = m; n &= L.tensor([True, True]); r = m",
    "**= recorded": "x = L.ones(2, requires_grad=True); y = x * 2; y **= 2; y.sum().backward(); r = x.grad",
    # grad-mode decorators without parentheses
    "@no_grad": "f = L.no_grad(lambda x: x * 2); r = f(L.ones(1, requires_grad=True)).requires_grad",
    "@inference_mode": "f = L.inference_mode(lambda x: x * 2); r = f(L.ones(1, requires_grad=True))",
    "@enable_grad": "f = L.enable_grad(lambda x: x * 2); r = f(L.ones(1, requires_grad=True)).requires_grad",
    # a second backward through a node that saved an index or mask raises (nothing saved: allowed)
    **{f"backward twice: {expr}": ("x = L.tensor([1., 2.], requires_grad=True)\ny = " + expr +
                                   "\ny.backward()\ny.backward()\nr = x.grad")
       for expr in ("x[[0, 1]].sum()", "L.where(x > 1, x, x * 2).sum()", "x.max(0).values.sum()",
                    "x.gather(0, L.tensor([1, 0])).sum()", "x.masked_fill(x > 1, 0.).sum()", "x[0:1].sum()",
                    "x[0] * 1", "(x * 2).sum()")},
    # tensor() of element tensors (a list of losses) and of a range
    "tensor of 1-element tensors": "r = L.tensor([L.tensor([1.]), L.tensor([2.])])",
    "tensor of 0-d tensors and a float": "r = L.tensor([L.tensor(1., dtype=L.float64), 2.])",
    "tensor of longer tensors": "r = L.tensor([L.tensor([1., 2.]), L.tensor([3., 4.])])",
    "tensor of a range": "r = L.tensor(range(3))",
    # grids and tiles (decision-boundary plots)
    "meshgrid xy": "gx, gy = L.meshgrid(L.tensor([1., 2.]), L.tensor([3., 4., 5.]), indexing='xy'); r = gx * 10 + gy",
    "meshgrid default ij": "gx, gy = L.meshgrid(L.arange(2), L.arange(3)); r = gx * 10 + gy",
    "tile": "r = L.tile(L.tensor([1, 2]), (2, 2))",
    "relu_": "x = L.tensor([-1., 2.]); L.relu_(x); L.nn.functional.relu_(x); r = x",
    # integer division by zero, negative steps, cumsum accuracy
    "int // 0": "r = L.tensor([1, 2]) // 0",
    "int % 0": "r = L.tensor([1, 2]) % 0",
    "float // 0": "r = L.tensor([1., 2.]) // 0",
    "div floor by 0": "r = L.div(L.tensor([5, 7]), 0, rounding_mode='floor')",
    "negative step": "r = L.arange(5)[::-1]",
    "cumsum float32 accumulates in double": "r = L.full((10000,), 0.1).cumsum(0)[-1:]",
    "cumsum float16": "r = L.ones(3000, dtype=L.float16).cumsum(0)[-1:]",
    # integers mixed with index arrays: PyTorch selects the integers first (NumPy would reorder dims)
    **{f"mixed index: {expr}": "x = L.arange(24.).reshape(2, 3, 4).requires_grad_()\n" + expr
       for expr in ("r = x[0, :, [1, 2]]", "r = x[:, 0, [1, 2]]", "r = x[0, None, :, [1, 2]]",
                    "r = x[0, :, L.tensor([True, False, True, False])]", "r = x[0, :, [[1, 2], [0, 3]]]",
                    "y = x[0, :, [1, 1]]\n(y * L.arange(6.).reshape(3, 2)).sum().backward()\nr = x.grad",
                    "z = L.zeros(2, 3, 4)\nz[0, :, [1, 2]] = L.arange(6.).reshape(3, 2)\nr = z",
                    "v = L.ones(3, 2, requires_grad=True)\nz = L.zeros(2, 3, 4)\nz[0, :, [1, 2]] = v\n"
                    "(z * L.arange(24.).reshape(2, 3, 4)).sum().backward()\nr = v.grad")},
    # a second derivative by two backward calls, then zero_ (a grad with history stays one)
    "backward(create_graph) then grad.backward": "x = L.tensor(2., requires_grad=True)\n(x ** 3).backward("
                                                 "create_graph=True)\nx.grad.backward()\n"
                                                 "r = (x.grad.requires_grad, float(x.grad), float(x.grad.zero_()))",
    # small names
    "0-d index": "r = L.tensor(2.)[0]",
    "finfo eps": "r = L.finfo(L.float32).eps",
    "finfo default": "r = L.finfo().tiny",
    "finfo repr": "r = repr(L.finfo(L.float32))",
    "finfo of int": "r = L.finfo(L.int32)",
    "iinfo": "r = (L.iinfo(L.int64).max, repr(L.iinfo(L.int32)))",
    "constants": "r = (L.pi, L.e, L.inf)",
    "get_device": "r = (L.ones(1).get_device(), L.ones(1).is_cpu)",
    "detect_anomaly": "x = L.tensor([-1., 1.], requires_grad=True)\nwith L.autograd.detect_anomaly():\n"
                      "    x.sqrt().sum().backward()\nr = x.grad",
    "set_detect_anomaly off": "x = L.tensor([-1., 1.], requires_grad=True)\n"
                              "with L.autograd.set_detect_anomaly(False):\n    x.sqrt().sum().backward()\nr = x.grad",
}


def _run(lib: object, code: str) -> object:
    ns: dict[str, object] = {"L": lib}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, ns)
    except Exception as e:  # noqa: BLE001 - the exception itself is what is compared
        return (type(e).__name__, str(e).split("\n")[0])
    r = ns["r"]
    if hasattr(r, "detach"):
        r = r.detach()
        return (str(r.dtype), tuple(r.shape), np.asarray(r.numpy()).tolist())
    return repr(r)


@pytest.mark.parametrize("idiom", list(IDIOMS))
def test_idiom_matches_pytorch(idiom: str) -> None:
    torch = require_torch()
    expected = _run(torch, IDIOMS[idiom])
    got = _run(cr, IDIOMS[idiom])
    if isinstance(expected, tuple) and len(expected) == 3 and expected[0].startswith("torch."):
        assert got[:2] == expected[:2]
        np.testing.assert_allclose(np.asarray(got[2], dtype=float), np.asarray(expected[2], dtype=float),
                                   rtol=1e-6, equal_nan=True)
    else:
        assert got == expected


@pytest.mark.parametrize("equation, shapes", [("ii", [(3, 3)]), ("ii->i", [(3, 3)]), ("iij->j", [(3, 3, 2)]),
                                              ("ba", [(2, 3)]), ("i,j->ij", [(3,), (4,)]),
                                              ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)])])
def test_einsum_values_and_gradients_match_pytorch(equation: str, shapes: list) -> None:
    """Diagonals (repeated subscripts), implicit outputs, outer products, attention scores."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    results = []
    for L in (torch, cr):
        ts = [L.tensor(a, requires_grad=True) for a in arrays]
        out = L.einsum(equation, *ts)
        (out * L.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)))).sum().backward()
        results.append([out.detach().numpy()] + [t.grad.numpy() for t in ts])
    for got, want in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)



@pytest.mark.parametrize("expr, shapes", [
    ("F.cosine_similarity(A, B)", [(4, 5), (4, 5)]), ("F.cosine_similarity(A, B, dim=-1)", [(3, 4, 5), (1, 5)]),
    ("F.cosine_similarity(A, B * 0)", [(2, 3), (2, 3)]), ("F.pairwise_distance(A, B)", [(4, 5), (4, 5)]),
    ("F.pairwise_distance(A, B, p=1, keepdim=True)", [(4, 5), (4, 5)]), ("L.nn.CosineSimilarity(dim=0)(A, B)",
                                                                          [(4, 5), (4, 5)]),
    ("L.nn.PairwiseDistance(p=3)(A, B)", [(4, 5), (4, 5)]),
])
def test_similarity_and_distance_match_pytorch(expr: str, shapes: list) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    results = []
    for L in (torch, cr):
        A, B = (L.tensor(a, requires_grad=True) for a in arrays)
        out = eval(expr, {"F": L.nn.functional, "L": L, "A": A, "B": B})
        (out * L.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)))).sum().backward()
        results.append([out.detach().numpy(), A.grad.numpy()] + ([B.grad.numpy()] if B.grad is not None else []))
    assert len(results[0]) == len(results[1])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9)
    assert repr(eval("L.nn.CosineSimilarity()", {"L": cr})) == repr(torch.nn.CosineSimilarity())
