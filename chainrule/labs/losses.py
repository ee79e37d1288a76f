"""Lab: why cross-entropy learns fast when it is wrong, and MSE on a sigmoid does not.

For a sigmoid output ŷ = σ(z) and target y = 1:

    MSE:  L = (ŷ − y)²                 ∂L/∂z = 2(ŷ − y)·σ′(z) = 2(ŷ − y)·ŷ(1 − ŷ)
    BCE:  L = −[y ln ŷ + (1−y) ln(1−ŷ)]  ∂L/∂z = ŷ − y

As the prediction becomes confidently wrong (z → −∞, ŷ → 0) the MSE gradient
vanishes with σ′(z), while the BCE gradient tends to −1: the worse the
prediction, the stronger the push. Softmax with cross-entropy behaves the same
way: ∂L/∂z = p − onehot(y).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._common import LabResult, Table, pyplot


def gradients(z: np.ndarray) -> dict[str, np.ndarray]:
    """∂L/∂z by autograd for MSE∘sigmoid, BCE∘sigmoid (BCE-with-logits) and CE∘softmax, target class 1."""
    import chainrule as cr
    import chainrule.nn.functional as F

    zt = cr.tensor(z, dtype=cr.float64, requires_grad=True)
    y = cr.ones(len(z), dtype=cr.float64)
    (g_mse,) = cr.autograd.grad(F.mse_loss(cr.sigmoid(zt), y, reduction="sum"), zt)
    (g_bce,) = cr.autograd.grad(F.binary_cross_entropy_with_logits(zt, y, reduction="sum"), zt)
    # two-class softmax with logits (0, z) and target class 1 is the same decision as the sigmoid
    logits = cr.stack([cr.zeros(len(z), dtype=cr.float64), zt], dim=1)
    (g_ce,) = cr.autograd.grad(F.cross_entropy(logits, cr.ones(len(z), dtype=cr.int64), reduction="sum"), zt)
    return {"mse": g_mse.numpy(), "bce": g_bce.numpy(), "ce": g_ce.numpy()}


def closed_forms(z: np.ndarray) -> dict[str, np.ndarray]:
    s = 1 / (1 + np.exp(-z))
    return {"mse": 2 * (s - 1) * s * (1 - s), "bce": s - 1, "ce": s - 1}


def run(z_points: Sequence[float] = (4.0, 2.0, 0.0, -2.0, -4.0, -8.0), draw: bool = True) -> LabResult:
    z = np.linspace(-10, 10, 401)
    auto = gradients(z)
    exact = closed_forms(z)
    errors = {k: float(np.abs(auto[k] - exact[k]).max()) for k in auto}
    zp = np.asarray(z_points, dtype=np.float64)
    ap = gradients(zp)
    table = Table(["z (logit)", "ŷ = σ(z)", "target", "∂MSE/∂z", "∂BCE/∂z", "∂CE(softmax)/∂z", "BCE/MSE"])
    for k, zi in enumerate(zp):
        s = float(1 / (1 + np.exp(-zi)))
        ratio = float(ap["bce"][k] / ap["mse"][k]) if ap["mse"][k] != 0 else float("inf")
        table.add(float(zi), s, 1, float(ap["mse"][k]), float(ap["bce"][k]), float(ap["ce"][k]), ratio)
    figures = {}
    if draw:
        plt = pyplot()
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
        sig = 1 / (1 + np.exp(-z))
        ax1.plot(z, (sig - 1) ** 2, label="MSE(σ(z), 1)")
        ax1.plot(z, np.logaddexp(0, -z), label="BCE(σ(z), 1)")
        ax1.set_xlabel("z (logit); target y = 1")
        ax1.set_title("loss")
        ax1.legend()
        ax2.plot(z, auto["mse"], label="∂MSE/∂z = 2(ŷ−y)ŷ(1−ŷ)")
        ax2.plot(z, auto["bce"], label="∂BCE/∂z = ŷ − y")
        ax2.plot(z[::20], auto["ce"][::20], "o", ms=3, label="∂CE(softmax)/∂z (autograd)")
        ax2.axvspan(-10, -4, color="#d62728", alpha=0.08)
        ax2.text(-9.6, -0.55, "confidently wrong:\nMSE gradient vanishes", fontsize=8)
        ax2.set_xlabel("z (logit); target y = 1")
        ax2.set_title("gradient with respect to the logit")
        ax2.legend(loc="lower right")
        fig.tight_layout()
        figures["losses_gradients"] = fig
    explanation = (
        "<p>With a sigmoid output ŷ = σ(z) and target 1, the gradient of MSE with respect to the logit is "
        "<code>2(ŷ − y)·ŷ(1 − ŷ)</code>: it carries the factor σ′(z), so when the network is confidently wrong "
        "(z ≪ 0) the gradient vanishes and learning stalls. Binary cross-entropy's gradient is simply "
        "<code>ŷ − y</code>: it tends to −1, the strongest push exactly when the prediction is worst. Softmax with "
        "cross-entropy gives <code>p − onehot(y)</code>, the same shape. autograd matches the closed forms to "
        f"{max(errors.values()):.0e}.</p>"
    )
    return LabResult("losses", "MSE versus cross-entropy gradients", explanation, table, figures,
                     {"z": z, "autograd": auto, "closed": exact, "max_error": errors})
