"""Plain data exchanged with the SafeStats store (see docs/api.md).

Pure Python: no QGIS, no Qt, no HTTP. ``Query.to_params()`` is the single place where a
user's filter becomes HTTP query parameters; ``Query.to_json()``/``from_json()`` is what a
layer keeps in its custom properties so Refresh and a reopened project can run it again.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional, Union

from ..governance.i18n import tr

CRS_27700 = "http://www.opengis.net/def/crs/EPSG/0/27700"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
BOUNDARY_COLLECTIONS = ("boroughs", "wards")


# ------------------------------------------------------------------ conditions / user


@dataclass(frozen=True)
class Purpose:
    id: str
    label: str


@dataclass(frozen=True)
class Conditions:
    version: str
    title: str
    text: str
    purposes: tuple[Purpose, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Conditions":
        purposes = tuple(Purpose(str(p["id"]), str(p.get("label") or p["id"]))
                         for p in data.get("purposes", []))
        return cls(version=str(data["version"]), title=str(data.get("title", "")),
                   text=str(data.get("text", "")), purposes=purposes)

    def purpose_ids(self) -> list[str]:
        return [p.id for p in self.purposes]

    def purpose_label(self, purpose_id: str) -> str:
        for p in self.purposes:
            if p.id == purpose_id:
                return p.label
        return purpose_id


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    organisation_id: str
    organisation_name: str
    role: str
    agreement: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any], agreement: Optional[dict[str, Any]] = None) -> "UserInfo":
        org = data.get("organisation") or {}
        return cls(username=str(data.get("username", "")),
                   display_name=str(data.get("display_name") or data.get("username", "")),
                   organisation_id=str(org.get("id", "")), organisation_name=str(org.get("name", "")),
                   role=str(data.get("role", "analyst")),
                   agreement=dict(agreement if agreement is not None else data.get("agreement") or {}))


@dataclass
class LoginResult:
    """Answer of /auth/login and /auth/refresh. Tokens never appear in repr()."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    refresh_expires_in: int
    user: UserInfo
    purpose: str
    conditions_version: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LoginResult":
        return cls(access_token=str(data["access_token"]), refresh_token=str(data["refresh_token"]),
                   expires_in=int(data.get("expires_in", 900)),
                   refresh_expires_in=int(data.get("refresh_expires_in", 28800)),
                   user=UserInfo.from_json(data.get("user") or {}),
                   purpose=str(data.get("purpose", "")),
                   conditions_version=str(data.get("conditions_version", "")))


# ------------------------------------------------------------------ collections


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type: str
    title: str
    categories: Optional[tuple[str, ...]] = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FieldInfo":
        cats = data.get("categories")
        return cls(name=str(data["name"]), type=str(data.get("type", "string")),
                   title=str(data.get("title") or data["name"]),
                   categories=tuple(str(c) for c in cats) if cats else None)


@dataclass(frozen=True)
class DsaLimits:
    fields_restricted: bool = False
    area_wkt: Optional[str] = None
    area_name: Optional[str] = None
    history_from: Optional[str] = None
    aggregate_only: bool = False

    @classmethod
    def from_json(cls, data: Optional[dict[str, Any]]) -> "DsaLimits":
        data = data or {}
        return cls(fields_restricted=bool(data.get("fields_restricted", False)),
                   area_wkt=data.get("area"), area_name=data.get("area_name"),
                   history_from=data.get("history_from"),
                   aggregate_only=bool(data.get("aggregate_only", False)))

    def describe(self) -> str:
        """Plain-English summary for the dataset picker (the phrases of :func:`limit_phrases`)."""
        return "; ".join(limit_phrases(self))


def limit_phrases(limits: DsaLimits, fields_shown: Optional[str] = None) -> list[str]:
    """What an agreement limits, one translated phrase per limit: records or counts, area, history
    and fields. ``fields_shown`` (e.g. "Crime type, Month") names the fields the user gets when some
    are withheld; without it, withheld fields are mentioned and unrestricted ones are not."""
    phrases = [tr("counts only (no individual records)") if limits.aggregate_only else tr("individual records")]
    phrases.append(tr("area: {0}").format(limits.area_name) if limits.area_name else
                   (tr("area: restricted") if limits.area_wkt else tr("area: London-wide")))
    phrases.append(tr("history from {0}").format(limits.history_from) if limits.history_from else tr("full history"))
    if limits.fields_restricted:
        phrases.append(tr("some fields withheld (you get: {0})").format(fields_shown) if fields_shown
                       else tr("some fields withheld"))
    elif fields_shown is not None:
        phrases.append(tr("all fields"))
    return phrases


