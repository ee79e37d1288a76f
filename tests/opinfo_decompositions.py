"""OpInfo entries for the decompositions family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations
