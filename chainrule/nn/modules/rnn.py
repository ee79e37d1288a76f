"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their single-step cells, with PyTorch's parameters.

Each time step is a composite of differentiable ops (``linear``, ``sigmoid``,
``tanh``), so backpropagation through time comes from the engine. Gate order
and formulas are PyTorch's (W_i* act on the input, W_h* on the hidden state):

    RNN:   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)            (or relu)
    LSTM:  i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh) split in 4
           c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
    GRU:   r, z = σ(W_ir x + b_ir + W_hr h + b_hr), σ(W_iz x + b_iz + W_hz h + b_hz)
           n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),   h' = (1 - z) ⊙ n + z ⊙ h

All weights and biases start as U(-1/√hidden_size, 1/√hidden_size).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any, ClassVar

from ... import _dtype
from ...creation import empty, zeros
from ...ops.linalg import linear
from ...ops.pointwise import relu, sigmoid, tanh
from ...ops.shape import cat, chunk, squeeze, stack, transpose, unsqueeze
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(mode: str, x_part: Tensor, h: Tensor, c: Tensor | None, w_hh: Tensor,
              b_hh: Tensor | None) -> tuple[Tensor, Tensor | None]:
    """One time step given the input's share of the gates ``x_part`` = W_ih x + b_ih."""
    h_part = linear(h, w_hh, b_hh)
    if mode == "LSTM":
        i, f, g, o = chunk(x_part + h_part, 4, 1)
        c = sigmoid(f) * c + sigmoid(i) * tanh(g)
        return sigmoid(o) * tanh(c), c
    if mode == "GRU":
        x_r, x_z, x_n = chunk(x_part, 3, 1)
        h_r, h_z, h_n = chunk(h_part, 3, 1)
        r = sigmoid(x_r + h_r)
        z = sigmoid(x_z + h_z)
        n = tanh(x_n + r * h_n)
        return n + z * (h - n), None  # = (1 - z) n + z h
    pre = x_part + h_part
    return (tanh(pre) if mode == "RNN_TANH" else relu(pre)), None


class RNNBase(Module):
    """Shared machinery: parameters named ``weight_ih_l{k}[_reverse]`` ..., multi-layer, bidirectional."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if proj_size:
            raise NotImplementedError("LSTM with proj_size > 0 is not supported by chainrule yet")
        if isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          UserWarning, stacklevel=3)
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero" if isinstance(hidden_size, int)
                             else f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        dirs = 2 if bidirectional else 1
        gate = _GATES[mode] * hidden_size
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else hidden_size * dirs
            for direction in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if direction else "")
                shapes: list[tuple[str, tuple[int, ...]]] = [("weight_ih", (gate, layer_in)),
                                                            ("weight_hh", (gate, hidden_size))]
                if bias:
                    shapes += [("bias_ih", (gate,)), ("bias_hh", (gate,))]
                for name, shape in shapes:
                    setattr(self, name + sfx, Parameter(empty(*shape, dtype=dt, device=device)))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _layer_params(self, layer: int, direction: int) -> tuple[Tensor, Tensor, Any, Any]:
        sfx = f"_l{layer}" + ("_reverse" if direction else "")
        d = self.__dict__
        return (d["weight_ih" + sfx], d["weight_hh" + sfx], d.get("bias_ih" + sfx), d.get("bias_hh" + sfx))

    def _check_hidden(self, h: Tensor, expected: tuple[int, ...], which: str = "hidden") -> None:
        if tuple(h.shape) != expected:
            raise RuntimeError(f"Expected {which} size {expected}, got {list(h.shape)}")

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Any]:
        name = type(self).__name__
        if input.dim() not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D input instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.shape[-1]}")
        is_lstm = self.mode == "LSTM"
        unbatched = input.dim() == 2
        x = unsqueeze(input, 1) if unbatched else (transpose(input, 0, 1) if self.batch_first else input)
        steps, batch = x.shape[0], x.shape[1]
        dirs = 2 if self.bidirectional else 1
        expected = (self.num_layers * dirs, batch, self.hidden_size)
        if hx is None:
            h0 = zeros(*expected, dtype=input.dtype)
            c0 = zeros(*expected, dtype=input.dtype) if is_lstm else None
        else:
            h0, c0 = hx if is_lstm else (hx, None)
            if unbatched:
                h0 = unsqueeze(h0, 1)
                c0 = unsqueeze(c0, 1) if c0 is not None else None
            self._check_hidden(h0, expected)
            if c0 is not None:
                self._check_hidden(c0, expected, "hidden[1]")
        h_n: list[Tensor] = []
        c_n: list[Tensor] = []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(dirs):
                w_ih, w_hh, b_ih, b_hh = self._layer_params(layer, direction)
                k = layer * dirs + direction
                h = h0[k]
                c = c0[k] if c0 is not None else None
                x_parts = linear(x, w_ih, b_ih)  # the input's share of every step in one matmul
                seq: list[Any] = [None] * steps
                for t in (range(steps - 1, -1, -1) if direction else range(steps)):
                    h, c = _rnn_step(self.mode, x_parts[t], h, c, w_hh, b_hh)
                    seq[t] = h
                outs.append(stack(seq, 0))
                h_n.append(h)
                if c is not None:
                    c_n.append(c)
            x = outs[0] if dirs == 1 else cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        output = squeeze(x, 1) if unbatched else (transpose(x, 0, 1) if self.batch_first else x)
        hn = stack(h_n, 0)
        if unbatched:
            hn = squeeze(hn, 1)
        if not is_lstm:
            return output, hn
        cn = stack(c_n, 0)
        return output, (hn, squeeze(cn, 1) if unbatched else cn)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (``nonlinearity='relu'`` for relu)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype)


class LSTM(RNNBase):
    """Long short-term memory; returns ``output, (h_n, c_n)``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit; returns ``output, h_n``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         0, device, dtype)


class _CellBase(Module):
    _mode = ""
    nonlinearity: str  # RNNCell only

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gate = _GATES[self._mode] * hidden_size
        dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
        self.weight_ih = Parameter(empty(gate, input_size, dtype=dt, device=device))
        self.weight_hh = Parameter(empty(gate, hidden_size, dtype=dt, device=device))
        if bias:
            self.bias_ih = Parameter(empty(gate, dtype=dt, device=device))
            self.bias_hh = Parameter(empty(gate, dtype=dt, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    reset_parameters: ClassVar[Callable[[Any], None]] = RNNBase.reset_parameters  # borrowed: same weight init

    def _step(self, input: Tensor, hx: Any) -> Any:
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        unbatched = input.dim() == 1
        x = unsqueeze(input, 0) if unbatched else input
        is_lstm = self._mode == "LSTM"
        if hx is None:
            h = zeros(x.shape[0], self.hidden_size, dtype=input.dtype)
            c = zeros(x.shape[0], self.hidden_size, dtype=input.dtype) if is_lstm else None
        else:
            h, c = hx if is_lstm else (hx, None)
            if unbatched:
                h = unsqueeze(h, 0)
                c = unsqueeze(c, 0) if c is not None else None
        h, c = _rnn_step(self._mode, linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh)
        if unbatched:
            h = squeeze(h, 0)
            c = squeeze(c, 0) if c is not None else None
        return (h, c) if is_lstm else h

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(_CellBase):
    """One Elman step: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx)


class LSTMCell(_CellBase):
    """One LSTM step; returns ``(h', c')``."""

    _mode = "LSTM"

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        return self._step(input, hx)


class GRUCell(_CellBase):
    """One GRU step; returns ``h'``."""

    _mode = "GRU"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step(input, hx)


__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]
