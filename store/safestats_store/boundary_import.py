"""Import official borough or ward boundaries (ONS Open Geography Portal files) with a vintage.

``safestats-store boundaries import --level borough|ward --vintage 2022 FILE``

- Reads GeoPackage, GeoJSON or Shapefile with pyogrio, in any CRS (reprojected to EPSG:27700).
- Finds the code and name columns by pattern (ONS ``LAD22CD/LAD22NM``, ``WD22CD/WD22NM``,
  ``CTYUA22CD``…, or ``GSS_CODE``/``NAME`` of the GLA pack) and says which it used.
- Keeps London only: boroughs are the ``E09…`` codes; in a ward file with a borough-code column
  (``LAD22CD``…) the wards of an ``E09…`` borough. Other features are counted and skipped.
- Refuses, with every problem listed: codes that are not GSS codes of the level, duplicate codes,
  empty names, empty or non-polygon geometry, invalid geometry (unless ``--make-valid``, which
  repairs it with shapely's ``make_valid`` and lists every repair), a ward not lying, by majority of
  its area, inside one borough (every ward gets that borough as its parent).
- Swaps the level's boundaries in one transaction: the rows, the vintage in use, the parent of
  every ward, and the borough and ward of every stored incident (re-derived from its point). On
  any failure nothing changes.
- The same vintage again: the same file is a no-op (said so); another file needs ``--replace``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from . import audit, db
from .clock import utcnow
from .synthetic import Area, Geography

STORE_CRS = "EPSG:27700"
LEVEL_PREFIX = {"borough": "E09", "ward": "E05"}
GSS_CODE = re.compile(r"^[ENSWK]\d{8}$")
#: ONS code columns: LAD22CD, WD22CD, CTYUA21CD, LTLA21CD, UTLA22CD, WD23CD…; the GLA pack's GSS_CODE
CODE_COLUMN = re.compile(r"^(?:[A-Z]{2,5}\d{2}CD|GSS_CODE|CODE)$", re.IGNORECASE)
BOROUGH_COLUMN = re.compile(r"^(?:LAD|CTYUA|LTLA|UTLA|LA)\d{2}CD$", re.IGNORECASE)
MAJORITY = 0.5          # a ward belongs to the borough holding more than half its area
NOTE_SHARE = 0.99       # below this share a ward's fit is reported (not refused)
MAX_LISTED = 50


@dataclass
class BoundaryReport:
    level: str
    vintage: str
    file: str
    features_in_file: int = 0
    imported: int = 0
    skipped_outside_london: int = 0
    code_column: str = ""
    name_column: str = ""
    source_crs: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incidents_relocated: int = 0
    unchanged: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        head = (f"{self.level} boundaries, vintage {self.vintage}, from {self.file}: "
                f"{self.features_in_file} features; code column '{self.code_column or '?'}', "
                f"name column '{self.name_column or '?'}', CRS {self.source_crs or '?'}")
        lines = [head]
        if not self.ok:
            lines.append("  REJECTED, nothing was changed:")
            lines += [f"  - {p}" for p in self.problems[:MAX_LISTED]]
            if len(self.problems) > MAX_LISTED:
                lines.append(f"  - ... and {len(self.problems) - MAX_LISTED} more problems")
        lines += [f"  note: {n}" for n in self.notes[:MAX_LISTED]]
        if len(self.notes) > MAX_LISTED:
            lines.append(f"  note: ... and {len(self.notes) - MAX_LISTED} more notes")
        if self.ok and self.unchanged:
            lines.append(f"  vintage {self.vintage} of the {self.level} boundaries is already in use from this "
                         "same file: nothing changed")
        elif self.ok:
            lines.append(f"  imported {self.imported} {self.level}s (skipped {self.skipped_outside_london} outside "
                         f"London); {self.incidents_relocated} stored incidents given their {self.level} anew; "
                         f"vintage {self.vintage} is now in use")
        return "\n".join(lines)


class BoundaryImportRejected(Exception):
    def __init__(self, report: BoundaryReport) -> None:
        super().__init__(report.text())
        self.report = report


def _reject(report: BoundaryReport, problem: str | None = None) -> BoundaryImportRejected:
    if problem:
        report.problems.append(problem)
    return BoundaryImportRejected(report)


def _pick_code_column(fields: list[str], data: dict[str, np.ndarray], prefix: str) -> str | None:
    """The code-like column holding most ``prefix`` codes (ties: the first)."""
    best, best_n = None, 0
    for name in fields:
        if not CODE_COLUMN.match(name):
            continue
        values = np.asarray([str(v) if v is not None else "" for v in data[name]], dtype=object)
        n = int(sum(v.strip().upper().startswith(prefix) for v in values))
        if n > best_n:
            best, best_n = name, n
    return best


def _pick_name_column(fields: list[str], code_column: str) -> str | None:
    if code_column.upper().endswith("CD"):
        twin = code_column[:-2] + ("NM" if code_column[-2:].isupper() else "nm")
        for name in fields:
            if name.upper() == twin.upper():
                return name
    for wanted in ("NAME", "NM"):
        for name in fields:
            if name.upper() == wanted:
                return name
    return None


def read_file(path: str | Path, level: str, vintage: str, make_valid: bool = False
              ) -> tuple[BoundaryReport, list[tuple[str, str, BaseGeometry]]]:
    """(report, [(code, name, EPSG:27700 geometry)]) of the London features of one level.
    Raises BoundaryImportRejected with every problem found."""
    import pyogrio.raw
    from pyogrio.errors import DataSourceError, DataLayerError

    path = Path(path)
    report = BoundaryReport(level, vintage, path.name)
    if level not in LEVEL_PREFIX:
        raise _reject(report, f"level must be borough or ward, not '{level}'")
    try:
        meta, _fids, wkb, field_data = pyogrio.raw.read(path)
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise _reject(report, f"not a readable boundary file (GeoPackage, GeoJSON or Shapefile): "
                              f"{str(exc).splitlines()[0][:300]}") from exc
    fields = [str(f) for f in meta["fields"]]
    data = dict(zip(fields, field_data))
    report.features_in_file = len(wkb)
    if not len(wkb):
        raise _reject(report, "the file has no features")
    if not meta.get("crs"):
        raise _reject(report, "the file has no coordinate reference system (a Shapefile needs its .prj)")
    src = CRS.from_user_input(meta["crs"])
    report.source_crs = src.to_string()

    prefix = LEVEL_PREFIX[level]
    code_col = _pick_code_column(fields, data, prefix)
    if code_col is None:
        cols = ", ".join(fields) or "none"
        raise _reject(report, f"no column holds {prefix}… {level} codes (looked for ONS code columns like "
                              f"{'LAD22CD' if level == 'borough' else 'WD22CD'} or GSS_CODE; the file has: {cols})")
    report.code_column = code_col
    name_col = _pick_name_column(fields, code_col)
    if name_col is None:
        raise _reject(report, f"no name column next to '{code_col}' (looked for "
                              f"'{code_col[:-2]}NM' or NAME)")
    report.name_column = name_col
    parent_col = None
    if level == "ward":
        parent_col = next((f for f in fields if BOROUGH_COLUMN.match(f) and f != code_col), None)
        if parent_col:
            report.notes.append(f"kept the wards whose '{parent_col}' is a London borough (E09…)")

    codes = [("" if v is None else str(v)).strip() for v in data[code_col]]
    names = [("" if v is None else str(v)).strip() for v in data[name_col]]
    parents = [("" if v is None else str(v)).strip().upper() for v in data[parent_col]] if parent_col else None

    geoms = shapely.from_wkb(np.asarray(wkb, dtype=object))
    if not src.equals(CRS.from_user_input(STORE_CRS)):
        tr = Transformer.from_crs(src, STORE_CRS, always_xy=True)
        geoms = shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
        report.notes.append(f"reprojected from {src.name} to EPSG:27700")

    out: list[tuple[str, str, BaseGeometry]] = []
    seen: dict[str, int] = {}
    for i, (code, name, geom) in enumerate(zip(codes, names, geoms)):
        feature = f"feature {i + 1} ('{code[:20]}' {name[:60]})"
        if parents is not None and not parents[i].startswith("E09"):
            report.skipped_outside_london += 1
            continue
        if not GSS_CODE.match(code):
            report.problems.append(f"{feature}: '{code_col}' is not a GSS code like {prefix}000001")
            continue
        if not code.startswith(prefix):
            if level == "borough" or (parents is None and code[:3] in ("W05", "S13", "N08")):
                report.skipped_outside_london += 1  # another UK district, or a Welsh/Scottish/NI ward
                continue
            report.problems.append(f"{feature}: '{code}' is not a ward code ({prefix}…)")
            continue
        if code in seen:
            report.problems.append(f"{feature}: code {code} appears more than once (first at feature {seen[code]})")
            continue
        seen[code] = i + 1
        if not name:
            report.problems.append(f"{feature}: '{name_col}' is empty")
        if geom is None or geom.is_empty:
            report.problems.append(f"{feature}: has no geometry")
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            report.problems.append(f"{feature}: geometry is a {geom.geom_type}, not a polygon")
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            if not make_valid:
                report.problems.append(f"{feature}: invalid geometry ({reason}); fix the file, or pass "
                                       "--make-valid to repair it with shapely's make_valid")
                continue
            geom = _polygonal(shapely.make_valid(geom))
            report.notes.append(f"{feature}: invalid geometry ({reason}) repaired with make_valid")
        out.append((code, name, geom))
    if report.skipped_outside_london:
        report.notes.append(f"skipped {report.skipped_outside_london} features outside London "
                            f"({'codes not E09…' if level == 'borough' else 'not in a London borough'})")
    if not out and not report.problems:
        report.problems.append(f"no London {level}s ({prefix}…) in the file")
    if report.problems:
        raise BoundaryImportRejected(report)
    return report, out


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geom


def assign_parents(wards: list[tuple[str, str, BaseGeometry]], boroughs: list[Area], report: BoundaryReport
                   ) -> dict[str, str]:
    """ward code -> borough code holding more than half its area; problems for the others."""
    tree = shapely.STRtree([b.geometry for b in boroughs])
    parents: dict[str, str] = {}
    for code, name, geom in wards:
        area = geom.area
        best, share = None, 0.0
        for bi in tree.query(geom):
            s = geom.intersection(boroughs[bi].geometry).area / area if area else 0.0
            if s > share:
                best, share = boroughs[bi], s
        if best is None or share <= MAJORITY:
            where = (f"at most {share:.0%} of it lies in {best.name} ({best.code})" if best is not None
                     else "it lies outside every borough")
            report.problems.append(f"ward {code} ({name}) is not inside one borough: {where}")
            continue
        if share < NOTE_SHARE:
            report.notes.append(f"ward {code} ({name}): {share:.1%} inside {best.name} ({best.code})")
        parents[code] = best.code
    return parents


def _stored_areas(conn: Connection, level: str) -> list[Area]:
    from shapely import wkt as shapely_wkt
    rows = conn.execute(select(db.boundaries).where(db.boundaries.c.level == level)
                        .order_by(db.boundaries.c.code)).all()
    return [Area(r.code, r.name, r.level, r.parent_code, shapely_wkt.loads(r.wkt)) for r in rows]


def in_use(conn: Connection) -> dict[str, dict[str, Any]]:
    """level -> {vintage, source, imported_at} of the boundaries in use ({} for a level never recorded)."""
    rows = conn.execute(select(db.boundary_vintages).where(db.boundary_vintages.c.in_use)
                        .order_by(db.boundary_vintages.c.id)).all()
    return {r.level: {"vintage": r.vintage, "source": r.source, "imported_at": r.imported_at} for r in rows}


def record_vintage(conn: Connection, level: str, vintage: str, source: str, sha: str, features: int) -> None:
    conn.execute(update(db.boundary_vintages).where(db.boundary_vintages.c.level == level).values(in_use=False))
    conn.execute(insert(db.boundary_vintages).values(level=level, vintage=vintage, source=source[:300],
                                                     file_sha256=sha, features=features, imported_at=utcnow(),
                                                     in_use=True))


def _new_data_version(conn: Connection, dataset_id: str) -> None:
    """A ``last_refresh`` later than the one stored (clock time is kept to the second, and an
    ingest a moment before may have set this very second)."""
    state = db.dataset_state.c
    old = conn.execute(select(state.last_refresh).where(state.dataset_id == dataset_id)).scalar()
    new = utcnow()
    if old is not None and new <= old:
        new = old + timedelta(seconds=1)
    conn.execute(update(db.dataset_state).where(state.dataset_id == dataset_id).values(last_refresh=new))


def relocate_incidents(conn: Connection, geography: Geography, chunk: int = 50_000) -> int:
    """Give every stored incident its borough and ward from the boundaries now in use. A dataset
    whose records moved gets a new ``last_refresh``: its data version changes, so every answer
    cached on it (record-level counts, counts-only cells, extracts) is worked out again."""
    lookup = {a.code: a.name for a in [*geography.boroughs, *geography.wards]}
    total = 0
    for dataset_id, table in db.incident_tables.items():
        before = total
        stmt = (update(table).where(table.c.id == bindparam("_id"))
                .values(borough_code=bindparam("_b"), borough_name=bindparam("_bn"),
                        ward_code=bindparam("_w"), ward_name=bindparam("_wn")))
        last = 0
        while True:
            rows = conn.execute(select(table.c.id, table.c.x, table.c.y, table.c.location_precision)
                                .where(table.c.id > last).order_by(table.c.id).limit(chunk)).all()
            if not rows:
                break
            ids = np.array([r.id for r in rows])
            w, b = geography.locate(np.array([r.x for r in rows], dtype=float),
                                    np.array([r.y for r in rows], dtype=float))
            w[np.array([r.location_precision == "borough" for r in rows])] = None  # a borough only: no ward
            conn.execute(stmt, [{"_id": int(i), "_b": bc, "_bn": lookup.get(bc), "_w": wc, "_wn": lookup.get(wc)}
                                for i, bc, wc in zip(ids, b, w)])
            total += len(rows)
            last = int(ids[-1])
        if total > before:
            _new_data_version(conn, dataset_id)
    return total


def import_file(engine: Engine, level: str, vintage: str, path: str | Path, *, replace: bool = False,
                make_valid: bool = False, actor: str | None = None) -> BoundaryReport:
    """Validate the file and swap the level's boundaries in one transaction (see module docstring)."""
    path = Path(path)
    vintage = str(vintage).strip()
    if not re.fullmatch(r"[0-9A-Za-z._-]{1,20}", vintage):
        raise _reject(BoundaryReport(level, vintage[:20], path.name),
                      "the vintage must be 1-20 letters, digits, '.', '_' or '-' (e.g. 2022)")
    try:
        raw = path.read_bytes() if path.is_file() else b"".join(
            p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file())
    except OSError as exc:
        raise _reject(BoundaryReport(level, vintage, path.name), f"cannot read the file: {exc}") from exc
    sha = hashlib.sha256(raw + b"".join(p.read_bytes() for p in _sidecars(path))).hexdigest()
    report, features = read_file(path, level, vintage, make_valid)
    with engine.begin() as conn:
        same = conn.execute(select(db.boundary_vintages).where(
            db.boundary_vintages.c.level == level, db.boundary_vintages.c.vintage == vintage)
            .order_by(db.boundary_vintages.c.id.desc())).first()
        if same is not None and not replace:
            if same.file_sha256 == sha and same.in_use:
                report.unchanged = True
                return report
            raise _reject(report, f"vintage {vintage} of the {level} boundaries was already imported on "
                                  f"{same.imported_at:%Y-%m-%d %H:%M} UTC from {same.source}; pass --replace to "
                                  "swap in this file instead, or give the new file its own vintage")
        boroughs = _stored_areas(conn, "borough")
        wards = _stored_areas(conn, "ward")
        if level == "ward":
            if not boroughs:
                raise _reject(report, "the store has no borough boundaries: import the boroughs first")
            parents = assign_parents(features, boroughs, report)
            new_wards = [Area(c, n, "ward", parents.get(c), g) for c, n, g in features]
            new_boroughs = boroughs
        else:
            new_boroughs = [Area(c, n, "borough", None, g) for c, n, g in features]
            parents = assign_parents([(w.code, w.name, w.geometry) for w in wards], new_boroughs, report) \
                if wards else {}
            if report.problems:
                report.problems.insert(0, "the wards in use do not fit these boroughs (import the matching wards "
                                          "first, or boroughs of the same vintage as the wards)")
            new_wards = [Area(w.code, w.name, "ward", parents.get(w.code), w.geometry) for w in wards]
        if report.problems:
            raise BoundaryImportRejected(report)
        clash = {a.code for a in (new_wards if level == "borough" else new_boroughs)} & {c for c, _n, _g in features}
        if clash:
            raise _reject(report, f"code(s) used at both levels: {', '.join(sorted(clash)[:10])}")
        conn.execute(delete(db.boundaries).where(db.boundaries.c.level == level))
        changed = new_boroughs if level == "borough" else new_wards
        conn.execute(insert(db.boundaries), [_row(a) for a in changed])
        if level == "borough":
            for w in new_wards:
                conn.execute(update(db.boundaries).where(db.boundaries.c.code == w.code)
                             .values(parent_code=w.parent_code))
        source = f"{path.name} ({report.code_column}/{report.name_column})"
        record_vintage(conn, level, vintage, source, sha, len(features))
        report.imported = len(features)
        report.incidents_relocated = relocate_incidents(conn, Geography(new_boroughs, new_wards))
    audit.append(engine, "boundaries_import", username=actor, rows=report.imported,
                 detail={"level": level, "vintage": vintage, "file": path.name, "sha256": sha,
                         "code_column": report.code_column, "name_column": report.name_column,
                         "incidents_relocated": report.incidents_relocated})
    return report


def _sidecars(path: Path) -> list[Path]:
    """A Shapefile's .dbf/.prj/.shx, so that a changed attribute table is a changed file."""
    if path.suffix.lower() != ".shp":
        return []
    return [p for p in sorted(path.parent.glob(path.stem + ".*")) if p != path and p.is_file()]


def _row(a: Area) -> dict[str, Any]:
    minx, miny, maxx, maxy = a.geometry.bounds
    return dict(code=a.code, name=a.name, level=a.level, parent_code=a.parent_code, wkt=a.geometry.wkt,
                minx=minx, miny=miny, maxx=maxx, maxy=maxy)


def add_cli(sub: "argparse._SubParsersAction", dbp: "argparse.ArgumentParser") -> None:  # noqa: F821
    """``safestats-store boundaries import --level borough|ward --vintage YEAR FILE`` / ``boundaries list``."""
    p = sub.add_parser("boundaries", help="official borough and ward boundaries, with their vintage")
    bsub = p.add_subparsers(dest="boundaries_cmd", required=True)
    bi = bsub.add_parser("import", parents=[dbp], help="import an ONS boundary file (GeoPackage, GeoJSON, Shapefile)")
    bi.add_argument("--level", required=True, choices=list(LEVEL_PREFIX))
    bi.add_argument("--vintage", required=True, help="the boundaries' year, e.g. 2022 (ONS 'December 2022')")
    bi.add_argument("file")
    bi.add_argument("--replace", action="store_true", help="swap in another file for a vintage already imported")
    bi.add_argument("--make-valid", action="store_true",
                    help="repair invalid geometries with shapely's make_valid (each repair is listed)")
    bi.add_argument("--actor", default=None)
    bi.set_defaults(func=_cmd_import)
    bl = bsub.add_parser("list", parents=[dbp], help="the boundary vintages imported, and which are in use")
    bl.set_defaults(func=_cmd_list)


def _cmd_import(args: "argparse.Namespace") -> int:  # noqa: F821
    import os
    import sys

    engine = db.make_engine(args.db)
    db.create_schema(engine)
    try:
        report = import_file(engine, args.level, args.vintage, args.file, replace=args.replace,
                             make_valid=args.make_valid, actor=args.actor or os.environ.get("USER", "cli"))
    except BoundaryImportRejected as exc:
        print(exc.report.text(), file=sys.stderr)
        return 1
    print(report.text())
    return 0


def _cmd_list(args: "argparse.Namespace") -> int:  # noqa: F821
    engine = db.make_engine(args.db)
    with engine.connect() as conn:
        rows = conn.execute(select(db.boundary_vintages).order_by(db.boundary_vintages.c.id)).all()
    for r in rows:
        print(f"{r.level:8s} {r.vintage:10s} {'IN USE' if r.in_use else '      '} {r.features:5d} "
              f"{r.imported_at:%Y-%m-%d %H:%M} {r.source}")
    return 0
