"""(being written)"""

from __future__ import annotations

__all__: list[str] = []
# the names among __all__ that have a derivative-catalogue Entry (they join nn.functional.__all__)
CATALOGUED: list[str] = []
