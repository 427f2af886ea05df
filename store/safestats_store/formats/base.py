"""What every format adapter returns, and the helpers they share."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..catalogue import Dataset
    from ..synthetic import Geography

#: time_precision values: NULL (None) = exact date and time
MONTH, DAY = "month", "day"
#: location_precision values: NULL (None) = a point; BOROUGH = placed at the borough's
#: representative point, with no ward
BOROUGH = "borough"


@dataclass
class Adapted:
    """A provider frame in the store's layout (columns ingest.expected_columns), row i = file row i.

    ``time_precision``/``location_precision``: per row, None (exact) or MONTH/DAY, BOROUGH.
    ``columns``: store column -> the provider column(s) it came from, for the report.
    ``problems``: (row index, provider column, text) found while mapping."""
    frame: pd.DataFrame | None
    time_precision: np.ndarray | None = None
    location_precision: np.ndarray | None = None
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    required_columns: tuple[str, ...]      # () = checked by the store's own validation
    datasets: tuple[str, ...]              # () = every dataset
    adapt: Callable[["Dataset", pd.DataFrame, "Geography"], Adapted]


def adapt_columns_check(fmt: Format, df: pd.DataFrame) -> list[str]:
    missing = [c for c in fmt.required_columns if c not in df.columns]
    return [f"not a {fmt.title} file: missing column(s) {', '.join(missing)}"] if missing else []


def clean(df: pd.DataFrame, col: str, null_words: Sequence[str] = ()) -> pd.Series:
    """The column as stripped strings; ``null_words`` (e.g. LFB's 'NULL') read as empty."""
    s = df[col].astype(str).str.strip() if col in df.columns else pd.Series([""] * len(df), index=df.index)
    return s.where(~s.isin(null_words), "") if null_words else s


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", re.sub(r"\s*([/-])\s*", r" \1 ", text)).strip().casefold()


def canonical(values: pd.Series, allowed: Sequence[str] | None) -> pd.Series:
    """Provider spellings of a coded value (case, dashes, spaces around '/' and '-') mapped to the
    catalogue's; anything else is left as it is, for validation to report."""
    if not allowed:
        return values
    table = {_fold(a): a for a in allowed}
    return values.map(lambda v: table.get(_fold(v), v) if v else v)


def parse_dates(text: pd.Series, formats: Sequence[str]) -> pd.Series:
    """The first of ``formats`` that reads each value (NaT where none does)."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for f in formats:
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=f, errors="coerce")
    return out


def content_ids(prefix: str, df: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """A source_id for providers that publish none: a hash of the row's own values plus its
    occurrence number among identical rows of the file, so the same file (or an extract repeating
    those rows in the same order) gives the same ids and re-ingest adds nothing."""
    key = df[list(columns)].astype(str).agg("\x1f".join, axis=1)
    nth = key.groupby(key).cumcount().astype(str)
    return (key + "\x1e" + nth).map(lambda k: f"{prefix}-{hashlib.sha256(k.encode()).hexdigest()[:40]}")
