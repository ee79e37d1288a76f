"""OpInfo entries for the scatter family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations
