"""The derivative catalogue: one ``Entry`` per public differentiable function.

Each op module registers its functions here beside their definitions; the
script ``tools/gen_derivatives.py`` renders the registry as
``docs/derivatives.md`` and a test fails when that file is stale.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One row of the catalogue (math written in plain Unicode, readable in a terminal and in Markdown)."""

    name: str  # public name, e.g. "sigmoid" (chainrule.nn.functional.sigmoid)
    family: str  # "activation", "loss", ...
    formula: str  # e.g. "σ(x) = 1 / (1 + e^(−x))"
    derivative: str  # e.g. "σ′(x) = σ(x)(1 − σ(x))"
    range: str = ""  # output range, e.g. "(0, 1)"
    saturates: str = ""  # where |f′| < 1 % of its maximum, e.g. "|x| > 6.9"
    kink: str = ""  # PyTorch's convention at non-differentiable points, e.g. "relu′(0) = 0"
    node: str = ""  # grad_fn name(s) PyTorch shows, e.g. "SigmoidBackward0"


CATALOGUE: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    """Add ``entry`` (a name may be registered once)."""
    if entry.name in CATALOGUE and CATALOGUE[entry.name] != entry:
        raise ValueError(f"{entry.name!r} is already in the derivative catalogue")
    CATALOGUE[entry.name] = entry
    return entry
