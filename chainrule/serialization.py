"""``chainrule.save`` / ``chainrule.load`` without pickle: the safetensors format plus a JSON layout.

File format (https://github.com/huggingface/safetensors, written here with NumPy and json)::

    [8 bytes]  N, the header length, unsigned little-endian
    [N bytes]  JSON header: {"<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
                             "__metadata__": {"<str>": "<str>", ...}}  (padded with spaces to a multiple of 8)
    [rest]     the tensors' raw little-endian bytes, back to back; offsets count from the end of the header

Anything that is not a tensor (dicts, OrderedDicts, Counters, lists, tuples, ints, floats, bools, strings,
None, int keys ...) is described by a JSON *layout* stored in ``__metadata__["chainrule.layout"]``,
in which each tensor is a reference to a header entry by name. A flat dict of tensors with string
keys (a ``state_dict``) names its tensors by those keys, so ``safetensors.torch.load_file`` reads it
as the same state dict; a file without a layout (e.g. from ``safetensors.torch.save_file``) loads as
an ``OrderedDict`` of tensors.

Loading only ever parses JSON and copies bytes: nothing in a file can run code. A file that is not
this format (a pickle, a ``torch.save`` zip), is truncated, has a tampered header (bad JSON, offsets
out of range, overlapping or leaving gaps, a header length beyond the file) or an unknown dtype raises
``UnsafeOrCorruptFileError``, a subclass of both ``RuntimeError`` and ``ValueError``.

Saving to a path is atomic: the bytes go to a temporary file in the same directory, which is
flushed, fsynced and then ``os.replace``d over the target (and the directory fsynced), so a crash
mid-write leaves the previous file intact.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections import Counter, OrderedDict
from typing import IO, Any, Union

import numpy as np

from . import _dtype
from .tensor import Size, Tensor

__all__ = ["UnsafeOrCorruptFileError", "load", "save"]

FileLike = Union[str, "os.PathLike[str]", IO[bytes]]

LAYOUT_KEY = "chainrule.layout"
FORMAT_VERSION = 1
MAX_HEADER_BYTES = 100_000_000  # the safetensors reference implementation's limit
MAX_DEPTH = 200  # containers inside containers; deeper layouts are refused rather than overflowing the stack

# safetensors dtype code <-> little-endian NumPy dtype, restricted to the dtypes chainrule has
_CODE_TO_NP: dict[str, np.dtype] = {
    "F16": np.dtype("<f2"), "F32": np.dtype("<f4"), "F64": np.dtype("<f8"),
    "I8": np.dtype("i1"), "I16": np.dtype("<i2"), "I32": np.dtype("<i4"), "I64": np.dtype("<i8"),
    "U8": np.dtype("u1"), "BOOL": np.dtype("?"),
}
_NP_TO_CODE = {v.newbyteorder("="): k for k, v in _CODE_TO_NP.items()}
_NP_BY_NAME = {d.name: d for d in _NP_TO_CODE}


class UnsafeOrCorruptFileError(RuntimeError, ValueError):
    """The file is not a valid chainrule/safetensors file (pickle, truncated, tampered or unknown dtype).

    Derives from both ``RuntimeError`` (what ``torch.load`` raises on a bad file) and ``ValueError``.
    """


# ---------------------------------------------------------------------------------------------
# saving: object -> (layout, named arrays)
# ---------------------------------------------------------------------------------------------
_DICT_KINDS: dict[type, str] = {dict: "dict", OrderedDict: "ordered_dict", Counter: "counter"}


class _Encoder:
    """Walks the object once, giving each distinct tensor a name and building the JSON layout."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.names_by_id: dict[int, str] = {}
        self.active: set[int] = set()  # containers on the current path, to refuse cycles

    def name_for(self, path: str) -> str:
        name, n = path or "tensor", 1
        while name in self.arrays or name == "__metadata__":
            name, n = f"{path}#{n}", n + 1
        return name

    def tensor(self, t: Tensor, path: str) -> Any:
        name = self.names_by_id.get(id(t))
        if name is None:  # the same tensor object saved twice is stored once and loads as one object
            arr = t._data
            if arr.dtype.newbyteorder("=") not in _NP_TO_CODE:
                where = path or "the top level"
                raise TypeError(f"chainrule.save: tensor at {where} has unsupported dtype {arr.dtype}")
            name = self.name_for(path)
            self.arrays[name] = arr
            self.names_by_id[id(t)] = name
        node: dict[str, Any] = {"tensor": name}
        if t._rg:
            node["requires_grad"] = True
        if type(t).__name__ == "Parameter":
            node["parameter"] = True
        return node

    def encode(self, obj: Any, path: str) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, Tensor):
            return self.tensor(obj, path)
        tp = type(obj)
        if tp is int:
            return obj
        if tp is float:
            return obj if math.isfinite(obj) else {"float": repr(obj)}  # JSON has no nan/inf
        if isinstance(obj, (np.bool_, np.number)):
            if obj.dtype.newbyteorder("=") not in _NP_TO_CODE:
                raise TypeError(f"chainrule.save: NumPy scalar at {path or 'the top level'} has unsupported dtype "
                                f"{obj.dtype}")
            return {"numpy_scalar": obj.dtype.name, "value": self.encode(obj.item(), path)}
        if isinstance(obj, _dtype.dtype):
            return {"dtype": obj.name}
        if tp is bytes:
            return {"bytes": obj.hex()}
        if id(obj) in self.active:
            raise ValueError(f"chainrule.save: the object contains itself (a cycle) at {path or 'the top level'}")
        if len(self.active) >= MAX_DEPTH:
            raise ValueError(f"chainrule.save: containers nested more than {MAX_DEPTH} deep at {path}")
        self.active.add(id(obj))
        try:
            return self._container(obj, tp, path)
        finally:
            self.active.discard(id(obj))

    def _container(self, obj: Any, tp: type, path: str) -> Any:
        sep = "." if path else ""
        if tp is dict or tp is OrderedDict or tp is Counter:  # Counter: e.g. MultiStepLR's milestones
            items = [[self.encode(k, f"{path}[key]"), self.encode(v, f"{path}{sep}{k}")] for k, v in obj.items()]
            return {_DICT_KINDS[tp]: items}
        if tp is list or tp is tuple or tp is Size:
            kind = {list: "list", tuple: "tuple", Size: "size"}[tp]
            return {kind: [self.encode(v, f"{path}{sep}{i}") for i, v in enumerate(obj)]}
        if isinstance(obj, np.ndarray):
            if obj.dtype.newbyteorder("=") not in _NP_TO_CODE:
                raise TypeError(f"chainrule.save: NumPy array at {path or 'the top level'} has unsupported dtype "
                                f"{obj.dtype}")
            name = self.names_by_id.get(id(obj))
            if name is None:
                name = self.name_for(path)
                self.arrays[name] = obj
                self.names_by_id[id(obj)] = name
            return {"ndarray": name}
        where = path or "the top level"
        raise TypeError(f"chainrule.save: cannot store an object of type {tp.__module__}.{tp.__qualname__} at {where}"
                        ": only tensors, NumPy arrays, dicts/OrderedDicts/Counters, lists, tuples, int, float, bool, "
                        "str, bytes, None and dtypes can be saved (no pickle, so nothing can run code when loaded)")


def _header_and_chunks(obj: Any) -> tuple[bytes, list[np.ndarray]]:
    """The 8-byte length + padded JSON header, and the arrays to write after it, in offset order."""
    enc = _Encoder()  # tensors are named by their path, so a state dict's names are its keys
    layout = {"format": "chainrule", "version": FORMAT_VERSION, "root": enc.encode(obj, "")}
    header: dict[str, Any] = {"__metadata__": {LAYOUT_KEY: json.dumps(layout, allow_nan=False,
                                                                      separators=(",", ":"))}}
    # largest items first, so every tensor starts on a multiple of its item size (aligned views on load)
    order = sorted(enc.arrays, key=lambda k: -enc.arrays[k].dtype.itemsize)
    chunks, offset = [], 0
    for name in order:
        arr = enc.arrays[name]
        little = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))
        header[name] = {"dtype": _NP_TO_CODE[arr.dtype.newbyteorder("=")], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + little.nbytes]}
        offset += little.nbytes
        chunks.append(little)
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so the data starts 8-byte aligned
    return len(text).to_bytes(8, "little") + text, chunks


def _write_all(f: IO[bytes], head: bytes, chunks: list[np.ndarray]) -> None:
    f.write(head)
    for c in chunks:
        f.write(c.reshape(-1).view(np.uint8).data if c.size else b"")


