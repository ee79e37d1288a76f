"""Decompositions and the rest of torch.linalg, plus torch's BLAS-style products, against PyTorch.

Each case runs the same call on chainrule and torch: forward values, first derivatives for random output
gradients, second derivatives (create_graph), in float32 and float64, then float64 gradcheck/gradgradcheck.
Singular vectors are compared through gauge-invariant quantities where LAPACK's signs are not guaranteed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import require_torch

import chainrule as cr

R = np.random.default_rng(7)


def spd(n: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    X = R.standard_normal(batch + (n, n))
    return X @ np.swapaxes(X, -1, -2) + n * np.eye(n)


def sym_distinct(n: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    Q, _ = np.linalg.qr(R.standard_normal(batch + (n, n)))
    w = np.arange(1, n + 1) * 1.3 - 2.0
    return (Q * w) @ np.swapaxes(Q, -1, -2)


def mat(*shape: int) -> np.ndarray:
    return R.standard_normal(shape)


def tri(n: int, upper: bool, batch: tuple[int, ...] = ()) -> np.ndarray:
    A = R.standard_normal(batch + (n, n)) * 0.3
    A = A + np.eye(n) * 2.0
    return np.triu(A) if upper else np.tril(A)


def sym(a: Any) -> Any:
    return (a + a.transpose(-2, -1)) / 2


def _outs(o: Any, m: Any) -> list[Any]:
    return [o] if isinstance(o, m.Tensor) else list(o)


def check(f: Callable[..., Any], *arrays: np.ndarray, post: Callable[..., Any] | None = None, order: int = 2,
          dtypes: tuple[Any, ...] = (np.float32, np.float64), gradcheck: bool = True) -> None:
    torch = require_torch()
    for dt in dtypes:
        tol = dict(rtol=2e-3, atol=2e-3) if dt == np.float32 else dict(rtol=1e-7, atol=1e-8)
        res = {}
        for m in (cr, torch):
            xs = [m.tensor(a.astype(dt), requires_grad=True) for a in arrays]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                outs = _outs(f(m, *xs), m)
            if post is not None:
                outs = _outs(post(m, *outs), m)
            outs = [o for o in outs if isinstance(o, m.Tensor)]
            diff = [o for o in outs if o.requires_grad and o.numel()]
            rng = np.random.default_rng(3)
            gos = [m.tensor(rng.standard_normal(tuple(o.shape)).astype(dt)) for o in diff]
            gs = m.autograd.grad(diff, xs, gos, create_graph=order >= 2, allow_unused=True) if diff else []
            gg: Any = []
            if order >= 2 and gs:
                vs = [m.tensor(rng.standard_normal(tuple(x.shape)).astype(dt)) for x in xs]
                tot = sum((g * v).sum() for g, v in zip(gs, vs) if g is not None and g.requires_grad)
                if isinstance(tot, m.Tensor):
                    gg = m.autograd.grad(tot, xs, allow_unused=True)
            res[m] = (outs, gs, gg)
        for kind, a_list, e_list in zip(("value", "grad", "gradgrad"), res[cr], res[torch]):
            assert len(a_list) == len(e_list), kind
            for a, e in zip(a_list, e_list):
                if e is None:
                    assert a is None or np.allclose(a.detach().numpy(), 0), kind
                    continue
                assert a is not None, kind
                en = e.detach().numpy()
                an = a.detach().numpy()
                assert an.shape == en.shape and an.dtype == en.dtype, (kind, an.shape, en.shape, an.dtype, en.dtype)
                np.testing.assert_allclose(an, en, err_msg=f"{kind} {np.dtype(dt).name}", **tol)  # type: ignore
    if gradcheck:
        def fn(*xs: Any) -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                outs = _outs(f(cr, *xs), cr)
            if post is not None:
                outs = _outs(post(cr, *outs), cr)
            return tuple(o for o in outs if isinstance(o, cr.Tensor) and o.requires_grad)
        xs = [cr.tensor(a, dtype=cr.float64, requires_grad=True) for a in arrays]
        assert cr.autograd.gradcheck(fn, tuple(xs))
        if order >= 2 and sum(a.size for a in arrays) <= 16:  # (the cost grows with the square of the size)
            assert cr.autograd.gradgradcheck(fn, tuple(xs))


L = lambda m: m.linalg  # noqa: E731


# --- decompositions ----------------------------------------------------------------------------------------

def test_cholesky() -> None:
    # symmetrized inputs: the factorization reads one triangle, its gradient is the symmetric one (as in torch)
    check(lambda m, a: m.linalg.cholesky(sym(a)), spd(3))
    check(lambda m, a: m.linalg.cholesky(sym(a), upper=True), spd(3, (2,)))
    check(lambda m, a: m.cholesky(sym(a)), spd(3))
    check(lambda m, a: m.linalg.cholesky(a), spd(3), gradcheck=False)
    check(lambda m, a: sym(a).cholesky(upper=True), spd(2), order=1)


def test_cholesky_not_pd_raises() -> None:
    torch = require_torch()
    A = np.array([[1.0, 2.0], [2.0, 1.0]])
    for batch in (False, True):
        a = np.stack([np.eye(2), A]) if batch else A
        with pytest.raises(torch.linalg.LinAlgError) as e:
            torch.linalg.cholesky(torch.tensor(a))
        with pytest.raises(cr.linalg.LinAlgError) as c:
            cr.linalg.cholesky(cr.tensor(a))
        assert str(c.value) == str(e.value)
    with pytest.raises(RuntimeError, match="square matrices"):
        cr.linalg.cholesky(cr.ones(2, 3))


def test_eigh() -> None:
    # eigenvectors: sign per column is not fixed; compare V diag(w) Vᵀ pieces and |V|
    check(lambda m, a: m.linalg.eigh(sym(a)), sym_distinct(4),
          post=lambda m, w, V: (w, V * V[..., :1, :].sign()))
    check(lambda m, a: m.linalg.eigh(sym(a), UPLO="U"), sym_distinct(3, (2,)),
          post=lambda m, w, V: (w, V * V[..., :1, :].sign()))
    check(lambda m, a: m.linalg.eigh(a), sym_distinct(3), post=lambda m, w, V: (w, V * V[..., :1, :].sign()),
          gradcheck=False)
    check(lambda m, a: m.linalg.eigvalsh(sym(a)), sym_distinct(3, (2,)))
    r = cr.linalg.eigh(cr.tensor(sym_distinct(3)))
    assert type(r).__name__ == "linalg_eigh" and r.eigenvalues is r[0]


def _fix_svd(m: Any, U: Any, S: Any, Vh: Any) -> Any:
    k = S.shape[-1]
    s = U[..., :1, :k].sign()
    return U[..., :k] * s, S, Vh[..., :k, :] * s.transpose(-2, -1)


def test_svd() -> None:
    for shape in ((4, 3), (3, 5), (2, 3, 3)):
        check(lambda m, a: m.linalg.svd(a, full_matrices=False), mat(*shape), post=_fix_svd)
    check(lambda m, a: m.linalg.svd(a), mat(4, 2), post=_fix_svd, order=1)
    check(lambda m, a: m.linalg.svdvals(a), mat(2, 4, 3))
    # gauge-invariant reconstruction through the full decomposition
    check(lambda m, a: m.linalg.svd(a), mat(3, 4),
          post=lambda m, U, S, Vh: U[:, :3] @ m.diag_embed(S) @ Vh[:3] if hasattr(m, "diag_embed") and
          m is not cr else (U[:, :3] * S) @ Vh[:3])
    check(lambda m, a: m.svd(a), mat(4, 3),
          post=lambda m, U, S, V: (U * U[:1].sign(), S, V * U[:1].sign()))
    U, S, V = cr.svd(cr.tensor(mat(4, 3)), compute_uv=False)
    assert U.shape == (4, 4) and V.shape == (3, 3) and float(U.abs().sum()) == 0


def _fix_qr(m: Any, Q: Any, Rr: Any) -> Any:
    return Q, Rr


def test_qr() -> None:
    for shape in ((4, 3), (3, 3), (2, 3, 5)):
        check(lambda m, a: m.linalg.qr(a), mat(*shape), post=_fix_qr)
    check(lambda m, a: m.linalg.qr(a, mode="complete"), mat(3, 4), order=1)
    check(lambda m, a: m.qr(a), mat(4, 3))
    r = cr.linalg.qr(cr.tensor(mat(3, 2)), mode="r")
    assert r.Q.shape == (0,) and r.R.shape == (2, 2)
    with pytest.raises(RuntimeError, match="unrecognized mode"):
        cr.linalg.qr(cr.ones(2, 2), mode="x")


def test_slogdet_logdet_det() -> None:
    check(lambda m, a: m.linalg.slogdet(a), mat(2, 3, 3))
    check(lambda m, a: m.slogdet(a), mat(3, 3))
    check(lambda m, a: m.logdet(a), spd(3))
    check(lambda m, a: m.det(a), mat(3, 3))
    check(lambda m, a: a.logdet(), spd(3), order=1)
    assert cr.det is cr.linalg.det and cr.inverse is cr.linalg.inv
    A = np.array([[1.0, 2.0], [3.0, 4.0]])  # det < 0: logdet is nan
    assert np.isnan(cr.logdet(cr.tensor(A)).item())
    s = cr.linalg.slogdet(cr.zeros(2, 2))
    assert s.sign.item() == 0 and s.logabsdet.item() == -np.inf


def test_solve_triangular() -> None:
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), tri(3, True), mat(3, 2))
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False), tri(3, False, (2,)), mat(2, 3, 4))
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False, left=False), tri(3, False), mat(2, 3))
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True, unitriangular=True), mat(3, 3), mat(3, 2))
    # only the triangle is read; the gradient lives on it
    check(lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True), mat(3, 3) + 3 * np.eye(3), mat(3, 1))


def test_pinv_lstsq_rank_cond() -> None:
    torch = require_torch()
    check(lambda m, a: m.linalg.pinv(a), mat(4, 3))
    check(lambda m, a: m.linalg.pinv(a), mat(2, 3, 5))
    check(lambda m, a: m.linalg.pinv(sym(a), hermitian=True), sym_distinct(3), order=1)
    check(lambda m, a: m.pinverse(a), mat(3, 4))
    check(lambda m, a, b: m.linalg.lstsq(a, b).solution, mat(5, 3), mat(5, 2))
    check(lambda m, a, b: m.linalg.lstsq(a, b)[0], mat(2, 5, 3), mat(2, 5, 2))
    check(lambda m, a, b: m.linalg.lstsq(a, b, driver="gelsd")[:2], mat(5, 3), mat(5, 2))
    check(lambda m, a, b: m.linalg.lstsq(a, b, driver="gels").residuals, mat(2, 4, 2), mat(2, 4, 3), order=1,
          gradcheck=False)
    A, B = mat(5, 3), mat(5, 2)
    for driver in (None, "gels", "gelsd", "gelss"):
        a = cr.linalg.lstsq(cr.tensor(A), cr.tensor(B), driver=driver)
        e = torch.linalg.lstsq(torch.tensor(A), torch.tensor(B), driver=driver)
        assert type(a).__name__ == "linalg_lstsq"
        for x, y in zip(a, e):
            assert tuple(x.shape) == tuple(y.shape), driver
            np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-7, atol=1e-9)
    low = mat(4, 2) @ mat(2, 4)
    for kw in ({}, {"atol": 1.0}, {"rtol": 0.5}, {"hermitian": True}):
        x = low @ low.T if kw.get("hermitian") else low
        expected = torch.linalg.matrix_rank(torch.tensor(x), **kw).item()
        assert cr.linalg.matrix_rank(cr.tensor(x), **kw).item() == expected
    assert cr.linalg.matrix_rank(cr.tensor(mat(2, 3, 3))).dtype == cr.int64
    for p in (None, 2, -2, "nuc"):
        check(lambda m, a, p=p: m.linalg.cond(a, p), mat(3, 3), order=1, dtypes=(np.float64,))
    # torch's own backward of these fails (an in-place op in its cond): values against torch, gradcheck here
    A = mat(2, 3, 3)
    for p in ("fro", 1, -1, np.inf, -np.inf):
        expected = torch.linalg.cond(torch.tensor(A), p).numpy()
        np.testing.assert_allclose(cr.linalg.cond(cr.tensor(A), p).numpy(), expected)
        x = cr.tensor(A, requires_grad=True)
        assert cr.autograd.gradcheck(lambda a, p=p: cr.linalg.cond(a, p), (x,))


def test_matrix_power_multi_dot_chain() -> None:
    torch = require_torch()
    for n in (1, 2, 3, 5, -1, -3):
        check(lambda m, a, n=n: m.linalg.matrix_power(a, n), mat(2, 3, 3) * 0.5 + np.eye(3), order=1,
              gradcheck=False)
    check(lambda m, a: m.matrix_power(a, 3), mat(3, 3))
    x = cr.tensor(mat(2, 3, 3), requires_grad=True)
    z = cr.matrix_power(x, 0)
    np.testing.assert_array_equal(z.detach().numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))
    assert z.grad_fn.name() == torch.matrix_power(torch.ones(2, 2, requires_grad=True), 0).grad_fn.name()
    z.sum().backward()
    assert float(x.grad.abs().sum()) == 0.0
    check(lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), mat(3), mat(3, 4), mat(4))
    check(lambda m, a, b, c, d: m.linalg.multi_dot([a, b, c, d]), mat(2, 3), mat(3, 4), mat(4, 2), mat(2, 5))
    check(lambda m, a, b, c: m.chain_matmul(a, b, c), mat(2, 3), mat(3, 4), mat(4, 2))
    with pytest.raises(RuntimeError, match="expected at least 2 tensors"):
        cr.linalg.multi_dot([cr.ones(2, 2)])


def test_matrix_exp() -> None:
    check(lambda m, a: m.linalg.matrix_exp(a), mat(3, 3) * 0.7)
    check(lambda m, a: m.matrix_exp(a), mat(2, 2, 2))
    check(lambda m, a: a.matrix_exp(), mat(2, 2), order=1)


def test_cross_vecdot_diagonal() -> None:
    torch = require_torch()
    check(lambda m, a, b: m.linalg.cross(a, b), mat(4, 3), mat(4, 3))
    check(lambda m, a, b: m.linalg.cross(a, b, dim=0), mat(3, 2), mat(3, 1))
    check(lambda m, a, b: m.cross(a, b), mat(2, 3, 3), mat(2, 3, 3))
    check(lambda m, a, b: m.cross(a, b, dim=2), mat(2, 3, 3), mat(2, 3, 3))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        cr.cross(cr.ones(3), cr.ones(3))
    assert "deprecated" in str(w[0].message)
    with pytest.raises(RuntimeError) as c:
        cr.linalg.cross(cr.ones(3, 2), cr.ones(3, 2))
    with pytest.raises(RuntimeError) as e:
        torch.linalg.cross(torch.ones(3, 2), torch.ones(3, 2))
    assert str(c.value) == str(e.value)
    check(lambda m, a, b: m.linalg.vecdot(a, b), mat(4, 3), mat(3))
    check(lambda m, a, b: m.linalg.vecdot(a, b, dim=0), mat(4, 3), mat(4, 3))
    check(lambda m, a: m.linalg.diagonal(a), mat(2, 3, 4))
    check(lambda m, a: m.linalg.diagonal(a, offset=1, dim1=0, dim2=2), mat(3, 2, 4))
    check(lambda m, a: m.linalg.diagonal(a, offset=-1), mat(4, 3))


# --- products ----------------------------------------------------------------------------------------------

def test_products() -> None:
    torch = require_torch()
    check(lambda m, a, b: m.kron(a, b), mat(2, 3), mat(3, 2))
    check(lambda m, a, b: m.kron(a, b), mat(2, 3), mat(4))
    check(lambda m, a, b: m.tensordot(a, b), mat(2, 3, 4), mat(3, 4, 5))
    check(lambda m, a, b: m.tensordot(a, b, dims=1), mat(2, 3), mat(3, 5))
    check(lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [1, 0])), mat(2, 3, 4), mat(4, 2, 5))
    check(lambda m, a, b: m.tensordot(a, b, dims=0), mat(2), mat(3))
    check(lambda m, a, b: m.inner(a, b), mat(3), mat(3))
    check(lambda m, a, b: m.inner(a, b), mat(2, 3), mat(4, 3))
    check(lambda m, a, b: m.vdot(a, b), mat(4), mat(4))
    check(lambda m, a, b: m.ger(a, b), mat(3), mat(2))
    check(lambda m, i, a, b: m.addmm(i, a, b), mat(3), mat(2, 4), mat(4, 3))
    check(lambda m, i, a, b: m.addmm(i, a, b, beta=0.5, alpha=-2.0), mat(2, 3), mat(2, 4), mat(4, 3))
    check(lambda m, i, a, b: i.addmm(a, b, alpha=3), mat(2, 3), mat(2, 4), mat(4, 3), order=1)
    check(lambda m, i, a, b: m.addmv(i, a, b, beta=2), mat(2), mat(2, 4), mat(4))
    check(lambda m, i, a, b: m.addr(i, a, b, alpha=0.5), mat(3, 2), mat(3), mat(2))
    check(lambda m, i, a, b: m.baddbmm(i, a, b, beta=0.3), mat(2, 3, 4), mat(2, 3, 5), mat(2, 5, 4))
    check(lambda m, i, a, b: m.addbmm(i, a, b, alpha=1.5), mat(3, 4), mat(2, 3, 5), mat(2, 5, 4))
    # beta = 0 ignores NaN in input
    nan = cr.full((2, 2), float("nan"))
    out = cr.addmm(nan, cr.ones(2, 3), cr.ones(3, 2), beta=0)
    assert not bool(out.isnan().any())
    for f in (lambda m: m.addmm(m.ones(3), m.ones(2, 3), m.ones(2, 3)),
              lambda m: m.vdot(m.ones(3, 2), m.ones(3, 2)),
              lambda m: m.vdot(m.ones(3), m.ones(4))):
        with pytest.raises(RuntimeError) as e:
            f(torch)
        with pytest.raises(RuntimeError) as c:
            f(cr)
        assert str(c.value) == str(e.value)


def test_methods_and_names() -> None:
    torch = require_torch()
    from chainrule.ops import decompositions

    for name in decompositions.METHODS:
        assert hasattr(torch.Tensor, name) and hasattr(cr.Tensor, name), name
    for name, fn in decompositions.LINALG.items():
        assert hasattr(torch.linalg, name) and getattr(cr.linalg, name).__wrapped__ is fn, name  # (out= wrapper)
    A = cr.tensor(mat(3, 3), requires_grad=True)
    assert cr.linalg.svd(A).U.grad_fn.name() == "LinalgSvdBackward0"
    assert cr.linalg.qr(A).R.grad_fn.name() == "LinalgQrBackward0"
    assert cr.linalg.matrix_exp(A).grad_fn.name() == "LinalgMatrixExpBackward0"
    assert cr.linalg.slogdet(A).sign.grad_fn.name() == "LinalgSlogdetBackward0"
