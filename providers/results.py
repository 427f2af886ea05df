"""What the store answers: a match count (``/count``) and a finished download."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class MatchCount:
    """The store's answer to ``/count``.

    Record-level access: the exact number. Counts-only (aggregate-only) access: the number rounded
    to a multiple of ``rounded_to``, ``None`` with ``suppressed`` when it is below the suppression
    threshold (zero included), and ``period`` the whole calendar months the store counted.
    """

    value: Optional[int]
    suppressed: bool = False
    rounded_to: int = 1
    period: Optional[str] = None
    #: counts-only: published values are perturbed (cell-key method) and need not add up
    perturbed: bool = False
    threshold: Optional[int] = None

    @classmethod
    def from_json(cls, data: Any) -> "MatchCount":
        if not isinstance(data, dict) or "numberMatched" not in data:
            raise ValueError("count answer without numberMatched")
        value = data["numberMatched"]
        suppressed = bool(data.get("suppressed", False))
        if value is None and not suppressed:
            raise ValueError("count answer with neither a number nor suppression")
        block = data.get("disclosure") if isinstance(data.get("disclosure"), dict) else {}
        rounded_to = int(block.get("rounded_to") or data.get("rounded_to") or 1)
        threshold = block.get("threshold")
        perturbed = "perturb" in str(block.get("method", "")).lower() or block.get("additive") is False
        return cls(None if value is None else int(value), suppressed, rounded_to, data.get("period") or None,
                   perturbed, int(threshold) if threshold is not None else None)

    @property
    def rounded(self) -> bool:
        return self.rounded_to > 1

    @property
    def known_rows(self) -> int:
        """The number to compare against thresholds (0 when suppressed)."""
        return self.value or 0


@dataclass(frozen=True)
class DownloadResult:
    path: str
    bytes: int
    rows: Optional[int]
