"""Readers for data on disk: CSV tables with a named target column, and IDX files (the MNIST format).

Errors name the file, the line/row and the column, so a bad value is found without a debugger.
"""

from __future__ import annotations

import csv
import gzip
import math
import os
from typing import Any

import numpy as np

from .._dtype import as_dtype
from ..tensor import Tensor


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------
def _number(text: str) -> float | None:
    """The finite float in ``text``, or None when it is not one (empty, a word, nan, inf)."""
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def read_csv(path: str | os.PathLike[str], target: str | int, *, delimiter: str = ",",
             dtype: Any = None) -> tuple[Tensor, Tensor, list[str] | None]:
    """Read a CSV file with a header row: every column but ``target`` is a numeric feature.

    Returns ``(X, y, classes)``:

    * ``X``: features, shape (rows, columns − 1), ``dtype`` (default float32), in the file's column order;
    * ``y``: if the target column is non-numeric or integral, int64 class ids 0..k−1 indexing
      ``classes``, the class names in sorted order (numbers sorted numerically, e.g. ``['1', '2', '10']``);
      otherwise (non-integral numbers, a regression target) float values of ``dtype`` and ``classes=None``.

    ``target`` is a column name or a 0-based column index. A missing target column, a row with the
    wrong number of fields, or a feature value that is not a finite number raises ``ValueError``
    naming the line and the column.
    """
    npd = np.dtype(np.float32) if dtype is None else as_dtype(dtype).np
    if npd.kind != "f":
        raise ValueError(f"read_csv: dtype must be a floating dtype, got {dtype}")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"read_csv: {os.fspath(path)!r} is empty (expected a header row)")
        names = [h.strip() for h in header]
        t = _target_index(names, target, path)
        rows, lines = [], []
        for row in reader:
            if not row or all(not c.strip() for c in row):
                continue  # blank line
            if len(row) != len(names):
                raise ValueError(f"read_csv: {os.fspath(path)!r} line {reader.line_num} has {len(row)} fields but the "
                                 f"header has {len(names)}")
            rows.append(row)
            lines.append(reader.line_num)
    feature_cols = [j for j in range(len(names)) if j != t]
    X = np.empty((len(rows), len(feature_cols)), dtype=npd)
    for i, row in enumerate(rows):
        for k, j in enumerate(feature_cols):
            v = _number(row[j])
            if v is None:
                raise ValueError(f"read_csv: {os.fspath(path)!r} line {lines[i]} (data row {i + 1}), column "
                                 f"{names[j]!r}: {row[j]!r} is not a finite number (features must be numeric)")
            X[i, k] = v
    y, classes = _labels([row[t].strip() for row in rows], names[t], lines, path, npd)
    return Tensor._wrap(X), y, classes


def _target_index(names: list[str], target: str | int, path: Any) -> int:
    if isinstance(target, int) and not isinstance(target, bool):
        if not -len(names) <= target < len(names):
            raise ValueError(f"read_csv: target column index {target} is out of range for {len(names)} columns "
                             f"{names} in {os.fspath(path)!r}")
        return target % len(names)
    if target not in names:
        raise ValueError(f"read_csv: target column {target!r} is not in the header of {os.fspath(path)!r}; "
                         f"columns are {names}")
    return names.index(target)


def _labels(values: list[str], column: str, lines: list[int], path: Any,
            npd: np.dtype) -> tuple[Tensor, list[str] | None]:
    for i, v in enumerate(values):
        if not v:
            raise ValueError(f"read_csv: {os.fspath(path)!r} line {lines[i]} (data row {i + 1}), target column "
                             f"{column!r} is empty")
    numbers = [_number(v) for v in values]
    if values and all(x is not None for x in numbers):
        if not all(float(x).is_integer() for x in numbers):  # type: ignore[arg-type]
            return Tensor._wrap(np.asarray(numbers, dtype=npd)), None  # a regression target
        ints = [int(x) for x in numbers]  # type: ignore[arg-type]
        uniq = sorted(set(ints))
        ids = {c: i for i, c in enumerate(uniq)}
        return Tensor._wrap(np.asarray([ids[x] for x in ints], dtype=np.int64)), [str(c) for c in uniq]
    names = sorted(set(values))
    ids_s = {c: i for i, c in enumerate(names)}
    return Tensor._wrap(np.asarray([ids_s[v] for v in values], dtype=np.int64)), names


