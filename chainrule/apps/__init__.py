"""Experiments behind the ``chainrule`` command line, usable as library functions.

- ``xor``: the seed's XOR network trained with chainrule's autograd (``chainrule xor``).
- ``train``: an MLP on any dataset (``chainrule train``).
"""
