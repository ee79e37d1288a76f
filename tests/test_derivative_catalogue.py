"""The derivative catalogue: every exported function has an entry, and docs/derivatives.md is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import chainrule as cr
import chainrule.nn.functional as F
from chainrule.ops.catalogue import CATALOGUE, Entry, register

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_derivatives", ROOT / "tools" / "gen_derivatives.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_derivatives_md_is_current() -> None:
    text = _generator().render()
    current = (ROOT / "docs" / "derivatives.md").read_text(encoding="utf-8")
    assert current == text, "docs/derivatives.md is stale: run  python tools/gen_derivatives.py"


def test_generated_file_says_how_to_regenerate_and_has_one_row_per_entry() -> None:
    text = _generator().render()
    assert "python tools/gen_derivatives.py" in text.split("\n## ")[0]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert sorted(r.split("`")[1] for r in rows) == sorted(CATALOGUE)


# exports with no derivative to catalogue: each must really be non-differentiable (checked below)
NOT_DIFFERENTIABLE = {"one_hot"}


def test_every_exported_function_has_an_entry() -> None:
    missing = [name for name in F.__all__ if name not in CATALOGUE and name not in NOT_DIFFERENTIABLE]
    assert not missing, f"chainrule.nn.functional exports functions without a catalogue entry: {missing}"


def test_exempt_functions_are_really_not_differentiable() -> None:
    out = F.one_hot(cr.tensor([0, 2]), 3)
    assert out.dtype == cr.int64 and not out.requires_grad  # integer output: nothing to differentiate


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_entries_are_complete(name: str) -> None:
    e = CATALOGUE[name]
    assert e.name == name
    assert e.family and e.formula and e.derivative and e.node, e
    assert "|" not in e.name


def test_register_refuses_a_conflicting_duplicate() -> None:
    existing = CATALOGUE["sigmoid"]
    assert register(existing) is existing  # the same entry again is harmless (module reloads)
    with pytest.raises(ValueError, match="already in the derivative catalogue"):
        register(Entry(name="sigmoid", family="activation", formula="x", derivative="1"))
    assert CATALOGUE["sigmoid"] is existing


def test_check_mode_reports_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _generator()
    stale = tmp_path / "derivatives.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(gen, "OUTPUT", stale)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
