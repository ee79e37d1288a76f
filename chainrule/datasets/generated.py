"""Generated 2-D classification datasets, deterministic given ``seed`` (NumPy's PCG64, not the global RNG).

Each returns ``(X, y)``: ``X`` a float32 tensor of shape (n, 2) (``blobs``: (n, dim)), ``y`` int64 labels.
Points are shuffled, so a plain slice is a fair train/validation split.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor


def _check_count(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_nonneg(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value >= 0 \
            or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _finish(X: np.ndarray, y: np.ndarray, g: np.random.Generator) -> tuple[Tensor, Tensor]:
    order = g.permutation(len(y))
    return (Tensor._wrap(np.ascontiguousarray(X[order], dtype=np.float32)),
            Tensor._wrap(np.ascontiguousarray(y[order], dtype=np.int64)))


def xor() -> tuple[Tensor, Tensor]:
    """The four XOR points in the seed's order: X = [[0,0],[0,1],[1,0],[1,1]], y = [0,1,1,0] (not shuffled)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    return Tensor._wrap(X), Tensor._wrap(np.array([0, 1, 1, 0], dtype=np.int64))


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Two interleaved half circles (scikit-learn's ``make_moons`` geometry).

    Class 0: (cos t, sin t), class 1: (1 − cos t, 0.5 − sin t), t evenly spaced on [0, π];
    ⌊n/2⌋ points in class 0, the rest in class 1; Gaussian noise of std ``noise`` on both coordinates.
    """
    n = _check_count("n", n, 2)
    noise = _check_nonneg("noise", noise)
    g = np.random.default_rng(seed)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1), np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)])
    y = np.repeat([0, 1], [n0, n - n0])
    return _finish(X + noise * g.standard_normal(X.shape), y, g)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> tuple[Tensor, Tensor]:
    """A circle of radius ``factor`` (class 1) inside the unit circle (class 0) (``make_circles`` geometry).

    Angles evenly spaced on [0, 2π) (endpoint excluded, so no point repeats); ⌊n/2⌋ points on the outer circle.
    """
    n = _check_count("n", n, 2)
    noise = _check_nonneg("noise", noise)
    if not 0 <= factor < 1:
        raise ValueError(f"factor must be in [0, 1) (the inner circle's radius relative to the outer), got {factor!r}")
    g = np.random.default_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1), factor * np.stack([np.cos(t1), np.sin(t1)], 1)])
    y = np.repeat([0, 1], [n0, n - n0])
    return _finish(X + noise * g.standard_normal(X.shape), y, g)


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: int = 0) -> tuple[Tensor, Tensor]:
    """``classes`` interleaved spiral arms (the CS231n spiral), ``n`` points in all.

    Arm k: radius r evenly spaced on [0, 1], angle θ = 4k + 4r + noise·N(0, 1), point r·(sin θ, cos θ).
    The first n mod classes arms get one extra point.
    """
    n = _check_count("n", n, 1)
    classes = _check_count("classes", classes, 1)
    noise = _check_nonneg("noise", noise)
    g = np.random.default_rng(seed)
    sizes = [n // classes + (k < n % classes) for k in range(classes)]
    Xs = []
    for k, m in enumerate(sizes):
        r = np.linspace(0.0, 1.0, m)
        theta = 4.0 * k + 4.0 * r + noise * g.standard_normal(m)
        Xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], 1))
    return _finish(np.concatenate(Xs), np.repeat(np.arange(classes), sizes), g)


def blobs(n: int = 200, centers: Any = 3, std: float = 1.0, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Isotropic Gaussian clusters: ``centers`` is a count (drawn uniformly in [−10, 10]², like scikit-learn's
    ``make_blobs``) or an array of shape (k, dim); cluster j gets ⌊n/k⌋ points (+1 for the first n mod k).
    """
    n = _check_count("n", n, 1)
    std = _check_nonneg("std", std)
    g = np.random.default_rng(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = _check_count("centers", centers, 1)
        C = g.uniform(-10.0, 10.0, size=(k, 2))
    else:
        C = np.asarray(centers._data if isinstance(centers, Tensor) else centers, dtype=np.float64)
        if C.ndim != 2 or C.shape[0] < 1 or C.shape[1] < 1:
            raise ValueError(f"centers must be a positive count or an array of shape (k, dim), got shape {C.shape}")
    k = C.shape[0]
    sizes = [n // k + (j < n % k) for j in range(k)]
    labels = np.repeat(np.arange(k), sizes)
    X = C[labels] + std * g.standard_normal((n, C.shape[1]))
    return _finish(X, labels, g)