@dataclass(frozen=True)
class CollectionInfo:
    id: str
    title: str
    description: str = ""
    agency: str = ""
    access: str = "records"
    kind: str = "incidents"
    fields: tuple[FieldInfo, ...] = ()
    category_field: Optional[str] = None
    time_field: str = "occurred_at"
    limits: DsaLimits = field(default_factory=DsaLimits)
    temporal_start: Optional[str] = None
    temporal_end: Optional[str] = None
    last_refresh: Optional[str] = None
    licence: str = ""
    attribution: str = ""
    protective_marking: str = ""
    record_count: Optional[int] = None
    bbox_crs84: Optional[tuple[float, float, float, float]] = None
    has_details: bool = False
    #: the store's note on records with a month or date only (no hour: "not recorded") or a borough only
    precision_note: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CollectionInfo":
        ss = data.get("safestats")
        details = isinstance(ss, dict)
        ss = ss if details else {}
        temporal = ss.get("temporal") or {}
        extent = data.get("extent") or {}
        if not temporal:
            interval = ((extent.get("temporal") or {}).get("interval") or [[None, None]])[0]
            temporal = {"start": interval[0], "end": interval[1]} if interval else {}
        bbox = None
        spatial = (extent.get("spatial") or {}).get("bbox")
        if spatial and isinstance(spatial[0], (list, tuple)) and len(spatial[0]) >= 4:
            bbox = tuple(float(v) for v in spatial[0][:4])  # type: ignore[assignment]
        limits = DsaLimits.from_json(ss.get("limits"))
        return cls(
            id=str(data["id"]), title=str(data.get("title") or data["id"]),
            description=str(data.get("description") or ""), agency=str(ss.get("agency", "")),
            access=str(ss.get("access", "aggregate" if limits.aggregate_only else "records")),
            kind=str(ss.get("kind", "boundaries" if data["id"] in BOUNDARY_COLLECTIONS else "incidents")),
            fields=tuple(FieldInfo.from_json(f) for f in ss.get("fields", [])),
            category_field=ss.get("category_field"), time_field=str(ss.get("time_field") or "occurred_at"),
            limits=limits, temporal_start=temporal.get("start"), temporal_end=temporal.get("end"),
            last_refresh=ss.get("last_refresh"), licence=str(ss.get("licence", "")),
            attribution=str(ss.get("attribution", "")),
            protective_marking=str(ss.get("protective_marking", "")),
            record_count=ss.get("record_count"), bbox_crs84=bbox, has_details=details,
            precision_note=str((ss.get("precision") or {}).get("note") or ""))

    @property
    def aggregate_only(self) -> bool:
        return self.limits.aggregate_only or self.access == "aggregate"

    @property
    def is_boundaries(self) -> bool:
        return self.kind == "boundaries" or self.id in BOUNDARY_COLLECTIONS

    def field(self, name: str) -> Optional[FieldInfo]:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def category_fields(self) -> list[FieldInfo]:
        """Fields with a fixed list of values (multi-select filters), category field first."""
        cats = [f for f in self.fields if f.categories]
        cats.sort(key=lambda f: f.name != self.category_field)
        return cats

    def coverage(self) -> str:
        """Dates covered; whole months for counts-only access (the store publishes no exact days)."""
        if self.temporal_start or self.temporal_end:
            width = 7 if self.aggregate_only else 10
            text = f"{(self.temporal_start or '…')[:width]} to {(self.temporal_end or '…')[:width]}"
            return text + (" (whole months)" if self.aggregate_only else "")
        return "unknown"


