"""Code as people write it in PyTorch tutorials, run unchanged on chainrule and on PyTorch.

Each scenario takes the library as ``torch`` and starts from the same NumPy data, so the numbers it
returns must agree. The idioms are the point: ``.data`` updates, ``with torch.no_grad()``,
``_, predicted = torch.max(out.data, 1)``, ``param.requires_grad = False``, ``torch.FloatTensor``,
``Variable``, ``state_dict`` round trips, schedulers, clipping, ``apply(init_fn)``.
"""

import numpy as np
import pytest
from oracle import assert_close, needs_torch

import chainrule

pytestmark = needs_torch
RNG = np.random.default_rng(7)
X = RNG.standard_normal((32, 5)).astype(np.float32)
Y = RNG.standard_normal((32, 2)).astype(np.float32)
LABELS = RNG.integers(0, 3, 32)
W0 = (RNG.standard_normal((5, 8)) * 0.3).astype(np.float32)
W1 = (RNG.standard_normal((8, 2)) * 0.3).astype(np.float32)


def manual_two_layer(torch):
    """'Learning PyTorch with examples': tensors and autograd, manual updates."""
    x, y = torch.from_numpy(X.copy()), torch.from_numpy(Y.copy())
    w1 = torch.tensor(W0, requires_grad=True)
    w2 = torch.tensor(W1, requires_grad=True)
    for _ in range(20):
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            w1 -= 1e-3 * w1.grad
            w2 -= 1e-3 * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return [loss.detach(), w1.detach(), w2.detach()]


def data_attribute_updates(torch):
    """Old-style SGD through ``.data`` and ``.grad.data``."""
    w = torch.tensor(W0[:, :1].copy(), requires_grad=True)
    x, y = torch.from_numpy(X.copy()), torch.from_numpy(Y[:, :1].copy())
    for _ in range(10):
        loss = torch.mean((x @ w - y) ** 2)
        loss.backward()
        w.data = w.data - 0.1 * w.grad.data
        w.grad.data.zero_()
    return [w.detach(), loss.detach()]


def _net(torch):
    nn = torch.nn
    F = torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()  # noqa: UP008 - the tutorials' spelling
            self.fc1 = nn.Linear(5, 8)
            self.fc2 = nn.Linear(8, 3)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))

    net = Net()
    with torch.no_grad():
        net.fc1.weight.copy_(torch.from_numpy(W0.T.copy()))
        net.fc1.bias.fill_(0.01)
        net.fc2.weight.copy_(torch.from_numpy(np.linspace(-0.5, 0.5, 24, dtype=np.float32).reshape(3, 8)))
        net.fc2.bias.zero_()
    return net


def classifier_training(torch):
    """nn.Module subclass, CrossEntropyLoss, SGD + momentum, StepLR, clipping, the eval idiom."""
    net = _net(torch)
    criterion = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    inputs, labels = torch.from_numpy(X.copy()), torch.from_numpy(LABELS.copy())
    for _ in range(8):
        opt.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=0.5)
        opt.step()
        sched.step()
    net.eval()
    with torch.no_grad():
        outputs = net(inputs)
        _, predicted = torch.max(outputs.data, 1)
        correct = (predicted == labels).sum().item()
    return [loss.detach(), outputs, predicted, torch.tensor(float(correct)), torch.tensor(sched.get_last_lr())]


def freeze_and_adam(torch):
    """Freezing a layer with ``requires_grad = False`` and training the rest with Adam."""
    net = _net(torch)
    for name, param in net.named_parameters():
        if name.startswith("fc1"):
            param.requires_grad = False
    opt = torch.optim.Adam(filter(lambda p: p.requires_grad, net.parameters()), lr=0.01)
    x, labels = torch.from_numpy(X.copy()), torch.from_numpy(LABELS.copy())
    for _ in range(5):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), labels).backward()
        opt.step()
    return [p.detach() for p in net.parameters()] + [torch.tensor([p.grad is None for p in net.parameters()])]


def legacy_constructors(torch):
    a = torch.FloatTensor([[1, 2], [3, 4]])
    b = torch.autograd.Variable(torch.ones(2, 2), requires_grad=True)
    (a * b).sum().backward()
    c = torch.from_numpy(np.arange(4)).float().view(2, 2)
    return [a, b.grad, c, c.type(torch.LongTensor), torch.LongTensor([1, 2]) + 1]


def softmax_rows_and_grad_of_grad(torch):
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    p = torch.nn.functional.softmax(a, dim=0)
    rows = [torch.autograd.grad(p[i], a, retain_graph=True)[0] for i in range(3)]
    x = torch.tensor(2.0, requires_grad=True)
    (g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    (g2,) = torch.autograd.grad(g, x)
    return rows + [g, g2.detach()]


def state_dict_round_trip(torch, tmp_path):
    net = _net(torch)
    path = str(tmp_path / f"net_{torch.__name__}.pt")
    if torch.__name__ == "chainrule":
        torch.save(net.state_dict(), path)
        loaded = torch.load(path)
    else:
        loaded = {k: v.clone() for k, v in net.state_dict().items()}
    other = _net(torch)
    with torch.no_grad():
        for p in other.parameters():
            p.add_(1.0)
    other.load_state_dict(loaded)
    return [other(torch.from_numpy(X.copy())).detach()]


def init_apply(torch):
    net = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))

    def init_weights(m):
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.constant_(m.weight, 0.05)
            m.bias.data.fill_(0.01)

    net.apply(init_weights)
    out = net(torch.from_numpy(X.copy()))
    out.mean().backward()
    return [out.detach(), net[0].weight.grad, net[2].bias.grad]


SCENARIOS = [manual_two_layer, data_attribute_updates, classifier_training, freeze_and_adam, legacy_constructors,
             softmax_rows_and_grad_of_grad, init_apply]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_tutorial_code_agrees_with_pytorch(torch, scenario):
    ours = scenario(chainrule)
    theirs = scenario(torch)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_state_dict_round_trip_through_a_file(torch, tmp_path):
    ours = state_dict_round_trip(chainrule, tmp_path)
    theirs = state_dict_round_trip(torch, tmp_path)
    assert_close(ours[0], theirs[0], rtol=1e-5, atol=1e-6)
