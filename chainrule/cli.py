"""The ``chainrule`` command line: ``chainrule xor`` (the seed's program) and ``chainrule train``.

``main(argv)`` returns the exit status: 0 on success, 1 when a check fails, and
argparse's 2 (with a message naming the option) for an invalid option value.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import numpy as np

from .apps import xor as xor_app
from .apps.options import layer_sizes, non_negative_int, positive_float, positive_int

XOR_DESCRIPTION = """\
Train the seed's XOR network with chainrule's autograd: inputs [[0,0],[0,1],[1,0],[1,1]],
targets [0,1,1,0], layers 2-3-2-1 with sigmoid everywhere, binary cross-entropy, plain
gradient descent with lr 0.1 for 10000 epochs, weights and biases from a standard normal
(NumPy's RandomState(seed).randn, in the seed's order W1, b1, W2, b2, W3, b3). It prints
"Epoch N loss: L" every epochs/10 epochs, then the four predictions beside their targets.

Like the seed, the update uses the gradient SUMMED over the four examples while the
printed loss is the MEAN loss (--reduction sum, the default); --reduction mean updates
with the gradient of the mean loss. For the same --seed the printed losses equal those
of the hand-written NumPy program, python -m chainrule.examples.xor_numpy."""

CHECK_TOLERANCE = {"float64": 1e-12, "float32": 1e-5}


# ---- chainrule xor ----

def add_xor_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("xor", help="the seed's XOR network, trained with autograd",
                       description=XOR_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=positive_int, default=10000, help="training epochs (default 10000)")
    p.add_argument("--lr", type=positive_float, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--hidden", type=layer_sizes, default=(3, 2), help="hidden layer sizes (default 3,2)")
    p.add_argument("--activation", choices=xor_app.activations(), default="sigmoid", metavar="NAME",
                   help="hidden-layer activation, any elementwise one in the derivative catalogue: "
                        "%(choices)s (default sigmoid; the output layer stays sigmoid)")
    p.add_argument("--loss", choices=xor_app.LOSSES, default="bce", help="binary cross-entropy or mean squared error")
    p.add_argument("--optimizer", choices=xor_app.OPTIMIZERS, default="sgd",
                   help="sgd (plain gradient descent), momentum (SGD, momentum 0.9) or adam")
    p.add_argument("--init", choices=xor_app.INITS, default="randn",
                   help="randn: the seed's standard normal; pytorch: nn.Linear's default; xavier; kaiming")
    p.add_argument("--seed", type=non_negative_int, default=1,
                   help="seed of the initial weights (default 1, a start that solves XOR; seed 0 gets stuck "
                        "with 3 of 4 right: the starting point decides the outcome)")
    p.add_argument("--dtype", choices=xor_app.DTYPES, default="float64", help="float64 (NumPy's, default) or float32")
    p.add_argument("--reduction", choices=xor_app.REDUCTIONS, default="sum",
                   help="gradient of the SUMMED loss as in the seed (default), or of the mean loss")
    p.add_argument("--print-every", type=non_negative_int, default=None, metavar="N",
                   help="print the loss every N epochs (default epochs/10; 0: never)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true",
                       help="also run the hand-written NumPy backpropagation and print the largest gradient "
                            "difference (must be ≤ 1e-12 in float64)")
    group.add_argument("--seeds", type=positive_int, default=None, metavar="N",
                       help="train from N random starts (seeds seed … seed+N−1): a line per start, the success "
                            "rate (success: all four outputs on the right side of 0.5) and the median epochs to solve")
    p.set_defaults(run=run_xor_command, command_parser=p)


def _xor_config(args: argparse.Namespace) -> xor_app.XorConfig:
    return xor_app.XorConfig(epochs=args.epochs, lr=args.lr, hidden=args.hidden, activation=args.activation,
                             loss=args.loss, optimizer=args.optimizer, init=args.init, seed=args.seed,
                             dtype=args.dtype, reduction=args.reduction)


def run_xor_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .examples import xor_numpy

    config = _xor_config(args)
    every = max(1, config.epochs // 10) if args.print_every is None else args.print_every

    def log(epoch: int, value: float) -> None:
        print(xor_numpy.format_loss(epoch, value), flush=True)

    if args.seeds is not None:
        return _run_seeds(config, args.seeds)
    if args.check:
        problem = xor_app.check_config(config)
        if problem is not None:
            parser.error(problem)
        check = xor_app.check_against_numpy(config, log, every)
        tolerance = CHECK_TOLERANCE[config.dtype]
        print(f"Gradient check over {check.epochs} epochs, autograd vs chainrule.examples.xor_numpy:")
        print(f"  largest gradient difference: {check.max_grad_diff:.3e}")
        if check.max_loss_diff is not None:
            print(f"  largest loss difference:     {check.max_loss_diff:.3e}")
            print(f"  largest final weight difference: {check.max_weight_diff:.3e}")
        ok = check.max_grad_diff <= tolerance
        print(f"{'OK' if ok else 'FAILED'}: gradient difference {'≤' if ok else '>'} {tolerance:g} ({config.dtype})")
        return 0 if ok else 1
    result = xor_app.run_xor(config, log, every)
    for line in xor_numpy.format_predictions(result.predictions):
        print(line)
    return 0


def _run_seeds(config: xor_app.XorConfig, n: int) -> int:
    y = np.array([0, 1, 1, 0])
    summary = xor_app.run_seeds(config, n)
    for seed, r in zip(summary.seeds, summary.results, strict=True):
        right = int(np.sum((r.predictions > 0.5) == (y > 0.5)))
        outcome = f"solved in {r.epochs_to_solve} epochs" if r.solved else f"not solved ({right}/4 right)"
        print(f"seed {seed}: {outcome}, final loss {r.losses[-1]:.6f}")
    rate = summary.successes / n
    median = "n/a" if summary.median_epochs is None else f"{summary.median_epochs:g}"
    print(f"success rate: {summary.successes}/{n} ({rate:.0%}), median epochs to solve: {median}")
    return 0


# ---- chainrule train ----

def add_train_parser(sub: argparse._SubParsersAction) -> None:
    from .apps import train as train_app

    train_app.add_arguments(sub.add_parser(
        "train", help="train an MLP classifier on a dataset", description=train_app.DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter))


# ---- chainrule lab ----

def add_lab_parser(sub: argparse._SubParsersAction) -> None:
    from .labs import cli as lab_cli

    p = lab_cli.add_parser(sub)
    p.set_defaults(run=lambda args, parser: lab_cli.main(args), command_parser=p)


# ---- entry point ----

COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_xor_parser, add_train_parser, add_lab_parser]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chainrule", description="chainrule: autograd exact to PyTorch's, in NumPy.")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    sub.required = True
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``chainrule COMMAND ...``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args, args.command_parser))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
