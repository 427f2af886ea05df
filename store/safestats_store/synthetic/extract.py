"""Provider extracts: daily counts, times and places of records for [start, end), plus the NDTMS
counts-only table (borough x year x sex x age x substance)."""
from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd

from .. import catalogue
from ..catalogue import Dataset
from .categories import Ctx, SPECS, Spec
from .geography import Geography
from .placement import Located, Publish, locations
from .profiles import PROFILES, PROFILE_NAMES
from .randomness import Rand, dataset_key, mix64
from .tables import FACT_BY_CODE

# ==================================================================================== NDTMS

# Adults in treatment: England 290,635 in 2022-23, 48% opiates, 86,257 alcohol only (research notes
# 2.7). London's share is assumed to be ~14% (~40k); the split by sex and age is plausible, not sourced.
NDTMS_LONDON_TOTAL = 40_000
NDTMS_SUBSTANCE_SHARE = {"Opiate": 0.45, "Non-opiate only": 0.12, "Non-opiate and alcohol": 0.13, "Alcohol only": 0.30}
NDTMS_MALE_SHARE = {"Opiate": 0.73, "Non-opiate only": 0.70, "Non-opiate and alcohol": 0.72, "Alcohol only": 0.62}
NDTMS_AGE_SHARE = {"Opiate": (0.04, 0.50, 0.46), "Non-opiate only": (0.35, 0.50, 0.15),
                   "Non-opiate and alcohol": (0.25, 0.58, 0.17), "Alcohol only": (0.08, 0.47, 0.45)}


def _ndtms(dataset: Dataset, geo: Geography, start: dt.date, end: dt.date, scale: float, seed: int) -> pd.DataFrame:
    """One row per borough x financial year starting in [start, end) x sex x age band x substance group;
    people rounded to the nearest 5 as ViewIt does; dated 1 April of the financial year."""
    years = [y for y in range(start.year - 1, end.year + 1) if start <= dt.date(y, 4, 1) < end]
    boroughs = sorted(geo.boroughs, key=lambda a: a.code)
    weight = {b.code: (FACT_BY_CODE[b.code].population_k * (1.3 if FACT_BY_CODE[b.code].inner else 1.0)
                       if b.code in FACT_BY_CODE else 250.0) for b in boroughs}
    total_w = sum(weight.values())
    rows = []
    for y in years:
        j = 0
        for b in boroughs:
            for sub in catalogue.NDTMS_SUBSTANCES:
                for sex in catalogue.NDTMS_SEX:
                    p_sex = NDTMS_MALE_SHARE[sub] if sex == "Male" else 1 - NDTMS_MALE_SHARE[sub]
                    for age, p_age in zip(catalogue.NDTMS_AGE_BANDS, NDTMS_AGE_SHARE[sub]):
                        mean = (NDTMS_LONDON_TOTAL * weight[b.code] / total_w * NDTMS_SUBSTANCE_SHARE[sub]
                                * p_sex * p_age)
                        rows.append((f"{dataset.id}-{seed}-{y}0401-{j:06d}", f"{y}-04-01T00:00:00", b.code,
                                     f"{y}-{(y + 1) % 100:02d}", sub, sex, age,
                                     mean * (1 + 0.02 * (y - 2022)) * scale))
                        j += 1
    df = pd.DataFrame(rows, columns=["source_id", "occurred_at", "borough_code", "period", "substance_group",
                                     "sex", "age_band", "mean"])
    keys = np.array([zlib.crc32(s.encode()) for s in df["source_id"]], dtype=np.uint64)
    noise = np.exp(0.1 * Rand(mix64(keys ^ dataset_key(dataset, seed))).normal("ndtms.noise"))
    df["people"] = (np.round(df["mean"].to_numpy() * noise / 5) * 5).astype(np.int64)
    return df[extract_columns(dataset)]


# ========================================================================================= extract

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def extract_columns(dataset: Dataset) -> list[str]:
    """Column order of a provider extract (see ingest.py)."""
    coords = {"bng": ["easting", "northing"], "wgs84": ["longitude", "latitude"], "borough": ["borough_code"]}
    return ["source_id", "occurred_at", *coords[dataset.coordinates], *dataset.field_names]


def _daily_counts(dataset: Dataset, spec: Spec, days: np.ndarray, scale: float, seed: int) -> np.ndarray:
    """Poisson counts per day and component; each day's draw depends only on (dataset, seed, day)."""
    dow = (days.astype(np.int64) + 3) % 7                      # 1970-01-01 was a Thursday; Monday = 0
    doy = (days - days.astype("datetime64[Y]")).astype(np.int64) + 1
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    lam = np.empty((len(days), len(spec.components)))
    for ci, comp in enumerate(spec.components):
        prof = PROFILES[comp.profile]
        lam[:, ci] = (dataset.annual_volume * scale * comp.share / 365.0
                      * prof.matrix().sum(axis=1)[dow] * prof.season(doy))
        for m, d, factor in prof.special:
            lam[(month == m) & (dom == d), ci] *= factor
    counts = np.empty(lam.shape, dtype=np.int64)
    base = [zlib.crc32(dataset.id.encode()), seed & 0xFFFFFFFF]
    for di, ordinal in enumerate(days.astype(np.int64) + _EPOCH_ORDINAL):
        counts[di] = np.random.default_rng([*base, int(ordinal)]).poisson(lam[di])
    return counts


