"""chainrule.utils.data against torch.utils.data (deterministic semantics) and reproducibility with manual_seed."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np
import pytest
from oracle import assert_close, needs_torch, require_torch

import chainrule as cr
from chainrule.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

Point = namedtuple("Point", ["x", "y"])


def _structure(obj):
    """Types, shapes, dtypes and values of a (nested) batch, comparable between chainrule and torch."""
    if hasattr(obj, "detach") and hasattr(obj, "shape"):
        arr = obj.detach().numpy()
        return ("tensor", tuple(arr.shape), str(arr.dtype), arr.tolist())
    if isinstance(obj, dict):
        return (type(obj).__name__, [(k, _structure(v)) for k, v in obj.items()])
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return ("namedtuple", [_structure(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [_structure(v) for v in obj])
    return (type(obj).__name__, obj)


class _Squares:
    """A map-style dataset defined only by __getitem__/__len__ (no base class), as PyTorch allows."""

    def __init__(self, n, make):
        self.n, self.make = n, make

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.make(i)


SAMPLES = {
    "floats": lambda i: float(i) / 2,
    "ints": lambda i: i * 3,
    "bools": lambda i: i % 2 == 0,
    "strings": lambda i: f"s{i}",
    "tuple": lambda i: (i, float(i), "a"),
    "list": lambda i: [i, i + 1],
    "dict": lambda i: {"a": i, "b": {"c": float(i), "d": (i, i)}},
    "ordered": lambda i: OrderedDict(z=i, a=2.5 * i),
    "namedtuple": lambda i: Point(i, float(i)),
    "numpy_f32": lambda i: np.full((2, 3), i, dtype=np.float32),
    "numpy_scalar": lambda i: np.float32(i),
    "numpy_int": lambda i: np.int16(i),
}


@needs_torch
@pytest.mark.parametrize("kind", sorted(SAMPLES))
@pytest.mark.parametrize("drop_last", [False, True])
def test_default_collate_of_nested_samples_matches_torch(kind, drop_last):
    torch = require_torch()
    make = SAMPLES[kind]
    ours = list(DataLoader(_Squares(7, make), batch_size=3, drop_last=drop_last))
    theirs = list(torch.utils.data.DataLoader(_Squares(7, make), batch_size=3, drop_last=drop_last))
    assert [_structure(b) for b in ours] == [_structure(b) for b in theirs]


@needs_torch
def test_tensor_samples_are_stacked_like_torch():
    torch = require_torch()

    def make_cr(i):
        return cr.arange(6, dtype=cr.float64).reshape(2, 3) * i, cr.tensor(i)

    def make_t(i):
        return torch.arange(6, dtype=torch.float64).reshape(2, 3) * i, torch.tensor(i)

    ours = list(DataLoader(_Squares(5, make_cr), batch_size=2))
    theirs = list(torch.utils.data.DataLoader(_Squares(5, make_t), batch_size=2))
    assert [_structure(b) for b in ours] == [_structure(b) for b in theirs]


@needs_torch
@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False),
                                            (2, 5, True), (0, 4, False), (1, 1, False)])
def test_len_and_batch_shapes_match_torch(n, bs, drop_last):
    torch = require_torch()
    X = np.arange(n * 4, dtype=np.float32).reshape(n, 2, 2)
    y = np.arange(n, dtype=np.int64)
    ours = DataLoader(TensorDataset(cr.from_numpy(X), cr.from_numpy(y)), batch_size=bs, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                                         batch_size=bs, drop_last=drop_last)
    assert len(ours) == len(theirs)
    got, want = list(ours), list(theirs)
    assert len(got) == len(want) == len(ours)
    for a, b in zip(got, want):
        assert isinstance(a, list) and len(a) == 2
        assert_close(a[0], b[0])
        assert_close(a[1], b[1])


@needs_torch
def test_batch_sampler_and_samplers_match_torch():
    torch = require_torch()
    tu = torch.utils.data
    for drop_last in (False, True):
        ours = list(BatchSampler(SequentialSampler(range(10)), 4, drop_last))
        theirs = list(tu.BatchSampler(tu.SequentialSampler(range(10)), 4, drop_last))
        assert ours == theirs
        assert len(BatchSampler(range(10), 4, drop_last)) == len(tu.BatchSampler(range(10), 4, drop_last))
        # a plain iterable as sampler goes through the per-index loop
        assert list(BatchSampler(range(10), 4, drop_last)) == theirs
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]


def test_fast_path_equals_per_sample_stacking():
    X = cr.randn(23, 3, 2)
    y = cr.randint(0, 5, (23,))
    ds = TensorDataset(X, y)
    cr.manual_seed(7)
    fast = list(DataLoader(ds, batch_size=5, shuffle=True))
    cr.manual_seed(7)
    slow = list(DataLoader(ds, batch_size=5, shuffle=True, collate_fn=lambda b: default_collate(b)))
    assert len(fast) == len(slow) == 5
    for a, b in zip(fast, slow):
        assert_close(a[0], b[0])
        assert_close(a[1], b[1])
    # batches are copies: editing one never writes into the dataset
    before = X.clone()
    fast[0][0].fill_(100.0)
    assert_close(X, before)


def test_fast_path_through_subsets_of_subsets():
    X = cr.arange(40.0).reshape(20, 2)
    ds = Subset(Subset(TensorDataset(X), list(range(19, -1, -1))), [0, 2, 4, 6])
    (batch,) = list(DataLoader(ds, batch_size=4))
    assert batch[0].tolist() == [[38.0, 39.0], [34.0, 35.0], [30.0, 31.0], [26.0, 27.0]]


def test_tensors_that_require_grad_are_stacked_through_autograd():
    w = cr.randn(4, 2, requires_grad=True)
    (batch,) = list(DataLoader(TensorDataset(w), batch_size=4))
    assert batch[0].requires_grad and batch[0].grad_fn is not None
    batch[0].sum().backward()
    assert_close(w.grad, cr.ones(4, 2))


def test_shuffle_is_a_permutation_reproducible_with_manual_seed_and_generator():
    ds = TensorDataset(cr.arange(50))
    cr.manual_seed(3)
    a = [b[0].tolist() for b in DataLoader(ds, batch_size=8, shuffle=True)]
    cr.manual_seed(3)
    b = [b[0].tolist() for b in DataLoader(ds, batch_size=8, shuffle=True)]
    assert a == b
    flat = sum(a, [])
    assert sorted(flat) == list(range(50)) and flat != list(range(50))
    g1, g2 = cr.Generator().manual_seed(11), cr.Generator().manual_seed(11)
    e1 = [x[0].tolist() for x in DataLoader(ds, batch_size=50, shuffle=True, generator=g1)]
    e2 = [x[0].tolist() for x in DataLoader(ds, batch_size=50, shuffle=True, generator=g2)]
    assert e1 == e2
    # each epoch draws a fresh order from the generator
    loader = DataLoader(ds, batch_size=50, shuffle=True, generator=cr.Generator().manual_seed(1))
    assert next(iter(loader))[0].tolist() != next(iter(loader))[0].tolist()


def test_random_sampler_replacement_and_num_samples():
    s = RandomSampler(range(5), replacement=True, num_samples=40, generator=cr.Generator().manual_seed(0))
    out = list(s)
    assert len(out) == len(s) == 40 and set(out) <= set(range(5))
    s = RandomSampler(range(5), num_samples=12, generator=cr.Generator().manual_seed(0))
    out = list(s)
    assert len(out) == 12 and sorted(out[:5]) == sorted(out[5:10]) == list(range(5))
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler([])
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)


@needs_torch
@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.3, 0.4], [0.5, 0.5], [1.0], [0.34, 0.33, 0.33], [10, 0]])
def test_random_split_lengths_match_torch_and_are_disjoint(lengths):
    torch = require_torch()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.utils.data.random_split(range(10), lengths, generator=torch.Generator().manual_seed(0))
        ours = random_split(range(10), lengths, generator=cr.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    seen = [i for s in ours for i in s]
    assert sorted(seen) == list(range(10))


def test_random_split_reproducible_and_validated():
    cr.manual_seed(5)
    a = [list(s) for s in random_split(range(20), [0.5, 0.5])]
    cr.manual_seed(5)
    b = [list(s) for s in random_split(range(20), [0.5, 0.5])]
    assert a == b
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(1), [0.5, 0.5])


@needs_torch
def test_tensor_dataset_size_mismatch_like_torch():
    torch = require_torch()
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        torch.utils.data.TensorDataset(torch.zeros(3), torch.zeros(4))
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(cr.zeros(3), cr.zeros(4))


def test_tensor_dataset_indexing_and_len():
    X, y = cr.arange(6.0).reshape(3, 2), cr.tensor([7, 8, 9])
    ds = TensorDataset(X, y)
    assert len(ds) == 3
    x1, y1 = ds[1]
    assert x1.tolist() == [2.0, 3.0] and y1.item() == 8
    assert ds[-1][1].item() == 9


def test_concat_subset_and_add():
    a, b = TensorDataset(cr.arange(3)), TensorDataset(cr.arange(10, 12))
    c = a + b
    assert isinstance(c, ConcatDataset) and len(c) == 5
    assert [c[i][0].item() for i in range(5)] == [0, 1, 2, 10, 11]
    assert c[-1][0].item() == 11 and c[-5][0].item() == 0
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        c[-6]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    s = Subset(c, [4, 0])
    assert len(s) == 2 and s[0][0].item() == 11
    batches = list(DataLoader(c, batch_size=2))
    assert [x[0].tolist() for x in batches] == [[0, 1], [2, 10], [11]]


def test_custom_dataset_subclass_and_collate_fn():
    class Words(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return "w" * (i + 1)

    out = list(DataLoader(Words(), batch_size=2, collate_fn=lambda batch: "+".join(batch)))
    assert out == ["w+ww", "www+wwww", "wwwww"]


def test_iterable_dataset_batches_in_order():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(), shuffle=True)


@needs_torch
def test_batch_size_none_converts_without_batching_like_torch():
    torch = require_torch()
    data = [(np.arange(3), 1.5), (np.arange(3) * 2, 2.5)]
    ours = list(DataLoader(data, batch_size=None))
    theirs = list(torch.utils.data.DataLoader(data, batch_size=None))
    assert [_structure(b) for b in ours] == [_structure(b) for b in theirs]


def test_custom_batch_sampler_and_sampler():
    ds = TensorDataset(cr.arange(6))
    out = list(DataLoader(ds, batch_sampler=[[5, 0], [1]]))
    assert [b[0].tolist() for b in out] == [[5, 0], [1]]
    out = list(DataLoader(ds, sampler=[3, 1, 2], batch_size=2))
    assert [b[0].tolist() for b in out] == [[3, 1], [2]]


@pytest.mark.parametrize("kwargs,phrase", [
    ({"sampler": [0], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
    ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually exclusive"),
    ({"batch_size": None, "drop_last": True}, "batch_size=None option disables auto-batching"),
    ({"num_workers": -1}, "num_workers option should be non-negative"),
    ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
    ({"prefetch_factor": 2}, "prefetch_factor option could only be specified in multiprocessing"),
    ({"batch_size": 0}, "batch_size should be a positive integer value, but got batch_size=0"),
])
def test_dataloader_argument_errors_use_torch_phrases(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase):
        DataLoader(TensorDataset(cr.zeros(3)), **kwargs)


def test_collate_errors():
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([cr.zeros(2), cr.zeros(3)])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_weighted_random_sampler_follows_weights():
    from chainrule.utils.data import WeightedRandomSampler

    s = WeightedRandomSampler([1.0, 0.0, 3.0], 4000, generator=cr.Generator().manual_seed(0))
    counts = np.bincount(list(s), minlength=3)
    assert len(s) == 4000 and counts[1] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03
    out = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=cr.Generator().manual_seed(0)))
    assert sorted(out) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="weights should be a 1d sequence but given weights have shape"):
        WeightedRandomSampler([[1.0]], 2)
    with pytest.raises(ValueError, match="replacement should be a boolean value"):
        WeightedRandomSampler([1.0], 2, replacement=None)


def test_generic_subscripts_and_worker_info():
    from chainrule.utils.data import Sampler, get_worker_info

    class Ints(Dataset[int]):
        def __getitem__(self, i):
            return i

        def __len__(self):
            return 3

    assert isinstance(Ints(), Dataset) and Sampler[int] is Sampler
    assert [b.tolist() for b in DataLoader(Ints(), batch_size=2)] == [[0, 1], [2]]
    assert get_worker_info() is None
    assert cr.utils.data.DataLoader is DataLoader  # reachable after a plain `import chainrule`


def test_tensor_dataset_batches_never_index_samples_one_by_one(monkeypatch):
    def per_sample(self, index):
        raise AssertionError("the TensorDataset fast path should cut whole batches from the arrays")

    monkeypatch.setattr(TensorDataset, "__getitem__", per_sample)
    ds = TensorDataset(cr.arange(12.0).reshape(6, 2), cr.arange(6))
    out = list(DataLoader(random_split(ds, [4, 2])[0], batch_size=3, shuffle=True))
    assert [len(b[1]) for b in out] == [3, 1]
