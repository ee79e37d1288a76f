"""The seed's XOR experiment with chainrule's autograd: ``chainrule xor`` and the XOR lab use it.

The network is the seed's: inputs [[0,0],[0,1],[1,0],[1,1]], targets [0,1,1,0],
layers 2-3-2-1 (``hidden=(3, 2)``), ``h = act(h @ W + b)`` on the hidden layers
and a sigmoid output, binary cross-entropy, plain gradient descent (lr 0.1,
10000 epochs), weights and biases from a standard normal. Everything is a knob
of ``XorConfig``; ``run_xor`` returns the losses, predictions and epochs to solve.

The seed updates with the gradient SUMMED over the four examples while it prints
the MEAN loss; ``reduction="sum"`` (the default) reproduces that, ``"mean"`` gives
the gradient of the mean loss. Either way ``losses`` holds mean losses.

A run is *solved* when all four outputs are on the right side of 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import chainrule as cr

from .. import optim
from ..examples import xor_numpy
from ..nn import functional as F
from ..ops.catalogue import CATALOGUE

INITS = ("randn", "pytorch", "xavier", "kaiming")
LOSSES = ("bce", "mse")
OPTIMIZERS = ("sgd", "momentum", "adam")
REDUCTIONS = ("sum", "mean")
DTYPES = ("float64", "float32")
# Catalogue activations that are not a plain elementwise f(x) of one tensor (they need a
# dim, a weight, or halve their input), so they cannot be a hidden layer's activation here.
# Not offered as a hidden-layer activation: not elementwise (prelu, glu, the softmaxes), needing arguments
# of its own (threshold's threshold and value), or random while training (rrelu).
_NOT_LISTED = frozenset({"prelu", "glu", "softmax", "softmin", "log_softmax", "threshold", "rrelu"})
# Always present in the core, before (and whatever) the catalogue registers.
_CORE_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def activations() -> list[str]:
    """Names usable as ``activation``: the elementwise entries of the derivative catalogue."""
    names = {n for n, e in CATALOGUE.items() if e.family == "activation" and n not in _NOT_LISTED}
    return sorted(n for n in names.union(_CORE_ACTIVATIONS) if hasattr(F, n))


@dataclass
class XorConfig:
    epochs: int = 10000
    lr: float = 0.1
    hidden: tuple[int, ...] = (3, 2)
    activation: str = "sigmoid"
    loss: str = "bce"
    optimizer: str = "sgd"
    init: str = "randn"
    seed: int = 1  # a start that solves XOR in 10000 epochs (seed 0 gets stuck at 3 of 4)
    dtype: str = "float64"
    reduction: str = "sum"


@dataclass
class XorResult:
    losses: list[float]  # mean loss at every epoch, before that epoch's update
    predictions: np.ndarray  # the four outputs after training, shape (4,)
    solved: bool  # all four final outputs on the right side of 0.5
    epochs_to_solve: int | None  # updates after which it was solved and stayed solved; None if not solved
    weights: list[np.ndarray] = field(repr=False)  # final [W1, b1, W2, b2, ...], W of shape (in, out)


def initial_weights(config: XorConfig) -> list[np.ndarray]:
    """[W1, b1, W2, b2, ...] for layer sizes 2-hidden-1, drawn from ``RandomState(config.seed)``.

    - ``randn``: the seed's standard normal for weights and biases, in the seed's order
      (identical to ``xor_numpy.init_params`` for the same seed);
    - ``pytorch``: ``nn.Linear``'s default, W and b ~ U(−1/√fan_in, 1/√fan_in);
    - ``xavier``: W ~ U(−a, a), a = √(6/(fan_in + fan_out)) (Glorot), b = 0;
    - ``kaiming``: W ~ N(0, 2/fan_in) (He, for ReLU), b = 0.
    """
    rng = np.random.RandomState(config.seed)
    sizes = [2, *config.hidden, 1]
    dtype = np.dtype(config.dtype)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        if config.init == "randn":
            W, b = rng.randn(fan_in, fan_out), rng.randn(fan_out)
        elif config.init == "pytorch":
            bound = 1.0 / math.sqrt(fan_in)
            W, b = rng.uniform(-bound, bound, (fan_in, fan_out)), rng.uniform(-bound, bound, fan_out)
        elif config.init == "xavier":
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            W, b = rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)
        elif config.init == "kaiming":
            W, b = rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)
        else:
            raise ValueError(f"init must be one of {', '.join(INITS)}, got {config.init!r}")
        weights += [W.astype(dtype), b.astype(dtype)]
    return weights


class XorNet:
    """The network as chainrule leaf tensors; ``loss()`` builds the graph for one full-batch pass."""

    def __init__(self, config: XorConfig, weights: Sequence[np.ndarray] | None = None) -> None:
        self.config = config
        dtype = getattr(cr, config.dtype)
        self.params = [cr.tensor(w, requires_grad=True)
                       for w in (initial_weights(config) if weights is None else weights)]
        self.X = cr.tensor(xor_numpy.X, dtype=dtype)
        self.Y = cr.tensor(xor_numpy.Y, dtype=dtype)
        self.act = getattr(F, config.activation)
        self.loss_fn = _loss_function(config.loss)

    def forward(self, x: Any) -> Any:
        p = self.params
        h = x
        for i in range(0, len(p) - 2, 2):
            h = self.act(h @ p[i] + p[i + 1])
        return cr.sigmoid(h @ p[-2] + p[-1])

    def loss(self) -> tuple[Any, Any]:
        """(loss to differentiate, output): the loss is summed or averaged over the examples."""
        out = self.forward(self.X)
        return self.loss_fn(out, self.Y, reduction=self.config.reduction), out


def _loss_function(name: str) -> Callable[..., Any]:
    """``F.binary_cross_entropy`` on the sigmoid output (``nn.BCELoss``) or ``F.mse_loss``."""
    if name == "bce":
        return F.binary_cross_entropy
    if name == "mse":
        return F.mse_loss
    raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {name!r}")


def make_optimizer(name: str, params: list, lr: float) -> Any:
    """``sgd``: plain gradient descent; ``momentum``: SGD with momentum 0.9; ``adam``: Adam (PyTorch's defaults)."""
    if name == "sgd":
        return optim.SGD(params, lr=lr)
    if name == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adam":
        return optim.Adam(params, lr=lr)
    raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {name!r}")


def _solved(out: np.ndarray, y: np.ndarray) -> bool:
    return bool(np.all((out > 0.5) == (y > 0.5)))


def run_xor(config: XorConfig, log: Callable[[int, float], object] | None = None, print_every: int = 1000,
            on_step: Callable[[int, XorNet], object] | None = None) -> XorResult:
    """Train the network; ``log(epoch, mean_loss)`` every ``print_every`` epochs (from 0).

    ``on_step(epoch, net)`` runs after backward and before the update (``--check`` compares gradients there).
    """
    net = XorNet(config)
    opt = make_optimizer(config.optimizer, net.params, config.lr)
    y = xor_numpy.Y
    n = len(y)
    to_mean = 1.0 / n if config.reduction == "sum" else 1.0
    losses: list[float] = []
    last_unsolved = -1
    for epoch in range(config.epochs):
        loss, out = net.loss()
        value = loss.item() * to_mean
        losses.append(value)
        if not _solved(out._data, y):
            last_unsolved = epoch
        if log is not None and print_every and epoch % print_every == 0:
            log(epoch, value)
        opt.zero_grad()
        loss.backward()
        if on_step is not None:
            on_step(epoch, net)
        opt.step()
    with cr.no_grad():
        final = net.forward(net.X)._data.ravel().copy()
    solved = _solved(final, y.ravel())
    return XorResult(losses=losses, predictions=final, solved=solved,
                     epochs_to_solve=last_unsolved + 1 if solved else None,
                     weights=[p._data.copy() for p in net.params])


@dataclass
class CheckResult:
    max_grad_diff: float  # largest |autograd − xor_numpy| over every gradient entry and epoch
    max_weight_diff: float | None  # largest final-weight difference of the two runs (plain SGD only)
    max_loss_diff: float | None  # largest per-epoch mean-loss difference (plain SGD only)
    epochs: int


def check_config(config: XorConfig) -> str | None:
    """Why ``check_against_numpy`` cannot compare this configuration (None when it can)."""
    if config.activation != "sigmoid":
        return ("--check compares with chainrule.examples.xor_numpy, whose hidden layers are sigmoid: "
                "use --activation sigmoid")
    if len(config.hidden) != 2:
        return ("--check compares with xor_numpy's two hidden layers: --hidden needs two sizes, "
                f"got {len(config.hidden)}")
    return None


def check_against_numpy(config: XorConfig, log: Callable[[int, float], object] | None = None,
                        print_every: int = 1000) -> CheckResult:
    """Train with autograd and, at every epoch, compare its gradients with xor_numpy's at the same weights.

    With plain SGD the hand-written NumPy program also runs on its own from the same
    initial weights, and its losses and final weights are compared too.
    """
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    dtype = np.dtype(config.dtype)
    X, Y = xor_numpy.X.astype(dtype), xor_numpy.Y.astype(dtype)
    worst = [0.0]

    def compare(epoch: int, net: XorNet) -> None:
        params = {k: p._data for k, p in zip(names, net.params, strict=True)}
        _, grads = xor_numpy.gradients(params, X, Y, config.reduction, config.loss)
        for k, p in zip(names, net.params, strict=True):
            worst[0] = max(worst[0], float(np.max(np.abs(p.grad._data - grads[k]))))  # type: ignore[union-attr]

    result = run_xor(config, log, print_every, on_step=compare)
    weight_diff = loss_diff = None
    if config.optimizer == "sgd":
        params = dict(zip(names, initial_weights(config), strict=True))
        losses = xor_numpy.train(params, X, Y, config.epochs, config.lr, config.reduction, config.loss, print_every=0)
        weight_diff = max(float(np.max(np.abs(params[k] - w))) for k, w in zip(names, result.weights, strict=True))
        loss_diff = float(np.max(np.abs(np.subtract(losses, result.losses))))
    return CheckResult(worst[0], weight_diff, loss_diff, config.epochs)


@dataclass
class SeedsSummary:
    seeds: list[int]
    results: list[XorResult]

    @property
    def successes(self) -> int:
        return sum(r.solved for r in self.results)

    @property
    def median_epochs(self) -> float | None:
        solved = [r.epochs_to_solve for r in self.results if r.epochs_to_solve is not None]
        return float(np.median(solved)) if solved else None


def run_seeds(config: XorConfig, n: int) -> SeedsSummary:
    """``n`` random starts, seeds ``config.seed … config.seed + n − 1``: the start decides the outcome.

    All starts train at once as one batched network (weights of shape (n, fan_in, fan_out)): the
    loss is the sum of the starts' losses, so each start's gradient is exactly that of its own run,
    and the optimizers act elementwise, so each start follows its own ``run_xor`` trajectory
    (up to rounding in the batched matrix products) at about the cost of one run.
    """
    seeds = list(range(config.seed, config.seed + n))
    starts = [initial_weights(XorConfig(**{**config.__dict__, "seed": s})) for s in seeds]
    # W: (n, fan_in, fan_out); b: (n, 1, fan_out) so that it broadcasts over the four examples
    params = [cr.tensor(np.stack([w[k] if k % 2 == 0 else w[k][None, :] for w in starts]), requires_grad=True)
              for k in range(len(starts[0]))]
    dtype = getattr(cr, config.dtype)
    X = cr.tensor(xor_numpy.X, dtype=dtype)
    Y = cr.tensor(np.broadcast_to(xor_numpy.Y, (n, *xor_numpy.Y.shape)).copy(), dtype=dtype)
    act, loss_fn = getattr(F, config.activation), _loss_function(config.loss)
    opt = make_optimizer(config.optimizer, params, config.lr)
    per_example = 1.0 if config.reduction == "sum" else 1.0 / len(xor_numpy.Y)
    y_right = xor_numpy.Y[None, :, 0] > 0.5
    losses = np.empty((config.epochs, n))
    last_unsolved = np.full(n, -1)

    def forward() -> Any:
        h = X
        for i in range(0, len(params) - 2, 2):
            h = act(h @ params[i] + params[i + 1])
        return cr.sigmoid(h @ params[-2] + params[-1])

    for epoch in range(config.epochs):
        out = forward()
        per = loss_fn(out, Y, reduction="none")  # (n, 4, 1)
        losses[epoch] = per._data.reshape(n, -1).mean(axis=1)
        last_unsolved[~np.all((out._data[:, :, 0] > 0.5) == y_right, axis=1)] = epoch
        opt.zero_grad()
        (per.sum() * per_example).backward()
        opt.step()
    with cr.no_grad():
        final = forward()._data[:, :, 0].copy()
    solved = np.all((final > 0.5) == y_right, axis=1)
    results = [XorResult(losses=losses[:, i].tolist(), predictions=final[i], solved=bool(solved[i]),
                         epochs_to_solve=int(last_unsolved[i]) + 1 if solved[i] else None,
                         weights=[p._data[i].reshape(w.shape).copy() for p, w in zip(params, starts[0], strict=True)])
               for i in range(n)]
    return SeedsSummary(seeds, results)
