"""OpInfo entries for the scatter family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from opinfo import Sample, away_from_zero, distinct, fixed, fn, op, shape_op, uniform

# scatter writes: no index repeats along the scatter dim (PyTorch's choice among repeats is unspecified)
_I0 = np.array([[0, 1, 2, 0], [1, 2, 0, 2]])
_I1 = np.array([[3, 0], [1, 2], [0, 3]])
_REP = np.array([[0, 0, 1, 2], [0, 0, 0, 2]])  # repeated targets: accumulate

shape_op("scatter", fn("scatter"), lambda r: (uniform(r, (3, 4)), 0, _I0, uniform(r, (2, 4))),
         lambda r: (uniform(r, (3, 4)), 1, _I1, uniform(r, (3, 2))))
# a src larger than the index: values only (PyTorch's backward refuses the shape; chainrule pads with zeros)
shape_op("scatter.larger_src", fn("scatter"), lambda r: (uniform(r, (3, 4)), 0, _I0, uniform(r, (2, 5))),
         lambda r: (uniform(r, (3, 4)), -1, _I1, uniform(r, (4, 3))), covers=("scatter",), grad=False)
shape_op("scatter.value", lambda m, x, d, i, v: m.scatter(x, d, i, v), lambda r: (uniform(r, (3, 4)), 0, _I0, 1.5),
         lambda r: (uniform(r, (3, 4)), 1, _I1, -2.0), covers=("scatter",))
shape_op("scatter.method_", lambda m, x, s: x.clone().scatter_(0, m.tensor(_I0), s),
         lambda r: (uniform(r, (3, 4)), uniform(r, (2, 4))), covers=())
shape_op("scatter.method_value_", lambda m, x: (x * 2).scatter_(1, m.tensor(_I1), value=0.5),
         lambda r: (uniform(r, (3, 4)),), covers=())
shape_op("scatter.one_hot", lambda m, y: m.zeros(4, 3).scatter_(1, y.unsqueeze(1), 1.0),
         lambda r: (np.array([2, 0, 1, 2]),), covers=(), grad=False)
shape_op("scatter.one_hot_src", lambda m, y: m.zeros(4, 3).scatter(1, y.unsqueeze(1), m.ones(4, 1)),
         lambda r: (np.array([2, 0, 1, 2]),), covers=(), grad=False)
shape_op("scatter_add", fn("scatter_add"), lambda r: (uniform(r, (3, 4)), 0, _REP, uniform(r, (2, 4))),
         lambda r: (uniform(r, (3, 4)), 1, np.array([[0, 0], [3, 3], [1, 1]]), uniform(r, (3, 2))))
shape_op("scatter_add.method_", lambda m, x, s: x.clone().scatter_add_(0, m.tensor(_REP), s),
         lambda r: (uniform(r, (3, 4)), uniform(r, (2, 4))), covers=())


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return a[:3], a[3:]


for _red in ("sum", "mean", "amax", "amin", "prod"):
    for _inc in (True, False):
        _gen: Any = distinct if _red in ("amax", "amin") else (away_from_zero if _red == "prod" else uniform)
        shape_op(f"scatter_reduce.{_red}{'' if _inc else '.exclude_self'}",
                 lambda m, x, s, red=_red, inc=_inc: m.scatter_reduce(x, 0, m.tensor(_REP), s, red, include_self=inc),
                 lambda r, g=_gen: _split(g(r, (5, 4))), covers=("scatter_reduce",))
# ties: amax shares the gradient evenly among the members equal to the maximum
op("scatter_reduce.amax_ties", lambda m, x, s: m.scatter_reduce(x, 0, m.tensor(_REP), s, "amax"),
   fixed(lambda r: Sample((np.array([[1.0, 2.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0]]),
                           np.array([[1.0, 2.0, -1.0, 3.0], [1.0, 0.5, -2.0, 1.0]])), fd=False, order=1)),
   covers=("scatter_reduce",))
op("scatter_reduce.prod_one_zero", lambda m, x, s: m.scatter_reduce(x, 0, m.tensor(_REP), s, "prod"),
   fixed(lambda r: Sample((np.array([[0.0, 2.0, 1.5, 3.0], [0.5, 0.0, 2.0, 1.0], [1.0, 2.0, 0.0, 3.0]]),
                           np.array([[1.0, 2.0, -1.0, 3.0], [1.0, 0.5, -2.0, 1.0]])), fd=False, order=1)),
   covers=("scatter_reduce",))
shape_op("scatter_reduce.method_", lambda m, x, s: (x * 1).scatter_reduce_(0, m.tensor(_REP), s, "amax"),
         lambda r: _split(distinct(r, (5, 4))), covers=())

shape_op("index_add", fn("index_add"), lambda r: (uniform(r, (4, 3)), 0, np.array([0, 2, 0]), uniform(r, (3, 3))),
         lambda r: (uniform(r, (2, 4)), 1, np.array([3, 3]), uniform(r, (2, 2))))
shape_op("index_add.alpha", lambda m, x, i, s: m.index_add(x, 0, i, s, alpha=2.5),
         lambda r: (uniform(r, (4, 3)), np.array([1, 1, 3]), uniform(r, (3, 3))), covers=("index_add",))
shape_op("index_add.method_", lambda m, x, s: x.clone().index_add_(0, m.tensor([0, 2, 0]), s),
         lambda r: (uniform(r, (4, 3)), uniform(r, (3, 3))), covers=())
shape_op("index_copy", fn("index_copy"), lambda r: (uniform(r, (4, 3)), 0, np.array([3, 1]), uniform(r, (2, 3))),
         lambda r: (uniform(r, (2, 4)), 1, np.array([0, 2, 1]), uniform(r, (2, 3))))
shape_op("index_copy.method_", lambda m, x, s: x.clone().index_copy_(1, m.tensor([2]), s),
         lambda r: (uniform(r, (2, 4)), uniform(r, (2, 1))), covers=())
shape_op("index_fill", fn("index_fill"), lambda r: (uniform(r, (4, 3)), 0, np.array([3, 1, 3]), -1.5),
         lambda r: (uniform(r, (2, 4)), 1, np.array([-1]), 2.0))
shape_op("index_fill.tensor_value", lambda m, x, v: m.index_fill(x, 1, m.tensor([0, 2, 0]), v),
         lambda r: (uniform(r, (3, 4)), uniform(r, ())), covers=("index_fill",))
shape_op("index_fill.method_", lambda m, x: (x + 1).index_fill_(0, m.tensor([1]), 0.25),
         lambda r: (uniform(r, (3, 4)),), covers=())
shape_op("take", fn("take"), lambda r: (uniform(r, (3, 4)), np.array([[0, -1], [5, 5]])),
         lambda r: (uniform(r, (5,)), np.array([4, 0, 4])), lambda r: (uniform(r, ()), np.array([0])))
shape_op("take_along_dim", fn("take_along_dim"), lambda r: (uniform(r, (3, 4)), np.array([[3], [0], [1]]), 1),
         lambda r: (uniform(r, (3, 4)), np.array([[2, 0, 1, 1]]), 0),
         lambda r: (uniform(r, (3, 1)), np.array([[0, 0, 0]]), 0))
shape_op("take_along_dim.flat", lambda m, x, i: m.take_along_dim(x, i),
         lambda r: (uniform(r, (3, 4)), np.array([11, 0, 0, 5])), covers=("take_along_dim",))
shape_op("masked_scatter", fn("masked_scatter"),
         lambda r: (uniform(r, (2, 3)), np.array([True, False, True]), uniform(r, (3, 2))),
         lambda r: (uniform(r, (2, 3)), np.array([[True, True, False], [False, False, True]]), uniform(r, (5,))))
shape_op("masked_scatter.method_", lambda m, x, k, s: x.clone().masked_scatter_(k, s),
         lambda r: (uniform(r, (2, 3)), np.array([[True], [False]]), uniform(r, (4,))), covers=())
shape_op("put", fn("put"), lambda r: (uniform(r, (3, 4)), np.array([0, 5, -1]), uniform(r, (3,))),
         lambda r: (uniform(r, (3, 4)), np.array([[0, 5]]), uniform(r, (2,))))
shape_op("put.accumulate", lambda m, x, i, s: m.put(x, i, s, accumulate=True),
         lambda r: (uniform(r, (3, 4)), np.array([1, 1, 7]), uniform(r, (3,))), covers=("put",))
shape_op("put.method_", lambda m, x, s: x.clone().put_(m.tensor([2, 2]), s, accumulate=True),
         lambda r: (uniform(r, (3, 4)), uniform(r, (2,))), covers=())
shape_op("index_put", lambda m, x, ind, v: m.index_put(x, tuple(ind), v),
         lambda r: (uniform(r, (3, 4)), [np.array([0, 2]), np.array([1, 3])], uniform(r, (2,))),
         lambda r: (uniform(r, (3, 4)), [np.array([2, 0])], uniform(r, (4,))),
         lambda r: (uniform(r, (3, 4)), [np.array([True, False, True])], uniform(r, ())))
shape_op("index_put.accumulate", lambda m, x, ind, v: m.index_put(x, tuple(ind), v, accumulate=True),
         lambda r: (uniform(r, (3, 4)), [np.array([0, 0, 2]), np.array([1, 1, 3])], uniform(r, (3,))),
         covers=("index_put",))
shape_op("index_put.method_", lambda m, x, v: x.clone().index_put_((m.tensor([1, 1]),), v, accumulate=True),
         lambda r: (uniform(r, (3, 4)), uniform(r, (4,))), covers=())