def _times(rand: Rand, spec: Spec, comp: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Local (naive) datetime64[s] per record: hour from the component's weekday x hour profile."""
    dow = (day.astype(np.int64) + 3) % 7
    prof_idx = np.array([PROFILE_NAMES.index(c.profile) for c in spec.components])[comp]
    table = np.concatenate([PROFILES[p].matrix() for p in PROFILE_NAMES])   # (P*7) x 24
    hour = rand.cond_choice("hour", prof_idx * 7 + dow, table)
    # clocks go forward at 01:00 on the last Sunday of March: 01:xx local does not exist that day
    month = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (day - day.astype("datetime64[M]")).astype(np.int64) + 1
    hour = np.where((month == 3) & (dow == 6) & (dom >= 25) & (hour == 1), 2, hour)
    minute = (rand.u("minute") * 60).astype(np.int64)
    second = (rand.u("second") * 60).astype(np.int64)
    return day.astype("datetime64[s]") + (hour * 3600 + minute * 60 + second).astype("timedelta64[s]")


def _empty(dataset: Dataset) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in extract_columns(dataset)})


def _record_keys(dataset: Dataset, days: np.ndarray, counts: np.ndarray, seed: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Rand]:
    """Per record: component index, day index, index within its day, and its random stream keyed on
    (dataset, seed, day, index within day)."""
    n_comp = counts.shape[1]
    comp = np.repeat(np.tile(np.arange(n_comp), len(days)), counts.ravel())
    per_day = counts.sum(axis=1)
    day_idx = np.repeat(np.arange(len(days)), per_day)
    j = np.arange(len(comp)) - (np.cumsum(per_day) - per_day)[day_idx]
    ordinal = days.astype(np.int64)[day_idx] + _EPOCH_ORDINAL
    raw = (ordinal.astype(np.uint64) << np.uint64(24)) | j.astype(np.uint64)
    return comp, day_idx, j, Rand(mix64(raw ^ dataset_key(dataset, seed)))


def _place(spec: Spec, rand: Rand, comp: np.ndarray, geography: Geography, publish: Publish) -> Located:
    """Locations of all records, component by component (each has its own spatial model)."""
    n = len(comp)
    out = Located(*(np.empty(n) for _ in range(4)), np.empty(n, dtype=object), {})
    for ci, component in enumerate(spec.components):
        idx = np.flatnonzero(comp == ci)
        if len(idx) == 0:
            continue
        loc = locations(rand.take(idx), geography, component.space, publish)
        out.a[idx], out.b[idx], out.x[idx], out.y[idx], out.borough[idx] = loc.a, loc.b, loc.x, loc.y, loc.borough
        for key, val in loc.info.items():
            out.info.setdefault(key, np.full(n, None if val.dtype == object else -1, dtype=val.dtype))[idx] = val
    return out


def generate_extract(dataset: Dataset, geography: Geography, start: dt.date, end: dt.date,
                     scale: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """A synthetic provider extract for [start, end): columns `extract_columns(dataset)`, occurred_at in
    London local time (naive), about annual_volume * scale * days / 365 records (Poisson per day).
    source_id is "<dataset>-<seed>-<YYYYMMDD>-<n>": stable, and a record is the same in every extract
    that covers its day (same dataset, seed and scale)."""
    if dataset.kind == "aggregate":
        return _ndtms(dataset, geography, start, end, scale, seed) if scale > 0 else _empty(dataset)
    spec = SPECS[dataset.id]
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"))
    if len(days) == 0 or scale <= 0:
        return _empty(dataset)
    counts = _daily_counts(dataset, spec, days, scale, seed)
    if counts.sum() == 0:
        return _empty(dataset)
    comp, day_idx, j, rand = _record_keys(dataset, days, counts, seed)
    when = _times(rand, spec, comp, days[day_idx])
    loc = _place(spec, rand, comp, geography, Publish(dataset.coordinates, dataset.round_metres, spec.snap_metres))
    attrs = spec.attrs(Ctx(rand, comp, spec.components, loc.x, loc.y, loc.borough, loc.info))

    prefix = np.char.add(f"{dataset.id}-{seed}-", np.char.replace(np.datetime_as_string(days), "-", ""))
    names = {"bng": ("easting", "northing"), "wgs84": ("longitude", "latitude")}[dataset.coordinates]
    data = {"source_id": [f"{p}-{k:06d}" for p, k in zip(prefix[day_idx], j)],
            "occurred_at": np.datetime_as_string(when, unit="s"), names[0]: loc.a, names[1]: loc.b}
    data.update({f: attrs[f] for f in dataset.field_names})
    return pd.DataFrame(data, columns=extract_columns(dataset))
