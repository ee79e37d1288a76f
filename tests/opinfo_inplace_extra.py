"""OpInfo entries for the inplace_extra family (imported at the end of tests/opinfo.py)."""

from __future__ import annotations
