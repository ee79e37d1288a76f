"""OpInfo entries for the statistics family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations
