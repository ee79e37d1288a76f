"""chainrule.save / chainrule.load: round trips, safetensors interop with PyTorch, atomic writes, hostile files."""

from __future__ import annotations

import io
import json
import os
import pickle
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np
import pytest
from oracle import assert_close, require_torch

import chainrule as cr
import chainrule.nn as nn
import chainrule.optim as optim
from chainrule import serialization
from chainrule.serialization import UnsafeOrCorruptFileError


def _roundtrip(obj):
    buf = io.BytesIO()
    cr.save(obj, buf)
    buf.seek(0)
    return cr.load(buf)


def _same(a, b):
    """Structural equality that also checks container types, tensor dtypes/shapes/values and float bits."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, cr.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        assert a.requires_grad == b.requires_grad
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys())
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and a != a:
        assert b != b
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


DTYPES = [cr.float16, cr.float32, cr.float64, cr.int8, cr.int16, cr.int32, cr.int64, cr.uint8, cr.bool]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 3), (2, 3, 4)])
def test_tensor_roundtrip_keeps_dtype_and_shape(dtype, shape):
    arr = (np.arange(int(np.prod(shape))) % 7 - 2).reshape(shape).astype(dtype.np)
    t = cr.from_numpy(arr)
    _same(_roundtrip(t), t)


def test_noncontiguous_views_and_writable_results():
    base = cr.arange(24.0, dtype=cr.float64).reshape(4, 6)
    views = {"t": base.t(), "slice": base[:, ::2], "perm": base.reshape(2, 3, 4).permute(2, 0, 1)}
    out = _roundtrip(views)
    _same(out, views)
    out["t"].add_(1.0)  # loaded tensors own writable memory
    assert out["t"].tolist()[0][0] == 1.0


def test_nested_structures_roundtrip_exactly():
    shared = cr.randn(2, 2)
    obj = {
        "state": {0: {"step": cr.tensor(3.0), "exp_avg": cr.randn(3)}, 1: {"step": cr.tensor(3.0)}},
        "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "amsgrad": False, "params": [0, 1],
                          "foreach": None, "name": "group ü"}],
        "od": OrderedDict([("z", 1), ("a", [shared, shared])]),
        "floats": [float("nan"), float("inf"), -float("inf"), -0.0, 1e-310, 0.1],
        "big": 2**70, "neg": -(2**63), True: "bool key", 2.5: "float key", None: "none key", (1, "a"): "tuple key",
        "empty": ({}, [], (), OrderedDict(), Counter()),
        "milestones": Counter({30: 1, 80: 2}),
        "misc": (b"\x00\xff", cr.float16, cr.Size([2, 3]), np.float32(1.5), np.int64(-3), np.arange(3),
                 np.float64("nan"), np.bool_(True)),
        "": "empty-string key",
    }
    out = _roundtrip(obj)
    _same(out, obj)
    assert out["od"]["a"][0] is out["od"]["a"][1]  # one tensor saved twice stays one tensor
    assert type(out["misc"][3]) is np.float32 and out["misc"][1] is cr.float16
    assert str(out["floats"][3]) == "-0.0"


def test_requires_grad_and_parameters_are_restored():
    p = nn.Parameter(cr.randn(3))
    x = cr.ones(2, requires_grad=True)
    out = _roundtrip({"p": p, "x": x, "y": cr.zeros(1)})
    assert type(out["p"]) is nn.Parameter and out["p"].requires_grad
    assert out["x"].requires_grad and out["x"].is_leaf and not out["y"].requires_grad


def test_paths_str_and_pathlib(tmp_path):
    sd = OrderedDict(w=cr.randn(2, 3), b=cr.zeros(2))
    cr.save(sd, str(tmp_path / "a.safetensors"))
    cr.save(sd, tmp_path / "b.safetensors")
    _same(cr.load(tmp_path / "a.safetensors"), sd)
    _same(cr.load(str(tmp_path / "b.safetensors"), map_location="cpu", weights_only=True), sd)
    _same(cr.load(tmp_path / "b.safetensors", map_location=cr.device("cpu")), sd)
    with pytest.raises(RuntimeError, match="not available"):
        cr.load(tmp_path / "b.safetensors", map_location="cuda:0")


def test_file_is_valid_safetensors_readable_by_numpy_and_torch(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="safetensors (a test extra) is not installed")
    torch = require_torch()
    import safetensors.torch

    sd = OrderedDict([("layer.weight", cr.randn(4, 3)), ("layer.bias", cr.randn(4)), ("count", cr.tensor(7)),
                      ("mask", cr.tensor([True, False])), ("half", cr.randn(2, dtype=cr.float16)),
                      ("empty", cr.zeros(0, 5, dtype=cr.float64))])
    path = tmp_path / "w.safetensors"
    cr.save(sd, path)
    as_np = safetensors_numpy.load_file(str(path))
    as_torch = safetensors.torch.load_file(str(path))
    assert set(as_np) == set(as_torch) == set(sd)
    for k, v in sd.items():
        np.testing.assert_array_equal(as_np[k], v.numpy())
        assert as_np[k].dtype == v.numpy().dtype and as_np[k].shape == v.numpy().shape
        assert_close(as_torch[k].numpy(), v.numpy())
    assert as_torch["count"].dtype == torch.int64 and as_torch["half"].dtype == torch.float16


def test_torch_safetensors_state_dict_loads_into_chainrule_module(tmp_path):
    pytest.importorskip("safetensors.torch", reason="safetensors (a test extra) is not installed")
    torch = require_torch()
    import safetensors.torch

    torch.manual_seed(0)
    tnet = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    path = tmp_path / "torch.safetensors"
    safetensors.torch.save_file(tnet.state_dict(), str(path))
    sd = cr.load(path)
    assert isinstance(sd, OrderedDict) and set(sd) == set(tnet.state_dict())
    net = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    net.load_state_dict(sd)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    assert_close(net(cr.from_numpy(x)), tnet(torch.from_numpy(x)))
    # and back: chainrule's state dict into a fresh torch module
    cr.save(net.state_dict(), tmp_path / "cr.safetensors")
    tnet2 = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    tnet2.load_state_dict(safetensors.torch.load_file(str(tmp_path / "cr.safetensors")))
    assert_close(tnet2(torch.from_numpy(x)), tnet(torch.from_numpy(x)))


def test_optimizer_state_dict_roundtrip_resumes_identically():
    def make():
        cr.manual_seed(0)
        model = nn.Linear(3, 2)
        return model, optim.Adam(model.parameters(), lr=0.1, amsgrad=True)

    def step(model, opt, k):
        opt.zero_grad()
        (model(cr.full((4, 3), float(k))) ** 2).mean().backward()
        opt.step()

    model, opt = make()
    for k in range(3):
        step(model, opt, k)
    blob = _roundtrip({"model": model.state_dict(), "optim": opt.state_dict()})
    _same(blob["optim"], opt.state_dict())
    model2, opt2 = make()
    model2.load_state_dict(blob["model"])
    opt2.load_state_dict(blob["optim"])
    for k in range(3, 5):
        step(model, opt, k)
        step(model2, opt2, k)
    for a, b in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


# -- atomic writes ---------------------------------------------------------------------------
def test_crash_mid_write_keeps_the_previous_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    good = {"w": cr.arange(1000.0)}
    cr.save(good, path)
    before = path.read_bytes()

    def crash_midway(f, head, chunks):
        f.write(head)
        f.write(memoryview(chunks[0].reshape(-1)).cast("B")[:100])
        raise OSError("simulated crash: disk full")

    monkeypatch.setattr(serialization, "_write_all", crash_midway)
    with pytest.raises(OSError, match="simulated crash"):
        cr.save({"w": cr.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]
    _same(cr.load(path), good)


def test_save_replaces_with_fsync_and_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    cr.save({"a": cr.ones(2)}, tmp_path / "x.st")
    assert calls == ["fsync", "replace", "fsync"]  # file data, rename, then the directory entry
    assert os.listdir(tmp_path) == ["x.st"]


def test_unsupported_objects_are_refused_when_saving():
    class Thing:
        pass

    with pytest.raises(TypeError, match=r"cannot store an object of type .*Thing at a\.0"):
        _roundtrip({"a": [Thing()]})
    with pytest.raises(TypeError, match="cannot store"):
        _roundtrip({1, 2})
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="cycle"):
        _roundtrip(loop)
    deep: list = []
    for _ in range(300):
        deep = [deep]
    with pytest.raises(ValueError, match="nested more than 200 deep"):
        _roundtrip(deep)
    for _ in range(150):  # well inside the limit: fine
        loop = [loop[:0]]
    assert _roundtrip(loop) == loop


# -- hostile and broken files ----------------------------------------------------------------
class _Evil:
    """Unpickling this would write the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


def test_pickle_payload_never_runs(tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"w": _Evil(marker)}))
    with pytest.raises(UnsafeOrCorruptFileError, match="pickle"):
        cr.load(path)
    with pytest.raises(UnsafeOrCorruptFileError, match="pickle"):
        cr.load(io.BytesIO(pickle.dumps(_Evil(marker), protocol=2)))
    # the marker would appear if anything had unpickled the payload (sanity check of the payload itself)
    assert not marker.exists()
    pickle.loads(path.read_bytes())
    assert marker.exists()


def test_torch_save_files_are_refused(tmp_path):
    torch = require_torch()
    zipped, legacy = tmp_path / "zip.pt", tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, zipped)
    torch.save({"w": torch.ones(2)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(UnsafeOrCorruptFileError, match="zip archive.*torch.save"):
        cr.load(zipped)
    with pytest.raises(UnsafeOrCorruptFileError, match="pickle"):
        cr.load(legacy)


def test_every_truncation_is_a_clear_error():
    buf = io.BytesIO()
    cr.save({"w": cr.arange(6.0).reshape(2, 3), "n": 3, "s": "x"}, buf)
    data = buf.getvalue()
    for cut in range(len(data)):
        with pytest.raises(UnsafeOrCorruptFileError, match="not a valid chainrule/safetensors file"):
            cr.load(io.BytesIO(data[:cut]))
    assert cr.load(io.BytesIO(data))["n"] == 3


def _file(header: dict, data: bytes = b"", length: int | None = None, raw_header: bytes | None = None) -> io.BytesIO:
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    n = len(text) if length is None else length
    return io.BytesIO(n.to_bytes(8, "little") + text + data)


F32x2 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}


@pytest.mark.parametrize("case,phrase", [
    (lambda: _file({}, length=10**12), "header length field says"),
    (lambda: _file({}, length=2**64 - 1), "header length field says"),
    (lambda: _file({}, raw_header=b"{not json"), "not valid UTF-8 JSON"),
    (lambda: _file({}, raw_header=b'{"a": NaN}'), "not valid UTF-8 JSON"),
    (lambda: _file({}, raw_header=b"\xff\xfe"), "not valid UTF-8 JSON"),
    (lambda: _file({}, raw_header=b"[1, 2]"), "not an object"),
    (lambda: _file({"w": {**F32x2, "data_offsets": [0, 16]}}, bytes(8)), "ends at byte 16"),
    (lambda: _file({"w": {**F32x2, "data_offsets": [4, 12]}}, bytes(12)), "leaves a gap"),
    (lambda: _file({"a": F32x2, "b": {**F32x2, "data_offsets": [4, 12]}}, bytes(12)), "overlaps"),
    (lambda: _file({"w": {**F32x2, "data_offsets": [8, 0]}}, bytes(8)), "invalid data_offsets"),
    (lambda: _file({"w": {**F32x2, "data_offsets": [-8, 0]}}, bytes(8)), "invalid data_offsets"),
    (lambda: _file({"w": {**F32x2, "shape": [3]}}, bytes(8)), "needs 12 bytes"),
    (lambda: _file({"w": {**F32x2, "shape": [-2]}}, bytes(8)), "invalid shape"),
    (lambda: _file({"w": {**F32x2, "dtype": "BF16"}}, bytes(8)), "dtype 'BF16'"),
    (lambda: _file({"w": {**F32x2, "dtype": "object"}}, bytes(8)), "dtype 'object'"),
    (lambda: _file({"w": {**F32x2, "extra": 1}}, bytes(8)), "exactly 'dtype', 'shape' and 'data_offsets'"),
    (lambda: _file({"w": F32x2}, bytes(9)), "trailing bytes"),
    (lambda: _file({}, raw_header=b'{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "w": {}}'),
     "duplicate key"),
    (lambda: _file({"__metadata__": {"a": 1}}), "__metadata__ must map strings to strings"),
    (lambda: _file({"__metadata__": {"chainrule.layout": "{oops"}}), "layout is not valid JSON"),
    (lambda: _file({"__metadata__": {"chainrule.layout": json.dumps({"format": "chainrule", "version": 1,
                                                                     "root": {"tensor": "missing"}})}}),
     "refers to tensor 'missing'"),
    (lambda: _file({"__metadata__": {"chainrule.layout": json.dumps({"format": "chainrule", "version": 1,
                                                                     "root": {"pickle": "gASV"}})}}),
     "unknown entry 'pickle'"),
    (lambda: _file({"__metadata__": {"chainrule.layout": json.dumps({"format": "chainrule", "version": 99,
                                                                     "root": 1})}}), "version 99"),
    (lambda: io.BytesIO(b"\x93NUMPY\x01\x00" + bytes(100)), "NumPy .npy"),
    (lambda: _file({}, raw_header=b"{" + b'"a":' * 1 + b"[" * 200000), "not valid UTF-8 JSON"),
    (lambda: _file({"w": {"dtype": "F32", "shape": [1] * 70, "data_offsets": [0, 4]}}, bytes(4)),
     "shape cannot be built"),
    (lambda: _file({"w": {"dtype": "F32", "shape": [0, 2**62, 2**62], "data_offsets": [0, 0]}}),
     "shape cannot be built"),
    (lambda: _file({"__metadata__": {"chainrule.layout": json.dumps(
        {"format": "chainrule", "version": 1, "root": {"numpy_scalar": "object", "value": 1}})}}),
     "unsupported NumPy scalar type 'object'"),
    (lambda: _file({"__metadata__": {"chainrule.layout": json.dumps(
        {"format": "chainrule", "version": 1, "root": {"numpy_scalar": "float32", "value": [1, 2]}})}}),
     "NumPy scalar value must be a number"),
    (lambda: _file({"__metadata__": {"chainrule.layout": '{"format":"chainrule","version":1,"root":'
                                     + '{"list":[' * 300 + "]}" * 300 + "}"}}), "nested more than 200 deep"),
])
def test_tampered_headers_are_clear_errors(case, phrase):
    with pytest.raises(UnsafeOrCorruptFileError, match=phrase):
        cr.load(case())


def test_error_type_is_runtime_and_value_error():
    assert issubclass(UnsafeOrCorruptFileError, RuntimeError)
    assert issubclass(UnsafeOrCorruptFileError, ValueError)
    with pytest.raises(TypeError, match="binary mode"):
        cr.load(io.StringIO("text"))


def test_plain_safetensors_without_layout_loads_as_ordered_dict():
    data = np.arange(2, dtype="<f4").tobytes() + np.array([5], dtype="<i8").tobytes()
    header = {"a": F32x2, "b": {"dtype": "I64", "shape": [], "data_offsets": [8, 16]}}
    out = cr.load(_file(header, data))
    assert isinstance(out, OrderedDict) and list(out) == ["a", "b"]
    assert out["a"].tolist() == [0.0, 1.0] and out["b"].dtype == cr.int64 and out["b"].item() == 5


def test_path_file_name_appears_in_errors(tmp_path):
    p = Path(tmp_path / "broken.safetensors")
    p.write_bytes(b"\x01\x02")
    with pytest.raises(UnsafeOrCorruptFileError, match="broken.safetensors"):
        cr.load(p)