@dataclass(frozen=True)
class Boundary:
    code: str
    name: str
    kind: str  # "borough" | "ward"
    parent_code: Optional[str] = None
    #: outline as WKT in EPSG:27700 (boroughs only; to find an agreement's boroughs)
    wkt: Optional[str] = field(default=None, repr=False, compare=False)
    #: the store's boundary vintage ("2022", "synthetic"); None from stores that do not say
    vintage: Optional[str] = field(default=None, compare=False)


def vintage_suffix(boundaries: "list[Boundary]") -> str:
    """' (2022 boundaries)' for the area list's Boroughs/Wards labels ('' when the store does not say)."""
    vintages = sorted({b.vintage for b in boundaries if b.vintage})
    return f" ({', '.join(vintages)} boundaries)" if vintages else ""


# ------------------------------------------------------------------ query


@dataclass(frozen=True)
class BBoxArea:
    """Axis-aligned box in EPSG:27700 metres (e.g. the canvas extent)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    label: str = "Map extent"
    kind: str = field(default="bbox", init=False)

    def __post_init__(self) -> None:
        if not (self.xmin < self.xmax and self.ymin < self.ymax):
            raise ValueError(tr("empty bounding box"))


@dataclass(frozen=True)
class BoundaryArea:
    """Points inside any of the listed boroughs or wards (GSS codes)."""

    boroughs: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()
    label: str = ""
    kind: str = field(default="boundaries", init=False)

    def __post_init__(self) -> None:
        if not self.boroughs and not self.wards:
            raise ValueError(tr("no borough or ward chosen"))
        for code in (*self.boroughs, *self.wards):
            if not re.fullmatch(r"[A-Z]\d{8}", code):
                raise ValueError(tr("not a GSS code: {0!r}").format(code))


@dataclass(frozen=True)
class PolygonArea:
    """A (multi)polygon in EPSG:27700 as WKT (drawn, or selected features of a polygon layer)."""

    wkt: str
    label: str = "Drawn area"
    kind: str = field(default="polygon", init=False)

    def __post_init__(self) -> None:
        if not re.match(r"^\s*(MULTI)?POLYGON\s*(ZM|Z|M)?\s*\(", self.wkt, re.IGNORECASE):
            raise ValueError(tr("area must be a POLYGON or MULTIPOLYGON in WKT"))
        object.__setattr__(self, "wkt", _normalise_wkt(self.wkt))


Area = Union[BBoxArea, BoundaryArea, PolygonArea]


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("datetimes in a Query must be timezone-aware")
    return dt.astimezone(timezone.utc)


def _rfc3339(dt: datetime) -> str:
    return _utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cql_string(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _normalise_wkt(wkt: str) -> str:
    """Upper-case geometry keywords and drop Z/M (CQL2 text wants plain 2D WKT)."""
    text = re.sub(r"\s+", " ", wkt.strip())
    dims = re.match(r"(?i)^(multipolygon|polygon)\s*(zm|z|m)?\s*\(", text)
    ncoords = 2
    if dims and dims.group(2):
        ncoords = 2 + len(dims.group(2))
    text = re.sub(r"(?i)\b(multipolygon|polygon)\s*(zm|z|m)?\s*\(", lambda m: m.group(1).upper() + "(", text)
    if ncoords > 2:
        text = re.sub(r"(-?[\d.eE+-]+) (-?[\d.eE+-]+)(?: -?[\d.eE+-]+){1,2}",
                      lambda m: f"{m.group(1)} {m.group(2)}", text)
    return text


@dataclass(frozen=True)
class Query:
    """What to fetch: one dataset and the user's filters. Times are timezone-aware."""

    dataset_id: str
    start: Optional[datetime] = None
    end: Optional[datetime] = None
    dow: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    area: Optional[Area] = None

    JSON_VERSION = 1

    def __post_init__(self) -> None:
        if not _IDENT.match(self.dataset_id):
            raise ValueError(f"bad dataset id {self.dataset_id!r}")
        if self.start is not None:
            _utc(self.start)
        if self.end is not None:
            _utc(self.end)
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(tr("the start of the date range is after its end"))
        if any(d not in range(1, 8) for d in self.dow):
            raise ValueError(tr("days of week are ISO numbers 1 (Monday) to 7 (Sunday)"))
        if any(h not in range(0, 24) for h in self.hours):
            raise ValueError(tr("hours are 0 to 23"))
        for name in self.categories:
            if not _IDENT.match(name):
                raise ValueError(f"bad field name {name!r}")
        # normalise containers so equal filters compare equal and hash
        object.__setattr__(self, "dow", tuple(sorted(set(int(d) for d in self.dow))))
        object.__setattr__(self, "hours", tuple(sorted(set(int(h) for h in self.hours))))
        object.__setattr__(self, "categories", {k: tuple(v) for k, v in sorted(self.categories.items()) if v})

    # ----------------------------------------------------------- HTTP

    def datetime_param(self) -> Optional[str]:
        if self.start is None and self.end is None:
            return None
        a = _rfc3339(self.start) if self.start is not None else ".."
        b = _rfc3339(self.end) if self.end is not None else ".."
        return f"{a}/{b}"

    def cql2(self) -> Optional[str]:
        """CQL2 text for what has no simple parameter: category lists and polygons."""
        clauses = []
        for name, values in self.categories.items():
            if len(values) == 1:
                clauses.append(f"{name} = {_cql_string(values[0])}")
            else:
                clauses.append("(" + " OR ".join(f"{name} = {_cql_string(v)}" for v in values) + ")")
        if isinstance(self.area, PolygonArea):
            clauses.append(f"S_INTERSECTS(geometry, {_normalise_wkt(self.area.wkt)})")
        return " AND ".join(clauses) if clauses else None

    def to_params(self) -> dict[str, str]:
        """HTTP query parameters for items / count / f=fgb (docs/api.md)."""
        params: dict[str, str] = {}
        dt = self.datetime_param()
        if dt:
            params["datetime"] = dt
        if self.dow:
            params["dow"] = ",".join(str(d) for d in self.dow)
        if self.hours:
            params["hour"] = ",".join(str(h) for h in self.hours)
        if isinstance(self.area, BBoxArea):
            a = self.area
            params["bbox"] = ",".join(_num(v) for v in (a.xmin, a.ymin, a.xmax, a.ymax))
            params["bbox-crs"] = CRS_27700
        elif isinstance(self.area, BoundaryArea):
            params["area"] = ",".join([f"borough:{c}" for c in self.area.boroughs]
                                      + [f"ward:{c}" for c in self.area.wards])
        cql = self.cql2()
        if cql:
            params["filter"] = cql
            params["filter-lang"] = "cql2-text"
            if isinstance(self.area, PolygonArea):
                params["filter-crs"] = CRS_27700
        return params

    # ----------------------------------------------------------- persistence

    def to_dict(self) -> dict[str, Any]:
        area: Optional[dict[str, Any]] = None
        if isinstance(self.area, BBoxArea):
            area = {"kind": "bbox", "bbox": [self.area.xmin, self.area.ymin, self.area.xmax, self.area.ymax],
                    "label": self.area.label}
        elif isinstance(self.area, BoundaryArea):
            area = {"kind": "boundaries", "boroughs": list(self.area.boroughs), "wards": list(self.area.wards),
                    "label": self.area.label}
        elif isinstance(self.area, PolygonArea):
            area = {"kind": "polygon", "wkt": self.area.wkt, "label": self.area.label}
        return {"v": self.JSON_VERSION, "dataset": self.dataset_id,
                "start": _rfc3339(self.start) if self.start else None,
                "end": _rfc3339(self.end) if self.end else None,
                "dow": list(self.dow), "hours": list(self.hours),
                "categories": {k: list(v) for k, v in self.categories.items()}, "area": area}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Query":
        if int(data.get("v", 1)) > cls.JSON_VERSION:
            raise ValueError(tr("this query was saved by a newer SafeStats plugin"))
        area: Optional[Area] = None
        a = data.get("area")
        if a:
            if a["kind"] == "bbox":
                area = BBoxArea(*[float(v) for v in a["bbox"]], label=a.get("label", "Map extent"))
            elif a["kind"] == "boundaries":
                area = BoundaryArea(tuple(a.get("boroughs", ())), tuple(a.get("wards", ())), label=a.get("label", ""))
            elif a["kind"] == "polygon":
                area = PolygonArea(a["wkt"], label=a.get("label", "Drawn area"))
            else:
                raise ValueError(f"unknown area kind {a['kind']!r}")
        return cls(dataset_id=str(data["dataset"]), start=_parse_dt(data.get("start")),
                   end=_parse_dt(data.get("end")), dow=tuple(data.get("dow", ())),
                   hours=tuple(data.get("hours", ())),
                   categories={k: tuple(v) for k, v in (data.get("categories") or {}).items()}, area=area)

    @classmethod
    def from_json(cls, text: str) -> "Query":
        return cls.from_dict(json.loads(text))

    def describe(self) -> str:
        """One line of plain English for metadata, audit and the layer tooltip."""
        parts = []
        if self.start or self.end:
            a = self.start.date().isoformat() if self.start else "start"
            b = self.end.date().isoformat() if self.end else "now"
            parts.append(f"{a} to {b}")
        if self.dow:
            names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            parts.append("days " + ",".join(names[d - 1] for d in self.dow))
        if self.hours:
            parts.append("hours " + ",".join(str(h) for h in self.hours))
        for name, values in self.categories.items():
            parts.append(f"{name} in ({', '.join(values)})")
        if self.area is not None:
            label = self.area.label
            if isinstance(self.area, BoundaryArea) and not label:
                label = ", ".join((*self.area.boroughs, *self.area.wards))
            parts.append(f"area: {label}")
        return "; ".join(parts) if parts else "no filter"