def _fsync_dir(directory: str) -> None:
    if sys.platform.startswith("win"):  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(obj: Any, f: FileLike) -> None:
    """Save ``obj`` (tensors, state dicts, optimizer state, nested containers of them) to ``f``.

    ``f`` is a path (written atomically: temporary file, fsync, rename) or a binary file object.
    The file is a safetensors file; a flat ``{str: Tensor}`` dict loads in PyTorch with
    ``safetensors.torch.load_file``.
    """
    head, chunks = _header_and_chunks(obj)
    if not isinstance(f, (str, os.PathLike)):
        if not hasattr(f, "write"):
            raise TypeError(f"chainrule.save: f must be a path or a binary file object, got {type(f).__name__}")
        _write_all(f, head, chunks)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            _write_all(out, head, chunks)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(directory)


# ---------------------------------------------------------------------------------------------
# loading: bytes -> validated header -> arrays -> object
# ---------------------------------------------------------------------------------------------
def _corrupt(source: str, why: str) -> UnsafeOrCorruptFileError:
    return UnsafeOrCorruptFileError(f"chainrule.load: {source} is not a valid chainrule/safetensors file: {why}")


def _sniff_foreign(buf: bytes | bytearray) -> str | None:
    """Name the format of a file that is clearly not safetensors (never parsing it)."""
    if buf[:4] == b"PK\x03\x04":
        return ("it is a zip archive, the format of torch.save (pickle inside); chainrule never unpickles because "
                "unpickling can run code. Re-save the tensors with safetensors.torch.save_file")
    if buf[:1] == b"\x80" and len(buf) > 1 and buf[1] <= 5:
        return ("it is a Python pickle; chainrule never unpickles because unpickling can run code. "
                "Re-save the tensors with safetensors.torch.save_file or chainrule.save")
    if buf[:6] == b"\x93NUMPY":
        return "it is a NumPy .npy file; load it with numpy.load(..., allow_pickle=False) and chainrule.from_numpy"
    return None


def _read_bytes(f: FileLike) -> tuple[bytearray, str]:
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        size = os.path.getsize(path)
        buf = bytearray(size)
        with open(path, "rb") as fh:
            got = fh.readinto(buf)
        return buf[:got] if got != size else buf, repr(path)
    if not hasattr(f, "read"):
        raise TypeError(f"chainrule.load: f must be a path or a binary file object, got {type(f).__name__}")
    data = f.read()
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("chainrule.load: the file object must be opened in binary mode ('rb')")
    return bytearray(data), getattr(f, "name", None) and repr(f.name) or "the file object"


def _parse_header(buf: bytearray, source: str) -> tuple[dict[str, Any], int]:
    # a safetensors header is JSON, so byte 8 is '{'; only otherwise guess what else the file is
    # (checking first would misread a header length such as 0x180 as a pickle's \x80 opcode)
    foreign = _sniff_foreign(buf) if buf[8:9] != b"{" else None
    if foreign:
        raise _corrupt(source, foreign)
    if len(buf) < 8:
        raise _corrupt(source, f"it has {len(buf)} bytes, fewer than the 8-byte header length (truncated?)")
    n = int.from_bytes(buf[:8], "little")
    if n > MAX_HEADER_BYTES or 8 + n > len(buf):
        raise _corrupt(source, f"the header length field says {n} bytes but the file has {len(buf) - 8} after it "
                               "(truncated or tampered)")
    try:
        header = json.loads(bytes(buf[8:8 + n]).decode("utf-8"), parse_constant=_reject_constant,
                            object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise _corrupt(source, f"the header is not valid UTF-8 JSON ({type(e).__name__}: {e})") from None
    if not isinstance(header, dict):
        raise _corrupt(source, f"the header is a JSON {type(header).__name__}, not an object")
    return header, 8 + n


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate key {dup!r}")
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _tensor_entries(header: dict[str, Any], data_len: int, source: str) -> dict[str, tuple[np.dtype, tuple, int, int]]:
    """Validate every tensor entry: known dtype, int shape, in-range offsets that match the shape and tile the data."""
    entries = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise _corrupt(source, f"tensor {name!r} must have exactly 'dtype', 'shape' and 'data_offsets'")
        code, shape, offs = info["dtype"], info["shape"], info["data_offsets"]
        if code not in _CODE_TO_NP:
            raise _corrupt(source, f"tensor {name!r} has dtype {code!r}, which chainrule does not support "
                                   f"(supported: {', '.join(_CODE_TO_NP)})")
        if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape):
            raise _corrupt(source, f"tensor {name!r} has an invalid shape {shape!r}")
        if (not isinstance(offs, list) or len(offs) != 2 or not all(type(o) is int for o in offs)
                or not 0 <= offs[0] <= offs[1]):
            raise _corrupt(source, f"tensor {name!r} has invalid data_offsets {offs!r}")
        if offs[1] > data_len:
            raise _corrupt(source, f"tensor {name!r} ends at byte {offs[1]} but the data section has only {data_len} "
                                   "bytes (truncated or tampered)")
        npd = _CODE_TO_NP[code]
        if math.prod(shape) * npd.itemsize != offs[1] - offs[0]:
            raise _corrupt(source, f"tensor {name!r}: shape {shape} of {code} needs "
                                   f"{math.prod(shape) * npd.itemsize} bytes but data_offsets span {offs[1] - offs[0]}")
        entries[name] = (npd, tuple(shape), offs[0], offs[1])
    end = 0
    for name, (_, _, begin, stop) in sorted(entries.items(), key=lambda kv: (kv[1][2], kv[1][3])):
        if begin != end:
            what = "overlaps the previous tensor" if begin < end else "leaves a gap before it"
            raise _corrupt(source, f"tensor {name!r} starts at byte {begin}, which {what} (tampered offsets)")
        end = stop
    if end != data_len:
        raise _corrupt(source, f"the tensors cover {end} bytes but the data section has {data_len} (tampered or "
                               "trailing bytes)")
    return entries


def _array(buf: bytearray, start: int, entry: tuple[np.dtype, tuple, int, int]) -> np.ndarray:
    npd, shape, begin, stop = entry
    arr = np.frombuffer(buf, dtype=npd, count=math.prod(shape), offset=start + begin).reshape(shape)
    if not arr.flags.aligned or npd.byteorder == "<" and sys.byteorder == "big":
        arr = arr.astype(npd.newbyteorder("="))  # copy: unaligned data or a big-endian machine
    return arr