# ---------------------------------------------------------------------------------------------
# IDX (http://yann.lecun.com/exdb/mnist/): 0x00 0x00 <dtype code> <ndim>, ndim big-endian uint32 sizes, data
# ---------------------------------------------------------------------------------------------
_IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


def _read_maybe_gzip(path: str | os.PathLike[str]) -> bytes:
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw[:2] != b"\x1f\x8b":  # gzip's magic number, whatever the file is called
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as e:
        raise ValueError(f"read_idx: {os.fspath(path)!r} is a damaged or truncated gzip file ({e})") from None


def read_idx(path: str | os.PathLike[str]) -> Tensor:
    """Read an IDX file (plain or gzip-compressed) into a tensor of its own dtype and shape.

    Dtype codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64 (big-endian
    on disk, native in the tensor). A bad magic number, an unknown dtype code, or a file whose size
    does not match its dimensions raises ``ValueError``.
    """
    buf = _read_maybe_gzip(path)
    where = repr(os.fspath(path))
    if len(buf) < 4:
        raise ValueError(f"read_idx: {where} has {len(buf)} bytes, too short for the 4-byte IDX magic number")
    if buf[0] != 0 or buf[1] != 0 or buf[2] not in _IDX_DTYPES:
        raise ValueError(f"read_idx: {where} has magic number {buf[:4].hex()}, not an IDX file (expected 00 00, "
                         f"a dtype code in {[hex(c) for c in _IDX_DTYPES]}, and the number of dimensions)")
    npd, ndim = _IDX_DTYPES[buf[2]], buf[3]
    start = 4 + 4 * ndim
    if len(buf) < start:
        raise ValueError(f"read_idx: {where} is truncated: its header declares {ndim} dimensions but the file ends "
                         f"after {len(buf)} bytes")
    shape = tuple(int.from_bytes(buf[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    need = math.prod(shape) * npd.itemsize
    have = len(buf) - start
    if have != need:
        what = "is truncated" if have < need else "has trailing bytes"
        raise ValueError(f"read_idx: {where} {what}: dimensions {list(shape)} need {need} bytes of data, "
                         f"found {have}")
    arr = np.frombuffer(buf, dtype=npd, count=math.prod(shape), offset=start).reshape(shape)
    return Tensor._wrap(arr.astype(npd.newbyteorder("="), copy=True))


def load_idx(images_path: str | os.PathLike[str],
             labels_path: str | os.PathLike[str]) -> tuple[Tensor, Tensor]:
    """MNIST-style images and labels: ``X`` float32 (n, pixels) scaled to [0, 1] (uint8 / 255), ``y`` int64.

    Images must be uint8 (as in MNIST and Fashion-MNIST) or floats already in [0, 1]; labels a 1-D
    integer IDX file with one label per image.
    """
    images, labels = read_idx(images_path)._data, read_idx(labels_path)._data
    if images.ndim < 1:
        raise ValueError(f"load_idx: images {os.fspath(images_path)!r} are 0-d; expected (n, ...) images")
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"load_idx: labels {os.fspath(labels_path)!r} must be a 1-D integer IDX file, got shape "
                         f"{list(labels.shape)} of {labels.dtype}")
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"load_idx: {images.shape[0]} images in {os.fspath(images_path)!r} but {labels.shape[0]} "
                         f"labels in {os.fspath(labels_path)!r}")
    flat = images.reshape(images.shape[0], -1)
    if flat.dtype == np.uint8:
        X = flat.astype(np.float32) / np.float32(255.0)
    elif flat.dtype.kind == "f" and (flat.size == 0 or (flat.min() >= 0 and flat.max() <= 1)):
        X = flat.astype(np.float32)
    else:
        raise ValueError(f"load_idx: images {os.fspath(images_path)!r} are {flat.dtype}; expected uint8 pixels "
                         "(scaled by 1/255) or floats already in [0, 1]")
    return Tensor._wrap(X), Tensor._wrap(labels.astype(np.int64))
