"""The labs: each lab's numbers against independent references, the CLI, the figures and the HTML page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.labs import LABS, run
from chainrule.labs.report import index_html, save_figures, write_index

pytest.importorskip("matplotlib", reason="the labs draw with matplotlib: pip install 'chainrule[labs]'")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _is_png(path: str) -> bool:
    with open(path, "rb") as f:
        head = f.read(24)
    if not head.startswith(PNG_MAGIC):
        return False
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    return width > 50 and height > 50


# -- activations -------------------------------------------------------------------------------

def test_activations_closed_forms_match_autograd():
    r = run("activations", points=61, draw=False)
    errors = {row[0]: row[-1] for row in r.table.rows}
    assert set(errors) >= {"sigmoid", "tanh", "relu", "gelu", "softplus", "mish", "softmax", "glu"}
    for name, err in errors.items():
        # hardsigmoid's backward multiplies by float32(1/6) in every dtype, as PyTorch's does
        assert err < (1e-8 if name == "hardsigmoid" else 1e-12), (name, err)
    sig = r.numbers["curves"]["sigmoid"]
    assert np.abs(sig["closed"]).max() == pytest.approx(0.25)


# -- softmax -----------------------------------------------------------------------------------

def test_softmax_jacobian_closed_form_rows_and_jacobian_agree():
    r = run("softmax", temperatures=(0.5, 1.0, 3.0), draw=False)
    for T, d in r.numbers["by_temperature"].items():
        assert np.abs(d["closed"] - d["rows"]).max() < 1e-12
        assert np.abs(d["closed"] - d["jacobian"]).max() < 1e-12
        np.testing.assert_allclose(d["closed"].sum(axis=1), 0, atol=1e-15)  # probability is conserved
        p = np.exp(r.numbers["logits"] / T) / np.exp(r.numbers["logits"] / T).sum()
        np.testing.assert_allclose(d["p"], p, rtol=1e-12)


def test_softmax_jacobian_matches_torch(torch):
    r = run("softmax", temperatures=(2.0,), draw=False)
    a = torch.tensor(r.numbers["logits"])
    J = torch.autograd.functional.jacobian(lambda x: torch.softmax(x / 2.0, 0), a).numpy()
    np.testing.assert_allclose(r.numbers["by_temperature"][2.0]["rows"], J, rtol=1e-12, atol=1e-15)


# -- losses ------------------------------------------------------------------------------------

def test_loss_gradients_match_closed_forms():
    r = run("losses", draw=False)
    for k, err in r.numbers["max_error"].items():
        assert err < 1e-12, k
    rows = {row[0]: row for row in r.table.rows}
    # confidently wrong: BCE's gradient tends to −1, MSE's vanishes with σ′
    assert rows[-8.0][4] == pytest.approx(1 / (1 + np.exp(8.0)) - 1, rel=1e-12)  # σ(z) − 1
    assert abs(rows[-8.0][3]) < 1e-3


# -- himmelblau --------------------------------------------------------------------------------

KNOWN_MINIMA = [(3.0, 2.0), (3.584428, -1.848126), (-3.779310, -3.283186), (-2.805118, 3.131312)]


def test_himmelblau_critical_points_are_the_known_ones():
    from chainrule.labs.himmelblau import critical_points, himmelblau

    crit = critical_points()
    assert len(crit["minimum"]) == 4 and len(crit["maximum"]) == 1 and len(crit["saddle"]) == 4
    for m in KNOWN_MINIMA:
        assert np.min(np.linalg.norm(crit["minimum"] - np.array(m), axis=1)) < 1e-5
    np.testing.assert_allclose(crit["maximum"][0], [-0.270845, -0.923039], atol=1e-5)
    assert himmelblau(crit["maximum"][0]) == pytest.approx(181.6165, abs=1e-3)
    np.testing.assert_allclose(himmelblau(crit["minimum"]), 0, atol=1e-20)


def test_himmelblau_adam_reaches_the_four_minima_and_sgd_diverges_at_005():
    from chainrule.labs.himmelblau import CLASSIC_STARTS, classify, optimise

    (adam,) = optimise(np.array(CLASSIC_STARTS), "adam", 1e-3, 20000)
    np.testing.assert_allclose(adam["end"], KNOWN_MINIMA, atol=2e-3)
    sgd = optimise(np.array(CLASSIC_STARTS), "sgd", [0.02, 0.05], 300)
    assert classify(sgd[1]["end"]) == ["diverged"] * 4
    # at lr 0.02, λmax at (3.584, −1.848) is 105 > 2/0.02: the start (4, 0) cannot settle there
    assert classify(sgd[0]["end"])[1] == "none"


def test_himmelblau_trajectory_matches_torch(torch):
    from chainrule.labs.himmelblau import CLASSIC_STARTS, optimise

    (ours,) = optimise(np.array(CLASSIC_STARTS), "adam", 1e-3, 400, tol=0)
    p = torch.tensor(CLASSIC_STARTS, dtype=torch.float32, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1e-3)
    for _ in range(400):
        opt.zero_grad()
        x, y = p[:, 0], p[:, 1]
        ((x * x + y - 11) ** 2 + (x + y * y - 7) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(ours["end"], p.detach().numpy(), atol=1e-4)


def test_himmelblau_lab_table_and_basins():
    r = run("himmelblau", optimizers=("sgd",), lrs=(0.01, 0.05), steps=400, basin_grid=9, basin_steps=300,
            draw=False)
    labels = {(row[0], row[2]): row[5] for row in r.table.rows}
    assert labels[((0.0, 0.0), 0.01)] == "(3, 2)"
    assert labels[((-4.0, 4.0), 0.01)] == "(-2.80512, 3.13131)"
    assert all(v == "diverged" for (s, lr), v in labels.items() if lr == 0.05)
    codes = r.numbers["basin"]["codes"]
    assert codes.shape == (9, 9) and set(np.unique(codes)) <= {0, 1, 2, 3, 4, 5}
    assert len(set(np.unique(codes)) & {0, 1, 2, 3}) == 4  # every basin is reached from some start


# -- lr ----------------------------------------------------------------------------------------

def test_lr_largest_stable_rate_is_two_over_lambda_max():
    r = run("lr", steps=100, draw=False)
    n = r.numbers
    X, y = __import__("chainrule.labs.lr", fromlist=["problem"]).problem()[:2]
    lmax = np.linalg.eigvalsh(X.T @ X / len(y)).max()
    assert n["critical"] == pytest.approx(2 / lmax)
    assert abs(n["largest_stable"] - 2 / lmax) / (2 / lmax) < 0.01
    verdicts = [row[-1] for row in r.table.rows[:-1]]
    assert verdicts[-1] == "diverges" and verdicts[0].startswith("too slow") and "converges" in verdicts


# -- vanishing ---------------------------------------------------------------------------------

def test_vanishing_shape_of_the_result():
    r = run("vanishing", depths=(1, 5, 10, 20), table_depths=(1, 20), profile_depth=10, draw=False)
    first = r.numbers["first_layer"]
    ratio = {k: v[-1] / v[0] for k, v in first.items()}
    assert ratio[("sigmoid", "default")] < 1e-6  # collapses by orders of magnitude
    assert ratio[("tanh", "xavier")] > 1e-2  # holds up
    assert ratio[("relu", "kaiming")] > 1e-2
    assert ratio[("sigmoid", "default")] < ratio[("tanh", "xavier")]


def test_vanishing_gradient_norms_match_torch(torch):
    from chainrule import nn
    from chainrule.labs.vanishing import _layers, gradient_norms

    norms = gradient_norms("tanh", "xavier", [5], width=8, batch=16, seed=3)[5]
    layers = _layers("tanh", "xavier", 5, 8, 3)
    head = nn.Linear(8, 1)  # drawn right after the layers, as gradient_norms does
    g = np.random.default_rng(3)
    x = torch.tensor(g.standard_normal((16, 8)), dtype=torch.float32)
    y = torch.tensor(g.standard_normal((16, 1)), dtype=torch.float32)
    Ws = [torch.tensor(l.weight.detach().numpy(), requires_grad=True) for l in layers]
    bs = [torch.tensor(l.bias.detach().numpy()) for l in layers]
    h = x
    for W, b in zip(Ws, bs):
        h = torch.tanh(h @ W.T + b)
    out = h @ torch.tensor(head.weight.detach().numpy()).T + torch.tensor(head.bias.detach().numpy())
    torch.nn.functional.mse_loss(out, y).backward()
    np.testing.assert_allclose(norms, [float(W.grad.norm()) for W in Ws], rtol=1e-4)


# -- xor ---------------------------------------------------------------------------------------

def test_xor_batched_success_rate_equals_separate_runs():
    from chainrule.apps.xor import XorConfig, run_xor
    from chainrule.labs.xor import success_rate

    batched = success_rate((3, 2), "sigmoid", seeds=3, epochs=600)
    for s in range(3):
        single = run_xor(XorConfig(epochs=600, seed=s, hidden=(3, 2), activation="sigmoid", dtype="float64"))
        assert bool(batched["solved"][s]) == single.solved
        assert batched["epochs_to_solve"][s] == (-1 if single.epochs_to_solve is None else single.epochs_to_solve)


def test_xor_wide_tanh_always_solves():
    from chainrule.labs.xor import success_rate

    r = success_rate((8,), "tanh", seeds=6, epochs=800)
    assert r["solved"].all()


# -- graph -------------------------------------------------------------------------------------

def test_graph_lab_dot_and_gradients():
    r = run("graph", draw=False)
    g = r.numbers["expression"]
    src = g.source
    assert src.startswith("digraph") and "TanhBackward0" in src and "MulBackward0" in src and '"x\\n' in src
    x, y = 2.0, 3.0
    dtanh = 1 - np.tanh(x * y + x) ** 2
    assert r.numbers["grads"]["x"] == pytest.approx(dtanh * (y + 1), rel=1e-12)
    assert r.numbers["grads"]["y"] == pytest.approx(dtanh * x, rel=1e-12)
    net = r.numbers["network"]
    assert sum(n.kind == "leaf" for n in net.nodes) == 6  # W1 b1 W2 b2 W3 b3


def test_viz_graph_of_a_tensor_used_twice():
    from chainrule.viz import graph

    x = cr.tensor([1.0, 2.0], requires_grad=True)
    g = graph((x * x).sum(), {"x": x})
    assert len([e for e in g.edges if e[1] == [n for n in g.nodes if n.label.startswith("MulBackward0")][0].id]) == 2
    if shutil.which("dot"):
        path = g.render(os.path.join(os.environ.get("TMPDIR", "/tmp"), "cr_graph_test.svg"))
        assert open(path).read().lstrip().startswith("<")


def test_graph_lab_rejects_unsafe_expressions():
    with pytest.raises(ValueError, match="may use x, y"):
        run("graph", expr="__import__('os').system('true')", draw=False)


# -- CLI, figures, HTML --------------------------------------------------------------------------

def test_lab_command_writes_valid_pngs_and_svgs(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "chainrule", "lab", "softmax", "--out", str(out), "--svg"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "max |closed − seed rows|" in proc.stdout
    assert _is_png(str(out / "softmax_jacobian.png"))
    assert (out / "softmax_jacobian.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


def test_lab_command_rejects_unknown_lab():
    proc = subprocess.run([sys.executable, "-m", "chainrule", "lab", "nope"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_every_lab_is_registered_with_a_module():
    from chainrule.labs import lab_function

    for name in LABS:
        assert callable(lab_function(name))


def test_index_html_is_self_contained_and_loads_in_chromium(tmp_path):
    results = [run("losses"), run("softmax", temperatures=(0.5, 2.0))]
    for r in results:
        for p in save_figures(r, str(tmp_path)):
            if p.endswith(".png"):
                assert _is_png(p)
    page = write_index(results, str(tmp_path))
    text = open(page, encoding="utf-8").read()
    assert text.count("<img") == 2 and "data:image/png;base64," in text and 'src="http' not in text
    assert index_html(results).count("<section") == 2
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium) — page checked statically only")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--virtual-time-budget=5000", "--dump-dom", f"file://{page}"],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'data-images-loaded="2/2"' in dom, dom[-500:]
    shot = tmp_path / "page.png"
    subprocess.run([chromium, *flags, "--window-size=1280,2000", f"--screenshot={shot}", f"file://{page}"],
                   capture_output=True, timeout=120)
    assert _is_png(str(shot))


def test_graph_lab_renders_with_graphviz_when_present(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz): DOT text only")
    paths = save_figures(run("graph", draw=False), str(tmp_path))
    names = {os.path.basename(p) for p in paths}
    assert {"graph_expression.dot", "graph_network_graphviz.svg", "graph_network_graphviz.png"} <= names
    assert _is_png(str(tmp_path / "graph_network_graphviz.png"))
    assert "<svg" in (tmp_path / "graph_expression_graphviz.svg").read_text()