class _Decoder:
    def __init__(self, arrays: dict[str, np.ndarray], source: str) -> None:
        self.arrays = arrays
        self.source = source
        self.tensors: dict[str, Tensor] = {}
        self.depth = 0

    def fail(self, why: str) -> UnsafeOrCorruptFileError:
        return _corrupt(self.source, f"bad layout: {why}")

    def tensor(self, node: dict[str, Any]) -> Tensor:
        name = node["tensor"]
        if name not in self.arrays:
            raise self.fail(f"it refers to tensor {name!r}, which is not in the file")
        t = self.tensors.get(name)
        if t is None:
            t = Tensor._wrap(self.arrays[name])
            if node.get("parameter"):
                from .nn.parameter import Parameter

                t = Parameter(t, requires_grad=bool(node.get("requires_grad")))
            elif node.get("requires_grad"):
                t.requires_grad_(True)
            self.tensors[name] = t
        return t

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or len(node) == 0:
            raise self.fail(f"unexpected value {repr(node)[:80]}")
        if "tensor" in node:
            return self.tensor(node)
        if self.depth >= MAX_DEPTH:
            raise self.fail(f"containers are nested more than {MAX_DEPTH} deep")
        self.depth += 1
        try:
            return self._decode_tagged(node)
        finally:
            self.depth -= 1

    def _decode_tagged(self, node: dict[str, Any]) -> Any:
        (kind, value), *rest = node.items()
        if kind == "numpy_scalar" and "value" in node:
            return self._numpy_scalar(node)
        if rest:
            raise self.fail(f"unexpected keys {list(node)}")
        if kind in ("dict", "ordered_dict", "counter"):
            if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
                raise self.fail(f"{kind} items must be [key, value] pairs")
            out: dict[Any, Any] = OrderedDict() if kind == "ordered_dict" else Counter() if kind == "counter" else {}
            for k, v in value:
                key, item = self.decode(k), self.decode(v)
                try:
                    out[key] = item
                except TypeError:
                    raise self.fail(f"unhashable dict key {k!r}") from None
            return out
        if kind in ("list", "tuple", "size"):
            if not isinstance(value, list):
                raise self.fail(f"{kind} must hold a JSON array")
            items = [self.decode(v) for v in value]
            return items if kind == "list" else tuple(items) if kind == "tuple" else Size(items)
        if kind == "float" and value in ("nan", "inf", "-inf"):
            return float(value)
        if kind == "ndarray" and isinstance(value, str):
            if value not in self.arrays:
                raise self.fail(f"it refers to array {value!r}, which is not in the file")
            return self.arrays[value]
        if kind == "dtype" and value in {d.name for d in _dtype.ALL_DTYPES}:
            return getattr(_dtype, "bool_" if value == "bool" else value)
        if kind == "bytes" and isinstance(value, str):
            try:
                return bytes.fromhex(value)
            except ValueError:
                raise self.fail("bytes must be hexadecimal") from None
        raise self.fail(f"unknown entry {kind!r}")

    def _numpy_scalar(self, node: dict[str, Any]) -> Any:
        name, value = node["numpy_scalar"], node["value"]
        if isinstance(value, dict) and set(value) == {"float"}:
            value = self.decode(value)  # nan / inf
        npd = _NP_BY_NAME.get(name) if isinstance(name, str) else None
        if npd is None:
            raise self.fail(f"unsupported NumPy scalar type {name!r}")
        if type(value) not in (bool, int, float):
            raise self.fail(f"NumPy scalar value must be a number, got {value!r}")
        return npd.type(value)


def load(f: FileLike, map_location: Any = None, weights_only: bool = True, **kwargs: Any) -> Any:
    """Load what ``save`` wrote (or any safetensors file) from a path or a binary file object.

    Never executes code from the file: there is no pickle, so ``weights_only`` is accepted for
    PyTorch compatibility and changes nothing. ``map_location`` may be None, ``'cpu'``, a device,
    a dict or a callable (everything loads on the CPU). Raises ``UnsafeOrCorruptFileError`` for a
    file that is not valid.
    """
    if map_location is not None and not callable(map_location) and not isinstance(map_location, dict):
        from .tensor import device

        if device(map_location).type != "cpu":  # PyTorch's error on a CPU-only build
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False: the "
                "device is not available. chainrule runs on the CPU; use map_location=torch.device('cpu')."
            )
    buf, source = _read_bytes(f)
    header, start = _parse_header(buf, source)
    entries = _tensor_entries(header, len(buf) - start, source)
    metadata = header.get("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in metadata.items()):
        raise _corrupt(source, "__metadata__ must map strings to strings")
    try:
        arrays = {name: _array(buf, start, e) for name, e in entries.items()}
    except ValueError as e:  # e.g. more than 64 dimensions, or a zero-size shape too big to index
        raise _corrupt(source, f"a tensor's shape cannot be built ({e})") from None
    decoder = _Decoder(arrays, source)
    if LAYOUT_KEY not in metadata:  # a plain safetensors file: a state dict in header order
        return OrderedDict((name, decoder.tensor({"tensor": name})) for name in entries)
    try:
        layout = json.loads(metadata[LAYOUT_KEY], parse_constant=_reject_constant)
    except (ValueError, RecursionError) as e:
        raise _corrupt(source, f"the layout is not valid JSON ({type(e).__name__}: {e})") from None
    if not isinstance(layout, dict) or layout.get("format") != "chainrule" or "root" not in layout:
        raise _corrupt(source, "the layout lacks the chainrule format marker or its root")
    if layout.get("version") != FORMAT_VERSION:
        raise _corrupt(source, f"layout version {layout.get('version')!r} is not supported (this chainrule reads "
                               f"version {FORMAT_VERSION})")
    return decoder.decode(layout["root"])

