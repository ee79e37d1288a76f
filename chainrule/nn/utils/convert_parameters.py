"""Flatten parameters into one vector and back (``parameters_to_vector`` / ``vector_to_parameters``)."""

from __future__ import annotations

from collections.abc import Iterable

from ...ops.shape import cat, reshape
from ...tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """cat of every parameter flattened, in order (differentiable, like PyTorch's)."""
    return cat([reshape(p, (-1,)) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Make each parameter's data the next slice of ``vec`` (a view of it, as ``param.data = ...`` in PyTorch)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    data = vec._data
    pointer = 0
    for param in parameters:
        n = param._data.size
        if pointer + n > data.size:
            raise RuntimeError(f"vector_to_parameters: the vector has {data.size} elements, fewer than the "
                               f"parameters need (at least {pointer + n})")
        param._data = data[pointer:pointer + n].reshape(param._data.shape)
        pointer += n


__all__ = ["parameters_to_vector", "vector_to_parameters"]
