"""Counter-based randomness: every random quantity of a record is a hash of (dataset, seed, day,
index-in-day, purpose), so a record never depends on which extract it was generated in."""
from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from ..catalogue import Dataset

# Every random quantity of a record is a hash of (dataset, seed, day, index-in-day, purpose), so a
# record never depends on which extract it was generated in.

_MASK64 = (1 << 64) - 1


def _mix_int(z: int) -> int:
    """splitmix64 finaliser on a Python int (Steele, Lea & Flood 2014)."""
    z = (z + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised on uint64 arrays (wrap-around is intended)."""
    with np.errstate(over="ignore"):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _salt(name: str) -> np.uint64:
    return np.uint64(_mix_int(zlib.crc32(name.encode())))


class Rand:
    """Deterministic per-record random numbers: one uint64 key per record, one salt per purpose."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = keys.astype(np.uint64, copy=False)

    def __len__(self) -> int:
        return len(self.keys)

    def take(self, idx: np.ndarray) -> Rand:
        return Rand(self.keys[idx])

    def u(self, salt: str) -> np.ndarray:
        """Uniform [0, 1)."""
        h = mix64(self.keys ^ _salt(salt))
        return (h >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))

    def normal(self, salt: str) -> np.ndarray:
        """Standard normal (Box-Muller)."""
        u1, u2 = self.u(salt + ".r"), self.u(salt + ".t")
        return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)

    def choice(self, salt: str, weights: Sequence[float] | np.ndarray) -> np.ndarray:
        """Index drawn with probability proportional to weights."""
        cdf = np.cumsum(np.asarray(weights, dtype=float))
        idx = np.searchsorted(cdf / cdf[-1], self.u(salt), side="right")
        return np.minimum(idx, len(cdf) - 1)

    def cond_choice(self, salt: str, cond: np.ndarray, table: np.ndarray) -> np.ndarray:
        """Index drawn from row `cond[i]` of a weight table (rows = conditions, columns = outcomes)."""
        u = self.u(salt)
        out = np.zeros(len(u), dtype=np.int64)
        for c in np.unique(cond):
            row = np.cumsum(np.asarray(table[c], dtype=float))
            m = cond == c
            out[m] = np.minimum(np.searchsorted(row / row[-1], u[m], side="right"), len(row) - 1)
        return out


def pick(values: Sequence[str], idx: np.ndarray) -> np.ndarray:
    return np.asarray(list(values), dtype=object)[idx]


def dataset_key(dataset: Dataset, seed: int) -> np.uint64:
    return np.uint64(_mix_int((zlib.crc32(dataset.id.encode()) << 32) | (seed & 0xFFFFFFFF)))
