"""Provider extract ingest: validate with pandas, derive, insert atomically and idempotently.

Extract format (CSV, UTF-8, header row): `source_id`, `occurred_at` (London local time,
YYYY-MM-DDTHH:MM:SS), coordinates by dataset (`easting,northing` in EPSG:27700,
`longitude,latitude` in WGS84, or `borough_code`), then the dataset's own fields (catalogue.py).

- Every row is checked; if any row is bad nothing is written and the report lists each bad row
  (CSV line number, column, problem).
- All rows go in one transaction: all or nothing.
- `source_id` is unique per dataset and inserts skip rows already present, so re-ingesting the
  same (or an overlapping) extract adds nothing twice.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pyproj import Transformer
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import audit, db, disclosure, formats
from .boundaries import load_geography
from .catalogue import Dataset
from .clock import utcnow

MAX_REPORTED = 200
INT32_MAX = 2**31 - 1
_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
_TO_WGS = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@dataclass
class RowProblem:
    line: int  # CSV line number (header is line 1)
    column: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}, column '{self.column}': {self.problem}"


@dataclass
class IngestReport:
    dataset_id: str
    rows_in_file: int
    rows_added: int = 0
    rows_already_present: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems

    def text(self) -> str:
        if self.ok:
            return (f"{self.dataset_id}: {self.rows_in_file} rows read, {self.rows_added} added, "
                    f"{self.rows_already_present} already present")
        lines = [f"{self.dataset_id}: REJECTED, nothing was written."]
        lines += [f"  file: {p}" for p in self.file_problems]
        lines += [f"  {p}" for p in self.problems[:MAX_REPORTED]]
        if len(self.problems) > MAX_REPORTED:
            lines.append(f"  ... and {len(self.problems) - MAX_REPORTED} more problems")
        return "\n".join(lines)


class IngestRejected(Exception):
    def __init__(self, report: IngestReport) -> None:
        super().__init__(report.text())
        self.report = report


def coordinate_columns(ds: Dataset) -> list[str]:
    return {"bng": ["easting", "northing"], "wgs84": ["longitude", "latitude"], "borough": ["borough_code"]}[
        ds.coordinates]


def expected_columns(ds: Dataset) -> list[str]:
    return ["source_id", "occurred_at", *coordinate_columns(ds), *ds.field_names]


def read_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")


def _problem(report: IngestReport, mask: pd.Series, column: str, text: str) -> None:
    for idx in np.flatnonzero(mask.to_numpy()):
        report.problems.append(RowProblem(int(idx) + 2, column, text))


def validate(ds: Dataset, df: pd.DataFrame, geography: Any) -> tuple[IngestReport, pd.DataFrame | None]:
    """Check every row; return the report and, when clean, the derived rows ready to insert."""
    report = IngestReport(ds.id, len(df))
    missing = [c for c in expected_columns(ds) if c not in df.columns]
    extra = [c for c in df.columns if c not in expected_columns(ds)]
    if missing:
        report.file_problems.append(f"missing column(s): {', '.join(missing)}")
    if extra:
        report.file_problems.append(f"unexpected column(s): {', '.join(map(str, extra))}")
    if report.file_problems:
        return report, None
    df = df.astype(object).where(pd.notna(df), "").astype(str).apply(lambda s: s.str.strip())

    sid = df["source_id"]
    _problem(report, sid == "", "source_id", "is empty")
    _problem(report, sid.str.len() > 80, "source_id", "is longer than 80 characters")
    _problem(report, sid.duplicated(keep="first") & (sid != ""), "source_id", "appears more than once in this file")

    local = pd.to_datetime(df["occurred_at"], format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    _problem(report, local.isna(), "occurred_at", "is not a date-time like 2025-03-14T21:05:00")
    london = local.dt.tz_localize("Europe/London", ambiguous=True, nonexistent="shift_forward")
    utc = london.dt.tz_convert("UTC").dt.tz_localize(None)
    _problem(report, utc > pd.Timestamp(utcnow()), "occurred_at", "is in the future")

    out = pd.DataFrame({"source_id": sid, "occurred_at": utc})
    if ds.coordinates == "borough":
        codes = df["borough_code"]
        known = {a.code: a for a in geography.boroughs}
        _problem(report, ~codes.isin(list(known)), "borough_code", "is not a London borough code")
        pts = [known[c].geometry.representative_point() if c in known else None for c in codes]
        x = np.array([p.x if p is not None else np.nan for p in pts])
        y = np.array([p.y if p is not None else np.nan for p in pts])
    else:
        a_col, b_col = coordinate_columns(ds)
        a = pd.to_numeric(df[a_col], errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(df[b_col], errors="coerce").to_numpy(dtype=float)
        _problem(report, pd.Series(np.isnan(a)), a_col, "is not a number")
        _problem(report, pd.Series(np.isnan(b)), b_col, "is not a number")
        if ds.coordinates == "wgs84":
            x, y = _TO_BNG.transform(a, b)
            x, y = np.asarray(x), np.asarray(y)
        else:
            x, y = a, b
        if ds.round_metres:  # published rounded (LFB: 50 m), whatever precision the extract has
            x, y = np.round(x / ds.round_metres) * ds.round_metres, np.round(y / ds.round_metres) * ds.round_metres
    ok_xy = ~(np.isnan(x) | np.isnan(y))
    wards = np.full(len(df), None, dtype=object)
    boroughs = np.full(len(df), None, dtype=object)
    if ok_xy.any():
        w, bo = geography.locate(x[ok_xy], y[ok_xy])
        wards[ok_xy], boroughs[ok_xy] = w, bo
    outside = ok_xy & pd.isna(pd.Series(boroughs)).to_numpy()
    if ds.coordinates != "borough":
        _problem(report, pd.Series(outside), coordinate_columns(ds)[0], "location is outside London")

    for f in ds.fields:
        col = df[f.name]
        empty = col == ""
        if f.required:
            _problem(report, empty, f.name, "is required")
        if f.categories:
            _problem(report, ~empty & ~col.isin(f.categories), f.name,
                     f"is not one of the {len(f.categories)} allowed values")
        if f.type in ("integer", "number"):
            # float64 throughout (to_numeric may give uint64); non-finite values and integers beyond
            # the database's 32-bit INTEGER are refused here rather than failing the insert
            num = pd.to_numeric(col.where(~empty), errors="coerce").astype("float64")
            bad = ~empty & ~np.isfinite(num)
            if f.type == "integer":
                bad |= ~empty & ~bad & ((num != num.round()) | (num.abs() > INT32_MAX))
            _problem(report, bad, f.name, f"is not a{'' if f.type == 'number' else ' whole'} number"
                     + (f" up to {INT32_MAX}" if f.type == "integer" else ""))
            out[f.name] = num.where(~bad).astype("Int64" if f.type == "integer" else "Float64")
        else:
            out[f.name] = col.where(~empty, None)

    if not report.ok:
        report.problems.sort(key=lambda p: (p.line, p.column))
        return report, None

    lon, lat = _TO_WGS.transform(x, y)
    out["x"], out["y"], out["lon"], out["lat"] = x, y, np.round(lon, 6), np.round(lat, 6)
    lookup = {a.code: a.name for a in [*geography.boroughs, *geography.wards]}
    out["borough_code"] = boroughs
    out["borough_name"] = [lookup.get(c) for c in boroughs]
    out["ward_code"] = wards
    out["ward_name"] = [lookup.get(c) for c in wards]
    local_ok = london.dt.tz_localize(None)
    out["dow"] = local_ok.dt.day_of_week.to_numpy() + 1
    out["hour"] = local_ok.dt.hour.to_numpy()
    return report, out


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    df = df.astype(object).where(pd.notna(df), None)
    recs = df.to_dict("records")
    for r in recs:
        r["occurred_at"] = r["occurred_at"].to_pydatetime()
    return recs


def _in_provider_terms(report: IngestReport, adapted: formats.Adapted) -> IngestReport:
    """The report in the provider's column names, with the adapter's own problems; a problem the
    adapter already named on a line is not repeated by the store's check of the derived value."""
    own = [RowProblem(i + 2, col, text) for i, col, text in adapted.problems]
    named = {(p.line, p.column) for p in own}
    for p in report.problems:
        p.column = adapted.columns.get(p.column, p.column)
    report.problems = sorted([*own, *(p for p in report.problems if (p.line, p.column) not in named)],
                             key=lambda p: (p.line, p.column))
    return report


