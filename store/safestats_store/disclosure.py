"""Cell-key perturbation for counts-only agreements (the ONS Census 2021 / ABS TableBuilder method).

- Every incident row holds a record key ``rkey``: a random integer 0..KEY_RANGE-1 drawn once at
  ingest (or by the start-up backfill for rows stored before keys existed) and never changed. It is
  never output, never a queryable and never part of an answer.
- A cell's key is the sum of its records' keys modulo KEY_RANGE, computed by the database
  (``SUM(rkey)`` in the same GROUP BY as the count), so the same records always give the same key,
  on SQLite and PostgreSQL alike.
- The published value is ``count + noise``, the noise looked up in the perturbation table (ptable)
  by (count, cell key); then a value below the threshold is suppressed (null) and any other is
  rounded to the nearest multiple of the threshold.

The ptable (parameters below, reasoning in docs/security.md) lives here, server-side only: it is
never published, and neither are cell keys, noise or pre-perturbation values.

- Counts 0..JS (below the threshold) are never moved and are always suppressed, so "none" and
  "a few" give the same answer.
- Counts above JS move by -D..+D with a zero-mean, symmetric distribution of variance V that has the
  largest entropy for that variance (a discrete Gaussian ``p(v) ~ exp(-lambda v^2)`` on -D..D),
  PSTAY being the resulting probability of no change. A moved value below the threshold is
  suppressed too, so a suppressed cell may hold up to THRESHOLD-1+D incidents.
- Datasets with a measure (NDTMS: people in treatment, rounded to 5 at source) perturb the measure's
  sum: the cell key still comes from the cell's records, and the noise is scaled by the measure's
  step (5), as noise of +-1 on a sum of multiples of 5 would be rounded away.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

#: record keys are integers 0..KEY_RANGE-1 (ONS uses 0-4095 for administrative data)
KEY_RANGE = 4096
#: largest absolute noise
D = 3
#: noise variance
V = 1.5
#: counts 0..JS are never published as a number (JS = threshold - 1)
JS = 4
#: noise multiplier for measure sums (NDTMS people counts are multiples of 5 at source)
MEASURE_STEP = 5
METHOD = "cell-key perturbation"


@dataclass(frozen=True)
class PTable:
    """Noise by cell key for counts above JS: ``noise[ckey]``; ``probabilities[v + D]`` the design."""
    noise: np.ndarray  # int64, length KEY_RANGE
    probabilities: tuple[float, ...]
    lam: float

    @property
    def pstay(self) -> float:
        return self.probabilities[D]

    @property
    def variance(self) -> float:
        return float(sum(p * (v - D) ** 2 for v, p in enumerate(self.probabilities)))


def _design(lam: float) -> list[float]:
    w = [math.exp(-lam * v * v) for v in range(-D, D + 1)]
    s = sum(w)
    return [x / s for x in w]


def _variance(p: list[float]) -> float:
    return sum(pi * (i - D) ** 2 for i, pi in enumerate(p))


@lru_cache(maxsize=1)
def ptable() -> PTable:
    """The maximum-entropy noise distribution on -D..D with variance V, as key intervals.

    lambda is found by bisection (the variance falls as lambda grows); each noise value then gets a
    whole number of the KEY_RANGE cell keys (largest remainders, kept symmetric), in order -D..D.
    """
    lo, hi = 0.0, 20.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if _variance(_design(mid)) > V:
            lo = mid
        else:
            hi = mid
    p = _design((lo + hi) / 2)
    # symmetric whole-key allocation: the centre gets what the pairs leave
    half = [(p[D + k] * KEY_RANGE) for k in range(1, D + 1)]
    alloc_half = [int(x) for x in half]
    centre = KEY_RANGE - 2 * sum(alloc_half)
    # move pairs of keys from the centre to the largest remainders while that is closer to the design
    for k in sorted(range(D), key=lambda i: half[i] - alloc_half[i], reverse=True):
        if half[k] - alloc_half[k] > 0.5 and centre - 2 >= 0:
            alloc_half[k] += 1
            centre -= 2
    sizes = alloc_half[::-1] + [centre] + alloc_half
    noise = np.repeat(np.arange(-D, D + 1, dtype=np.int64), sizes)
    assert len(noise) == KEY_RANGE  # nosec B101 - construction invariant
    probs = tuple(s / KEY_RANGE for s in sizes)
    return PTable(noise, probs, (lo + hi) / 2)


def perturb(values: np.ndarray, key_sums: np.ndarray, threshold: int, step: int = 1
            ) -> tuple[np.ndarray, np.ndarray]:
    """Published values for cells: (rounded values, suppressed mask), vectorised over cells.

    ``values``: true counts (or measure sums); ``key_sums``: SUM(rkey) of each cell's records
    (0 for an empty cell). Values below the threshold are suppressed unmoved; others move by the
    ptable noise (times ``step``), are suppressed if that lands below the threshold, and are
    rounded to the nearest multiple of the threshold (halves up).
    """
    values = np.asarray(values, dtype=np.int64)
    ckeys = np.asarray(key_sums, dtype=np.int64) % KEY_RANGE
    noise = ptable().noise[ckeys] * step
    small = values < threshold
    moved = np.where(small, values, values + noise)
    suppressed = small | (moved < threshold)
    rounded = ((moved + threshold // 2) // threshold) * threshold
    return np.where(suppressed, 0, rounded), suppressed


def publish_one(value: int, key_sum: int, threshold: int, step: int = 1) -> tuple[int | None, bool]:
    out, sup = perturb(np.array([value]), np.array([key_sum]), threshold, step)
    return (None, True) if bool(sup[0]) else (int(out[0]), False)


def block(threshold: int) -> dict[str, Any]:
    """The ``disclosure`` block every counts-only answer carries."""
    return {"threshold": threshold, "rounded_to": threshold, "method": METHOD, "additive": False}


def new_keys(n: int, rng: np.random.Generator | None = None) -> np.ndarray:
    """``n`` fresh record keys. Without ``rng`` they come from the operating system's entropy
    (the demo passes a generator seeded from its --seed so that demos are reproducible)."""
    rng = rng if rng is not None else np.random.default_rng()
    return rng.integers(0, KEY_RANGE, size=n, dtype=np.int64)
