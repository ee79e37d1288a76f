"""The seed's XOR network, trained by hand-written backpropagation in plain NumPy (bugs fixed).

A 2-3-2-1 feed-forward network, sigmoid on every layer, binary cross-entropy,
plain gradient descent. Run it with ``python -m chainrule.examples.xor_numpy``.

Forward pass (one row per example, ``X @ W + b`` as in the seed)::

    a0 = X
    z1 = a0 @ W1 + b1      a1 = σ(z1)
    z2 = a1 @ W2 + b2      a2 = σ(z2)
    z3 = a2 @ W3 + b3      ŷ  = σ(z3)
    L  = −mean(y ln ŷ + (1 − y) ln(1 − ŷ))

Backward pass (chain rule, layer by layer, σ′(z) = a(1 − a) read from the output)::

    dL/dz3 = ŷ − y                       (BCE∘sigmoid, simplified: never divides by ŷ(1 − ŷ))
    dL/dW3 = a2ᵀ · dL/dz3                dL/db3 = Σ_rows dL/dz3
    dL/da2 = dL/dz3 · W3ᵀ                dL/dz2 = dL/da2 ⊙ a2(1 − a2)
    ... and the same for layers 2 and 1.

The seed's two bugs, and what this file does instead:

1. Its ``train`` assigned ``W1 … b3`` inside the function, which makes them local
   names there, so the first read raised ``UnboundLocalError``. Here the weights
   live in one dict that ``train`` updates in place.
2. Its cross-entropy derivative ``−(y/ŷ − (1 − y)/(1 − ŷ))`` divides by ŷ(1 − ŷ),
   which overflows when the sigmoid saturates (ŷ rounds to 0 or 1); multiplied by
   σ′ = ŷ(1 − ŷ) it simplifies to ``ŷ − y``, which is what we compute.

Like the seed, the update uses the gradient SUMMED over the four examples
(``reduction="sum"``) while the printed loss is the MEAN; ``reduction="mean"``
divides the gradient by the number of examples.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import numpy as np

# The four XOR cases and their targets (column vector: one output per example).
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])

Params = dict[str, np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)), written as ½(1 + tanh(z/2)) so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def init_params(seed: int | None = 1, hidden: Sequence[int] = (3, 2), dtype: type = np.float64) -> Params:
    """Standard-normal weights and biases drawn in the seed's order: W1, b1, W2, b2, W3, b3.

    ``RandomState(seed).randn`` gives exactly what the seed's ``np.random.seed(seed);
    np.random.randn(...)`` gives, so ``chainrule xor`` can start from the same point.
    """
    rng = np.random.RandomState(seed)
    sizes = [2, *hidden, 1]
    if len(sizes) != 4:
        raise ValueError(f"hidden must name two layer sizes (the seed's 2-3-2-1 shape), got {tuple(hidden)}")
    params: Params = {}
    for i in range(3):
        params[f"W{i + 1}"] = rng.randn(sizes[i], sizes[i + 1]).astype(dtype)
        params[f"b{i + 1}"] = rng.randn(sizes[i + 1]).astype(dtype)
    return params


def forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every layer's activation (a1, a2, ŷ) and the output logit z3 (the stable loss needs it)."""
    a1 = sigmoid(X @ params["W1"] + params["b1"])
    a2 = sigmoid(a1 @ params["W2"] + params["b2"])
    z3 = a2 @ params["W3"] + params["b3"]
    return a1, a2, sigmoid(z3), z3


def loss_value(y_hat: np.ndarray, z3: np.ndarray, y: np.ndarray, loss: str = "bce") -> float:
    """The MEAN loss over the examples.

    BCE from the logit, ``ln(1 + eᶻ) − y·z`` (= −y ln σ(z) − (1 − y) ln(1 − σ(z))), never takes ln 0.
    """
    if loss == "bce":
        return float(np.mean(np.logaddexp(0.0, z3) - y * z3))
    return float(np.mean((y_hat - y) ** 2))


def gradients(params: Params, X: np.ndarray, y: np.ndarray, reduction: str = "sum",
              loss: str = "bce") -> tuple[float, Params]:
    """Mean loss and the gradient of the ``reduction`` ("sum" or "mean") loss for every weight."""
    a1, a2, y_hat, z3 = forward(params, X)
    # d(loss)/d(per-example loss): 1 for a sum, 1/N for a mean.
    scale = 1.0 if reduction == "sum" else 1.0 / len(X)
    if loss == "bce":
        d_z3 = (y_hat - y) * scale  # BCE∘sigmoid: the ŷ(1 − ŷ) factors cancel
    else:
        d_z3 = 2.0 * (y_hat - y) * scale * y_hat * (1.0 - y_hat)  # MSE: dL/dŷ · σ′
    grads: Params = {"W3": a2.T @ d_z3, "b3": d_z3.sum(axis=0)}
    d_z2 = (d_z3 @ params["W3"].T) * a2 * (1.0 - a2)
    grads["W2"], grads["b2"] = a1.T @ d_z2, d_z2.sum(axis=0)
    d_z1 = (d_z2 @ params["W2"].T) * a1 * (1.0 - a1)
    grads["W1"], grads["b1"] = X.T @ d_z1, d_z1.sum(axis=0)
    return loss_value(y_hat, z3, y, loss), grads


def train(params: Params, X: np.ndarray = X, y: np.ndarray = Y, epochs: int = 10000, lr: float = 0.1,
          reduction: str = "sum", loss: str = "bce", print_every: int = 1000,
          log: Callable[[str], object] = print) -> list[float]:
    """Plain gradient descent, updating ``params`` in place; returns the loss of every epoch."""
    losses = []
    for epoch in range(epochs):
        value, grads = gradients(params, X, y, reduction, loss)
        losses.append(value)
        for name in params:  # in place: the caller's dict holds the trained weights
            params[name] -= lr * grads[name]
        if print_every and epoch % print_every == 0:
            log(format_loss(epoch, value))
    return losses


def format_loss(epoch: int, value: float) -> str:
    """The seed's progress line."""
    return f"Epoch {epoch} loss: {value:.6f}"


def predict(params: Params, X: np.ndarray = X) -> np.ndarray:
    return forward(params, X)[2]


def format_predictions(y_hat: np.ndarray, X: np.ndarray = X, y: np.ndarray = Y) -> list[str]:
    """A title, then one line per example: inputs, prediction and target."""
    return ["Predictions:"] + [f"{x.astype(int).tolist()} -> {float(p):.4f} (target {int(t)})"
            for x, p, t in zip(X, y_hat.ravel(), y.ravel(), strict=True)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chainrule.examples.xor_numpy", description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10000)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1, help="seed of the initial weights (0 gets stuck at 3 of 4)")
    parser.add_argument("--reduction", choices=("sum", "mean"), default="sum")
    parser.add_argument("--loss", choices=("bce", "mse"), default="bce")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float64")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"argument --epochs: must be at least 1, got {args.epochs}")
    dtype = np.dtype(args.dtype).type
    params = init_params(args.seed, dtype=dtype)
    train(params, X.astype(dtype), Y.astype(dtype), args.epochs, args.lr, args.reduction, args.loss,
          print_every=max(1, args.epochs // 10))
    for line in format_predictions(predict(params, X.astype(dtype))):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
