"""OpInfo entries for the shape_extra family (imported at the end of tests/opinfo.py).

Entries whose PyTorch result has no usable gradient (index grids, ``unique_consecutive``, the ``is_*``
predicates, and ``vander``, whose backward raises in PyTorch 2.13) are run on integer inputs: values,
dtypes and shapes are still compared; chainrule's ``vander`` gradient is checked in test_shape_extra.py.
"""

from __future__ import annotations

import numpy as np
from opinfo import fn, shape_op, uniform

_i = lambda *a: np.array(a, dtype=np.int64)  # noqa: E731
_v = lambda r, n=5: uniform(r, (n,))  # noqa: E731
_m = lambda r: uniform(r, (2, 3))  # noqa: E731
_c = lambda r: uniform(r, (2, 3, 4))  # noqa: E731
_s = lambda r: uniform(r, ())  # noqa: E731

for _n in ("atleast_1d", "atleast_2d", "atleast_3d"):
    shape_op(_n, fn(_n), lambda r: (_s(r),), lambda r: (_v(r),), lambda r: (_m(r),), lambda r: (_c(r),))
    shape_op(f"{_n}.several", lambda m, a, b, n=_n: getattr(m, n)(a, b), lambda r: (_s(r), _m(r)), covers=(_n,))
    shape_op(f"{_n}.list", lambda m, xs, n=_n: getattr(m, n)(xs), lambda r: ([_s(r), _v(r, 3)],), covers=(_n,))
shape_op("column_stack", lambda m, xs: m.column_stack(xs), lambda r: ([_v(r, 3), _m(r).T.copy(), _v(r, 3)],),
         lambda r: ([_s(r), _s(r)],))
shape_op("row_stack", lambda m, xs: m.row_stack(xs), lambda r: ([_v(r, 3), _m(r)],), lambda r: ([_s(r), _s(r)],))
shape_op("dstack", lambda m, xs: m.dstack(xs), lambda r: ([_m(r), _m(r)],), lambda r: ([_v(r, 3), _v(r, 3)],),
         lambda r: ([_c(r), uniform(r, (2, 3, 1))],))
shape_op("hsplit", fn("hsplit"), lambda r: (_m(r), 3), lambda r: (_c(r), [1, 2]), lambda r: (_v(r, 4), 2))
shape_op("vsplit", fn("vsplit"), lambda r: (uniform(r, (4, 2)), 2), lambda r: (_c(r), [1]))
shape_op("dsplit", fn("dsplit"), lambda r: (_c(r), 2), lambda r: (_c(r), [1, -1]))
shape_op("tensor_split", fn("tensor_split"), lambda r: (_v(r, 7), 3), lambda r: (_c(r), [1, 3, 9, 2], 2),
         lambda r: (_m(r), 5, -1), lambda r: (_c(r), _i(1, 2), 1), lambda r: (_c(r), np.array(3), 2))
shape_op("split_with_sizes", fn("split_with_sizes"), lambda r: (_v(r), [2, 0, 3]), lambda r: (_c(r), [1, 3], 2))
shape_op("rot90", fn("rot90"), lambda r: (_m(r),), lambda r: (_m(r), 2), lambda r: (_c(r), -1, (2, 0)),
         lambda r: (_c(r), 7, [1, 2]), lambda r: (_m(r), 0))
shape_op("flipud", fn("flipud"), lambda r: (_v(r),), lambda r: (_c(r),))
shape_op("fliplr", fn("fliplr"), lambda r: (_m(r),), lambda r: (_c(r),))
shape_op("moveaxis", fn("moveaxis"), lambda r: (_c(r), 0, -1), lambda r: (_c(r), (0, 1), (2, 0)))
shape_op("select", fn("select"), lambda r: (_c(r), 1, -1), lambda r: (_v(r), 0, 2), lambda r: (_m(r), -1, 0))
shape_op("narrow_copy", fn("narrow_copy"), lambda r: (_c(r), 2, 1, 2), lambda r: (_m(r), -1, -2, 1))
shape_op("diag_embed", fn("diag_embed"), lambda r: (_v(r, 3),), lambda r: (_m(r),), lambda r: (_m(r), 1, 0, 2),
         lambda r: (_m(r), -2, 2, 0), lambda r: (uniform(r, (2, 2, 2)), 1, -1, 1))
