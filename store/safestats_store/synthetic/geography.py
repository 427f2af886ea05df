"""The synthetic geography: boroughs as a power diagram clipped to the London outline, wards as
Lloyd-relaxed Voronoi cells, and point location (borough/ward of a point)."""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from .tables import BOROUGH_FACTS, BoroughFact, CITY_CODE, CITY_OUTLINE, LONDON_OUTLINE, WARD_NAMES

@dataclass(frozen=True)
class Area:
    """A borough or ward boundary in EPSG:27700."""
    code: str
    name: str
    level: str                  # "borough" | "ward"
    parent_code: str | None     # ward -> its borough code
    geometry: BaseGeometry      # Polygon or MultiPolygon, valid


@dataclass
class Geography:
    """London's boroughs and wards, with a fast vectorised point-in-area lookup."""
    boroughs: list[Area]
    wards: list[Area]
    _by_code: dict[str, Area] = field(init=False, repr=False, compare=False)
    _index: _LocateIndex | None = field(default=None, init=False, repr=False, compare=False)
    _cache: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_code = {a.code: a for a in [*self.boroughs, *self.wards]}

    def area(self, code: str) -> Area:
        """The borough or ward with this code (KeyError if unknown)."""
        return self._by_code[code]

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ward and borough codes (object arrays, None outside London) of EPSG:27700 points."""
        if self._index is None:
            self._index = _LocateIndex(self.boroughs, self.wards)
        return self._index.locate(np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float)))


class _LocateIndex:
    """Point lookup: a 100 m grid answers points in cells lying inside one ward; the rest (boundary
    cells) go to an STRtree 'intersects' query. Points on a shared edge get the first ward listed."""

    CELL = 100.0

    def __init__(self, boroughs: Sequence[Area], wards: Sequence[Area]) -> None:
        self.ward_codes = np.array([w.code for w in wards] + [None], dtype=object)
        self.ward_parent = np.array([w.parent_code for w in wards] + [None], dtype=object)
        self.borough_codes = np.array([b.code for b in boroughs] + [None], dtype=object)
        self.ward_tree = STRtree([w.geometry for w in wards])
        self.borough_tree = STRtree([b.geometry for b in boroughs])
        geoms = [w.geometry for w in wards] or [b.geometry for b in boroughs]
        minx, miny, maxx, maxy = shapely.total_bounds(geoms) if geoms else (0.0, 0.0, 0.0, 0.0)
        self.x0, self.y0 = minx, miny
        self.nx = max(1, int(math.ceil((maxx - minx) / self.CELL)))
        self.ny = max(1, int(math.ceil((maxy - miny) / self.CELL)))
        self.grid = np.full(self.nx * self.ny, -1, dtype=np.int64)
        if wards:
            j, i = np.divmod(np.arange(self.nx * self.ny), self.nx)
            bx, by = self.x0 + i * self.CELL, self.y0 + j * self.CELL
            boxes = shapely.box(bx, by, bx + self.CELL, by + self.CELL)
            cell_idx, ward_idx = self.ward_tree.query(boxes, predicate="within")
            self.grid[cell_idx] = ward_idx

    def _first_hit(self, tree: STRtree, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the first tree geometry intersecting each point, -1 for none."""
        out = np.full(len(x), -1, dtype=np.int64)
        if len(x) == 0:
            return out
        pt_idx, geom_idx = tree.query(shapely.points(x, y), predicate="intersects")
        if len(pt_idx) == 0:
            return out
        order = np.lexsort((geom_idx, pt_idx))
        pt_idx, geom_idx = pt_idx[order], geom_idx[order]
        first = np.r_[True, pt_idx[1:] != pt_idx[:-1]]
        out[pt_idx[first]] = geom_idx[first]
        return out

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(x)
        ward = np.full(n, -1, dtype=np.int64)
        finite = np.isfinite(x) & np.isfinite(y)
        with np.errstate(invalid="ignore"):  # huge coordinates overflow int64: they land outside the grid
            i = np.floor((np.where(finite, x, self.x0 - 1) - self.x0) / self.CELL).astype(np.int64)
            j = np.floor((np.where(finite, y, self.y0 - 1) - self.y0) / self.CELL).astype(np.int64)
        inside = finite & (i >= 0) & (i < self.nx) & (j >= 0) & (j < self.ny)
        ward[inside] = self.grid[j[inside] * self.nx + i[inside]]
        todo = np.flatnonzero(inside & (ward < 0))
        ward[todo] = self._first_hit(self.ward_tree, x[todo], y[todo])
        ward_codes = self.ward_codes[ward]
        borough_codes = self.ward_parent[ward]
        lost = np.flatnonzero(finite & (ward < 0))
        if len(lost):  # not in any ward (or no wards): try the boroughs themselves
            borough_codes[lost] = self.borough_codes[self._first_hit(self.borough_tree, x[lost], y[lost])]
        return ward_codes, borough_codes


def _clip_halfplane(poly: np.ndarray, a: np.ndarray, b: float) -> np.ndarray:
    """Sutherland-Hodgman: the part of convex polygon `poly` (k x 2) where a.x <= b."""
    if len(poly) == 0:
        return poly
    s = poly @ a - b
    out: list[np.ndarray] = []
    k = len(poly)
    for idx in range(k):
        p, q = poly[idx], poly[(idx + 1) % k]
        sp, sq = s[idx], s[(idx + 1) % k]
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            out.append(p + (q - p) * (sp / (sp - sq)))
    return np.array(out) if out else np.empty((0, 2))


def _power_cells(sites: np.ndarray, weights: np.ndarray, frame: Polygon) -> list[Polygon]:
    """Power diagram (additively weighted Voronoi) cells of `sites`, each a convex polygon in `frame`."""
    minx, miny, maxx, maxy = frame.bounds
    box = np.array([[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy]], dtype=float)
    norms = (sites ** 2).sum(axis=1)
    cells = []
    for i in range(len(sites)):
        poly = box
        for j in range(len(sites)):
            if i != j:
                a = 2.0 * (sites[j] - sites[i])
                b = norms[j] - norms[i] - weights[j] + weights[i]
                poly = _clip_halfplane(poly, a, b)
        cells.append(Polygon(poly) if len(poly) >= 3 else Polygon())
    return cells


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts of a geometry (intersections can add slivers of lower dimension)."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polys = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polys) if len(polys) > 1 else (polys[0] if polys else Polygon())


def london_outline() -> Polygon:
    """The hand-drawn Greater London outline, corners rounded."""
    return Polygon(LONDON_OUTLINE).buffer(-600, quad_segs=4).buffer(600, quad_segs=4).simplify(5)


@dataclass(frozen=True)
class _PowerDiagram:
    sites: np.ndarray    # k x 2
    weights: np.ndarray  # k
    raw_cells: list[Polygon]

    def owner(self, pts: np.ndarray) -> np.ndarray:
        """Index of the cell containing each point: argmin of |p - site|^2 - weight."""
        d = ((pts[:, None, :] - self.sites[None, :, :]) ** 2).sum(axis=2) - self.weights[None, :]
        return np.argmin(d, axis=1)


def _borough_power_diagram(outline: Polygon, city: Polygon, others: Sequence[BoroughFact],
                           iterations: int = 40) -> _PowerDiagram:
    """Power diagram of the borough centroids with weights tuned (fixed-point iteration) so that each
    cell, clipped to the outline and with the City cut out, approaches the borough's real area."""
    sites = np.array([[b.x, b.y] for b in others], dtype=float)
    target = np.array([b.area_km2 for b in others]) * 1e6
    target *= (outline.area - city.area) / target.sum()
    weights = np.zeros(len(others))
    frame = outline.envelope.buffer(5000).envelope
    for _ in range(iterations):
        cells = [c.intersection(outline).difference(city) for c in _power_cells(sites, weights, frame)]
        areas = np.array([c.area for c in cells])
        perimeter = np.array([max(c.length, 1.0) for c in cells])
        weights += 0.8 * (target - areas) / perimeter * 3000.0
        weights -= weights.mean()
    return _PowerDiagram(sites, weights, _power_cells(sites, weights, frame))


def _seed_points(poly: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n random points inside poly (rejection in its bounding box)."""
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    pts: list[np.ndarray] = []
    count = 0
    while count < n:
        cand = rng.uniform([minx, miny], [maxx, maxy], size=(4 * n, 2))
        keep = cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]
        pts.append(keep)
        count += len(keep)
    return np.concatenate(pts)[:n]


def _ward_seeds(borough: BaseGeometry, n: int, rng: np.random.Generator, lloyd: int = 6) -> np.ndarray:
    """n random seeds in the borough, moved `lloyd` times to the centroid of their clipped Voronoi cell
    (Lloyd relaxation: evenly sized, compact wards)."""
    seeds = _seed_points(borough, n, rng)
    frame = borough.envelope.buffer(2000)
    for _ in range(lloyd):
        vor = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
        cells = [c.intersection(borough) for c in vor.geoms]
        cents = np.array([[c.centroid.x, c.centroid.y] if not c.is_empty else s for c, s in zip(cells, seeds)])
        inside = shapely.contains_xy(borough, cents[:, 0], cents[:, 1])
        seeds = np.where(inside[:, None], cents, seeds)
    return seeds


def _build_geography() -> Geography:
    """Boroughs from the power diagram, wards from Voronoi diagrams of seeds in each borough. All
    boundary lines are noded together and polygonized, and every face is given to a borough (power
    rule, or the City polygon) and a ward (nearest seed of that borough), so boroughs and wards are
    unions of the same faces: an exact coverage, no gaps, no overlaps, shared vertices."""
    outline, city = london_outline(), Polygon(CITY_OUTLINE)
    others = [b for b in BOROUGH_FACTS if b.code != CITY_CODE]
    power = _borough_power_diagram(outline, city, others)
    approx = {b.code: _polygonal(shapely.make_valid(c.intersection(outline).difference(city)))
              for b, c in zip(others, power.raw_cells)}
    approx[CITY_CODE] = city

    lines: list[BaseGeometry] = [outline.boundary, city.boundary, *[c.boundary for c in power.raw_cells]]
    seeds: dict[str, np.ndarray] = {}
    for bi, fact in enumerate(BOROUGH_FACTS):
        poly = approx[fact.code]
        seeds[fact.code] = _ward_seeds(poly, len(WARD_NAMES[fact.code]), np.random.default_rng([20260101, bi]))
        edges = shapely.voronoi_polygons(shapely.multipoints(seeds[fact.code]), extend_to=poly.envelope.buffer(2000),
                                         only_edges=True)
        lines.append(edges.intersection(poly.buffer(5.0)))  # overshoot: dangles outside are dropped
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    inner = np.array([[p.x, p.y] for p in shapely.point_on_surface(faces)])
    keep = shapely.contains_xy(outline, inner[:, 0], inner[:, 1])
    faces, inner = faces[keep], inner[keep]

    other_codes = np.array([b.code for b in others], dtype=object)
    face_borough = np.where(shapely.contains_xy(city, inner[:, 0], inner[:, 1]), CITY_CODE,
                            other_codes[power.owner(inner)])
    boroughs: list[Area] = []
    wards: list[Area] = []
    for fact in BOROUGH_FACTS:
        mine = face_borough == fact.code
        s = seeds[fact.code]
        nearest = np.argmin(((inner[mine][:, None, :] - s[None, :, :]) ** 2).sum(axis=2), axis=1)
        geoms = [shapely.union_all(faces[mine][nearest == k]) for k in range(len(s))]
        boroughs.append(Area(fact.code, fact.name, "borough", None, shapely.union_all(faces[mine])))
        # name wards north to south so that the listing order is stable and readable
        order = np.argsort([-g.centroid.y if not g.is_empty else 0.0 for g in geoms], kind="stable")
        for name, k in zip(WARD_NAMES[fact.code], order):
            wards.append(Area(f"E05{900001 + len(wards):06d}", name, "ward", fact.code, geoms[k]))
    return Geography(boroughs, wards)


@functools.lru_cache(maxsize=1)
def build_geography() -> Geography:
    """The synthetic London geography: 33 real-coded boroughs, ~680 wards. Deterministic and cached."""
    return _build_geography()
