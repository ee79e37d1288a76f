"""OpInfo entries for the math_extra family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations
