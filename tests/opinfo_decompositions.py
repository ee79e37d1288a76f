"""OpInfo entries for the decompositions family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from opinfo import Gen, Sample, fixed, fn, op, uniform


def _square(rng: Gen, shape: tuple[int, ...]) -> np.ndarray:
    """A well-conditioned square matrix (diagonally dominant)."""
    return uniform(rng, shape, -0.5, 0.5) + 2.0 * np.eye(shape[-1])


def _spd(rng: Gen, shape: tuple[int, ...]) -> np.ndarray:
    X = uniform(rng, shape, -1, 1)
    return X @ np.swapaxes(X, -1, -2) + shape[-1] * np.eye(shape[-1])


def _sym(x: Any) -> Any:
    """The symmetric part: cholesky reads one triangle, so finite differences need symmetric perturbations."""
    return (x + x.transpose(-2, -1)) / 2


def _mats(*shapes: tuple[int, ...], gen: Any = uniform) -> Any:
    return fixed(*(lambda rng, s=s: Sample(tuple(gen(rng, x) for x in s)) for s in shapes))


op("det", fn("det"), _mats(((3, 3),), ((2, 3, 3),), gen=_square))
op("logdet", fn("logdet"), _mats(((3, 3),), ((2, 3, 3),), gen=_spd))
op("slogdet", fn("slogdet"), _mats(((3, 3),), ((2, 3, 3),), gen=_square))
op("inverse", fn("inverse"), _mats(((3, 3),), ((2, 3, 3),), gen=_square))
op("pinverse", fn("pinverse"), _mats(((4, 3),), ((2, 3, 5),), ((3, 3),)))
op("cholesky", lambda m, a: m.cholesky(_sym(a)), _mats(((3, 3),), ((2, 3, 3),), gen=_spd))
op("cholesky.upper", lambda m, a: m.cholesky(_sym(a), upper=True), _mats(((3, 3),), gen=_spd), covers=("cholesky",))
op("qr", fn("qr"), _mats(((4, 3),), ((3, 3),), ((2, 3, 5),)))


def _svd_fixed(m: Any, a: Any) -> Any:
    """torch.svd with each singular pair's sign fixed (LAPACK calls may flip a pair (uᵢ, vᵢ) together)."""
    U, S, V = m.svd(a)
    s = U[..., :1, :].sign()
    return U * s, S, V * s


op("svd", _svd_fixed, _mats(((4, 3),), ((3, 5),), ((2, 3, 3),)))
op("matrix_power", lambda m, a: m.matrix_power(a, 3), _mats(((3, 3),), gen=_square))
op("matrix_power.negative", lambda m, a: m.matrix_power(a, -2), _mats(((3, 3),), gen=_square),
   covers=("matrix_power",))
op("matrix_exp", fn("matrix_exp"), _mats(((3, 3),), ((2, 2, 2),)))
op("cross", lambda m, a, b: m.cross(a, b, dim=-1), _mats(((4, 3), (4, 3)), ((1, 3), (2, 3))))
op("cross.default_dim", lambda m, a, b: m.cross(a, b), _mats(((3, 2), (3, 2)), ((2, 3, 3), (2, 3, 1))),
   covers=("cross",))
op("kron", fn("kron"), _mats(((2, 3), (3, 2)), ((2,), (3, 1))))
op("tensordot", fn("tensordot"), _mats(((2, 3, 4), (3, 4, 2))))
op("tensordot.dims", lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [1, 0])), _mats(((2, 3, 4), (4, 2, 3))),
   covers=("tensordot",))
op("inner", fn("inner"), _mats(((3,), (3,)), ((2, 3), (4, 3))))
op("vdot", fn("vdot"), _mats(((4,), (4,))))
op("ger", fn("ger"), _mats(((3,), (2,))))
op("addmm", fn("addmm"), _mats(((3,), (2, 4), (4, 3)), ((2, 3), (2, 4), (4, 3))))
op("addmm.scaled", lambda m, i, a, b: m.addmm(i, a, b, beta=0.5, alpha=-2.0), _mats(((2, 3), (2, 4), (4, 3))),
   covers=("addmm",))
op("addmv", lambda m, i, a, b: m.addmv(i, a, b, beta=2.0), _mats(((2,), (2, 4), (4,))))
op("addr", lambda m, i, a, b: m.addr(i, a, b, alpha=0.5), _mats(((3, 2), (3,), (2,))))
op("baddbmm", lambda m, i, a, b: m.baddbmm(i, a, b, beta=0.3), _mats(((2, 2, 3), (2, 2, 4), (2, 4, 3))))
op("addbmm", lambda m, i, a, b: m.addbmm(i, a, b, alpha=1.5), _mats(((2, 3), (2, 2, 4), (2, 4, 3))))
op("chain_matmul", fn("chain_matmul"), _mats(((2, 3), (3, 4), (4, 2))))
