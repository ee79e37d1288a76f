"""``chainrule.viz.graph(tensor)``: the computation graph autograd recorded, as Graphviz DOT.

Each op node is labelled with PyTorch's grad_fn name and the shape and dtype of
the tensor it produced; each leaf that requires grad with its name (if given
in ``params``), shape and dtype. The DOT text is always available
(``Graph.source``); ``Graph.render(path)`` writes SVG/PNG when the Graphviz
``dot`` program is installed. In a notebook the graph displays itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .tensor import Tensor


@dataclass
class GraphNode:
    id: str
    label: str
    kind: str  # "op", "leaf" or "root"
    depth: int = 0


@dataclass
class Graph:
    """A recorded graph: ``nodes``, ``edges`` (from producer to consumer) and its DOT ``source``."""

    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)

    @property
    def source(self) -> str:
        style = {
            "op": 'shape=box, style="rounded,filled", fillcolor="#e8eef7", color="#7a8ba6"',
            "leaf": 'shape=box, style=filled, fillcolor="#cde8c9", color="#5c8a55"',
            "root": 'shape=box, style="rounded,filled", fillcolor="#f7d9a8", color="#b5822c"',
        }
        lines = ["digraph chainrule {", '  graph [rankdir=BT, fontname="Helvetica"];',
                 '  node [fontname="Helvetica", fontsize=10];', '  edge [color="#666666", arrowsize=0.6];']
        for n in self.nodes:
            label = n.label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            lines.append(f'  {n.id} [label="{label}", {style[n.kind]}];')
        for a, b in self.edges:
            lines.append(f"  {a} -> {b};")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def save(self, path: str) -> str:
        """Write the DOT source to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        return path

    def render(self, path: str, format: str | None = None) -> str:
        """Write SVG or PNG with Graphviz's ``dot`` (RuntimeError naming the fix when it is missing)."""
        fmt = format or os.path.splitext(path)[1].lstrip(".") or "svg"
        if fmt not in ("svg", "png", "pdf"):
            raise ValueError(f"format must be 'svg', 'png' or 'pdf', got {fmt!r}")
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError("rendering needs Graphviz's `dot` program (e.g. apt-get install graphviz); "
                               "Graph.source and Graph.save() give the DOT text without it")
        subprocess.run([dot, f"-T{fmt}", "-o", path], input=self.source.encode(), check=True)
        return path

    def _repr_svg_(self) -> str | None:  # pragma: no cover - notebook display
        dot = shutil.which("dot")
        if dot is None:
            return None
        proc = subprocess.run([dot, "-Tsvg"], input=self.source.encode(), check=True, capture_output=True)
        return proc.stdout.decode()

    def draw(self, ax: Any = None) -> Any:
        """A matplotlib drawing (layered by depth from the output), for when ``dot`` is not installed."""
        from .labs._common import pyplot

        plt = pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 1.2 + 1.0 * (max((n.depth for n in self.nodes), default=0) + 1)))
        layers: dict[int, list[GraphNode]] = {}
        for n in self.nodes:
            layers.setdefault(n.depth, []).append(n)
        pos = {}
        max_d = max(layers) if layers else 0
        for d, ns in layers.items():
            for i, n in enumerate(ns):
                pos[n.id] = ((i + 1) / (len(ns) + 1), (max_d - d) / max(max_d, 1))
        for a, b in self.edges:
            (x0, y0), (x1, y1) = pos[a], pos[b]
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops={"arrowstyle": "->", "color": "#666666", "shrinkA": 14, "shrinkB": 14})
        colors = {"op": "#e8eef7", "leaf": "#cde8c9", "root": "#f7d9a8"}
        for n in self.nodes:
            x, y = pos[n.id]
            ax.text(x, y, n.label, ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.3", "fc": colors[n.kind], "ec": "#777777"})
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.15, 1.15)
        ax.axis("off")
        return ax.figure


def _describe(t: Tensor) -> str:
    shape = "×".join(str(s) for s in t._data.shape) or "scalar"
    return f"{shape} {t.dtype.name}"


def graph(root: Tensor | Sequence[Tensor], params: Mapping[str, Tensor] | None = None) -> Graph:
    """The graph that produced ``root`` (a tensor or several), walked iteratively from the output."""
    roots = [root] if isinstance(root, Tensor) else list(root)
    names = {id(t): name for name, t in (params or {}).items()}
    g = Graph()
    ids: dict[int, str] = {}
    depth: dict[str, int] = {}

    def node_id(obj: Any) -> str:
        key = id(obj)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
        return ids[key]

    stack: list[tuple[Tensor, Any, str | None, int]] = [(t, t.grad_fn, None, 0) for t in roots]
    seen_nodes: set[str] = set()
    while stack:
        t, fn, consumer, d = stack.pop()  # fn: the node that produced t when it was consumed
        obj = fn if fn else t
        nid = node_id(obj)
        if consumer is not None:
            g.edges.append((nid, consumer))
        if nid in seen_nodes:
            if d > depth[nid]:
                depth[nid] = d
            continue
        seen_nodes.add(nid)
        depth[nid] = d
        if not fn:
            name = names.get(id(t))
            label = (f"{name}\n" if name else "") + _describe(t)
            g.nodes.append(GraphNode(nid, label, "leaf"))
            continue
        kind = "root" if consumer is None else "op"
        g.nodes.append(GraphNode(nid, f"{fn.name}\n{_describe(t)}", kind))
        for inp, edge in zip(fn.inputs, fn.edges):
            if edge is not None:
                stack.append((inp, edge or None, nid, d + 1))
    for n in g.nodes:
        n.depth = depth[n.id]
    # edges may repeat when a tensor is used twice by one op (x * x): keep them, DOT draws both
    g.nodes.sort(key=lambda n: (n.depth, n.id))
    return g

