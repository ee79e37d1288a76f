"""Smoke test of the benchmark runner (benchmarks/run.py) at tiny sizes.

Nothing here is timed or compared against a speed: it checks that every suite runs end to end,
fills its table, writes its JSON, reports a missing library name as n/a instead of crashing, and
that the training implementations agree on the final loss (the tables' built-in correctness check).
"""

from __future__ import annotations

import json
import os
import sys
import types

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import run  # noqa: E402
from benchmarks._timing import Missing, failure_note, need  # noqa: E402
from benchmarks.xor import TorchStyleXor  # noqa: E402


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("bench") / "quick.json"
    assert run.main(["all", "--quick", "--libs", "numpy,chainrule", "--steps", "5", "--json", str(path)]) == 0
    return json.loads(path.read_text())


def test_every_suite_runs_and_fills_its_table(quick_results: dict, capsys: pytest.CaptureFixture) -> None:
    suites = quick_results["suites"]
    assert set(suites) == {"overhead", "functional", "xor", "mlp"}
    assert suites["overhead"]["threads"] == 1 and suites["functional"]["threads"] == 2
    for name in ("a + b", "a @ c", "exp(a)", "a.sum()", "layer fwd+bwd"):
        rec = suites["overhead"]["cases"][name]
        assert rec["numpy"]["median_s"] > 0 and rec["chainrule"]["median_s"] > 0
    assert all("median_s" in r["numpy"] or "scipy" in r["numpy"]["na"] for r in suites["functional"]["cases"].values())
    info = quick_results["machine"]
    assert info["numpy"] and info["cores"] and len(info["loadavg_start"]) == 3


def test_training_suites_agree_on_the_final_loss(quick_results: dict) -> None:
    xor = quick_results["suites"]["xor"]["cases"]
    ref = xor["NumPy by hand, f64"]["final_loss"]
    for label in ("NumPy by hand, f32", "chainrule, f32", "chainrule, f64"):
        assert xor[label]["final_loss"] == pytest.approx(ref, rel=1e-5), label
    mlp = quick_results["suites"]["mlp"]["cases"]
    for batch in (128, 16):
        ref = mlp[f"batch {batch}: NumPy by hand"]["final_loss"]
        assert mlp[f"batch {batch}: chainrule"]["final_loss"] == pytest.approx(ref, rel=1e-5)


def test_torch_column_and_filter(capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("torch", reason="PyTorch not installed: its benchmark column reads n/a")
    run.main(["overhead", "-k", "a + b (a", "--quick"])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| a + b")]
    assert len(rows) == 1 and "n/a" not in rows[0]  # the filter kept one case; all three columns ran


def test_without_torch_the_column_reads_na(capsys: pytest.CaptureFixture) -> None:
    run.main(["overhead", "-k", "exp(a) (a", "--quick", "--no-torch"])
    assert "n/a (torch not installed)" in capsys.readouterr().out


def test_a_missing_library_name_is_reported_not_raised() -> None:
    fake = types.ModuleType("fakelib")
    fake.nn = types.SimpleNamespace(Sequential=object)
    with pytest.raises(Missing, match="fakelib.nn.Linear"):
        TorchStyleXor(fake, "float32")
    with pytest.raises(Missing) as info:
        need(fake, "optim.SGD")
    assert failure_note(info.value) == "n/a (missing: fakelib.optim.SGD)"


def test_bad_arguments_exit_with_a_message(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        run.main(["nosuch"])
    assert "unknown suite" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run.main(["--libs", "jax"])
    assert "--libs" in capsys.readouterr().err
