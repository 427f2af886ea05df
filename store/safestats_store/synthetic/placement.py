"""Spatial models: where incidents happen (population background, hotspots, rail, river, bus) and
how locations are published (snapping, cell keys, region checks)."""
from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point

from .geography import Geography
from .randomness import Rand, mix64, pick
from .tables import BUS_ROUTES, CITY_CODE, FACT_BY_CODE, HOTSPOTS, Hotspot, PLACES, RAIL_LINES, RAIL_STATIONS, RNLI_REACH_LIMITS, RNLI_STATION_SHARE, RNLI_STATION_XY, THAMES

@dataclass(frozen=True)
class Space:
    """Where incidents of one kind happen."""
    kind: str = "area"                  # area (hotspots + background) | rail | river | bus
    hotspot_share: float = 0.0
    hotspot_tags: frozenset[str] | None = None  # None: every hotspot
    background: str = "population"      # population | population_inner | mps
    region: str = "london"              # london | not_city (MPS does not police the City) | city


@dataclass(frozen=True)
class Component:
    name: str
    profile: str
    share: float     # share of the dataset's annual volume
    space: Space


def _cached(geo: Geography, key: str, build: Callable[[], object]) -> object:
    if key not in geo._cache:
        geo._cache[key] = build()
    return geo._cache[key]


def _ward_triangles(geo: Geography) -> dict[str, np.ndarray]:
    """Constrained Delaunay triangles of every ward, for exact uniform sampling inside a ward."""
    tris, owner = [], []
    for wi, w in enumerate(geo.wards):
        parts = shapely.get_parts(shapely.constrained_delaunay_triangles(w.geometry))
        coords = shapely.get_coordinates(shapely.get_exterior_ring(parts)).reshape(len(parts), 4, 2)[:, :3]
        tris.append(coords)
        owner.append(np.full(len(parts), wi))
    tri = np.concatenate(tris)
    owner_arr = np.concatenate(owner)
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    area = 0.5 * np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1]))
    cum_end = np.cumsum(area)
    first = np.searchsorted(owner_arr, np.arange(len(geo.wards)), side="left")
    last = np.searchsorted(owner_arr, np.arange(len(geo.wards)), side="right") - 1
    ward_area = np.bincount(owner_arr, weights=area, minlength=len(geo.wards))
    start = cum_end[first] - area[first]
    return {"tri": tri, "cum_end": cum_end, "first": first, "last": last, "start": start, "area": ward_area}


def _ward_weights(geo: Geography, background: str, region: str) -> np.ndarray:
    """Relative incident weight of each ward: the borough's weight (population, inner-London boost or
    MPS volume) shared among its wards with a fixed lognormal ward-to-ward variation."""
    def borough_weight(code: str | None) -> float:
        f = FACT_BY_CODE.get(code or "")
        if region == "city":
            return 1.0 if code == CITY_CODE else 0.0
        if region == "not_city" and code == CITY_CODE:
            return 0.0
        if f is None:
            return 0.0
        if background == "mps":
            return f.mps_k
        if background == "population_inner":
            return f.population_k * (1.5 if f.inner else 1.0)
        return f.population_k

    codes = [w.code for w in geo.wards]
    keys = np.array([zlib.crc32(c.encode()) for c in codes], dtype=np.uint64)
    variation = np.exp(0.45 * Rand(keys).normal("ward-variation"))
    parents = np.array([w.parent_code for w in geo.wards], dtype=object)
    weights = np.zeros(len(codes))
    for parent in set(parents):
        m = parents == parent
        weights[m] = borough_weight(parent) * variation[m] / variation[m].sum()
    return weights


