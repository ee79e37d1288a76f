"""OpInfo conformance: every entry of ``opinfo.OPS`` against live PyTorch, in float32 and float64.

Per entry and dtype: forward values/dtype/shape; first derivatives (``autograd.grad``
with a random ``grad_outputs``); second derivatives (the gradient of ``Σ grad·v``
built with ``create_graph=True``); then float64 ``gradcheck`` / ``gradgradcheck``
on the smooth samples. Binary ops also run on Hypothesis-drawn broadcastable shapes.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes
from opinfo import OPS, Const, OpInfo, Sample
from oracle import require_torch, tol

import chainrule as cr
import chainrule.functional as crf

# any NumPy floating-point warning is a chainrule bug here (PyTorch gives inf/nan silently); numpy's own
# module gets the blame for some (e.g. in np.sum), which the pyproject filter on chainrule.* would miss
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

BY_NAME = {o.name: o for o in OPS}
DTYPES = (np.float32, np.float64)


# --- building the same call on both modules ---------------------------------------------------------------

def _float_arrays(args: Any) -> list[np.ndarray]:
    """The floating arrays of a sample in call order: these become the differentiable inputs."""
    out: list[np.ndarray] = []
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            out.append(a)
        elif isinstance(a, list) and a and isinstance(a[0], np.ndarray):
            out.extend(_float_arrays(a))
    return out


def _tensor(m: Any, a: np.ndarray, dtype: Any = None, rg: bool = False) -> Any:
    a = np.array(a if dtype is None else a.astype(dtype), copy=True)
    t = m.from_numpy(a)
    return t.requires_grad_(True) if rg else t


def _realize(m: Any, args: Any, leaves: Any, dtype: Any) -> list[Any]:
    out = []
    for a in args:
        if isinstance(a, np.ndarray):
            out.append(next(leaves) if a.dtype.kind == "f" else _tensor(m, a))
        elif isinstance(a, Const):
            out.append(_tensor(m, a.array, dtype))
        elif isinstance(a, list) and a and isinstance(a[0], np.ndarray):
            out.append(_realize(m, a, leaves, dtype))
        else:
            out.append(a)
    return out


def _outputs(out: Any, m: Any) -> list[Any]:
    if isinstance(out, m.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return list(out)
    return [out]  # a Python bool (equal, allclose)


def run(m: Any, info: OpInfo, sample: Sample, dtype: Any, rg: bool) -> tuple[list[Any], list[Any]]:
    leaves = [_tensor(m, a, dtype, rg) for a in _float_arrays(sample.args)]
    args = _realize(m, sample.args, iter(leaves), dtype)
    return leaves, _outputs(info.call(m, *args, **sample.kwargs), m)


def _np(x: Any) -> np.ndarray:
    if isinstance(x, cr.Tensor):
        return np.asarray(x.detach().numpy())
    return np.asarray(x.detach().numpy(force=True))  # torch may hand back a ZeroTensor


def _close(ours: Any, theirs: Any, dtype: Any, info: OpInfo, what: str, scale: float = 1.0) -> None:
    a, e = _np(ours), _np(theirs)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != torch {e.shape}"
    assert a.dtype == e.dtype, f"{what}: dtype {a.dtype} != torch {e.dtype}"
    if a.dtype.kind in "biu":
        np.testing.assert_array_equal(a, e, err_msg=what)
        return
    t = tol(dtype)
    if dtype == np.float32:
        t = {"rtol": info.rtol32 or t["rtol"], "atol": info.atol32 or t["atol"]}
    np.testing.assert_allclose(a, e, rtol=t["rtol"] * scale, atol=t["atol"] * scale, equal_nan=True, err_msg=what)


def _zeros_for(g: Any, x: Any, m: Any) -> Any:
    return m.zeros_like(x) if g is None else g


def _diff_outputs(outs: list[Any], m: Any) -> list[Any]:
    return [o for o in outs if isinstance(o, m.Tensor) and o.requires_grad]


# --- the per-sample oracle check --------------------------------------------------------------------------

def check_sample(info: OpInfo, sample: Sample, dtype: Any) -> None:
    torch = require_torch()
    rg = info.grad
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # chainrule must not leak NumPy warnings
        x_cr, out_cr = run(cr, info, sample, dtype, rg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's "degrees of freedom is <= 0" and the like
        x_t, out_t = run(torch, info, sample, dtype, rg)
    where = f"{info.name} {sample!r} {np.dtype(dtype).name}"
    assert len(out_cr) == len(out_t), f"{where}: {len(out_cr)} outputs, torch has {len(out_t)}"
    for i, (a, e) in enumerate(zip(out_cr, out_t)):
        if isinstance(e, torch.Tensor):
            assert isinstance(a, cr.Tensor), f"{where}: output {i} is {type(a).__name__}, not a Tensor"
            _close(a, e, dtype, info, f"{where}: forward output {i}")
        else:
            assert a == e and type(a) is type(e), f"{where}: output {i} {a!r} != torch {e!r}"
    if not rg or not x_t:
        return
    diff_t = _diff_outputs(out_t, torch)
    diff_cr = _diff_outputs(out_cr, cr)
    assert len(diff_cr) == len(diff_t), f"{where}: {len(diff_cr)} outputs require grad, torch has {len(diff_t)}"
    if not diff_t:
        return
    rng = np.random.default_rng(1)
    gos = [rng.standard_normal(tuple(o.shape)).astype(_np(o).dtype) for o in diff_t]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        g_cr = cr.autograd.grad(diff_cr, x_cr, [cr.from_numpy(g.copy()) for g in gos], create_graph=True,
                                allow_unused=True)
    g_t = torch.autograd.grad(diff_t, x_t, [torch.from_numpy(g.copy()) for g in gos], create_graph=True,
                              allow_unused=True)
    g_cr = [_zeros_for(g, x, cr) for g, x in zip(g_cr, x_cr)]
    g_t = [_zeros_for(g, x, torch) for g, x in zip(g_t, x_t)]
    for i, (a, e) in enumerate(zip(g_cr, g_t)):
        _close(a, e, dtype, info, f"{where}: d/d input {i}", scale=2)
    if min(sample.order, info.max_order) < 2:
        return
    vs = [rng.standard_normal(tuple(g.shape)).astype(dtype) for g in g_t]
    pairs_t = [(g * torch.from_numpy(v)).sum() for g, v in zip(g_t, vs) if g.requires_grad]
    pairs_cr = [(g * cr.from_numpy(v.copy())).sum() for g, v in zip(g_cr, vs) if g.requires_grad]
    if not pairs_t:  # the first derivative does not depend on the inputs (linear op): nothing to compare
        return
    # a first derivative that is not recorded is constant: its derivative is zero (PyTorch records some
    # such, e.g. relu's threshold_backward, and gives zeros)
    gg_cr = [None] * len(x_cr)
    if pairs_cr:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            gg_cr = cr.autograd.grad(sum(pairs_cr[1:], pairs_cr[0]), x_cr, allow_unused=True)
    gg_t = torch.autograd.grad(sum(pairs_t[1:], pairs_t[0]), x_t, allow_unused=True)
    for i, (a, e, x, xt) in enumerate(zip(gg_cr, gg_t, x_cr, x_t)):
        _close(_zeros_for(a, x, cr), _zeros_for(e, xt, torch), dtype, info, f"{where}: d²/d input {i}", scale=4)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("info", OPS, ids=[o.name for o in OPS])
def test_against_torch(info: OpInfo, dtype: Any) -> None:
    for sample in info.samples(np.random.default_rng(0)):
        check_sample(info, sample, dtype)


# --- finite differences (float64, smooth samples only) ----------------------------------------------------

GRADCHECKED = [o for o in OPS if o.grad]


@pytest.mark.parametrize("info", GRADCHECKED, ids=[o.name for o in GRADCHECKED])
def test_gradcheck(info: OpInfo) -> None:
    for sample in info.samples(np.random.default_rng(0)):
        floats = _float_arrays(sample.args)
        if not sample.fd or not floats or any(a.size == 0 for a in floats):
            continue  # a kink, an extreme value or an empty tensor: nothing for finite differences
        assert sum(a.size for a in floats) <= 60, f"{info.name}: keep gradcheck samples small"
        leaves = [_tensor(cr, a, np.float64, True) for a in floats]

        def f(*ls: Any, sample: Sample = sample) -> Any:
            out = info.call(cr, *_realize(cr, sample.args, iter(ls), np.float64), **sample.kwargs)
            outs = _outputs(out, cr)
            return tuple(o for o in outs if isinstance(o, cr.Tensor) and o.dtype == cr.float64)

        assert cr.autograd.gradcheck(f, tuple(leaves)), f"{info.name} {sample!r}"
        if info.gradgrad:
            assert cr.autograd.gradgradcheck(f, tuple(leaves)), f"{info.name} {sample!r} (second order)"


# --- Hypothesis: binary ops on drawn broadcastable shapes -------------------------------------------------

BROADCASTING = [o for o in OPS if o.broadcast is not None]


@pytest.mark.parametrize("info", BROADCASTING, ids=[o.name for o in BROADCASTING])
@given(data=st.data())
def test_broadcasting_shapes(info: OpInfo, data: Any) -> None:
    if info.signature:  # matmul: batch dims broadcast, core dims follow the signature (vectors included)
        shapes = data.draw(mutually_broadcastable_shapes(signature=info.signature, max_dims=2, min_side=0,
                                                         max_side=3), label="shapes")
    else:
        n_args = len(info.broadcast(np.random.default_rng(0), ((),) * 3).args)
        shapes = data.draw(mutually_broadcastable_shapes(num_shapes=n_args, max_dims=3, min_side=0, max_side=3),
                           label="shapes")
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    check_sample(info, info.broadcast(np.random.default_rng(seed), shapes.input_shapes), dtype)


# --- completeness: a new public op without an entry fails here --------------------------------------------

NO_GRAD = {  # not differentiable in PyTorch: values (and dtypes) are still checked through their entries
    "eq", "ne", "lt", "le", "gt", "ge", "isclose", "allclose", "equal", "logical_and", "logical_or",
    "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "isinf",
    "isfinite", "argmax", "argmin", "any", "all", "count_nonzero", "floor_divide", "argsort", "nonzero",
    "argwhere", "unique", "bincount", "histc", "searchsorted", "bucketize", "isin",
}


def test_every_public_op_has_an_entry() -> None:
    differentiable = {id(getattr(crf, n)) for o in OPS if o.grad for n in o.functions}
    values_only = {id(getattr(crf, n)) for o in OPS if not o.grad for n in o.functions}
    no_grad = {id(getattr(crf, n)) for n in NO_GRAD}  # aliases (greater = gt) are the same object
    missing = [n for n in crf.__all__ if id(getattr(crf, n)) not in differentiable
               and not (id(getattr(crf, n)) in no_grad and id(getattr(crf, n)) in values_only)]
    assert not missing, f"public ops without an OpInfo entry (add one to tests/opinfo.py): {missing}"
    stray = sorted(NO_GRAD - set(crf.__all__))
    assert not stray, f"NO_GRAD names that are not public: {stray}"


def test_api_math_list_is_covered() -> None:
    api = ("add sub mul div neg pow exp log log1p expm1 sqrt rsqrt abs sign sin cos tanh sigmoid relu clamp "
           "maximum minimum where matmul mm bmm sum mean var std prod max min amax amin argmax argmin logsumexp "
           "softmax log_softmax cat stack reshape flatten squeeze unsqueeze transpose t permute expand gather").split()
    covered = {n for o in OPS for n in o.functions}
    assert not [n for n in api if n not in covered]
    operators = {"__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__matmul__", "__neg__", "__eq__",
                 "__lt__", "__rpow__", "getitem.bool_mask", "setitem.int_lists"}
    assert operators <= set(BY_NAME)


def test_table_entries_resolve_on_both_modules() -> None:
    torch = require_torch()
    method_only_in_torch = {"expand", "repeat"}  # Tensor methods only in torch; chainrule also has functions
    for o in OPS:
        for n in o.functions:
            assert hasattr(crf, n), f"{o.name}: chainrule.{n}"
            assert hasattr(torch, n) or n in method_only_in_torch, f"{o.name}: torch.{n}"


# --- dtype promotion grid ---------------------------------------------------------------------------------

_PROMO_VALUES: dict[str, Any] = {
    "f32": lambda m: m.tensor([1.5, -2.0], dtype=m.float32), "f64": lambda m: m.tensor([1.5, -2.0], dtype=m.float64),
    "f16": lambda m: m.tensor([1.5, -2.0], dtype=m.float16),
    "i64": lambda m: m.tensor([3, -2], dtype=m.int64), "i32": lambda m: m.tensor([3, -2], dtype=m.int32),
    "bool": lambda m: m.tensor([True, False]), "f64_0d": lambda m: m.tensor(2.5, dtype=m.float64),
    "i64_0d": lambda m: m.tensor(3), "f32_0d": lambda m: m.tensor(2.5, dtype=m.float32),
    "bool_0d": lambda m: m.tensor(True), "py_float": lambda m: 2.5, "py_int": lambda m: 3, "py_bool": lambda m: True,
}
_PROMO_OPS = {"add": lambda m, a, b: m.add(a, b), "mul": lambda m, a, b: m.mul(a, b),
              "div": lambda m, a, b: m.div(a, b), "sub": lambda m, a, b: m.sub(a, b),
              "maximum": lambda m, a, b: m.maximum(a, b), "pow": lambda m, a, b: m.pow(a, b),
              "where": lambda m, a, b: m.where(m.tensor([True, False]), a, b), "eq": lambda m, a, b: m.eq(a, b)}
_PAIRS = [(a, b) for a in _PROMO_VALUES for b in _PROMO_VALUES if not (a.startswith("py") and b.startswith("py"))]


def _outcome(m: Any, op: str, a: str, b: str) -> Any:
    x, y = _PROMO_VALUES[a](m), _PROMO_VALUES[b](m)
    if not isinstance(x, m.Tensor) and op in ("maximum", "eq"):
        x, y = y, x
    if not isinstance(x, m.Tensor) and op == "maximum":
        return "skip"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return str(_PROMO_OPS[op](m, x, y).dtype).replace("torch.", "").replace("chainrule.", "")
    except Exception as exc:  # noqa: BLE001 - the exception type itself is what is compared
        return type(exc).__name__


@pytest.mark.parametrize("op", sorted(_PROMO_OPS))
def test_dtype_promotion_grid(op: str) -> None:
    torch = require_torch()
    wrong = []
    for a, b in _PAIRS:
        if op == "maximum" and (a.startswith("py") or b.startswith("py")):
            continue
        ours, theirs = _outcome(cr, op, a, b), _outcome(torch, op, a, b)
        if ours != theirs:
            wrong.append(f"{a} {op} {b}: {ours} (torch {theirs})")
    assert not wrong, "\n".join(wrong)


def test_promotion_keeps_float32_and_grads_follow_inputs() -> None:
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.5 + cr.tensor(1.0, dtype=cr.float64)) / cr.tensor([2, 3])
    assert y.dtype == cr.float32
    (g,) = cr.autograd.grad(y.sum(), x)
    assert g.dtype == cr.float32
    np.testing.assert_allclose(g.numpy(), [1.25, 2.5 / 3], rtol=1e-6)


# --- grad_fn names: PyTorch's node names, so printed graphs and `grad_fn.name()` checks carry over -------------

# entries whose last PyTorch node comes from a different decomposition (composites, views, multi-output
# nodes); the values and derivatives of these are still checked above
GRAD_FN_NAME_DIFFERS = {
    "div.rscalar": "c / x is reciprocal·c in PyTorch (MulBackward0)",
    "__rtruediv__": "c / x is reciprocal·c in PyTorch (MulBackward0)",
    "matmul": "batched/vector products end in view nodes (UnsafeViewBackward0, SqueezeBackward4, MvBackward0)",
    **{name: "composite here (cat of narrowed pieces, index_select, sort then narrow); one node in PyTorch"
       for name in ("roll", "repeat_interleave")},
    **{name: "PyTorch's einsum is a composite of bmm/permute/view: its last node is a view (one EinsumBackward0 here)"
       for name in ("einsum", "einsum.batched", "einsum.implicit_broadcast", "einsum.sum_one_operand")},
    **{name: "a composite ending in a reshape (ViewBackward0); PyTorch's ends in SqueezeBackward4"
       for name in ("quantile", "nanquantile")},
    **{name: "multiplying or dividing by a Python scalar records MulBackward0/DivBackward0 (PyTorch: ...Backward1)"
       for name in ("trapezoid", "trapz", "cumulative_trapezoid")},
    "cdist.mm": "one CdistBackward0 here; PyTorch's matrix-product route for > 25 rows ends in a view",
    "var_mean": "two nodes, not one VarMeanBackward0", "std_mean": "two nodes, not one StdMeanBackward0",
    "split": "slices, not one SplitBackward0", "chunk": "slices, not one SplitBackward0",
    "unbind": "selects, not one UnbindBackward0", "gather": "a 0-d input goes through views",
    "index_select": "recorded as indexing (IndexBackward0)",
    "getitem.step_slice": "one combined slice node", "getitem.none": "one combined slice node",
    "getitem.ellipsis": "one combined slice node", "getitem.tensor_index": "a 0-d index is a select in PyTorch",
    "sort": "values gathered (GatherBackward0), not SortBackward0", "sort.descending": "values gathered",
    "topk": "values gathered (GatherBackward0), not TopkBackward0", "topk.smallest": "values gathered",
    "masked_select": "recorded as indexing (IndexBackward0)", "diag": "built from indexing, not DiagBackward0",
    "diagonal": "built from indexing", "trace": "a sum of the indexed diagonal, not TraceBackward0",
}


@pytest.mark.parametrize("info", GRADCHECKED, ids=[o.name for o in GRADCHECKED])
def test_grad_fn_names(info: OpInfo) -> None:
    torch = require_torch()
    if info.name in GRAD_FN_NAME_DIFFERS:
        pytest.skip(GRAD_FN_NAME_DIFFERS[info.name])
    for sample in info.samples(np.random.default_rng(0)):
        _, out_cr = run(cr, info, sample, np.float64, True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            _, out_t = run(torch, info, sample, np.float64, True)
        for a, e in zip(out_cr, out_t):
            if isinstance(e, torch.Tensor) and e.grad_fn is not None:
                assert a.grad_fn is not None, f"{info.name} {sample!r}: no grad_fn, torch has {e.grad_fn.name()}"
                assert a.grad_fn.name() == e.grad_fn.name(), f"{info.name} {sample!r}"


# --- misuse: the same exception type as PyTorch, and PyTorch's message where it is one sentence --------------

def _t(m: Any, shape: tuple[int, ...], dtype: str | None = None) -> Any:
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    return m.from_numpy(a) if dtype is None else m.from_numpy(a).to(getattr(m, dtype))


T = _t
MISUSE: dict[str, Any] = {
 "add_shapes": lambda m: m.add(T(m,(2,3)), T(m,(4,))),
 "mul_shapes": lambda m: T(m,(2,3)) * T(m,(3,2)),
 "matmul_inner": lambda m: m.matmul(T(m,(2,3)), T(m,(2,3))),
 "matmul_0d": lambda m: m.matmul(T(m,()), T(m,(3,))),
 "mm_1d": lambda m: m.mm(T(m,(3,)), T(m,(3,2))),
 "mm_inner": lambda m: m.mm(T(m,(2,3)), T(m,(2,3))),
 "bmm_batch": lambda m: m.bmm(T(m,(2,2,3)), T(m,(3,3,4))),
 "dot_2d": lambda m: m.dot(T(m,(2,3)), T(m,(2,3))),
 "sum_dim_range": lambda m: m.sum(T(m,(2,3)), 2),
 "sum_dup_dims": lambda m: m.sum(T(m,(2,3)), (0,0)),
 "mean_int": lambda m: m.mean(T(m,(2,3),"int64")),
 "var_int": lambda m: m.var(T(m,(2,3),"int64")),
 "max_empty": lambda m: m.max(T(m,(0,))),
 "max_dim_empty": lambda m: m.max(T(m,(0,3)), 0),
 "argmax_range": lambda m: m.argmax(T(m,(2,3)), 5),
 "softmax_range": lambda m: m.softmax(T(m,(2,3)), 2),
 "log_softmax_range": lambda m: m.log_softmax(T(m,(2,3)), -3),
 "logsumexp_range": lambda m: m.logsumexp(T(m,(2,3)), 3),
 "cat_shapes": lambda m: m.cat([T(m,(2,3)), T(m,(2,4))], 0),
 "cat_ndim": lambda m: m.cat([T(m,(2,3)), T(m,(3,))], 0),
 "cat_empty_list": lambda m: m.cat([]),
 "stack_shapes": lambda m: m.stack([T(m,(2,3)), T(m,(3,2))]),
 "reshape_numel": lambda m: m.reshape(T(m,(2,3)), (4,2)),
 "reshape_two_infer": lambda m: m.reshape(T(m,(2,3)), (-1,-1)),
 "view_numel": lambda m: T(m,(2,3)).view(5),
 "transpose_range": lambda m: m.transpose(T(m,(2,3)), 0, 2),
 "t_3d": lambda m: m.t(T(m,(2,3,4))),
 "permute_len": lambda m: m.permute(T(m,(2,3)), (0,)),
 "permute_dup": lambda m: m.permute(T(m,(2,3)), (0,0)),
 "unsqueeze_range": lambda m: m.unsqueeze(T(m,(2,3)), 4),
 "squeeze_range": lambda m: m.squeeze(T(m,(2,3)), 3),
 "expand_bad": lambda m: T(m,(2,3)).expand(4,3),
 "expand_fewer": lambda m: T(m,(2,3)).expand(3),
 "flatten_range": lambda m: m.flatten(T(m,(2,3)), 0, 5),
 "gather_index_dtype": lambda m: m.gather(T(m,(2,3)), 1, T(m,(2,2),"int32")),
 "gather_oob": lambda m: m.gather(T(m,(2,3)), 1, m.tensor([[0,3],[1,1]])),
 "gather_ndim": lambda m: m.gather(T(m,(2,3)), 1, m.tensor([0,1])),
 "index_oob": lambda m: T(m,(2,3))[5],
 "index_too_many": lambda m: T(m,(2,3))[0,0,0],
 "index_list_oob": lambda m: T(m,(2,3))[[0,7]],
 "mask_shape": lambda m: T(m,(2,3))[m.tensor([True,False,True])],
 "where_cond_float": lambda m: m.where(T(m,(2,3)), T(m,(2,3)), T(m,(2,3))),
 "where_shapes": lambda m: m.where(m.tensor([True,False]), T(m,(3,)), T(m,(3,))),
 "clamp_none": lambda m: m.clamp(T(m,(2,3))),
 "pow_int_neg": lambda m: m.pow(T(m,(3,),"int64"), -1),
 "div_bad_mode": lambda m: m.div(T(m,(3,)), T(m,(3,)), rounding_mode="round"),
 "maximum_shapes": lambda m: m.maximum(T(m,(2,3)), T(m,(2,))),
 "sub_bool": lambda m: m.sub(m.tensor([True]), m.tensor([False])),
 "neg_bool": lambda m: -m.tensor([True]),
 "split_zero": lambda m: m.split(T(m,(4,)), 0),
 "chunk_zero": lambda m: m.chunk(T(m,(4,)), 0),
 "narrow_oob": lambda m: m.narrow(T(m,(4,)), 0, 2, 5),
 "repeat_fewer": lambda m: T(m,(2,3)).repeat(2),
 "tril_1d": lambda m: m.tril(T(m,(3,))),
 "norm_int": lambda m: m.norm(T(m,(3,),"int64")),
 "cumsum_range": lambda m: m.cumsum(T(m,(3,)), 1),
 "flip_dup": lambda m: m.flip(T(m,(2,3)), (0,0)),
 "movedim_dup": lambda m: m.movedim(T(m,(2,3)), (0,1), (0,0)),
 "index_select_2d": lambda m: m.index_select(T(m,(2,3)), 0, m.tensor([[0]])),
 "masked_fill_float_mask": lambda m: m.masked_fill(T(m,(2,)), T(m,(2,)), 1.0),
 "setitem_shape": lambda m: T(m,(2,3)).__setitem__(0, T(m,(4,))),
 "item_many": lambda m: T(m,(2,)).item(),
 "softmax_int": lambda m: m.softmax(T(m,(3,),"int64"), 0),
 "prod_dim_tuple": lambda m: m.prod(T(m,(2,3)), (0,1)),
}


def _raised(m: Any, case: Any) -> tuple[str, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case(m)
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return type(exc).__name__, str(exc).split("\n")[0]
    return "no error", ""


@pytest.mark.parametrize("case", sorted(MISUSE))
def test_misuse_raises_like_torch(case: str) -> None:
    torch = require_torch()
    ours, theirs = _raised(cr, MISUSE[case]), _raised(torch, MISUSE[case])
    assert theirs[0] != "no error", f"{case}: the table expects PyTorch to refuse this"
    assert ours[0] == theirs[0], f"{case}: chainrule raised {ours}, PyTorch {theirs}"


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_dim_named_tuple(op: str) -> None:
    torch = require_torch()
    a = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 0.5]], dtype=np.float32)
    ours = getattr(cr, op)(cr.from_numpy(a.copy()), dim=1, keepdim=True)
    theirs = getattr(torch, op)(torch.from_numpy(a.copy()), dim=1, keepdim=True)
    assert type(ours).__name__ == type(theirs).__name__ == op
    assert repr(ours).startswith(f"torch.return_types.{op}(\nvalues=tensor(")
    values, indices = ours  # unpacks like a tuple
    assert_close = np.testing.assert_array_equal
    assert_close(ours.values.numpy(), theirs.values.numpy())
    assert_close(ours.indices.numpy(), theirs.indices.numpy())
    assert ours.indices.dtype == cr.int64 and values is ours.values and indices is ours.indices


# --- the Tensor-method spelling of every API math function (x.exp(), x.sum(1), x.clamp(lo, hi) ...) ----------

_NOT_METHOD_FIRST = {"cat", "stack", "where"}  # list first, or x.where(cond, y) has another argument order
METHOD_ENTRIES = [o for o in OPS if getattr(o.call, "function_name", None) == o.name
                  and o.name not in _NOT_METHOD_FIRST]


@pytest.mark.parametrize("info", METHOD_ENTRIES, ids=[o.name for o in METHOD_ENTRIES])
def test_method_spelling(info: OpInfo) -> None:
    torch = require_torch()
    if not hasattr(torch.Tensor, info.name):
        pytest.skip(f"torch.Tensor has no method {info.name}")
    method_info = OpInfo(info.name, lambda m, x, *a, **k: getattr(x, info.name)(*a, **k), info.samples,
                         grad=info.grad, max_order=1)
    for sample in info.samples(np.random.default_rng(0)):
        if isinstance(sample.args[0], np.ndarray):
            check_sample(method_info, sample, np.float32)
