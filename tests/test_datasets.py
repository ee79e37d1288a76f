"""chainrule.datasets: generated sets (closed forms, determinism), sklearn's bundled sets, CSV and IDX readers."""

from __future__ import annotations

import gzip
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule import datasets

SKLEARN_REASON = "scikit-learn (the chainrule[datasets] extra) is not installed: pip install scikit-learn"


def _np(t):
    return t.numpy()


def _sorted_rows(a):
    return a[np.lexsort(a.T[::-1])]


# -- generated -------------------------------------------------------------------------------
def test_xor_is_the_four_points():
    X, y = datasets.xor()
    assert X.dtype == cr.float32 and y.dtype == cr.int64
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]


GENERATORS = {
    "moons": lambda seed: datasets.moons(101, noise=0.1, seed=seed),
    "circles": lambda seed: datasets.circles(101, noise=0.05, factor=0.3, seed=seed),
    "spirals": lambda seed: datasets.spirals(101, classes=4, noise=0.2, seed=seed),
    "blobs": lambda seed: datasets.blobs(101, centers=4, std=0.5, seed=seed),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generated_sets_are_typed_and_deterministic_given_seed(name):
    make = GENERATORS[name]
    X, y = make(3)
    assert X.dtype == cr.float32 and y.dtype == cr.int64
    assert X.shape == (101, 2) and y.shape == (101,)
    X2, y2 = make(3)
    np.testing.assert_array_equal(_np(X), _np(X2))
    np.testing.assert_array_equal(_np(y), _np(y2))
    X3, _ = make(4)
    assert not np.array_equal(_np(X), _np(X3))
    cr.manual_seed(123)  # the global generator plays no part
    np.testing.assert_array_equal(_np(make(3)[0]), _np(X))


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = (_np(t) for t in datasets.moons(40, noise=0.0, seed=0))
    a, b = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    assert len(a) == len(b) == 20
    np.testing.assert_allclose(np.hypot(a[:, 0], a[:, 1]), 1.0, atol=1e-6)
    assert (a[:, 1] >= -1e-6).all()
    np.testing.assert_allclose(np.hypot(b[:, 0] - 1, b[:, 1] - 0.5), 1.0, atol=1e-6)
    assert (b[:, 1] <= 0.5 + 1e-6).all()


def test_circles_without_noise_have_radii_one_and_factor():
    X, y = (_np(t) for t in datasets.circles(31, noise=0.0, factor=0.25, seed=0))
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.25, atol=1e-6)
    assert (y == 0).sum() == 15 and (y == 1).sum() == 16
    assert len(np.unique(np.round(X, 5), axis=0)) == 31  # endpoint excluded: no repeated point


def test_generated_geometry_matches_scikit_learn():
    skd = pytest.importorskip("sklearn.datasets", reason=SKLEARN_REASON)
    for ours, (Xs, ys) in [(datasets.moons(30, noise=0.0), skd.make_moons(30, noise=0.0, shuffle=False)),
                           (datasets.circles(30, noise=0.0, factor=0.4),
                            skd.make_circles(30, noise=0.0, factor=0.4, shuffle=False))]:
        X, y = (_np(t) for t in ours)
        for c in (0, 1):
            np.testing.assert_allclose(_sorted_rows(X[y == c]), _sorted_rows(Xs[ys == c]), atol=1e-6)


def test_spirals_without_noise_follow_the_arm_formula():
    X, y = (_np(t) for t in datasets.spirals(10, classes=3, noise=0.0))
    assert np.bincount(y).tolist() == [4, 3, 3]
    for k in range(3):
        pts = X[y == k].astype(np.float64)
        r = np.hypot(pts[:, 0], pts[:, 1])
        order = np.argsort(r)
        np.testing.assert_allclose(r[order], np.linspace(0, 1, len(pts)), atol=1e-6)
        theta = np.arctan2(pts[:, 0], pts[:, 1])[order][1:]  # angle of (sin θ, cos θ); r=0 has none
        want = 4.0 * k + 4.0 * r[order][1:]
        np.testing.assert_allclose(np.cos(theta), np.cos(want), atol=1e-5)
        np.testing.assert_allclose(np.sin(theta), np.sin(want), atol=1e-5)


def test_blobs_cluster_around_given_centers():
    centers = [[0.0, 0.0, 0.0], [10.0, -5.0, 2.0]]
    X, y = (_np(t) for t in datasets.blobs(1001, centers=centers, std=0.1, seed=1))
    assert X.shape == (1001, 3) and np.bincount(y).tolist() == [501, 500]
    for j, c in enumerate(centers):
        np.testing.assert_allclose(X[y == j].mean(0), c, atol=0.03)
        np.testing.assert_allclose(X[y == j].std(0), 0.1, rtol=0.15)
    _, y = datasets.blobs(30, centers=5, seed=0)
    assert sorted(set(_np(y).tolist())) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("call,phrase", [
    (lambda: datasets.moons(0), "n must be an integer >= 2"),
    (lambda: datasets.moons(10, noise=-1), "noise must be a finite number >= 0"),
    (lambda: datasets.circles(10, factor=1.0), "factor must be in"),
    (lambda: datasets.spirals(10, classes=0), "classes must be an integer >= 1"),
    (lambda: datasets.blobs(10, centers=[1.0, 2.0]), "centers must be"),
    (lambda: datasets.blobs(2.5), "n must be an integer"),
])
def test_generated_argument_errors_name_the_argument(call, phrase):
    with pytest.raises(ValueError, match=phrase):
        call()


# -- scikit-learn bundled sets ---------------------------------------------------------------
def test_digits_and_iris_match_scikit_learn():
    skd = pytest.importorskip("sklearn.datasets", reason=SKLEARN_REASON)
    X, y = datasets.digits()
    ref = skd.load_digits()
    assert X.dtype == cr.float32 and y.dtype == cr.int64 and X.shape == (1797, 64)
    np.testing.assert_allclose(_np(X), ref.data / 16.0, rtol=1e-6)
    np.testing.assert_array_equal(_np(y), ref.target)
    np.testing.assert_allclose(_np(datasets.digits(normalize=False)[0]), ref.data)
    X, y = datasets.iris()
    ref = skd.load_iris()
    assert X.dtype == cr.float32 and X.shape == (150, 4) and _np(y).tolist() == ref.target.tolist()
    np.testing.assert_allclose(_np(X), ref.data, rtol=1e-6)


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install chainrule\[datasets\]"):
        datasets.digits()
    with pytest.raises(ImportError, match=r"pip install chainrule\[datasets\]"):
        datasets.iris()


# -- CSV ---------------------------------------------------------------------------------------
def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_read_csv_string_target_gives_class_ids_and_names(tmp_path):
    p = _write(tmp_path / "iris.csv", "sepal,petal,species,width\n1.5,2,setosa,0.5\n3,4e-1,virginica,1\n"
                                      "\n5,-6,setosa,7\n")
    X, y, classes = datasets.read_csv(p, target="species")
    assert X.dtype == cr.float32 and X.tolist() == [[1.5, 2.0, 0.5], [3.0, 0.4000000059604645, 1.0],
                                                    [5.0, -6.0, 7.0]]
    assert y.dtype == cr.int64 and y.tolist() == [0, 1, 0] and classes == ["setosa", "virginica"]


def test_read_csv_integral_and_float_targets(tmp_path):
    p = _write(tmp_path / "a.csv", "x,label\n0.5,10\n1.5,2\n2.5,10.0\n")
    X, y, classes = datasets.read_csv(p, target="label", dtype=cr.float64)
    assert X.dtype == cr.float64 and y.tolist() == [1, 0, 1] and classes == ["2", "10"]
    p = _write(tmp_path / "b.csv", "x;price\n1;2.25\n2;3.5\n")
    X, y, classes = datasets.read_csv(p, target=-1, delimiter=";")
    assert classes is None and y.dtype == cr.float32 and y.tolist() == [2.25, 3.5]


@pytest.mark.parametrize("text,target,phrase", [
    ("a,b\n1,2\n", "c", r"target column 'c' is not in the header .* columns are \['a', 'b'\]"),
    ("a,b\n1,2\n", 5, "target column index 5 is out of range"),
    ("a,b,y\n1,2,0\n1,oops,1\n", "y", r"line 3 \(data row 2\), column 'b': 'oops' is not a finite number"),
    ("a,b,y\n1,,0\n", "y", r"line 2 \(data row 1\), column 'b': '' is not a finite number"),
    ("a,b,y\n1,nan,0\n", "y", "column 'b': 'nan' is not a finite number"),
    ("a,b,y\n1,2,0\n1,2\n", "y", "line 3 has 2 fields but the header has 3"),
    ("a,y\n1,\n", "y", "target column 'y' is empty"),
    ("", "y", "is empty"),
])
def test_read_csv_errors_name_line_and_column(tmp_path, text, target, phrase):
    p = _write(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=phrase):
        datasets.read_csv(p, target=target)


