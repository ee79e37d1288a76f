"""Small programs to read and run: ``python -m chainrule.examples.<name>``.

- ``xor_numpy``: the seed's XOR network (2-3-2-1, sigmoid, binary cross-entropy)
  trained by hand-written backpropagation in plain NumPy, with the seed's bugs fixed.
"""
