"""Lab: the computation graph autograd records.

Every operation on a tensor that requires grad adds a node (PyTorch's
``grad_fn``: ``MulBackward0``, ``TanhBackward0`` ...) holding what its
derivative needs; ``backward()`` walks these nodes from the output back to the
leaves. ``chainrule.viz.graph(t)`` draws them: DOT always, SVG/PNG with Graphviz.
"""

from __future__ import annotations

import shutil
from typing import Any

import numpy as np

from ._common import LabResult, Table

SAFE_NAMES = ("tanh", "sigmoid", "relu", "exp", "log", "sin", "cos", "sqrt", "abs")


def expression_graph(expr: str = "tanh(x * y + x)") -> tuple[Any, dict[str, float]]:
    """Build ``expr`` in x = 2, y = 3 (only arithmetic and a few named functions), its graph and gradients."""
    import chainrule as cr
    from chainrule.viz import graph

    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True)
    y = cr.tensor(3.0, dtype=cr.float64, requires_grad=True)
    env = {name: getattr(cr, name) for name in SAFE_NAMES}
    env.update({"x": x, "y": y})
    code = compile(expr, "<expr>", "eval")
    for name in code.co_names:
        if name not in env:
            raise ValueError(f"expr may use x, y and {', '.join(SAFE_NAMES)}; got {name!r}")
    out = eval(code, {"__builtins__": {}}, env)  # noqa: S307 - names restricted to the whitelist above
    gx, gy = cr.autograd.grad(out, [x, y], allow_unused=True)
    grads = {"x": 0.0 if gx is None else gx.item(), "y": 0.0 if gy is None else gy.item(), "value": out.item()}
    return graph(out, {"x": x, "y": y}), grads


def network_graph() -> Any:
    """The seed's 2-3-2-1 sigmoid network with binary cross-entropy on the four XOR points."""
    import chainrule as cr
    import chainrule.nn.functional as F
    from chainrule.viz import graph

    rng = np.random.default_rng(0)
    X = cr.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = cr.tensor([[0.0], [1.0], [1.0], [0.0]])
    params = {}
    h = X
    for i, (n_in, n_out) in enumerate([(2, 3), (3, 2), (2, 1)], start=1):
        W = cr.tensor(rng.standard_normal((n_in, n_out)), dtype=cr.float32, requires_grad=True)
        b = cr.tensor(rng.standard_normal(n_out), dtype=cr.float32, requires_grad=True)
        params[f"W{i}"], params[f"b{i}"] = W, b
        h = cr.sigmoid(h @ W + b)
    loss = F.binary_cross_entropy(h, y)
    return graph(loss, params)


def run(expr: str = "tanh(x * y + x)", draw: bool = True) -> LabResult:
    g_expr, grads = expression_graph(expr)
    g_net = network_graph()
    table = Table(["graph", "op nodes", "leaves", "edges", "d/dx", "d/dy"])
    for name, g in (("expression: " + expr, g_expr), ("XOR network 2-3-2-1 + BCE", g_net)):
        ops = sum(n.kind != "leaf" for n in g.nodes)
        leaves = sum(n.kind == "leaf" for n in g.nodes)
        is_expr = g is g_expr
        table.add(name, ops, leaves, len(g.edges), grads["x"] if is_expr else None, grads["y"] if is_expr else None)
    files: dict[str, Any] = {"graph_expression.dot": g_expr.source, "graph_network.dot": g_net.source}
    if shutil.which("dot"):
        for stem, g in (("graph_expression", g_expr), ("graph_network", g_net)):
            for ext in ("svg", "png"):
                files[f"{stem}_graphviz.{ext}"] = (lambda gg, e: (lambda path: gg.render(path, e)))(g, ext)
    figures = {}
    if draw:
        figures["graph_expression"] = g_expr.draw()
        figures["graph_network"] = g_net.draw()
    explanation = (
        f"<p>Computing <code>{expr}</code> with x = 2, y = 3 records one node per operation; each node keeps what "
        "its derivative needs (a product keeps both factors, tanh keeps its output since tanh′ = 1 − tanh²). "
        "<code>backward()</code> visits the nodes from the output to the leaves in reverse topological order, "
        "multiplying local derivatives — the chain rule. The XOR network's loss graph has one matmul, add and "
        "sigmoid per layer and the loss on top. <code>chainrule.viz.graph(t)</code> returns the DOT source; "
        "figures here are drawn with matplotlib, and as SVG/PNG when Graphviz is installed.</p>"
    )
    return LabResult("graph", "The computation graph autograd records", explanation, table, figures,
                     {"expression": g_expr, "network": g_net, "grads": grads}, files)
