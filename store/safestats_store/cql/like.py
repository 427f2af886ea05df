"""LIKE patterns and CASEI folding, as Python: the semantics both backends share (SQLite runs
these through :mod:`safestats_store.sqlite_functions`)."""
from __future__ import annotations

import re
import string
from functools import lru_cache

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def ascii_lower(value: str) -> str:
    """Lower-case ASCII letters only (the CASEI folding used on both backends)."""
    return value.translate(_ASCII_LOWER)


@lru_cache(maxsize=256)
def _like_program(pattern: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    """Split a LIKE pattern at ``%`` into fixed-length segments compiled as regexes."""
    segments: list[list[str]] = [[]]
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            segments[-1].append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "%":
            segments.append([])
        elif ch == "_":
            segments[-1].append(".")
        else:
            segments[-1].append(re.escape(ch))
        i += 1
    return tuple((re.compile("".join(seg), re.S), len(seg)) for seg in segments)


def like_match(value: str, pattern: str) -> bool:
    """SQL LIKE (case-sensitive, ``\\`` escape) in O(len(value) * len(pattern)), no backtracking."""
    segs = _like_program(pattern)
    first, first_len = segs[0]
    if len(segs) == 1:
        return len(value) == first_len and first.match(value) is not None
    if first.match(value) is None:
        return False
    pos = first_len
    last, last_len = segs[-1]
    tail = len(value) - last_len
    if tail < pos:
        return False
    for rx, n in segs[1:-1]:
        if n == 0:
            continue
        m = rx.search(value, pos, tail)
        if m is None:
            return False
        pos = m.end()
    return last.match(value, tail) is not None
