"""The labs: each lesson of the seed program as numbers, figures and a table.

``chainrule.labs.run("himmelblau", steps=2000)`` returns a ``LabResult``;
``chainrule lab NAME --out DIR`` prints its table and writes its figures, and
``chainrule lab all --out DIR`` writes every lab and ``DIR/index.html``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ._common import LabResult, Table

# name -> (module, one-line description); each module defines ``run(**settings) -> LabResult``
LABS: dict[str, tuple[str, str]] = {
    "activations": ("activations", "every activation and its derivative, closed form against autograd"),
    "vanishing": ("vanishing", "gradient norm of the first layer by depth, activation and initialisation"),
    "losses": ("losses", "why cross-entropy learns fast when wrong and MSE on a sigmoid does not"),
    "softmax": ("softmax", "the softmax Jacobian p_i(δ_ij − p_j), closed form against autograd, and temperature"),
    "himmelblau": ("himmelblau", "which minimum gradient descent finds, by start point, optimizer and learning rate"),
    "lr": ("lr", "loss curves from a too-small to a divergent learning rate"),
    "xor": ("xor", "the seed's XOR network: decision boundary, loss curve, success rate over random starts"),
    "graph": ("graph", "the computation graph autograd records, as Graphviz DOT"),
}

__all__ = ["LABS", "LabResult", "Table", "run", "lab_function"]


def lab_function(name: str) -> Callable[..., LabResult]:
    """The ``run`` function of lab ``name``."""
    if name not in LABS:
        raise KeyError(f"unknown lab {name!r}; the labs are: {', '.join(LABS)}")
    module = importlib.import_module(f"{__name__}.{LABS[name][0]}")
    return module.run  # type: ignore[no-any-return]


def run(name: str, **settings: Any) -> LabResult:
    """Run lab ``name`` with the given settings and return its ``LabResult``."""
    return lab_function(name)(**settings)
