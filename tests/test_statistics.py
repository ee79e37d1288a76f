"""The statistics family against PyTorch: named tuples, zeros in cumprod, errors, methods, edge cases."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr


def _both(fn: Any, *arrays: Any, rg: bool = False) -> tuple[Any, Any]:
    torch = require_torch()
    ours = fn(cr, *[cr.tensor(a, requires_grad=rg) for a in arrays])
    theirs = fn(torch, *[torch.tensor(a, requires_grad=rg) for a in arrays])
    return ours, theirs


def _eq(a: Any, e: Any) -> None:
    an, en = a.detach().numpy(), e.detach().numpy()
    assert an.dtype == en.dtype and an.shape == en.shape
    np.testing.assert_allclose(an, en, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("values", [[1.5, 0.0, 2.0, -0.5], [0.0, 2.0, 0.0, 3.0], [2.0, 3.0, 0.0, 0.0],
                                    [[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 2.0, 0.5]]])
def test_cumprod_gradient_with_zeros(values: Any) -> None:
    torch = require_torch()
    a = np.array(values)
    g = np.random.default_rng(0).standard_normal(a.shape)
    v = np.random.default_rng(1).standard_normal(a.shape)
    x, t = cr.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (gx,) = cr.autograd.grad(cr.cumprod(x, -1), x, cr.tensor(g), create_graph=True)
    (gt,) = torch.autograd.grad(torch.cumprod(t, -1), t, torch.tensor(g), create_graph=True)
    _eq(gx, gt)
    (hx,) = cr.autograd.grad((gx * cr.tensor(v)).sum(), x)
    (ht,) = torch.autograd.grad((gt * torch.tensor(v)).sum(), t)
    _eq(hx, ht)
    # a polynomial: finite differences hold at the zeros too
    assert cr.autograd.gradcheck(lambda y: cr.cumprod(y, -1), (x,))
    assert cr.autograd.gradgradcheck(lambda y: cr.cumprod(y, -1), (x,))


def test_cumprod_one_zero_closed_form() -> None:
    x = cr.tensor([2.0, 0.0, 3.0, 4.0], requires_grad=True)
    cr.cumprod(x, 0).sum().backward()
    # y = [2, 0, 0, 0]: ∂/∂x0 = 1, ∂/∂x1 = 2 + 2·3 + 2·3·4, ∂/∂x2 = ∂/∂x3 = 0
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 32.0, 0.0, 0.0])


@pytest.mark.parametrize("name,call", [
    ("cummax", lambda m, x: m.cummax(x, 1)), ("cummin", lambda m, x: m.cummin(x, 0)),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2)), ("mode", lambda m, x: m.mode(x)),
    ("nanmedian", lambda m, x: m.nanmedian(x, 1)), ("aminmax", lambda m, x: m.aminmax(x, dim=1)),
])
def test_named_tuples(name: str, call: Any) -> None:
    a = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 0.5]])
    ours, theirs = _both(call, a)
    assert type(ours).__name__ == type(theirs).__name__ == name
    fields = ("min", "max") if name == "aminmax" else ("values", "indices")
    assert type(ours)._fields == fields
    assert repr(ours).startswith(f"torch.return_types.{name}(\n{fields[0]}=tensor(")
    for f in fields:
        _eq(getattr(ours, f), getattr(theirs, f))
    first, second = ours
    assert first is ours[0] and second is ours[1]


def test_cummax_ties_and_nan_indices() -> None:
    a = np.array([1.0, 3.0, 3.0, 2.0, np.nan, 5.0, np.nan, 0.0])
    for op in ("cummax", "cummin"):
        ours, theirs = _both(lambda m, x, op=op: getattr(m, op)(x, 0), a)
        _eq(ours.values, theirs.values)
        _eq(ours.indices, theirs.indices)


def test_mode_and_nanmedian_ties() -> None:
    a = np.array([[2.0, 1.0, 2.0, 1.0, 3.0, 1.0, 2.0], [np.nan, np.nan, np.nan, np.nan, np.nan, 1.0, 2.0]])
    for call in (lambda m, x: m.mode(x[:1]), lambda m, x: m.nanmedian(x, 1),
                 lambda m, x: m.nanmedian(m.full((1, 5), float("nan")).double(), 1)):
        ours, theirs = _both(call, a)
        _eq(ours[0], theirs[0])
        _eq(ours[1], theirs[1])


def test_nanmedian_and_aminmax_share_ties_evenly() -> None:
    a = np.array([[1.0, 3.0, 3.0], [0.0, 0.0, 1.0]])
    for call in (lambda m, x: m.nanmedian(x), lambda m, x: m.aminmax(x)[0] * 2 + m.aminmax(x)[1] * 3,
                 lambda m, x: (m.aminmax(x, dim=1, keepdim=True).max * m.tensor([[1.0], [2.0]]).double()).sum()):
        torch = require_torch()
        x, t = cr.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        call(cr, x).sum().backward()
        call(torch, t).sum().backward()
        _eq(x.grad, t.grad)


def test_methods_exist_where_torch_has_them() -> None:
    torch = require_torch()
    names = ["cumprod", "cumprod_", "cumsum_", "cummax", "cummin", "logcumsumexp", "diff", "aminmax", "kthvalue",
             "mode", "quantile", "nanquantile", "nanmean", "nansum", "nanmedian", "cov", "corrcoef", "bincount",
             "histc", "dist", "searchsorted", "bucketize", "isin", "cdist", "trapezoid", "trapz",
             "cumulative_trapezoid"]
    for n in names:
        assert hasattr(cr, n) == hasattr(torch, n), n
        assert hasattr(cr.Tensor, n) == hasattr(torch.Tensor, n), n


def test_inplace_cumulative_methods() -> None:
    torch = require_torch()
    a = np.array([[1.0, 2.0], [3.0, 0.5]])
    for n in ("cumprod_", "cumsum_"):
        x, t = cr.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        y, u = x * 2, t * 2
        assert getattr(y, n)(0) is y and getattr(u, n)(0) is u
        _eq(y, u)
        assert y.grad_fn.name() == u.grad_fn.name()
        y.sum().backward()
        u.sum().backward()
        _eq(x.grad, t.grad)
        z = cr.tensor(a)
        getattr(z, n)(1)
        _eq(z, getattr(torch.tensor(a), n)(1))
    with pytest.raises(RuntimeError):
        cr.tensor(a, requires_grad=True).cumsum_(0)


def test_quantile_shapes() -> None:
    a = np.random.default_rng(0).standard_normal((3, 4, 2))
    for call in (lambda m, x: m.quantile(x, 0.3), lambda m, x: m.quantile(x, 0.3, keepdim=True),
                 lambda m, x: x.quantile(m.tensor([0.2, 0.9], dtype=m.float64), 1, True),
                 lambda m, x: x.nanquantile(m.tensor(0.5, dtype=m.float64), -1),
                 lambda m, x: m.quantile(x, m.tensor([0.5], dtype=m.float64))):
        ours, theirs = _both(call, a)
        _eq(ours, theirs)


def _err(m: Any, case: Any) -> tuple[str, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case(m)
    except Exception as exc:  # noqa: BLE001 - the type and message are what is compared
        return type(exc).__name__, str(exc).split("\n")[0]
    return "no error", ""


def _t(m: Any, *v: Any, dtype: str = "float32") -> Any:
    return m.tensor(list(v), dtype=getattr(m, dtype))


ERRORS: dict[str, Any] = {
    "cumprod_dim": lambda m: m.cumprod(_t(m, 1.0, 2.0), 1),
    "cummax_dim": lambda m: m.cummax(_t(m, 1.0, 2.0), 1),
    "logcumsumexp_int": lambda m: m.logcumsumexp(_t(m, 1, 2, dtype="int64"), 0),
    "diff_0d": lambda m: m.diff(m.tensor(1.0)),
    "diff_neg": lambda m: m.diff(_t(m, 1.0, 2.0), n=-1),
    "diff_prepend_ndim": lambda m: m.diff(m.ones(1, 2), prepend=_t(m, 1.0)),
    "diff_prepend_float": lambda m: m.diff(_t(m, 1.0, 2.0), prepend=2.0),
    "kthvalue_k": lambda m: m.kthvalue(_t(m, 1.0, 2.0), 3),
    "kthvalue_k0": lambda m: m.kthvalue(_t(m, 1.0, 2.0), 0),
    "quantile_q": lambda m: m.quantile(_t(m, 1.0, 2.0), 1.5),
    "quantile_int": lambda m: m.quantile(_t(m, 1, 2, dtype="int64"), 0.5),
    "quantile_empty": lambda m: m.quantile(m.zeros(0), 0.5),
    "quantile_q2d": lambda m: m.quantile(_t(m, 1.0, 2.0), m.tensor([[0.5]])),
    "quantile_qdtype": lambda m: m.quantile(_t(m, 1.0, 2.0), m.tensor([0.5], dtype=m.float64)),
    "quantile_interp": lambda m: m.quantile(_t(m, 1.0, 2.0), 0.5, interpolation="foo"),
    "quantile_qrange": lambda m: m.quantile(_t(m, 1.0, 2.0), m.tensor([0.5, 2.0])),
    "nanquantile_q": lambda m: m.nanquantile(_t(m, 1.0, 2.0), -0.5),
    "nanmean_int": lambda m: m.nanmean(_t(m, 1, 2, dtype="int64")),
    "cov_3d": lambda m: m.cov(m.zeros(2, 2, 2)),
    "cov_fweights_float": lambda m: m.cov(m.ones(2, 3), fweights=_t(m, 1.0, 1.0, 1.0)),
    "cov_aweights_int": lambda m: m.cov(m.ones(2, 3), aweights=_t(m, 1, 1, 1, dtype="int64")),
    "cov_fweights_neg": lambda m: m.cov(m.ones(2, 3), fweights=_t(m, 1, -1, 1, dtype="int64")),
    "cov_aweights_neg": lambda m: m.cov(m.ones(2, 3), aweights=_t(m, 1.0, -1.0, 1.0)),
    "cov_fweights_numel": lambda m: m.cov(m.ones(2, 3), fweights=_t(m, 1, 1, dtype="int64")),
    "bincount_neg": lambda m: m.bincount(_t(m, -1, 1, dtype="int64")),
    "bincount_2d": lambda m: m.bincount(m.tensor([[1, 1]])),
    "bincount_float": lambda m: m.bincount(_t(m, 1.0, 1.0)),
    "bincount_minlength": lambda m: m.bincount(_t(m, 1, 1, dtype="int64"), minlength=-1),
    "bincount_weights": lambda m: m.bincount(_t(m, 1, 1, dtype="int64"), weights=_t(m, 1.0)),
    "histc_int": lambda m: m.histc(_t(m, 1, 2, dtype="int64")),
    "histc_bins": lambda m: m.histc(_t(m, 1.0, 2.0), bins=0),
    "histc_range": lambda m: m.histc(_t(m, 1.0, 2.0), min=3, max=1),
    "histc_inf": lambda m: m.histc(_t(m, 1.0, 2.0, float("inf"))),
    "searchsorted_side": lambda m: m.searchsorted(_t(m, 1.0, 2.0), _t(m, 1.0), right=True, side="left"),
    "searchsorted_side_bad": lambda m: m.searchsorted(_t(m, 1.0, 2.0), _t(m, 1.0), side="up"),
    "searchsorted_shapes": lambda m: m.searchsorted(m.ones(2, 2), m.ones(1, 1)),
    "searchsorted_scalar_nd": lambda m: m.searchsorted(m.ones(2, 2), 3.0),
    "searchsorted_0d": lambda m: m.searchsorted(m.tensor(1.0), _t(m, 1.0)),
    "searchsorted_sorter": lambda m: m.searchsorted(_t(m, 5.0, 1.0, 3.0), _t(m, 2.0),
                                                    sorter=_t(m, 1, 2, dtype="int64")),
    "bucketize_2d": lambda m: m.bucketize(_t(m, 1.0), m.ones(1, 1)),
    "isin_numbers": lambda m: m.isin(1, 2),
    "cdist_1d": lambda m: m.cdist(m.ones(3), m.ones(3)),
    "cdist_cols": lambda m: m.cdist(m.ones(2, 3), m.ones(2, 4)),
    "cdist_p": lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), p=-1),
    "cdist_dtype": lambda m: m.cdist(m.ones(2, 3).double(), m.ones(2, 3)),
    "cdist_int": lambda m: m.cdist(m.ones(2, 3).long(), m.ones(2, 3).long()),
    "cdist_batch": lambda m: m.cdist(m.ones(2, 2, 3), m.ones(3, 2, 3)),
    "dist_int": lambda m: m.dist(_t(m, 1, 2, dtype="int64"), _t(m, 1, 2, dtype="int64")),
    "dist_shapes": lambda m: m.dist(_t(m, 1.0, 2.0), _t(m, 1.0, 2.0, 3.0)),
    "trapezoid_x_len": lambda m: m.trapezoid(m.ones(2, 3), _t(m, 0.0, 1.0)),
    "trapezoid_0d": lambda m: m.trapezoid(m.tensor(1.0)),
    "trapezoid_number_x": lambda m: m.trapezoid(m.ones(2, 3), 2.0),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_like_torch(case: str) -> None:
    torch = require_torch()
    ours, theirs = _err(cr, ERRORS[case]), _err(torch, ERRORS[case])
    assert theirs[0] != "no error"
    assert ours[0] == theirs[0], f"{case}: chainrule {ours}, torch {theirs}"
    if theirs[0] == "RuntimeError":
        assert ours[1] == theirs[1], f"{case}: chainrule {ours}, torch {theirs}"


def test_dtypes() -> None:
    torch = require_torch()
    cases = [
        lambda m: m.cumprod(m.tensor([1, 2, 3]), 0), lambda m: m.cumprod(m.tensor([True, False]), 0),
        lambda m: m.cumprod(m.tensor([1, 2]), 0, dtype=m.float32), lambda m: m.nansum(m.tensor([True, True])),
        lambda m: m.nansum(m.tensor([1, 2], dtype=m.int32)), lambda m: m.bincount(m.tensor([1, 1, 3])),
        lambda m: m.bincount(m.tensor([1, 3]), m.tensor([1, 2])),
        lambda m: m.bincount(m.tensor([1, 3]), m.tensor([1.0, 2.0])),
        lambda m: m.cov(m.tensor([[1, 2, 4], [3, 1, 0]])),
        lambda m: m.cov(m.tensor([[1.0, 2, 4], [3, 1, 0]]), aweights=m.tensor([1.0, 2, 1], dtype=m.float64)),
        lambda m: m.trapezoid(m.tensor([1, 2, 3])), lambda m: m.cumulative_trapezoid(m.tensor([1, 2, 3]), dx=2),
        lambda m: m.diff(m.tensor([1.0, 2.0]), prepend=m.tensor([1])), lambda m: m.diff(m.tensor([1, 4, 2])),
        lambda m: m.searchsorted(m.tensor([1, 3]), m.tensor([2.5])), lambda m: m.bucketize(3, m.tensor([1, 5])),
        lambda m: m.isin(2, m.tensor([1, 2])), lambda m: m.histc(m.tensor([1.0, 1.0]), bins=4),
        lambda m: m.dist(m.tensor([1.0, 2.0]), m.tensor([1.0, 5.0], dtype=m.float64)),
        lambda m: m.mode(m.tensor([1, 1, 2])).values, lambda m: m.kthvalue(m.tensor([3, 1, 2]), 2).values,
        lambda m: m.cummax(m.tensor([1, 3, 2]), 0).values, lambda m: m.aminmax(m.tensor([1, 3, 2])).max,
        lambda m: m.nanmedian(m.tensor([1, 3, 2])),
    ]
    for i, case in enumerate(cases):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a, e = case(cr), case(torch)
        assert str(a.dtype).split(".")[-1] == str(e.dtype).split(".")[-1], i
        np.testing.assert_allclose(a.numpy().astype(np.float64), e.numpy().astype(np.float64), rtol=1e-6,
                                   err_msg=str(i))


def test_cov_warns_without_degrees_of_freedom() -> None:
    with pytest.warns(UserWarning, match="degrees of freedom"):
        out = cr.cov(cr.ones(2, 1))
    assert np.isnan(out.numpy()).all()


def test_cdist_zero_distance_gradient() -> None:
    torch = require_torch()
    a = np.array([[1.0, 2.0], [0.5, -1.0]])
    b = np.array([[1.0, 2.0], [3.0, 1.0]])
    for p in (2.0, 1.0, 3.0, 0.5, float("inf")):
        ours, theirs = _both(lambda m, x, y, p=p: m.cdist(x, y, p), a, b, rg=True)
        _eq(ours, theirs)
        g = np.arange(4.0).reshape(2, 2) + 1
        go = cr.autograd.grad(ours, ours.grad_fn.inputs, cr.tensor(g))
        gt = torch.autograd.grad(theirs, [n[0].variable for n in theirs.grad_fn.next_functions], torch.tensor(g))
        for x, y in zip(go, gt):
            _eq(x, y)


def test_histc_and_bincount_values() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(-2, 2, 200)
    ours, theirs = _both(lambda m, x: m.histc(x, 7, -1.5, 1.0), a)
    _eq(ours, theirs)
    ours, theirs = _both(lambda m, x: x.histc(), a.astype(np.float32))
    _eq(ours, theirs)
    ints = rng.integers(0, 9, 50)
    ours, theirs = _both(lambda m, x: x.bincount(minlength=12), ints)
    _eq(ours, theirs)