def _apply_precision(rows: pd.DataFrame, adapted: formats.Adapted) -> None:
    """Month/day-only dates: no hour (and for month, no day of week); borough-only places: no ward."""
    tp, lp = adapted.time_precision, adapted.location_precision
    if tp is not None:
        rows["time_precision"] = tp
        rows["hour"] = pd.array(np.where(np.isin(tp, [formats.base.MONTH, formats.base.DAY]), None, rows["hour"]),
                                dtype="Int64")
        rows["dow"] = pd.array(np.where(tp == formats.base.MONTH, None, rows["dow"]), dtype="Int64")
    if lp is not None:
        rows["location_precision"] = lp
        borough_only = lp == formats.base.BOROUGH
        rows["ward_code"] = np.where(borough_only, None, rows["ward_code"])
        rows["ward_name"] = np.where(borough_only, None, rows["ward_name"])


def precision_summary(counts_json: str | None) -> dict[str, Any] | None:
    """For the catalogue: how many records have no time of day / no point, and what that means."""
    counts = json.loads(counts_json) if counts_json else {}
    if not counts:
        return None
    notes = []
    t = counts.get("time", {})
    if t.get("month"):
        notes.append(f"{t['month']} records have a month only (police.uk): their day of week and hour are "
                     "not recorded and match no day-of-week or hour filter")
    if t.get("day"):
        notes.append(f"{t['day']} records have a date but no time: their hour is not recorded and matches no "
                     "hour filter")
    if counts.get("location", {}).get("borough"):
        notes.append(f"{counts['location']['borough']} records have a borough only (no coordinates): they are "
                     "placed at the borough's representative point and have no ward")
    return {**counts, "note": "; ".join(notes)}


