"""OpInfo entries for the nn_losses family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations
