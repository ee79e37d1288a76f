"""Random numbers: chainrule's own generator (reproducible with ``manual_seed``; not PyTorch's stream).

A ``Generator`` wraps NumPy's PCG64. The default generator is seeded from the
OS until ``manual_seed`` is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Generator:
    """A source of random numbers (``torch.Generator``): ``manual_seed``, ``get_state``, ``set_state``."""

    def __init__(self, device: Any = "cpu") -> None:
        self._seed = int(np.random.SeedSequence().entropy % (2**63))  # type: ignore[operator]  # fresh entropy is an int
        self.rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> Generator:
        seed = int(seed)
        self._seed = seed
        self.rng = np.random.Generator(np.random.PCG64(seed % (2**128)))
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy % (2**63))  # type: ignore[operator]  # fresh entropy is an int
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Any:
        from .creation import tensor

        st = self.rng.bit_generator.state
        words = [st["state"]["state"], st["state"]["inc"], st["has_uint32"], st["uinteger"]]
        # store the 128-bit integers as 32-bit chunks in a uint8 tensor, as PyTorch returns a ByteTensor
        raw = b"".join(int(w).to_bytes(16, "little") for w in words)
        return tensor(list(raw), dtype=np.uint8)

    def set_state(self, new_state: Any) -> Generator:
        raw = bytes(int(b) for b in (new_state.tolist() if hasattr(new_state, "tolist") else new_state))
        if len(raw) != 64:
            raise RuntimeError(f"Generator.set_state: expected a state of 64 bytes, got {len(raw)}")
        w = [int.from_bytes(raw[i:i + 16], "little") for i in range(0, 64, 16)]
        self.rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": w[0], "inc": w[1]},
            "has_uint32": w[2],
            "uinteger": w[3],
        }
        return self

    @property
    def device(self) -> Any:
        from .tensor import CPU

        return CPU


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed chainrule's default generator; every random op after this is reproducible."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    default_generator.set_state(new_state)


def rng(generator: Generator | None = None) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (or the default one)."""
    return (generator or default_generator).rng
