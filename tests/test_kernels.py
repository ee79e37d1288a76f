"""The fused float32 kernels (csrc/fastmath.c via chainrule/_kernels.py).

Each kernel is checked three ways: against the NumPy formula it replaces (the same op with the
kernels switched off), against float64 closed forms, and against live PyTorch. Also: the edge
values (±inf, NaN, ±0, overflow and subnormal ranges), thread-count independence, the output
cache never aliasing live arrays, fork and concurrent callers, and which arrays fall back.
"""

from __future__ import annotations

import math
import os
import platform
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
import chainrule.nn.functional as F
from chainrule import _kernels as K
from chainrule.ops import _special
from tests.oracle import require_torch

needs_simd = pytest.mark.skipif(
    not K.SIMD,
    reason="chainrule._fastmath is not built or this CPU has no AVX2/FMA: the NumPy path runs everywhere",
)

N = K.MIN_SIZE + 13  # above the threshold, and not a multiple of 8 (the padded tail block runs)
EDGES = np.array(
    [np.nan, np.inf, -np.inf, 0.0, -0.0, 1000, -1000, 1e4, -1e4, 88.7, 88.8, -87.3, -88.7, -103.0, -104.5, -150,
     1e-40, -1e-40, 1e-45, 20, -20, 9, -9, 3e38, -3e38, 0.5, -0.5, 14, -14],
    np.float32,
)


def _inputs(n: int = N, scale: float = 5.0, seed: int = 0) -> np.ndarray:
    x = (np.random.default_rng(seed).standard_normal(n) * scale).astype(np.float32)
    x[: len(EDGES)] = EDGES
    return x


def _assert_close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float = 1e-37) -> None:
    got64, want64 = np.asarray(got, np.float64), np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got64), np.isnan(want64))
    np.testing.assert_allclose(got64, want64, rtol=rtol, atol=atol, equal_nan=True)


def _both_paths(fn, *arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """fn run with the kernels on and off, on fresh copies of the inputs."""
    with K.use_kernels(True):
        fast = fn(*[a.copy() for a in arrays])
    with K.use_kernels(False):
        slow = fn(*[a.copy() for a in arrays])
    return fast, slow


# ------------------------------------------------------------------ the kernels are there in CI


def _cpu_has_avx2_fma() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx2" in flags and " fma" in flags


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI promises a C compiler")
def test_extension_is_built_in_ci() -> None:
    if platform.machine() not in ("x86_64", "AMD64") or not _cpu_has_avx2_fma():
        pytest.skip("this CPU cannot run the kernels")
    assert K.BUILT and K.SIMD, "chainrule._fastmath did not build: pip install -e . needs a C compiler"


# ------------------------------------------------------------------ elementwise: vs NumPy and float64


@needs_simd
def test_exp_kernel_within_one_ulp_of_float64() -> None:
    from chainrule import _fastmath

    x = np.concatenate([_inputs(), np.linspace(-104, 89, 200_003, dtype=np.float32)])
    out = np.empty_like(x)
    _fastmath.exp(x, out)
    with np.errstate(all="ignore"):
        want = np.exp(x.astype(np.float64))
    normal = (want > np.finfo(np.float32).tiny) & (want < np.finfo(np.float32).max)
    ulp = np.spacing(want[normal].astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(out[normal] - want[normal]) / ulp) <= 1.0
    # overflow, underflow (subnormals to within one subnormal step), NaN
    sub = (want <= np.finfo(np.float32).tiny) & ~np.isnan(want)
    assert np.all(np.abs(out[sub] - want[sub]) <= 1.5e-45)
    big = want >= np.finfo(np.float32).max
    assert np.all(np.isinf(out[big]))
    assert np.array_equal(np.isnan(out), np.isnan(x))


@needs_simd
def test_sigmoid_kernel_matches_numpy_formula_and_float64() -> None:
    x = _inputs()
    fast, slow = _both_paths(_special.sigmoid, x)
    _assert_close(fast, slow, rtol=3e-7)
    with np.errstate(all="ignore"):
        want = 1 / (1 + np.exp(-x.astype(np.float64)))
    _assert_close(fast, want, rtol=3e-7, atol=2e-45)
    assert fast[1] == 1.0 and fast[2] == 0.0 and np.isnan(fast[0])


@needs_simd
def test_gelu_kernel_matches_numpy_formula_and_float64() -> None:
    x = _inputs(scale=4.0)

    def forward(a: np.ndarray) -> np.ndarray:
        return F.gelu(cr.from_numpy(a)).numpy()

    fast, slow = _both_paths(forward, x)
    _assert_close(fast, slow, rtol=5e-6, atol=1e-37)
    x64 = x.astype(np.float64)
    with np.errstate(invalid="ignore"):
        want = x64 * np.array(
            [0.5 * math.erfc(-v / math.sqrt(2)) if np.isfinite(v) else float(v > 0) for v in x64])
    want[np.isnan(x64)] = np.nan
    want[x64 == -np.inf] = np.nan  # −inf·Φ(−inf) = −inf·0
    finite = np.isfinite(want) & (np.abs(want) > 1e-30)
    rel = np.abs(fast[finite] - want[finite]) / np.abs(want[finite])
    assert rel.max() < 5e-6  # (e^(−x²/2) from float32 x²: 4e-6 at |x| = 14, where PyTorch's is 0)
    assert rel[np.abs(x[finite]) <= 4].max() < 1e-6  # PyTorch's: 1e-3 at x ≈ −4


@needs_simd
@pytest.mark.parametrize("op", ["sigmoid", "gelu"])
def test_backward_kernels_match_numpy_formula(op: str) -> None:
    x = _inputs(scale=4.0)
    g = np.random.default_rng(1).standard_normal(x.size).astype(np.float32)

    def grad(a: np.ndarray, gv: np.ndarray) -> np.ndarray:
        t = cr.from_numpy(a).requires_grad_()
        y = cr.sigmoid(t) if op == "sigmoid" else F.gelu(t)
        y.backward(cr.from_numpy(gv))
        return t.grad.numpy()

    fast, slow = _both_paths(grad, x, g)
    _assert_close(fast, slow, rtol=5e-6, atol=2e-7)  # σ′ = y(1 − y) near y = 1 magnifies an ulp of y


# ------------------------------------------------------------------ the softmax family


@needs_simd
@pytest.mark.parametrize("cols", [4096, 1000, 13, 7, 1])
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_row_kernels_match_numpy_formula(fn: str, cols: int) -> None:
    rows = -(-N // cols)
    rng = np.random.default_rng(cols)
    x = (rng.standard_normal((rows, cols)) * 10).astype(np.float32)
    g = rng.standard_normal((rows, cols)).astype(np.float32)
    if cols > 2:
        x[0, 0] = np.inf  # a +inf row, an all −inf row and a NaN row all give NaN rows, as in PyTorch
        x[1, :] = -np.inf
        x[2, 1] = np.nan
        x[3, : cols // 2] = -np.inf

    def run(a: np.ndarray, gv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t = cr.from_numpy(a).requires_grad_()
        y = getattr(F, fn)(t, dim=-1)
        y.backward(cr.from_numpy(gv))
        return y.detach().numpy(), t.grad.numpy()

    (yf, gf), (ys, gs) = _both_paths(run, x, g)
    _assert_close(yf, ys, rtol=2e-6, atol=1e-6 if fn == "log_softmax" else 1e-37)
    _assert_close(gf, gs, rtol=2e-5, atol=1e-6)
    if cols > 2:
        assert np.isnan(yf[:3]).all() and not np.isnan(yf[3:]).any()


@needs_simd
def test_softmax_kernel_against_float64_closed_form() -> None:
    x = (np.random.default_rng(5).standard_normal((64, 1000)) * 30).astype(np.float32)
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(1, keepdims=True))
    with K.use_kernels(True):
        y = F.softmax(cr.from_numpy(x), dim=1).numpy()
        ly = F.log_softmax(cr.from_numpy(x), dim=1).numpy()
    # (x − max rounds in float32 before exp: 1e-5 relative on the smallest probabilities, as in PyTorch)
    np.testing.assert_allclose(y, e / e.sum(1, keepdims=True), rtol=1e-5, atol=1e-30)
    np.testing.assert_allclose(ly, np.log(e / e.sum(1, keepdims=True)), rtol=2e-6, atol=2e-5)


@needs_simd
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_kernel_matches_numpy_formula(weighted: bool, reduction: str) -> None:
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((40, 1000)) * 20).astype(np.float32)
    t = rng.integers(0, 1000, 40)
    t[:3] = -100  # ignored
    w = rng.random(1000).astype(np.float32) if weighted else None

    def run(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xt = cr.from_numpy(a).requires_grad_()
        loss = F.cross_entropy(xt, cr.from_numpy(t), weight=None if w is None else cr.from_numpy(w),
                               reduction=reduction)
        loss.sum().backward()
        with cr.no_grad():  # the no-grad forward skips the softmax
            again = F.cross_entropy(cr.from_numpy(a), cr.from_numpy(t),
                                    weight=None if w is None else cr.from_numpy(w), reduction=reduction)
        np.testing.assert_array_equal(again.numpy(), loss.detach().numpy())
        return loss.detach().numpy(), xt.grad.numpy()

    (lf, gf), (ls, gs) = _both_paths(run, x)
    _assert_close(lf, ls, rtol=1e-5, atol=1e-5)
    _assert_close(gf, gs, rtol=1e-5, atol=1e-9)


# ------------------------------------------------------------------ against PyTorch


@needs_simd
def test_kernels_against_pytorch() -> None:
    torch = require_torch()
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(N) * 3).astype(np.float32)
    g = rng.standard_normal(N).astype(np.float32)
    for name in ("sigmoid", "gelu"):
        ct = cr.from_numpy(x.copy()).requires_grad_()
        tt = torch.from_numpy(x.copy()).requires_grad_()
        cy = getattr(F, name)(ct)
        ty = getattr(torch.nn.functional, name)(tt)
        cy.backward(cr.from_numpy(g))
        ty.backward(torch.from_numpy(g))
        # PyTorch's float32 erf loses digits in gelu's left tail (1e-3 relative at x = −4): atol covers it
        np.testing.assert_allclose(cy.detach().numpy(), ty.detach().numpy(), rtol=2e-6, atol=1e-6)
        np.testing.assert_allclose(ct.grad.numpy(), tt.grad.numpy(), rtol=2e-6, atol=1e-6)
    X = (rng.standard_normal((32, 1000)) * 5).astype(np.float32)
    T = rng.integers(0, 1000, 32)
    G = rng.standard_normal((32, 1000)).astype(np.float32)
    for name in ("softmax", "log_softmax"):
        ct, tt = cr.from_numpy(X.copy()).requires_grad_(), torch.from_numpy(X.copy()).requires_grad_()
        getattr(F, name)(ct, dim=1).backward(cr.from_numpy(G))
        getattr(torch.nn.functional, name)(tt, dim=1).backward(torch.from_numpy(G))
        np.testing.assert_allclose(ct.grad.numpy(), tt.grad.numpy(), rtol=1e-5, atol=1e-6)
    ct, tt = cr.from_numpy(X.copy()).requires_grad_(), torch.from_numpy(X.copy()).requires_grad_()
    cl = F.cross_entropy(ct, cr.from_numpy(T))
    tl = torch.nn.functional.cross_entropy(tt, torch.from_numpy(T))
    cl.backward()
    tl.backward()
    assert cl.item() == pytest.approx(tl.item(), rel=1e-6)
    np.testing.assert_allclose(ct.grad.numpy(), tt.grad.numpy(), rtol=1e-5, atol=1e-9)


def test_inf_rows_give_pytorch_nan_on_both_paths() -> None:
    torch = require_torch()
    x = np.array([[np.inf, 1.0, 2.0], [-np.inf, -np.inf, -np.inf], [1.0, -np.inf, 0.0]], np.float32)
    for fn in ("softmax", "log_softmax"):
        want = getattr(torch.nn.functional, fn)(torch.from_numpy(x), dim=1).numpy()
        got = getattr(F, fn)(cr.from_numpy(x), dim=1).numpy()
        np.testing.assert_allclose(got, want, rtol=2e-7)  # NaN where PyTorch has NaN, -inf where it has -inf
    ct = cr.from_numpy(x.copy()).requires_grad_()
    tt = torch.from_numpy(x.copy()).requires_grad_()
    cl = F.cross_entropy(ct, cr.tensor([1, 0, 0]), reduction="none")
    tl = torch.nn.functional.cross_entropy(tt, torch.tensor([1, 0, 0]), reduction="none")
    np.testing.assert_allclose(cl.detach().numpy(), tl.detach().numpy(), rtol=2e-7)
    cl.sum().backward()
    tl.sum().backward()
    np.testing.assert_allclose(ct.grad.numpy(), tt.grad.numpy(), rtol=2e-7)


# ------------------------------------------------------------------ which arrays take the fast path


@needs_simd
def test_fast_path_selection() -> None:
    big = np.ones(K.MIN_SIZE, np.float32)
    assert K.sigmoid(big) is not None
    assert K.sigmoid(big[: K.MIN_SIZE - 1]) is None  # small
    assert K.sigmoid(big.astype(np.float64)) is None  # float64 stays on NumPy's libm
    assert K.sigmoid(np.ones((K.MIN_SIZE, 2), np.float32)[:, 0]) is None  # strided
    m = np.ones((128, 256), np.float32)
    assert K.softmax(m, 1) is not None and K.softmax(m, 0) is None  # reductions over the last axis only
    with K.use_kernels(False):
        assert not K.active() and K.sigmoid(big) is None
    assert K.active()


@needs_simd
def test_results_do_not_depend_on_thread_count() -> None:
    x = _inputs(n=300_007)
    m = x[:300_000].reshape(300, 1000)
    results = []
    old = cr.get_num_threads()
    try:
        for n in (1, 2, 3):
            cr.set_num_threads(n)
            results.append((K.gelu(x), K.sigmoid(x), K.softmax(m, 1), K.log_softmax(m, 1)))
    finally:
        cr.set_num_threads(old)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


@needs_simd
def test_recycled_outputs_never_alias_live_arrays() -> None:
    from chainrule import _fastmath

    x = _inputs()
    _fastmath.empty_cache()  # (earlier tests may have left blocks of this size)
    live = [K.sigmoid(x) for _ in range(4)]
    addresses = {a.ctypes.data for a in live}
    assert len(addresses) == 4
    expected = live[0].copy()
    del live[1:]  # their memory goes to the cache ...
    again = [K.gelu(x) for _ in range(3)]  # ... and is handed out again
    assert {a.ctypes.data for a in again} <= addresses - {live[0].ctypes.data}
    np.testing.assert_array_equal(live[0], expected)
    assert _fastmath.cached_bytes() <= 64 << 20
    del again
    _fastmath.empty_cache()
    assert _fastmath.cached_bytes() == 0


@needs_simd
def test_kernel_gradient_is_adopted_without_copy_but_views_are_copied() -> None:
    x = cr.from_numpy(_inputs()).requires_grad_()
    cr.sigmoid(x).sum().backward()
    assert K.owns_memory(x.grad.numpy()) or x.grad.numpy().base is not None
    y = K.sigmoid(_inputs())
    assert K.owns_memory(y)
    view = y[1:]
    assert not K.owns_memory(view)


@needs_simd
def test_concurrent_callers_and_fork() -> None:
    x = _inputs(n=200_003)
    want = K.sigmoid(x).copy()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                np.testing.assert_array_equal(K.sigmoid(x), want)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    if not hasattr(os, "fork"):
        return
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child has no pool workers: it must start its own
        ok = np.array_equal(K.sigmoid(x), want, equal_nan=True)
        os.write(w, b"1" if ok else b"0")
        os._exit(0)
    os.close(w)
    assert os.read(r, 1) == b"1"
    os.waitpid(pid, 0)


# ------------------------------------------------------------------ threads API and shared constants


def test_set_num_threads_validates_like_pytorch() -> None:
    old = cr.get_num_threads()
    try:
        cr.set_num_threads(1)
        assert cr.get_num_threads() == 1
        for bad, msg in [(0, "positive integer"), (-2, "positive integer"), (1.5, "an int, but got float"),
                         (True, "an int, but got bool")]:
            with pytest.raises(RuntimeError, match=msg):
                cr.set_num_threads(bad)
    finally:
        cr.set_num_threads(old)


def test_gelu_tail_coefficients_agree_between_c_and_python() -> None:
    src = (Path(__file__).resolve().parents[1] / "csrc" / "fastmath.c").read_text()
    body = src[src.index("normal_cdf8(V8 x"):]
    body = body[: body.index("p = _mm256_mul_ps(p, t);")]
    coeffs = [float(v) for v in re.findall(r"(?:V8 p = SET|p = _mm256_fmadd_ps\(p, t, SET)\(([-0-9.e]+)f\)", body)]
    assert coeffs == list(_special._TAIL_COEFFS)
    assert f"SET({_special._TAIL_T_SCALE!r}f)" in body
