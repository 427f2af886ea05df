"""Retention of cached SafeStats data files.

Downloaded FlatGeobuf files live under ``<QGIS profile>/safestats/cache``. They are kept at
most ``safestats/retention_days`` days (QgsSettings, default 28), purged at start-up when
expired, and all purged at sign-out. Only this folder is ever touched.
"""
from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Iterable, Optional
from . import keys

DEFAULT_RETENTION_DAYS = 28
SETTINGS_KEY = keys.RETENTION_DAYS


def profile_dir() -> Path:
    from qgis.core import QgsApplication
    return Path(QgsApplication.qgisSettingsDirPath())


def safestats_dir(base: Optional[Path] = None) -> Path:
    return Path(base) if base is not None else profile_dir() / "safestats"


def retention_days() -> int:
    from qgis.core import QgsSettings
    value = QgsSettings().value(SETTINGS_KEY, DEFAULT_RETENTION_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_RETENTION_DAYS
    # never longer than the conditions of use allow, whatever a hand-edited setting says
    return min(days, DEFAULT_RETENTION_DAYS) if days > 0 else DEFAULT_RETENTION_DAYS


class CacheStore:
    """The cache folder and its retention rules."""

    def __init__(self, directory: Optional[Path] = None, days: Optional[int] = None) -> None:
        self.directory = Path(directory) if directory is not None else safestats_dir() / "cache"
        self._days = days

    @property
    def days(self) -> int:
        return self._days if self._days is not None else retention_days()

    def ensure(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory

    def new_path(self, dataset_id: str, suffix: str = ".fgb") -> Path:
        """A fresh, unguessable file name for a download (no filter text in the name)."""
        safe = "".join(ch for ch in dataset_id if ch.isalnum() or ch in "_-") or "data"
        return self.ensure() / f"{safe}-{uuid.uuid4().hex}{suffix}"

    def contains(self, path: str | os.PathLike[str]) -> bool:
        try:
            Path(path).resolve().relative_to(self.directory.resolve())
            return True
        except ValueError:
            return False

    def files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if p.is_file())

    def expired(self, now: Optional[float] = None) -> list[Path]:
        now = now if now is not None else time.time()
        limit = now - self.days * 86400
        part_limit = now - 86400  # an unfinished download older than a day is abandoned
        out = []
        for p in self.files():
            mtime = p.stat().st_mtime
            if mtime < limit or (p.name.endswith(".part") and mtime < part_limit):
                out.append(p)
        return out

    def purge_expired(self, now: Optional[float] = None, keep: Iterable[str] = ()) -> list[Path]:
        """Delete files older than the retention period (and stale .part files). Returns them."""
        keep_set = {str(Path(k).resolve()) for k in keep}
        removed = []
        for p in self.expired(now):
            if str(p.resolve()) in keep_set:
                continue
            if remove_file(p, log_failure=False):
                removed.append(p)
        return removed

    def purge_all(self) -> list[Path]:
        """Delete every cached file (sign-out). Returns what was removed."""
        removed = [p for p in self.files() if remove_file(p, log_failure=False)]
        for d in (self.directory.iterdir() if self.directory.is_dir() else []):
            if d.is_dir():
                shutil.rmtree(d, ignore_errors=True)
        return removed


def remove_file(path: "Path | str", log_failure: bool = True) -> bool:
    """The one way the plugin deletes a file of its own (a download, its ``.part``, a cached file).

    Returns whether it was removed. A missing file is fine; a file that cannot be removed (e.g.
    still open on Windows) stays for the next retention purge, with a warning in the log."""
    p = Path(path)
    try:
        p.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:  # in use (Windows): the next purge takes it
        if log_failure:
            from qgis.core import Qgis, QgsMessageLog
            QgsMessageLog.logMessage(f"could not remove {p.name}: {exc}", "SafeStats", Qgis.MessageLevel.Warning)
        return False


def remove_download(path: "Path | str") -> None:
    """Remove a download and its partial ``.part`` file."""
    remove_file(path)
    remove_file(Path(str(path) + ".part"))


def purge_at_startup(cache: Optional[CacheStore] = None) -> list[Path]:
    """Call once when the plugin starts: removes cached files past the retention period."""
    return (cache or CacheStore()).purge_expired()