# ------------------------------------------------------------------ counts-only (closed table)

#: area units of the counts-only closed table (``/aggregates?by=``) and the fixed hexagon radii (m)
COUNT_UNITS = ("borough", "ward", "hex")
HEX_SIZES = (500, 1000, 2000)
_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_FY_RE = re.compile(r"^FY(\d{4})$")
_BOROUGH_RE = re.compile(r"^E09\d{6}$")
_AREA_RE = re.compile(r"^(borough:E09|ward:E05)\d{6}$")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` or ``FYyyyy`` (1 April yyyy to 31 March yyyy+1) as London-time [start, end)."""
    from zoneinfo import ZoneInfo
    london = ZoneInfo("Europe/London")
    m, fy = _MONTH_RE.match(period), _FY_RE.match(period)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        end = (y + 1, 1) if mo == 12 else (y, mo + 1)
        return datetime(y, mo, 1, tzinfo=london), datetime(end[0], end[1], 1, tzinfo=london)
    if fy:
        y = int(fy.group(1))
        return datetime(y, 4, 1, tzinfo=london), datetime(y + 1, 4, 1, tzinfo=london)
    raise ValueError(f"not a period (YYYY-MM or FYyyyy): {period!r}")


def period_label(period: str) -> str:
    """"Mar 2025" or "FY2025 (Apr 2025 to Mar 2026)"."""
    m, fy = _MONTH_RE.match(period), _FY_RE.match(period)
    if m:
        return f"{_MONTH_NAMES[int(m.group(2)) - 1]} {m.group(1)}"
    if fy:
        y = int(fy.group(1))
        return f"FY{y} (Apr {y} to Mar {y + 1})"
    return period


def _month_index(text: Optional[str]) -> Optional[int]:
    m = re.match(r"^(\d{4})-(\d{2})", text or "")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1 if m else None


def available_periods(info: "CollectionInfo") -> list[str]:
    """The periods a counts-only caller may ask for, newest first: every calendar month from the
    later of the data's first month and the agreement's history limit to the data's last month,
    then every financial year lying wholly inside that range."""
    first, last = _month_index(info.temporal_start), _month_index(info.temporal_end)
    since = _month_index(info.limits.history_from)
    if first is None or last is None:
        return []
    if since is not None:
        first = max(first, since)
    months = [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(last, first - 1, -1)]
    years = [f"FY{y}" for y in range(last // 12, first // 12 - 2, -1) if y * 12 + 3 >= first and y * 12 + 14 <= last]
    return months + years


@dataclass(frozen=True)
class CountsQuery:
    """A request for cells of a counts-only dataset's closed table (docs/api.md, "Counts only").

    ``period`` one calendar month or financial year; ``unit`` the areas of a map of counts
    (borough, ward or hexagons of ``hex_size`` metres), optionally only those ``within`` one
    borough; ``category`` at most one value of the dataset's category field. The count preview
    counts the ``within`` borough (or the whole agreement area). Nothing else can be asked."""

    dataset_id: str
    period: str
    unit: str = "ward"
    hex_size: Optional[int] = None
    within: Optional[str] = None
    category: Optional[str] = None
    kind: str = field(default="counts", init=False)

    JSON_VERSION = 1

    def __post_init__(self) -> None:
        if not _IDENT.match(self.dataset_id):
            raise ValueError(f"bad dataset id {self.dataset_id!r}")
        period_bounds(self.period)
        if self.unit not in COUNT_UNITS:
            raise ValueError(tr("area unit must be one of {0}").format(", ".join(COUNT_UNITS)))
        if self.unit == "hex":
            if self.hex_size not in HEX_SIZES:
                raise ValueError(tr("hexagon size must be one of {0} m").format(", ".join(map(str, HEX_SIZES))))
        elif self.hex_size is not None:
            object.__setattr__(self, "hex_size", None)
        if self.within is not None and not _BOROUGH_RE.match(self.within):
            raise ValueError(tr("within must be a borough's GSS code (E09…), not {0!r}").format(self.within))
        if self.unit == "borough" and self.within is not None:
            raise ValueError(tr("a map of boroughs cannot be limited to one borough"))

    # ----------------------------------------------------------- HTTP

    @property
    def area(self) -> Optional[str]:
        """The one area ``/count`` counts: the ``within`` borough, or None (the agreement area)."""
        return f"borough:{self.within}" if self.within else None

    def to_params(self) -> dict[str, str]:
        """Parameters of ``/count``: period, category, area (nothing else is accepted)."""
        params = {"period": self.period}
        if self.category:
            params["category"] = self.category
        if self.area:
            params["area"] = self.area
        return params

    def aggregate_params(self) -> dict[str, str]:
        """Parameters of ``/aggregates``: period, category, by, size, within, and the output CRS
        (EPSG:27700, the CRS of every SafeStats layer: a layer in EPSG:4326 would leave a new
        project in 4326, London squashed, and ask QGIS for a datum transformation)."""
        params = {"period": self.period, "by": self.unit, "crs": CRS_27700}
        if self.unit == "hex":
            params["size"] = str(self.hex_size)
        if self.within:
            params["within"] = f"borough:{self.within}"
        if self.category:
            params["category"] = self.category
        return params

    @property
    def start(self) -> datetime:
        return period_bounds(self.period)[0]

    @property
    def end(self) -> datetime:
        return period_bounds(self.period)[1]

    def unit_label(self) -> str:
        return f"{self.hex_size} m hexagons" if self.unit == "hex" else f"{self.unit}s"

    def describe(self) -> str:
        parts = [f"counts by {self.unit_label()}", period_label(self.period)]
        if self.within:
            parts.append(f"within {self.within}")
        if self.category:
            parts.append(f"category {self.category}")
        return "; ".join(parts)

    # ----------------------------------------------------------- persistence

    def to_dict(self) -> dict[str, Any]:
        return {"v": self.JSON_VERSION, "kind": "counts", "dataset": self.dataset_id, "period": self.period,
                "unit": self.unit, "hex_size": self.hex_size, "within": self.within, "category": self.category}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CountsQuery":
        if int(data.get("v", 1)) > cls.JSON_VERSION:
            raise ValueError(tr("this query was saved by a newer SafeStats plugin"))
        return cls(dataset_id=str(data["dataset"]), period=str(data["period"]), unit=str(data.get("unit", "ward")),
                   hex_size=data.get("hex_size"), within=data.get("within"), category=data.get("category"))


AnyQuery = Union["Query", CountsQuery]


def query_from_json(text: str) -> "AnyQuery":
    """A stored query of either kind (records ``Query`` or counts-only ``CountsQuery``)."""
    data = json.loads(text)
    if isinstance(data, dict) and data.get("kind") == "counts":
        return CountsQuery.from_dict(data)
    return Query.from_dict(data)


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _parse_dt(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt
