"""``chainrule train``: an MLP classifier on a dataset, with progress, metrics, saving and resumable checkpoints.

The run is a plain PyTorch-style loop over chainrule's API: ``nn.Sequential`` of
``Linear`` and activation modules, ``CrossEntropyLoss``, an optimizer from
``chainrule.optim``, ``DataLoader`` over a ``random_split`` of a ``TensorDataset``.

Resuming: with ``--checkpoint FILE`` the model, optimizer, scheduler, the
loader's shuffling generator and chainrule's default generator are saved
(atomically, by ``chainrule.save``) after every epoch. ``--resume`` restores
all of them, so a run that was killed and resumed ends with exactly the same
weights, bit for bit, as one that was never interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import chainrule as cr

from .. import datasets, nn, optim
from ..nn import functional as F
from ..optim import lr_scheduler
from ..utils.data import DataLoader, TensorDataset, random_split
from .options import fraction, layer_sizes, non_negative_int, positive_float, positive_int
from .xor import activations

DESCRIPTION = """\
Train an MLP classifier (Linear layers with an activation between them, cross-entropy loss)
on a built-in dataset (--data), a CSV file (--csv FILE --target COL) or MNIST-style IDX files
(--idx IMAGES LABELS). Prints a progress bar (tqdm, when installed and stdout is a terminal)
or one line per epoch, then a table of train and validation loss and accuracy.

--save FILE writes the final state dict with chainrule.save (safetensors; loads in PyTorch
through safetensors.torch.load_file). --checkpoint FILE saves model, optimizer, scheduler and
random-generator state after every epoch; --resume continues from it to the very same final
weights as an uninterrupted run."""

DATASETS = ("xor", "moons", "circles", "spirals", "blobs", "digits", "iris")
OPTIMIZERS = ("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad")
SCHEDULERS = ("none", "step", "cosine")
# A test hook: exit abruptly (as if killed) after this many optimizer steps in total.
CRASH_ENV = "CHAINRULE_TRAIN_CRASH_AFTER_STEPS"
CHECKPOINT_VERSION = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", choices=DATASETS, help="a dataset from chainrule.datasets")
    source.add_argument("--csv", metavar="FILE", help="a CSV file with a header row (numeric feature columns)")
    source.add_argument("--idx", nargs=2, metavar=("IMAGES", "LABELS"), help="MNIST-style IDX image and label files")
    p.add_argument("--target", metavar="COL", help="the class column of --csv (a name or a 0-based index)")
    p.add_argument("--hidden", type=layer_sizes, default=(64,), help="hidden layer sizes (default 64)")
    p.add_argument("--activation", choices=activations(), default="relu", metavar="NAME",
                   help="activation between layers: %(choices)s (default relu)")
    p.add_argument("--optimizer", choices=OPTIMIZERS, default="adam", help="default adam")
    p.add_argument("--lr", type=positive_float, default=0.01, help="learning rate (default 0.01)")
    p.add_argument("--scheduler", choices=SCHEDULERS, default="none",
                   help="learning-rate schedule: none, step (×0.5 every epochs/3) or cosine (to 0 at the end)")
    p.add_argument("--epochs", type=positive_int, default=20, help="default 20")
    p.add_argument("--batch-size", type=positive_int, default=32, help="default 32")
    p.add_argument("--val-split", type=fraction, default=0.2, help="fraction held out for validation (default 0.2)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seeds the weights, the split and the shuffling")
    p.add_argument("--no-progress", action="store_true", help="plain lines instead of a progress bar")
    p.add_argument("--save", metavar="FILE", help="write the trained state dict here (chainrule.save)")
    p.add_argument("--checkpoint", metavar="FILE", help="save the full training state here after every epoch")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint FILE if it exists")
    p.set_defaults(run=run_train_command, command_parser=p)


# ---- data ----

@dataclass
class Data:
    X: np.ndarray  # features, float32 (n, d)
    y: np.ndarray  # class ids, int64 (n,)
    classes: int
    name: str


def load_data(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Data:
    """The dataset the options name; a bad file or column is a usage error naming the option."""
    if args.csv is not None:
        if args.target is None:
            parser.error("argument --csv: needs --target COL, the column holding the class")
        target: str | int = int(args.target) if args.target.isdigit() else args.target
        try:
            X, y, classes = datasets.read_csv(args.csv, target)
        except (OSError, ValueError) as e:
            parser.error(f"argument --csv: {e}")
        if classes is None:
            parser.error(f"argument --target: column {args.target!r} of {args.csv} holds non-integral numbers; "
                         "chainrule train fits a classifier and needs class labels")
        name = os.path.basename(args.csv)
    elif args.target is not None:
        parser.error("argument --target: only used with --csv")
    elif args.idx is not None:
        try:
            X, y = datasets.load_idx(*args.idx)
        except (OSError, ValueError) as e:
            parser.error(f"argument --idx: {e}")
        name = os.path.basename(args.idx[0])
    else:
        try:
            X, y = getattr(datasets, args.data)()
        except ImportError as e:  # digits/iris need scikit-learn
            parser.error(f"argument --data: {e}")
        name = args.data
    Xa, ya = np.asarray(X._data, dtype=np.float32), np.asarray(y._data, dtype=np.int64)
    if len(ya) < 2:
        parser.error(f"the dataset {name} has {len(ya)} example(s); training needs at least 2")
    if ya.min() < 0:
        parser.error(f"the dataset {name} has a negative class label ({ya.min()}); classes must be 0, 1, 2, ...")
    return Data(Xa.reshape(len(Xa), -1), ya, int(ya.max()) + 1, name)


# ---- model, optimizer, scheduler ----

def activation_module(name: str) -> Any:
    """The nn module class of a catalogue activation: ``leaky_relu`` -> ``nn.LeakyReLU``."""
    wanted = name.replace("_", "")
    for attr in dir(nn):
        if attr.lower() == wanted and isinstance(getattr(nn, attr), type):
            return getattr(nn, attr)
    raise ValueError(f"chainrule.nn has no module for the activation {name!r}")


def build_model(inputs: int, hidden: Sequence[int], classes: int, activation: str) -> Any:
    """``Linear → act → … → Linear`` (the logits; CrossEntropyLoss applies the softmax)."""
    act = activation_module(activation)
    layers: list[Any] = []
    sizes = [inputs, *hidden]
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(fan_in, fan_out), act()]
    layers.append(nn.Linear(sizes[-1], classes))
    return nn.Sequential(*layers)


def build_optimizer(name: str, params: Any, lr: float) -> Any:
    if name == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9)
    cls = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop,
           "adagrad": optim.Adagrad}[name]
    return cls(params, lr=lr)


def build_scheduler(name: str, optimizer: Any, epochs: int) -> Any:
    """Stepped once per epoch."""
    if name == "step":
        return lr_scheduler.StepLR(optimizer, step_size=max(1, epochs // 3), gamma=0.5)
    if name == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    return None


# ---- progress ----

def progress_enabled(no_progress: bool, stream: Any = None) -> bool:
    """A tqdm bar only on a terminal, when tqdm (the ``chainrule[progress]`` extra) is installed."""
    stream = sys.stdout if stream is None else stream
    if no_progress or not getattr(stream, "isatty", lambda: False)():
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


# ---- training ----

@dataclass
class Metrics:
    loss: float
    accuracy: float


def evaluate(model: Any, X: Any, y: Any) -> Metrics:
    """Mean cross-entropy and accuracy of the whole set, without recording a graph."""
    if len(y) == 0:
        return Metrics(float("nan"), float("nan"))
    with cr.no_grad():
        logits = model(X)
        loss = F.cross_entropy(logits, y).item()
    return Metrics(loss, float(np.mean(logits._data.argmax(axis=1) == y._data)))


def _config_of(args: argparse.Namespace) -> dict[str, Any]:
    """What must match between a checkpoint and the run resuming it (everything but --epochs and output paths)."""
    return {"data": args.data, "csv": args.csv, "target": args.target, "idx": list(args.idx or []),
            "hidden": list(args.hidden), "activation": args.activation, "optimizer": args.optimizer,
            "lr": args.lr, "scheduler": args.scheduler, "batch_size": args.batch_size,
            "val_split": args.val_split, "seed": args.seed}


def run_train_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.resume and not args.checkpoint:
        parser.error("argument --resume: needs --checkpoint FILE")
    for option, path in (("--save", args.save), ("--checkpoint", args.checkpoint)):
        folder = os.path.dirname(path or "") or "."
        if path and not os.path.isdir(folder):  # fail now, not after training
            parser.error(f"argument {option}: the folder {folder!r} does not exist")
    data = load_data(args, parser)
    n_val = int(round(args.val_split * len(data.y)))
    if args.val_split > 0 and not 0 < n_val < len(data.y):
        parser.error(f"argument --val-split: {args.val_split} of {len(data.y)} examples leaves an empty split")

    cr.manual_seed(args.seed)  # the weights
    dataset = TensorDataset(cr.from_numpy(data.X), cr.from_numpy(data.y))
    train_set, val_set = random_split(dataset, [len(data.y) - n_val, n_val],
                                      generator=cr.Generator().manual_seed(args.seed))
    shuffle = cr.Generator().manual_seed(args.seed + 1)
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, generator=shuffle)
    X_train, y_train = (cr.from_numpy(a[train_set.indices]) for a in (data.X, data.y))
    X_val, y_val = (cr.from_numpy(a[val_set.indices]) for a in (data.X, data.y))

    model = build_model(data.X.shape[1], args.hidden, data.classes, args.activation)
    optimizer = build_optimizer(args.optimizer, model.parameters(), args.lr)
    scheduler = build_scheduler(args.scheduler, optimizer, args.epochs)
    loss_fn = nn.CrossEntropyLoss()

    start = 0
    if args.resume:
        start = _restore(args, parser, model, optimizer, scheduler, shuffle)
    crash_after = int(os.environ.get(CRASH_ENV, "0") or 0)
    steps = start * len(loader)
    bar_on = progress_enabled(args.no_progress)
    print(f"{data.name}: {len(data.y)} examples, {data.X.shape[1]} features, {data.classes} classes; "
          f"train {len(train_set)}, val {len(val_set)}; model {data.X.shape[1]}-"
          f"{'-'.join(map(str, args.hidden))}-{data.classes} {args.activation}, {args.optimizer} lr {args.lr:g}",
          flush=True)
    for epoch in range(start, args.epochs):
        model.train()
        bar = None
        if bar_on:
            from tqdm import tqdm

            bar = tqdm(total=len(loader), desc=f"epoch {epoch + 1}/{args.epochs}", leave=True, file=sys.stdout)
        seen = correct = 0
        total_loss = 0.0
        for xb, yb in loader:
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            steps += 1
            if crash_after and steps >= crash_after:
                os._exit(75)  # the test hook: die without any clean-up, as a kill would
            n = len(yb)
            seen += n
            total_loss += loss.item() * n
            correct += int(np.sum(logits._data.argmax(axis=1) == yb._data))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.2%}", refresh=False)
        if scheduler is not None:
            scheduler.step()
        model.eval()
        val = evaluate(model, X_val, y_val)
        summary = f"train loss {total_loss / seen:.4f} acc {correct / seen:.2%}"
        if len(val_set):
            summary += f"  val loss {val.loss:.4f} acc {val.accuracy:.2%}"
        if bar is not None:
            bar.set_postfix_str(summary)
            bar.close()
        else:
            print(f"epoch {epoch + 1}/{args.epochs}  {summary}", flush=True)
        if args.checkpoint:
            _save_checkpoint(args, epoch + 1, model, optimizer, scheduler, shuffle)

    model.eval()
    rows = [("train", evaluate(model, X_train, y_train))]
    if len(val_set):
        rows.append(("val", evaluate(model, X_val, y_val)))
    print(format_table(rows))
    if args.save:
        cr.save(model.state_dict(), args.save)
        print(f"saved the state dict to {args.save}")
    return 0


def format_table(rows: Sequence[tuple[str, Metrics]]) -> str:
    lines = [f"{'':<6}{'loss':>10}{'accuracy':>11}"]
    lines += [f"{name:<6}{m.loss:>10.4f}{m.accuracy:>11.2%}" for name, m in rows]
    return "\n".join(lines)


def _save_checkpoint(args: argparse.Namespace, epoch: int, model: Any, optimizer: Any, scheduler: Any,
                     shuffle: Any) -> None:
    cr.save({"version": CHECKPOINT_VERSION, "epoch": epoch, "config": json.dumps(_config_of(args)),
             "model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": None if scheduler is None else scheduler.state_dict(),
             "shuffle_rng": shuffle.get_state(), "rng": cr.get_rng_state()}, args.checkpoint)


def _restore(args: argparse.Namespace, parser: argparse.ArgumentParser, model: Any, optimizer: Any,
             scheduler: Any, shuffle: Any) -> int:
    """Load ``--checkpoint`` into the run; returns the number of epochs already done (0 if there is none)."""
    if not os.path.exists(args.checkpoint):
        print(f"no checkpoint at {args.checkpoint} yet: starting from epoch 1", flush=True)
        return 0
    try:
        state = cr.load(args.checkpoint)
        if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
            raise ValueError("not a chainrule train checkpoint")
    except (OSError, ValueError, RuntimeError) as e:
        parser.error(f"argument --checkpoint: cannot resume from {args.checkpoint}: {e}")
    saved = json.loads(state["config"])
    ours = _config_of(args)
    differ = [k for k in ours if saved.get(k) != ours[k]]
    if differ:
        parser.error("argument --resume: the checkpoint was made with different options: "
                     + ", ".join(f"--{k.replace('_', '-')} {saved.get(k)!r} (now {ours[k]!r})" for k in differ))
    if state["epoch"] > args.epochs:
        parser.error(f"argument --epochs: the checkpoint has already trained {state['epoch']} epochs")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler"])
    shuffle.set_state(state["shuffle_rng"])
    cr.set_rng_state(state["rng"])
    print(f"resuming from {args.checkpoint} after epoch {state['epoch']}", flush=True)
    return int(state["epoch"])