shape_op("diagflat", fn("diagflat"), lambda r: (_v(r, 3),), lambda r: (_m(r), -1), lambda r: (_s(r), 2))
shape_op("block_diag", lambda m, *xs: m.block_diag(*xs), lambda r: (_m(r), _s(r), _v(r, 3)),
         lambda r: (uniform(r, (0, 2)), _m(r)), lambda r: (_i(1, 2), _m(r)))
shape_op("cartesian_prod", lambda m, *xs: m.cartesian_prod(*xs), lambda r: (_v(r, 3), _v(r, 2)),
         lambda r: (_v(r, 2), _v(r, 3), _v(r, 2)), lambda r: (_v(r, 3),))
shape_op("combinations", fn("combinations"), lambda r: (_v(r, 4),), lambda r: (_v(r, 3), 3, True),
         lambda r: (_v(r, 3), 1), lambda r: (_v(r, 3), 5))
shape_op("combinations.r0", lambda m, x: m.combinations(x, 0), lambda r: (_i(1, 2, 3),), covers=("combinations",))
shape_op("tril_indices", lambda m, *a, **k: m.tril_indices(*a, **k), lambda r: (3, 3), lambda r: (3, 4, 1),
         lambda r: (4, 3, -2), lambda r: (0, 3))
shape_op("triu_indices", lambda m, *a: m.triu_indices(*a), lambda r: (3, 3), lambda r: (3, 4, -1), lambda r: (2, 5, 3))
shape_op("triu_indices.int32", lambda m: m.triu_indices(3, 4, dtype=m.int32), covers=("triu_indices",))
shape_op("vander", fn("vander"), lambda r: (_i(1, 2, 0, -3),), lambda r: (_i(2, 3), 4), lambda r: (_i(2, 3), 1),
         lambda r: (_i(2, 3), 0), lambda r: (np.array([1, 2], dtype=np.int32), 3, True))
shape_op("msort", fn("msort"), lambda r: (uniform(r, (4, 3)),), lambda r: (_v(r),), lambda r: (_s(r),))
shape_op("unique_consecutive", fn("unique_consecutive"), lambda r: (_i(1, 1, 2, 2, 3, 1, 1, 2),),
         lambda r: (np.array([[1, 1], [2, 2], [2, 2], [1, 1]]), True, True),
         lambda r: (np.array([[1, 1], [2, 2], [2, 2], [1, 1]]), True, True, 0),
         lambda r: (np.array([[1, 1], [2, 2], [2, 2], [1, 1]]), True, True, 0))
# (x, False, True, 1) positionally gives the inverse, not the counts, in PyTorch 2.13: keywords here
shape_op("unique_consecutive.counts_dim", lambda m, x: m.unique_consecutive(x, return_counts=True, dim=1),
         lambda r: (np.array([[1, 1, 2], [2, 2, 2]]),), covers=("unique_consecutive",))
for _n in ("is_complex", "is_signed", "is_inference"):
    shape_op(_n, fn(_n), lambda r: (_i(1, 2),), lambda r: (np.array([1], dtype=np.uint8),),
             lambda r: (np.array([True]),))
shape_op("is_same_size", fn("is_same_size"), lambda r: (_i(1, 2), _i(3, 4)), lambda r: (_i(1, 2), _i(3)))
# Tensor-only methods
shape_op("sum_to_size.method", lambda m, x, *s: x.sum_to_size(*s), lambda r: (_c(r), 1, 4), lambda r: (_c(r), (3, 1)),
         lambda r: (_c(r), (4,)), lambda r: (_c(r), ()), covers=())
shape_op("unfold.method", lambda m, x, *a: x.unfold(*a), lambda r: (_v(r, 7), 0, 2, 1), lambda r: (_v(r, 7), 0, 3, 2),
         lambda r: (_c(r), 2, 2, 2), lambda r: (_c(r), -2, 2, 1), lambda r: (_s(r), 0, 1, 1),
         lambda r: (_v(r, 4), 0, 0, 2), covers=())
