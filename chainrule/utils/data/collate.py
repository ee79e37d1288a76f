"""``default_collate`` and ``default_convert``: turn a list of samples into a batch, as PyTorch does.

Rules (by the type of the first sample): Tensor → ``stack``; NumPy array → tensors, stacked;
NumPy scalar → tensor; float → float64 tensor; int → int64 tensor; bool → bool tensor;
str/bytes → the list unchanged; Mapping → same mapping type with each key collated;
namedtuple → same namedtuple; tuple → *list* of collated fields (PyTorch's backward-compatible
choice); other sequences → same type (list stays list). Anything else is a TypeError.
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...creation import as_tensor, tensor
from ...ops.shape import stack
from ...tensor import Tensor

_STRING_OR_OBJECT = re.compile(r"[SaUO]")
_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _check_array(a: np.ndarray) -> None:
    if _STRING_OR_OBJECT.search(a.dtype.str) is not None:
        raise TypeError(_ERR.format(a.dtype))


def _collate_tensors(batch: Sequence[Any]) -> Tensor:
    shape0 = batch[0]._data.shape
    for i, t in enumerate(batch):
        if t._data.shape != shape0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape0)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i} (default_collate stacks samples; "
                               "pad them or pass a collate_fn)")
    if any(t._rg for t in batch):
        return stack(batch, 0)  # keep the graph, as torch.stack does
    return Tensor._wrap(np.stack([t._data for t in batch]))


def default_collate(batch: Sequence[Any]) -> Any:
    """Collate a list of samples into a batch (``torch.utils.data.default_collate``)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _collate_tensors(batch)
    if isinstance(elem, np.ndarray):
        _check_array(elem)
        return _collate_tensors([as_tensor(np.asarray(b)) for b in batch])
    if isinstance(elem, (np.bool_, np.number)):
        return as_tensor(np.asarray(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=np.float64)
    if isinstance(elem, int):  # bool included: tensor() infers bool for all-bool lists, int64 otherwise
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(fields)
                return clone
            return type(elem)(fields)  # type: ignore[call-arg]
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(s) for s in zip(*batch, strict=False)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields_list = [default_collate(s) for s in zip(*batch, strict=False)]
        if isinstance(elem, tuple):
            return fields_list
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                seq: Any = copy.copy(elem)
                for i, f in enumerate(fields_list):
                    seq[i] = f
                return seq
            return type(elem)(fields_list)  # type: ignore[call-arg]
        except TypeError:
            return fields_list
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Without auto-batching (``batch_size=None``): NumPy arrays and scalars → tensors, containers recursively."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _STRING_OR_OBJECT.search(data.dtype.str) else as_tensor(data)
    if isinstance(data, (np.bool_, np.number)):
        return as_tensor(np.asarray(data))
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        return type(data)({k: default_convert(v) for k, v in data.items()})  # type: ignore[call-arg]
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        return type(data)([default_convert(d) for d in data])  # type: ignore[call-arg]
    return data
