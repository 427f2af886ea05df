"""Quick-pick date ranges for the filter panel, in London local time.

Each function returns ``(start, end)`` as timezone-aware datetimes; ``end`` is the last second
of the period (the OGC ``datetime`` interval is inclusive at both ends).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Callable, Optional
from zoneinfo import ZoneInfo

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP  # marks the labels for the dock's catalogue (identity)

LONDON = ZoneInfo("Europe/London")
DateRange = tuple[datetime, datetime]


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=LONDON)


def _month_start(year: int, month: int) -> date:
    while month < 1:
        month += 12
        year -= 1
    while month > 12:
        month -= 12
        year += 1
    return date(year, month, 1)


def _span(first: date, next_first: date) -> DateRange:
    return _midnight(first), _midnight(next_first) - timedelta(seconds=1)


def _today(today: Optional[date]) -> date:
    return today or datetime.now(LONDON).date()


def last_month(today: Optional[date] = None) -> DateRange:
    """The previous full calendar month."""
    t = _today(today)
    return _span(_month_start(t.year, t.month - 1), _month_start(t.year, t.month))


def last_12_months(today: Optional[date] = None) -> DateRange:
    """The twelve full calendar months before the current one."""
    t = _today(today)
    return _span(_month_start(t.year, t.month - 12), _month_start(t.year, t.month))


def financial_year(start_year: int) -> DateRange:
    """UK financial year ``start_year``/``start_year+1``: 1 April to 31 March."""
    return _span(date(start_year, 4, 1), date(start_year + 1, 4, 1))


def current_financial_year_start(today: Optional[date] = None) -> int:
    t = _today(today)
    return t.year if t.month >= 4 else t.year - 1


def this_financial_year(today: Optional[date] = None) -> DateRange:
    """The financial year containing today (its end may be in the future)."""
    return financial_year(current_financial_year_start(today))


def last_financial_year(today: Optional[date] = None) -> DateRange:
    return financial_year(current_financial_year_start(today) - 1)


QUICK_PICKS: dict[str, tuple[str, Callable[[Optional[date]], DateRange]]] = {
    "last_month": (QT_TRANSLATE_NOOP("SafeStats", "Last month"), last_month),
    "last_12_months": (QT_TRANSLATE_NOOP("SafeStats", "Last 12 months"), last_12_months),
    "this_financial_year": (QT_TRANSLATE_NOOP("SafeStats", "This financial year"), this_financial_year),
    "last_financial_year": (QT_TRANSLATE_NOOP("SafeStats", "Last financial year"), last_financial_year),
}


def quick_pick(key: str, today: Optional[date] = None) -> DateRange:
    return QUICK_PICKS[key][1](today)