def _nullable_hour(engine: Engine, table_name: str) -> bool:
    from sqlalchemy import inspect
    return next(c["nullable"] for c in inspect(engine).get_columns(table_name) if c["name"] == "hour")


def _precision_counts(conn: Any, table: Any) -> str:
    out: dict[str, dict[str, int]] = {}
    for col, key in ((table.c.time_precision, "time"), (table.c.location_precision, "location")):
        for value, n in conn.execute(select(col, func.count()).where(col.is_not(None)).group_by(col)):
            out.setdefault(key, {})[value] = int(n)
    return json.dumps(out, sort_keys=True)


def ingest_frame(engine: Engine, ds: Dataset, df: pd.DataFrame, *, file_sha256: str = "",
                 actor: str | None = None, rng: np.random.Generator | None = None,
                 fmt: str = formats.DEFAULT) -> IngestReport:
    """``rng``: where record keys come from (default: the operating system's entropy; the demo
    passes one seeded from its --seed). A row already present keeps the key it was given first.
    ``fmt``: the file's layout (formats.FORMATS), turned into the store's before validation."""
    with engine.connect() as conn:
        geography = load_geography(conn)
    try:
        adapted = formats.adapt(fmt, ds, df, geography)
    except ValueError as exc:
        raise IngestRejected(IngestReport(ds.id, len(df), file_problems=[str(exc)])) from exc
    if adapted.frame is None:
        raise IngestRejected(IngestReport(ds.id, len(df), file_problems=adapted.file_problems))
    report, rows = validate(ds, adapted.frame, geography)
    if fmt != formats.DEFAULT:
        report = _in_provider_terms(report, adapted)
        if not report.ok:
            rows = None
    if rows is None:
        raise IngestRejected(report)
    _apply_precision(rows, adapted)
    if rows["hour"].isna().any() and not _nullable_hour(engine, db.incident_tables[ds.id].name):
        report.file_problems.append(
            "this database was made before records without a time of day could be stored (its hour column "
            "is NOT NULL): build a new database for month- or date-only extracts (docs/admin.md)")
        raise IngestRejected(report)
    rows["rkey"] = disclosure.new_keys(len(rows), rng)
    table = db.incident_tables[ds.id]
    ins = (pg_insert if db.is_postgres(engine) else sqlite_insert)(table).on_conflict_do_nothing(
        index_elements=["source_id"])
    records = _records(rows)
    with engine.begin() as conn:
        before = conn.execute(select(func.count()).select_from(table)).scalar_one()
        for i in range(0, len(records), 20_000):
            conn.execute(ins, records[i:i + 20_000])
        after = conn.execute(select(func.count()).select_from(table)).scalar_one()
        first, last = conn.execute(select(func.min(table.c.occurred_at), func.max(table.c.occurred_at))).one()
        report.rows_added = after - before
        report.rows_already_present = len(records) - report.rows_added
        state = {"record_count": after, "first_at": first, "last_at": last, "last_refresh": utcnow(),
                 "precision_counts": _precision_counts(conn, table)}
        if conn.execute(select(db.dataset_state.c.dataset_id).where(db.dataset_state.c.dataset_id == ds.id)).first():
            conn.execute(db.dataset_state.update().where(db.dataset_state.c.dataset_id == ds.id).values(**state))
        else:
            conn.execute(insert(db.dataset_state).values(dataset_id=ds.id, **state))
        conn.execute(insert(db.ingests).values(dataset_id=ds.id, file_sha256=file_sha256, rows_in_file=len(df),
                                               rows_added=report.rows_added, at=utcnow()))
    _refresh_statistics(engine, table.name)
    audit.append(engine, "ingest", username=actor, dataset_id=ds.id, rows=report.rows_added,
                 detail={"rows_in_file": len(df), "sha256": file_sha256, "format": fmt})
    return report


def _refresh_statistics(engine: Engine, table_name: str) -> None:
    """Planner statistics (and, on PostgreSQL, the visibility map for index-only counts)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        sql = f"VACUUM ANALYZE {table_name}" if db.is_postgres(engine) else f"ANALYZE {table_name}"
        # The table name comes from the catalogue, never from input.
        conn.exec_driver_sql(sql)  # nosec B608


def ingest_file(engine: Engine, ds: Dataset, path: str | Path, actor: str | None = None,
                fmt: str = formats.DEFAULT) -> IngestReport:
    path = Path(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        df = read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        report = IngestReport(ds.id, 0, file_problems=[f"not a readable CSV file: {str(exc).splitlines()[0]}"])
        raise IngestRejected(report) from exc
    return ingest_frame(engine, ds, df, file_sha256=sha, actor=actor, fmt=fmt)
