"""``nn.utils.rnn.pad_sequence``: stack variable-length sequences into one padded batch."""

from __future__ import annotations

from collections.abc import Sequence

from ...ops.nn_misc import pad
from ...ops.shape import stack
from ...tensor import Tensor


def pad_sequence(sequences: Tensor | Sequence[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Pad each (L_i, *) sequence to the longest L with ``padding_value`` and stack them.

    The result is (L, B, *), or (B, L, *) with ``batch_first``; differentiable in every sequence.
    """
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        extra = longest - s.shape[0]
        # F.pad lists (before, after) pairs from the last dim backwards; only dim 0 grows
        spec = [0, 0] * (s.dim() - 1) + ([extra, 0] if padding_side == "left" else [0, extra])
        padded.append(pad(s, spec, value=padding_value) if extra else s)
    return stack(padded, 0 if batch_first else 1)


__all__ = ["pad_sequence"]