def _sample_in_wards(rand: Rand, geo: Geography, ward_w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform inside wards chosen with probability proportional to ward_w."""
    t = _cached(geo, "triangles", lambda: _ward_triangles(geo))
    w = rand.choice("bg.ward", ward_w)
    target = t["start"][w] + rand.u("bg.tri") * t["area"][w]
    tri = np.clip(np.searchsorted(t["cum_end"], target, side="right"), t["first"][w], t["last"][w])
    r1, r2 = rand.u("bg.r1"), rand.u("bg.r2")
    flip = r1 + r2 > 1
    r1, r2 = np.where(flip, 1 - r1, r1), np.where(flip, 1 - r2, r2)
    a, b, c = t["tri"][tri, 0], t["tri"][tri, 1], t["tri"][tri, 2]
    p = a + r1[:, None] * (b - a) + r2[:, None] * (c - a)
    return p[:, 0], p[:, 1]


def _hotspots_for(geo: Geography, space: Space) -> list[Hotspot]:
    def region_ok(h: Hotspot) -> bool:
        _, b = geo.locate(np.array([PLACES[h.place][0]]), np.array([PLACES[h.place][1]]))
        if space.region == "city":
            return b[0] == CITY_CODE
        if space.region == "not_city":
            return b[0] not in (None, CITY_CODE)
        return b[0] is not None
    tags = space.hotspot_tags
    return [h for h in HOTSPOTS if (tags is None or h.tags & tags) and region_ok(h)]


def _sample_area(rand: Rand, geo: Geography, space: Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Gaussian clusters at hotspots mixed with a weighted uniform background over wards."""
    n = len(rand)
    ward_w = _cached(geo, f"ww.{space.background}.{space.region}",
                     lambda: _ward_weights(geo, space.background, space.region))
    x, y = _sample_in_wards(rand, geo, ward_w)
    hot_idx = np.full(n, -1)
    spots = _cached(geo, f"hs.{space.region}.{sorted(space.hotspot_tags or [])}", lambda: _hotspots_for(geo, space))
    if spots and space.hotspot_share > 0:
        hot = rand.u("hs.mode") < space.hotspot_share
        k = rand.choice("hs.which", [h.weight for h in spots])
        hx = np.array([PLACES[h.place][0] for h in spots])[k]
        hy = np.array([PLACES[h.place][1] for h in spots])[k]
        sd = np.array([h.sigma for h in spots])[k]
        x = np.where(hot, hx + sd * rand.normal("hs.dx"), x)
        y = np.where(hot, hy + sd * rand.normal("hs.dy"), y)
        hot_idx = np.where(hot, k, -1)
    return x, y, {"hotspot": hot_idx}


def _segments(paths: Sequence[tuple[str, Sequence[str]]]) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str, str]]]:
    """Straight segments between consecutive places of named paths: start xy, end xy, (path, from, to)."""
    a, b, meta = [], [], []
    for pi, (_, stops) in enumerate(paths):
        for s0, s1 in zip(stops[:-1], stops[1:]):
            a.append(PLACES[s0])
            b.append(PLACES[s1])
            meta.append((pi, s0, s1))
    return np.array(a, dtype=float), np.array(b, dtype=float), meta


def _sample_rail(rand: Rand, geo: Geography, space: Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """BTP: 75% at stations (weighted by footfall), 25% on the line between two stations."""
    st_xy = np.array([PLACES[p] for _, p, _ in RAIL_STATIONS], dtype=float)
    st_label = [name for name, _, _ in RAIL_STATIONS]
    a, b, meta = _segments(RAIL_LINES)
    seg_label = [f"{RAIL_LINES[pi][0]} between {s0} and {s1}" for pi, s0, s1 in meta]
    at_station = rand.u("rail.mode") < 0.75
    k = rand.choice("rail.station", [w for _, _, w in RAIL_STATIONS])
    seg = rand.choice("rail.segment", np.hypot(*(b - a).T))
    t = rand.u("rail.t")[:, None]
    on_line = a[seg] + t * (b[seg] - a[seg])
    jitter = np.where(at_station, 60.0, 20.0)
    x = np.where(at_station, st_xy[k, 0], on_line[:, 0]) + jitter * rand.normal("rail.dx")
    y = np.where(at_station, st_xy[k, 1], on_line[:, 1]) + jitter * rand.normal("rail.dy")
    label = np.where(at_station, pick(st_label, k), pick(seg_label, seg))
    return x, y, {"label": label}


def _thames() -> tuple[LineString, np.ndarray]:
    line = LineString(THAMES)
    limits = np.array([line.project(Point(p)) for p in RNLI_REACH_LIMITS])
    return line, limits


def _sample_river(rand: Rand, geo: Geography, space: Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """RNLI: a station (by share of launches), then a triangular position along its reach of the Thames
    centreline, peaking at the station, a few tens of metres off the centreline."""
    line, limits = _cached(geo, "thames", _thames)
    names = list(RNLI_STATION_XY)
    k = rand.choice("river.station", [RNLI_STATION_SHARE[s] for s in names])
    lo = np.r_[0.0, limits][k]
    hi = np.r_[limits, line.length][k]
    station_pos = np.array([line.project(Point(RNLI_STATION_XY[s])) for s in names])
    mode = np.clip(station_pos, np.r_[0.0, limits], np.r_[limits, line.length])[k]
    u = rand.u("river.pos")
    c = np.where(hi > lo, (mode - lo) / np.maximum(hi - lo, 1e-9), 0.5)
    pos = np.where(u < c, lo + np.sqrt(u * (hi - lo) * (mode - lo)), hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode)))
    p0 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.maximum(pos - 5, 0)))
    p1 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.minimum(pos + 5, line.length)))
    mid = (p0 + p1) / 2
    d = p1 - p0
    normal = np.c_[-d[:, 1], d[:, 0]] / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
    off = 30.0 * rand.normal("river.off")
    return mid[:, 0] + off * normal[:, 0], mid[:, 1] + off * normal[:, 1], {"station": pick(names, k)}


def _sample_bus(rand: Rand, geo: Geography, space: Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """TfL buses: a point along a route (segments weighted by length), within ~15 m of the road."""
    a, b, meta = _segments(BUS_ROUTES)
    seg = rand.choice("bus.segment", np.hypot(*(b - a).T))
    t = rand.u("bus.t")[:, None]
    p = a[seg] + t * (b[seg] - a[seg])
    x = p[:, 0] + 15.0 * rand.normal("bus.dx")
    y = p[:, 1] + 15.0 * rand.normal("bus.dy")
    return x, y, {"route": pick([BUS_ROUTES[pi][0] for pi, _, _ in meta], seg)}


_SAMPLERS = {"area": _sample_area, "rail": _sample_rail, "river": _sample_river, "bus": _sample_bus}

_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@dataclass(frozen=True)
class Publish:
    """How a provider publishes a location: police snap to anonymised map points; LFB rounds to 50 m."""
    coordinates: str          # bng | wgs84
    round_metres: int = 0
    snap_metres: float = 0.0  # police.uk-style anonymisation: one map point per cell

    def apply(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Published (a, b) and the EPSG:27700 point they stand for."""
        if self.snap_metres:
            x, y = _snap(x, y, self.snap_metres)
        if self.coordinates == "wgs84":
            lon, lat = _TO_WGS84.transform(x, y)
            lon, lat = np.round(np.asarray(lon), 6), np.round(np.asarray(lat), 6)
            bx, by = _TO_BNG.transform(lon, lat)
            return lon, lat, np.asarray(bx), np.asarray(by)
        step = self.round_metres or 1
        x, y = np.round(x / step) * step, np.round(y / step) * step
        return x, y, x, y


def _snap(x: np.ndarray, y: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Move each point to its cell's map point (cell centre plus a fixed per-cell offset)."""
    cx, cy = np.floor(x / cell), np.floor(y / cell)
    r = Rand(cell_keys(cx, cy))
    jitter = 0.3 * cell
    return (cx + 0.5) * cell + jitter * (2 * r.u("snap.x") - 1), (cy + 0.5) * cell + jitter * (2 * r.u("snap.y") - 1)


def cell_keys(cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    return (cx.astype(np.int64).astype(np.uint64) << np.uint64(32)) ^ cy.astype(np.int64).astype(np.uint64)


def _region_ok(borough: np.ndarray, region: str) -> np.ndarray:
    if region == "city":
        return borough == CITY_CODE
    ok = np.not_equal(borough, None)
    if region == "not_city":
        ok &= borough != CITY_CODE
    return ok


_FALLBACK_XY = {"city": PLACES["Bank"], "not_city": PLACES["Trafalgar Square"], "london": PLACES["Trafalgar Square"]}


@dataclass
class Located:
    a: np.ndarray          # published coordinates: easting/northing or longitude/latitude
    b: np.ndarray
    x: np.ndarray          # the EPSG:27700 point the published coordinates stand for
    y: np.ndarray
    borough: np.ndarray
    info: dict[str, np.ndarray]  # sampler details (hotspot index, station, route ...)


def locations(rand: Rand, geo: Geography, space: Space, publish: Publish, max_tries: int = 40) -> Located:
    """Sample, publish and locate points, redrawing (new key) any whose published point falls outside
    the region, so every published location is inside London (and inside/outside the City as needed)."""
    n = len(rand)
    out = Located(*(np.full(n, np.nan) for _ in range(4)), np.full(n, None, dtype=object), {})
    pending = np.arange(n)
    sampler = _SAMPLERS[space.kind]
    for attempt in range(max_tries):
        if len(pending) == 0:
            break
        sub = Rand(mix64(rand.keys[pending] ^ np.uint64(attempt)))
        cx, cy, cinfo = sampler(sub, geo, space)
        pa, pb, px, py = publish.apply(cx, cy)
        _, borough = geo.locate(px, py)
        ok = _region_ok(borough, space.region)
        idx = pending[ok]
        out.a[idx], out.b[idx], out.x[idx], out.y[idx], out.borough[idx] = pa[ok], pb[ok], px[ok], py[ok], borough[ok]
        for key, val in cinfo.items():  # rejected ones are overwritten by a later attempt
            out.info.setdefault(key, np.empty(n, dtype=val.dtype))[pending] = val
        pending = pending[~ok]
    if len(pending):  # practically never: park the stragglers at a safe central point
        fx, fy = _FALLBACK_XY[space.region]
        pa, pb, px, py = publish.apply(np.full(len(pending), fx), np.full(len(pending), fy))
        out.a[pending], out.b[pending], out.x[pending], out.y[pending] = pa, pb, px, py
        out.borough[pending] = geo.locate(px, py)[1]
    return out
