"""Time profiles: seasonal, weekday and hour-of-day shapes per kind of incident."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class _Profile:
    """When incidents of one kind happen: hour-of-day peaks, weekday pattern, season, special days."""
    peaks: tuple[tuple[float, float, float], ...]  # (hour, spread in hours, height)
    floor: float
    dow: tuple[float, float, float, float, float, float, float] = (1, 1, 1, 1, 1, 1, 1)  # Mon..Sun
    night_boost: float = 1.0   # Friday and Saturday nights (20:00-04:59) multiplier
    season_amp: float = 0.0    # relative amplitude of the annual cycle
    season_peak: int = 196     # day of year of the annual peak
    special: tuple[tuple[int, int, float], ...] = ()  # (month, day, multiplier), e.g. Bonfire Night

    def matrix(self) -> np.ndarray:
        """7 x 24 relative intensity; mean daily total over the week is 1."""
        h = np.arange(24) + 0.5
        base = np.full(24, self.floor)
        for centre, spread, height in self.peaks:
            d = np.abs(h - centre)
            d = np.minimum(d, 24 - d)
            base = base + height * np.exp(-0.5 * (d / spread) ** 2)
        m = np.outer(np.asarray(self.dow, dtype=float), base)
        nb = self.night_boost
        m[4, 20:] *= nb
        m[5, 20:] *= nb
        m[5, :5] *= nb
        m[6, :5] *= nb
        return m / m.sum(axis=1).mean()

    def season(self, doy: np.ndarray) -> np.ndarray:
        return 1.0 + self.season_amp * np.cos(2 * np.pi * (doy - self.season_peak) / 365.25)


# Timing patterns: plausible shapes (night-time economy peaks Friday/Saturday nights and in summer,
# shoplifting in shop hours, burglary in dark winter evenings, LFB false alarms in office hours).
PROFILES: dict[str, _Profile] = {
    "night": _Profile(((23.3, 2.3, 1.0), (17.0, 3.5, 0.35)), 0.05, (0.85, 0.85, 0.9, 0.95, 1.1, 1.25, 1.1),
                      night_boost=2.0, season_amp=0.10, season_peak=190, special=((1, 1, 1.6),)),
    "general": _Profile(((16.0, 4.5, 1.0), (11.0, 2.5, 0.3)), 0.12, (1, 1, 1, 1, 1.05, 1.0, 0.9),
                        season_amp=0.05, season_peak=200),
    "retail": _Profile(((15.0, 3.0, 1.0), (11.5, 1.8, 0.45)), 0.01, (1, 1, 1, 1, 1.05, 1.2, 0.75),
                       season_amp=0.06, season_peak=345),
    "residential": _Profile(((19.5, 2.8, 1.0), (13.0, 3.5, 0.5), (2.0, 2.0, 0.3)), 0.08,
                            (1, 1, 1, 1, 1.05, 1.0, 0.95), season_amp=0.15, season_peak=335),
    "vehicle": _Profile(((22.0, 3.5, 1.0), (3.0, 2.5, 0.6), (14.0, 4.0, 0.4)), 0.12, season_amp=0.06,
                        season_peak=320),
    "commute": _Profile(((8.3, 1.1, 0.8), (17.8, 1.7, 1.0), (23.3, 1.3, 0.45), (13.0, 3.0, 0.3)), 0.01,
                        (1.05, 1.05, 1.05, 1.05, 1.15, 0.85, 0.7), night_boost=1.5, season_amp=0.04),
    "city": _Profile(((13.0, 3.5, 1.0), (19.5, 2.5, 0.8)), 0.05, (1.1, 1.2, 1.25, 1.3, 1.15, 0.55, 0.45),
                     season_amp=0.05, season_peak=170),
    "bus": _Profile(((8.5, 1.5, 0.9), (16.5, 2.5, 1.0), (12.5, 3.0, 0.6)), 0.04,
                    (1.05, 1.05, 1.05, 1.05, 1.05, 0.9, 0.75), season_amp=0.05, season_peak=330),
    "fire": _Profile(((18.5, 4.0, 1.0),), 0.25, (1, 1, 1, 1, 1.05, 1.05, 1.0), season_amp=0.2,
                     season_peak=200, special=((11, 5, 2.5), (12, 31, 1.5))),
    "alarm": _Profile(((12.0, 4.5, 1.0),), 0.25, (1.1, 1.1, 1.1, 1.1, 1.1, 0.8, 0.7), season_amp=0.05),
    "service": _Profile(((14.0, 5.0, 1.0),), 0.3, season_amp=0.08, season_peak=20),
    "river": _Profile(((15.0, 4.0, 1.0), (22.0, 2.5, 0.5)), 0.15, (0.95, 0.95, 0.95, 0.95, 1.0, 1.15, 1.1),
                      season_amp=0.3, season_peak=195),
    "self_harm": _Profile(((21.0, 5.0, 1.0),), 0.35, season_amp=0.05),
}
PROFILE_NAMES = list(PROFILES)
