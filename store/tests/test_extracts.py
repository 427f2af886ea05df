"""The extract cache is bounded in time, entries and bytes, and leaves nothing on disk."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from safestats_store import extracts


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _builder(tmp: Path, data: bytes, calls: list[str]):
    def build() -> tuple[str, int]:
        path = tmp / f"x{len(calls)}.fgb"
        path.write_bytes(data)
        calls.append(str(path))
        return str(path), len(data)
    return build


def _read(ex: extracts.Extract) -> bytes:
    return b"".join(extracts.iter_bytes(ex.fd, 0, ex.size))


def test_hits_expire_and_files_never_stay_on_disk(tmp_path: Path) -> None:
    clock, calls = Clock(), []
    cache = extracts.ExtractCache(ttl=60, max_bytes=1000, max_entries=2, clock=clock)
    first = cache.get_or_build("a", _builder(tmp_path, b"abc", calls))
    assert first.built and _read(first) == b"abc" and list(tmp_path.iterdir()) == []
    clock.now = 59
    again = cache.get_or_build("a", _builder(tmp_path, b"zzz", calls))
    assert not again.built and _read(again) == b"abc" and len(calls) == 1
    clock.now = 60  # expired: built again (and audited again by the caller)
    assert cache.get_or_build("a", _builder(tmp_path, b"new", calls)).built and len(calls) == 2


def test_entries_and_bytes_are_bounded(tmp_path: Path) -> None:
    clock, calls = Clock(), []
    cache = extracts.ExtractCache(ttl=60, max_bytes=10, max_entries=2, clock=clock)
    for i, key in enumerate("abc"):
        clock.now = i
        os.close(cache.get_or_build(key, _builder(tmp_path, b"12345", calls)).fd)
    assert cache.get_or_build("a", _builder(tmp_path, b"12345", calls)).built  # the oldest was evicted
    big = cache.get_or_build("big", _builder(tmp_path, b"x" * 11, calls))
    assert _read(big) == b"x" * 11  # served once ...
    assert cache.get_or_build("big", _builder(tmp_path, b"x" * 11, calls)).built  # ... but not kept
    held = cache.get_or_build("c", _builder(tmp_path, b"12345", calls))
    cache.clear()  # an evicted entry does not cut off a response already reading it
    assert _read(held) == b"12345"


@pytest.mark.parametrize("header,expected", [
    (None, None), ("bytes=0-9", (0, 9)), ("bytes=5-", (5, 99)), ("bytes=-10", (90, 99)), ("bytes=90-500", (90, 99)),
    ("bytes=0-1,5-6", None), ("items=0-9", None), ("bytes=9-2", None), ("bytes=²-3", None), ("bytes=-", None)])
def test_byte_range(header: str | None, expected: tuple[int, int] | None) -> None:
    assert extracts.byte_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0"])
def test_unsatisfiable_range(header: str) -> None:
    with pytest.raises(ValueError):
        extracts.byte_range(header, 100)