# -- IDX ---------------------------------------------------------------------------------------
IDX_CODES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _idx_bytes(arr: np.ndarray, code: int) -> bytes:
    """The IDX encoding written independently of the reader: magic, big-endian dims, big-endian data."""
    head = bytes([0, 0, code, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return head + arr.astype(IDX_CODES[code]).tobytes()


@pytest.mark.parametrize("code", sorted(IDX_CODES))
@pytest.mark.parametrize("compressed", [False, True])
def test_read_idx_every_dtype_plain_and_gzip(tmp_path, code, compressed):
    arr = (np.arange(24).reshape(2, 3, 4) * 3 - 20).astype(IDX_CODES[code])
    if code == 0x08:
        arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4) * 10
    data = _idx_bytes(arr, code)
    p = tmp_path / ("a.idx.gz" if compressed else "a.idx")
    p.write_bytes(gzip.compress(data) if compressed else data)
    t = datasets.read_idx(p)
    assert t.shape == (2, 3, 4) and t.numpy().dtype == arr.dtype.newbyteorder("=")
    np.testing.assert_array_equal(t.numpy(), arr)


def test_read_idx_zero_dims_and_empty(tmp_path):
    p = tmp_path / "e.idx"
    p.write_bytes(_idx_bytes(np.zeros((0, 28), dtype=np.uint8), 0x08))
    assert datasets.read_idx(p).shape == (0, 28)


@pytest.mark.parametrize("mutate,phrase", [
    (lambda b: b"\x01" + b[1:], "magic number 01000803"),
    (lambda b: b[:2] + b"\x0a" + b[3:], "not an IDX file"),
    (lambda b: b[:3], "too short"),
    (lambda b: b[:10], "header declares 3 dimensions"),
    (lambda b: b[:-1], "is truncated: dimensions \\[2, 3, 4\\] need 24 bytes of data, found 23"),
    (lambda b: b + b"\x00", "has trailing bytes"),
    (lambda b: gzip.compress(b)[:-9], "damaged or truncated gzip"),
])
def test_read_idx_errors(tmp_path, mutate, phrase):
    p = tmp_path / "bad.idx"
    p.write_bytes(mutate(_idx_bytes(np.zeros((2, 3, 4), dtype=np.uint8), 0x08)))
    with pytest.raises(ValueError, match=phrase):
        datasets.read_idx(p)


def test_load_idx_scales_flattens_and_checks_counts(tmp_path):
    images = np.arange(5 * 4 * 4, dtype=np.int64).reshape(5, 4, 4).astype(np.uint8) * 3
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    (tmp_path / "img").write_bytes(_idx_bytes(images, 0x08))
    (tmp_path / "lab.gz").write_bytes(gzip.compress(_idx_bytes(labels, 0x08)))
    X, y = datasets.load_idx(tmp_path / "img", tmp_path / "lab.gz")
    assert X.dtype == cr.float32 and X.shape == (5, 16) and y.dtype == cr.int64
    np.testing.assert_allclose(X.numpy(), images.reshape(5, 16) / 255.0, rtol=1e-6)
    assert y.tolist() == [3, 1, 4, 1, 5] and float(X.max()) <= 1.0
    (tmp_path / "lab4").write_bytes(_idx_bytes(labels[:4], 0x08))
    with pytest.raises(ValueError, match="5 images .* but 4 labels"):
        datasets.load_idx(tmp_path / "img", tmp_path / "lab4")
    (tmp_path / "lab2d").write_bytes(_idx_bytes(labels.reshape(5, 1), 0x08))
    with pytest.raises(ValueError, match="must be a 1-D integer IDX file"):
        datasets.load_idx(tmp_path / "img", tmp_path / "lab2d")
    (tmp_path / "imgf").write_bytes(_idx_bytes(images.astype(np.float64), 0x0E))
    with pytest.raises(ValueError, match="expected uint8 pixels"):
        datasets.load_idx(tmp_path / "imgf", tmp_path / "lab.gz")
