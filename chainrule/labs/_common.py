"""What every lab returns, and the lazy matplotlib import.

A lab is a function ``run(**settings) -> LabResult``: its numbers (a table as
rows, plus named values for tests) and its figures (matplotlib ``Figure``s, for
notebooks). ``chainrule lab NAME --out DIR`` prints the table and writes the
figures; ``chainrule lab all`` also writes ``index.html``.
matplotlib is an optional extra (``pip install chainrule[labs]``), imported
only when a lab draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """A small table: ``columns`` names and ``rows`` of values (numbers formatted on output)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def add(self, *values: Any) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"row has {len(values)} values, the table has {len(self.columns)} columns")
        self.rows.append(list(values))

    def formatted(self) -> list[list[str]]:
        return [[fmt(v) for v in row] for row in self.rows]

    def to_text(self) -> str:
        """A fixed-width text table for the terminal."""
        cells = [self.columns] + self.formatted()
        widths = [max(len(str(r[i])) for r in cells) for i in range(len(self.columns))]
        line = "  ".join(c.ljust(w) for c, w in zip(self.columns, widths))
        sep = "  ".join("-" * w for w in widths)
        body = ["  ".join(str(v).ljust(w) for v, w in zip(r, widths)) for r in self.formatted()]
        return "\n".join([line, sep] + body)

    def to_markdown(self) -> str:
        def cell(v: str) -> str:
            return v.replace("|", "\\|")  # a bare | would end the cell

        head = "| " + " | ".join(cell(c) for c in self.columns) + " |"
        sep = "|" + "|".join("---" for _ in self.columns) + "|"
        return "\n".join([head, sep] + ["| " + " | ".join(cell(v) for v in r) + " |" for r in self.formatted()])

    def to_html(self) -> str:
        import html

        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in self.formatted())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def fmt(v: Any) -> str:
    """Numbers as a reader wants them: 4 significant digits, scientific when tiny or huge."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        if v == 0:
            return "0"
        a = abs(v)
        return f"{v:.3e}" if a < 1e-3 or a >= 1e5 else f"{v:.4g}"
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(fmt(x) for x in v) + ")"
    return str(v)


@dataclass
class LabResult:
    """A lab's output: a title, a short explanation (HTML allowed), a table, figures and raw numbers."""

    name: str
    title: str
    explanation: str
    table: Table
    figures: dict[str, Any] = field(default_factory=dict)  # file stem -> matplotlib Figure
    numbers: dict[str, Any] = field(default_factory=dict)  # raw results, for tests and notebooks
    files: dict[str, Any] = field(default_factory=dict)  # extra outputs: file name -> text, or callable(path)


def pyplot() -> Any:
    """matplotlib.pyplot on the non-interactive Agg backend, or a clear ImportError naming the extra."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("the labs draw with matplotlib: pip install 'chainrule[labs]'") from None
    plt.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 110, "axes.grid": True, "grid.alpha": 0.3,
        "axes.spines.top": False, "axes.spines.right": False, "font.size": 9, "axes.titlesize": 10,
        "legend.fontsize": 8, "legend.frameon": False,
    })
    return plt


PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22"]
