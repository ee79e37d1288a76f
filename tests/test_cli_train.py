"""``chainrule train``: datasets, metrics, progress, saving, and resume-after-kill to bitwise-identical weights."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.apps import train as ta
from chainrule.apps.xor import activations
from chainrule.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EPOCH_LINE = re.compile(r"epoch (\d+)/(\d+)  train loss \d+\.\d{4} acc \d+\.\d\d%  val loss \d+\.\d{4} acc \d+\.\d\d%")


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "chainrule", "train", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, **(env or {})})


def table(stdout):
    """{'train': (loss, accuracy), 'val': ...} from the final metrics table."""
    rows = re.findall(r"^(train|val)\s+(\d+\.\d{4})\s+(\d+\.\d\d)%$", stdout, re.M)
    return {name: (float(loss), float(acc) / 100) for name, loss, acc in rows}


def same_weights(a, b):
    sa, sb = cr.load(a), cr.load(b)
    assert list(sa) == list(sb)
    return all(np.array_equal(sa[k].numpy(), sb[k].numpy()) and sa[k].dtype == sb[k].dtype for k in sa)


def test_moons_prints_an_epoch_line_per_epoch_and_a_table_without_a_bar_off_a_terminal():
    out = run_cli("--data", "moons", "--epochs", "3", "--hidden", "16,16")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("moons: 200 examples, 2 features, 2 classes; train 160, val 40; model 2-16-16-2 relu")
    assert [EPOCH_LINE.fullmatch(s).group(1) for s in lines[1:4]] == ["1", "2", "3"]
    assert lines[4].split() == ["loss", "accuracy"]
    assert set(table(out.stdout)) == {"train", "val"}
    assert "\r" not in out.stdout and "it/s" not in out.stdout + out.stderr  # stdout is a pipe: no tqdm bar


def test_resume_after_a_kill_mid_epoch_gives_bitwise_identical_weights(tmp_path):
    opts = ["--data", "spirals", "--epochs", "4", "--scheduler", "cosine", "--optimizer", "adam", "--batch-size", "16"]
    straight = run_cli(*opts, "--save", str(tmp_path / "straight.st"))
    assert straight.returncode == 0, straight.stderr
    ck = str(tmp_path / "run.ck")
    # 240 training examples / 16 = 15 steps an epoch: step 20 is in the middle of epoch 2
    killed = run_cli(*opts, "--checkpoint", ck, "--save", str(tmp_path / "resumed.st"),
                     env={ta.CRASH_ENV: "20"})
    assert killed.returncode == 75 and os.path.exists(ck) and not (tmp_path / "resumed.st").exists()
    resumed = run_cli(*opts, "--checkpoint", ck, "--resume", "--save", str(tmp_path / "resumed.st"))
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming from {ck} after epoch 1" in resumed.stdout
    assert [m.group(1) for m in EPOCH_LINE.finditer(resumed.stdout)] == ["2", "3", "4"]
    assert same_weights(tmp_path / "straight.st", tmp_path / "resumed.st")
    assert table(resumed.stdout) == table(straight.stdout)


def test_extending_a_finished_run_equals_one_long_run(tmp_path, capsys):
    opts = ["train", "--data", "blobs", "--optimizer", "momentum", "--lr", "0.05", "--batch-size", "25",
            "--activation", "tanh"]
    assert main([*opts, "--epochs", "3", "--save", str(tmp_path / "long.st")]) == 0
    ck = str(tmp_path / "ck")
    assert main([*opts, "--epochs", "1", "--checkpoint", ck]) == 0
    assert main([*opts, "--epochs", "3", "--checkpoint", ck, "--resume", "--save", str(tmp_path / "ext.st")]) == 0
    assert same_weights(tmp_path / "long.st", tmp_path / "ext.st")
    capsys.readouterr()


def test_resume_without_a_checkpoint_file_starts_fresh(tmp_path, capsys):
    ck = str(tmp_path / "none.ck")
    assert main(["train", "--data", "xor", "--epochs", "1", "--val-split", "0", "--checkpoint", ck, "--resume"]) == 0
    assert "no checkpoint at" in capsys.readouterr().out and os.path.exists(ck)


def test_resume_refuses_a_checkpoint_made_with_other_options(tmp_path, capsys):
    ck = str(tmp_path / "ck")
    assert main(["train", "--data", "moons", "--epochs", "1", "--checkpoint", ck]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["train", "--data", "moons", "--epochs", "2", "--lr", "0.5", "--checkpoint", ck, "--resume"])
    assert exc.value.code == 2
    assert "--lr 0.01 (now 0.5)" in capsys.readouterr().err
    (tmp_path / "junk").write_bytes(b"\x80\x04not a checkpoint")  # a pickle-looking file: refused, not run
    with pytest.raises(SystemExit) as exc:
        main(["train", "--data", "moons", "--checkpoint", str(tmp_path / "junk"), "--resume"])
    assert exc.value.code == 2 and "argument --checkpoint" in capsys.readouterr().err


def test_digits_mlp_reaches_95_percent_and_its_saved_weights_agree_in_pytorch(tmp_path):
    pytest.importorskip("sklearn", reason="scikit-learn (the chainrule[datasets] extra) provides digits")
    saved = tmp_path / "digits.st"
    out = run_cli("--data", "digits", "--hidden", "64", "--optimizer", "adam", "--lr", "0.01", "--epochs", "5",
                  "--save", str(saved))
    assert out.returncode == 0, out.stderr
    metrics = table(out.stdout)
    assert metrics["val"][1] >= 0.95, out.stdout  # 360 held-out digits
    torch = pytest.importorskip("torch", reason="PyTorch (the oracle) checks the saved weights")
    safetensors_torch = pytest.importorskip("safetensors.torch", reason="safetensors reads the file in PyTorch")
    from sklearn.datasets import load_digits

    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    model.load_state_dict(safetensors_torch.load_file(str(saved)))
    d = load_digits()
    with torch.no_grad():
        logits = model(torch.tensor(d.data / 16.0, dtype=torch.float32))
    accuracy = (logits.argmax(1).numpy() == d.target).mean()
    # PyTorch's accuracy on all 1797 digits = the table's train and val accuracies weighted 1437 : 360
    assert accuracy == pytest.approx((1437 * metrics["train"][1] + 360 * metrics["val"][1]) / 1797, abs=2e-4)


def write_csv(path, rows):
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")


def test_csv_with_a_named_target_column(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = [["a", "species", "b"]]
    for i in range(60):
        label = ["setosa", "virginica", "versicolor"][i % 3]
        center = i % 3
        a, b = center + 0.1 * rng.standard_normal(), -center + 0.1 * rng.standard_normal()
        rows.append([f"{a:.3f}", label, f"{b:.3f}"])
    write_csv(tmp_path / "flowers.csv", rows)
    assert main(["train", "--csv", str(tmp_path / "flowers.csv"), "--target", "species", "--epochs", "30",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowers.csv: 60 examples, 2 features, 3 classes")
    assert table(out)["val"][1] == 1.0  # three well-separated clusters


@pytest.mark.parametrize("args, message", [
    ([], "argument --csv: needs --target"),
    (["--target", "nope"], "argument --csv:"),
    (["--target", "x"], "argument --target: column 'x'"),
])
def test_csv_usage_errors_name_the_option(tmp_path, capsys, args, message):
    write_csv(tmp_path / "d.csv", [["x", "y"], ["0.5", "1"], ["1.5", "0"], ["2.5", "1"]])
    with pytest.raises(SystemExit) as exc:
        main(["train", "--csv", str(tmp_path / "d.csv"), *args])
    assert exc.value.code == 2 and message in capsys.readouterr().err


def write_idx(path, array):
    code = {np.dtype(np.uint8): 0x08}[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    path.write_bytes(header + array.tobytes())


def test_idx_images_and_labels(tmp_path, capsys):
    rng = np.random.default_rng(1)
    labels = np.arange(40, dtype=np.uint8) % 2
    images = (rng.integers(0, 60, size=(40, 4, 4)) + 190 * labels[:, None, None] * (np.arange(4) < 2)).astype(np.uint8)
    write_idx(tmp_path / "img.idx", images)
    write_idx(tmp_path / "lab.idx", labels)
    assert main(["train", "--idx", str(tmp_path / "img.idx"), str(tmp_path / "lab.idx"), "--epochs", "10",
                 "--batch-size", "8"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("img.idx: 40 examples, 16 features, 2 classes; train 32, val 8")
    assert table(out)["train"][1] == 1.0
    with pytest.raises(SystemExit) as exc:
        main(["train", "--idx", str(tmp_path / "img.idx"), str(tmp_path / "missing.idx")])
    assert exc.value.code == 2 and "argument --idx" in capsys.readouterr().err


@pytest.mark.parametrize("args, option", [
    ([], "one of the arguments --data --csv --idx is required"),
    (["--data", "mnist"], "argument --data"), (["--data", "xor", "--csv", "f"], "argument --csv"),
    (["--data", "xor", "--val-split", "1.5"], "argument --val-split"),
    (["--data", "xor", "--val-split", "0.01"], "argument --val-split"),
    (["--data", "xor", "--batch-size", "0"], "argument --batch-size"),
    (["--data", "xor", "--epochs", "-2"], "argument --epochs"), (["--data", "xor", "--lr", "0"], "argument --lr"),
    (["--data", "xor", "--hidden", ""], "argument --hidden"),
    (["--data", "xor", "--optimizer", "lbfgs"], "argument --optimizer"),
    (["--data", "xor", "--activation", "softmax"], "argument --activation"),
    (["--data", "xor", "--scheduler", "plateau"], "argument --scheduler"),
    (["--data", "xor", "--resume"], "argument --resume: needs --checkpoint"),
    (["--data", "xor", "--target", "y"], "argument --target: only used with --csv"),
    (["--data", "xor", "--save", "/no/such/folder/m.st"], "argument --save: the folder '/no/such/folder'"),
    (["--data", "xor", "--checkpoint", "/no/such/folder/ck"], "argument --checkpoint: the folder"),
])
def test_invalid_options_exit_2_naming_the_option(args, option, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", *args])
    assert exc.value.code == 2
    assert option in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal_with_tqdm(monkeypatch):
    class Terminal:
        def isatty(self):
            return True

    class Pipe:
        def isatty(self):
            return False

    assert not ta.progress_enabled(False, Pipe())
    assert not ta.progress_enabled(True, Terminal())
    monkeypatch.setitem(sys.modules, "tqdm", None)  # tqdm not installed: plain lines
    assert not ta.progress_enabled(False, Terminal())


def test_progress_bar_shows_loss_and_accuracy(monkeypatch, capsys):
    pytest.importorskip("tqdm", reason="tqdm (the chainrule[progress] extra) draws the bar")
    assert ta.progress_enabled(False, type("T", (), {"isatty": lambda self: True})())
    monkeypatch.setattr(ta, "progress_enabled", lambda no_progress, stream=None: True)
    assert main(["train", "--data", "circles", "--epochs", "2"]) == 0
    out = capsys.readouterr()
    assert "\r" in out.out and "epoch 1/2: 100%" in out.out and "epoch 2/2: 100%" in out.out and "5/5" in out.out
    # the epoch's summary ends up in the bar's postfix, instead of a plain line
    assert re.search(r"it/s, train loss \d\.\d{4} acc \d+\.\d\d%  val loss \d\.\d{4} acc", out.out)
    assert EPOCH_LINE.search(out.out) is None


def test_every_listed_activation_has_a_module():
    for name in activations():
        module = ta.activation_module(name)()
        x = cr.linspace(-3, 3, 7).reshape(7, 1)
        np.testing.assert_allclose(module(x).numpy(), getattr(cr.nn.functional, name)(x).numpy())


def test_saved_state_dict_loads_into_the_same_model(tmp_path, capsys):
    path = str(tmp_path / "m.st")
    data = "iris" if _have_sklearn() else "blobs"
    assert main(["train", "--data", data, "--hidden", "8,8", "--epochs", "2", "--save", path]) == 0
    state = cr.load(path)
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    model = ta.build_model(state["0.weight"].shape[1], (8, 8), state["4.bias"].shape[0], "relu")
    model.load_state_dict(state)
    assert f"saved the state dict to {path}" in capsys.readouterr().out


def _have_sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True
