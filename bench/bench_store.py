"""Store benchmark: count latency, f=fgb throughput and GeoJSON paging throughput on ~1M MPS
points, for the SQLite and the PostgreSQL/PostGIS backends.

    store/.venv/bin/python bench/bench_store.py --records 1000000 [--backend sqlite|postgis|both]

Loads one synthetic year of MPS crime scaled to --records into a fresh database per backend
(PostGIS: a throwaway cluster started like the tests do), starts a real store process on
127.0.0.1 and measures with `requests`. Prints a Markdown table (paste into bench/README.md).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "store" / "tests"))
sys.path.insert(0, str(ROOT / "store"))

from conftest import PASSWORD, start_server  # noqa: E402
from safestats_store import accounts, admin, conditions, db, ingest  # noqa: E402
from safestats_store.boundaries import save_geography  # noqa: E402
from safestats_store.catalogue import DATASETS  # noqa: E402
from safestats_store.synthetic import build_geography, generate_extract  # noqa: E402

COUNT_QUERIES = [
    ("all", {}),
    ("one year", {"datetime": "2025-04-01/2026-03-31"}),
    ("category", {"filter": "crime_type IN ('Robbery','Burglary')"}),
    ("Fri/Sat nights", {"dow": "5,6", "hour": "21,22,23,0,1,2"}),
    ("one borough", {"area": "borough:E09000033"}),
    ("bbox", {"bbox": "-0.15,51.49,-0.10,51.52"}),
    ("polygon", {"filter": "S_INTERSECTS(geometry, POLYGON((-0.2 51.48, -0.1 51.48, -0.15 51.53, -0.2 51.48)))"}),
]
# counts-only cells (closed table + cell-key perturbation), asked by a counts-only user
CELL_QUERIES = [
    ("month, London", {"period": "2025-06"}),
    ("financial year, London", {"period": "FY2025"}),
    ("month, one category", {"period": "2025-06", "category": "Robbery"}),
    ("month, one borough", {"period": "2025-06", "area": "borough:E09000033"}),
    ("month, one ward", {"period": "2025-06", "area": "ward:{ward}"}),
    ("month, category, borough", {"period": "2025-06", "category": "Burglary", "area": "borough:E09000007"}),
]
CELL_REPEATS = 20


def load(db_url: str, records: int) -> float:
    engine = db.make_engine(db_url)
    db.create_schema(engine)
    geo = build_geography()
    with engine.begin() as conn:
        conditions.publish(conn, conditions.DEFAULT_VERSION, conditions.DEFAULT_TITLE, conditions.DEFAULT_TEXT)
        save_geography(conn, geo)
        admin.add_organisation(conn, "mopac", "MOPAC", "government")
        admin.add_agreement(conn, "mopac", "bench", date(2024, 1, 1), date(2030, 1, 1), [admin.GrantSpec("mps_crime")])
        accounts.create_user(conn, "bench.analyst", "Bench", "mopac", "analyst", PASSWORD)
        admin.add_organisation(conn, "tfl", "TfL", "agency")
        admin.add_agreement(conn, "tfl", "bench", date(2024, 1, 1), date(2030, 1, 1),
                            [admin.GrantSpec("mps_crime", access="aggregate")])
        accounts.create_user(conn, "tfl.bench", "Bench (counts only)", "tfl", "analyst", PASSWORD)
    ds = DATASETS["mps_crime"]
    # April 2025 to April 2026: FY2025 is whole (and ~the same volume as one calendar year)
    df = generate_extract(ds, geo, date(2025, 4, 1), date(2026, 4, 1), scale=records / ds.annual_volume, seed=1)
    t0 = time.perf_counter()
    ingest.ingest_frame(engine, ds, df)
    return time.perf_counter() - t0


def _headers(url: str, username: str) -> dict[str, str]:
    version = requests.get(f"{url}/auth/conditions", timeout=10).json()["version"]
    tok = requests.post(f"{url}/auth/login", json={"username": username, "password": PASSWORD,
                                                    "conditions_version": version, "purpose": "evaluation"},
                        timeout=30).json()["access_token"]
    return {"Authorization": f"Bearer {tok}"}


def measure_cells(url: str) -> dict:
    """Counts-only /count: six cells asked CELL_REPEATS times each, interleaved (a count preview asking
    again): one answer per cell, and repeats are served from the store's cell cache."""
    h = _headers(url, "tfl.bench")
    wards = requests.get(f"{url}/collections/wards/items", params={"limit": 1, "parent_code": "E09000033"},
                         headers=h, timeout=60).json()["features"]
    ward = wards[0]["id"]
    times: dict[str, list[float]] = {name: [] for name, _ in CELL_QUERIES}
    answers: dict[str, set] = {name: set() for name, _ in CELL_QUERIES}
    for _ in range(CELL_REPEATS):
        for name, params in CELL_QUERIES:
            prm = {k: v.format(ward=ward) for k, v in params.items()}
            t0 = time.perf_counter()
            r = requests.get(f"{url}/collections/mps_crime/count", params=prm, headers=h, timeout=300)
            times[name].append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
            answers[name].add(r.json()["numberMatched"])
    assert all(len(a) == 1 for a in answers.values()), answers  # one cell, one answer
    every = sorted(t for ts in times.values() for t in ts)
    return {"cells": {n: (statistics.median(ts), _p95(ts), next(iter(answers[n]))) for n, ts in times.items()},
            "p95": _p95(every), "calls": len(every)}


def measure_distinct_cells(url: str) -> dict:
    """Counts-only /count over distinct cells, each asked once (no cache help): for each month of
    FY2025 London, 3 boroughs, 3 wards, a category, a category in a borough; plus FY2025 for London
    and 3 boroughs. p95 of these first asks is the count preview's cost on cells nobody asked before."""
    h = _headers(url, "tfl.bench")
    wards = [f["id"] for f in requests.get(f"{url}/collections/wards/items", params={"limit": 3,
             "parent_code": "E09000007"}, headers=h, timeout=60).json()["features"]]
    boroughs = ["E09000033", "E09000007", "E09000028"]
    cells: list[tuple[str, dict[str, str]]] = []
    for m in [f"2025-{i:02d}" for i in range(4, 13)] + [f"2026-{i:02d}" for i in range(1, 4)]:
        cells.append(("month", {"period": m}))
        cells += [("month × borough", {"period": m, "area": f"borough:{b}"}) for b in boroughs]
        cells += [("month × ward", {"period": m, "area": f"ward:{w}"}) for w in wards]
        cells.append(("month × category", {"period": m, "category": "Violence and sexual offences"}))
        cells.append(("month × category × borough", {"period": m, "category": "Shoplifting",
                                                     "area": "borough:E09000033"}))
    cells.append(("financial year", {"period": "FY2025"}))
    cells += [("financial year × borough", {"period": "FY2025", "area": f"borough:{b}"}) for b in boroughs]
    by_kind: dict[str, list[float]] = {}
    for kind, prm in cells:
        t0 = time.perf_counter()
        r = requests.get(f"{url}/collections/mps_crime/count", params=prm, headers=h, timeout=300)
        by_kind.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text
    every = [t for ts in by_kind.values() for t in ts]
    return {"kinds": {k: (statistics.median(ts), max(ts), len(ts)) for k, ts in by_kind.items()},
            "p95": _p95(every), "calls": len(every)}


def report_distinct(name: str, res: dict) -> str:
    lines = [f"### {name}: counts-only /count, {res['calls']} distinct cells asked once (cold)", "",
             f"p95: **{res['p95']:.1f} ms**", "", "| cell kind | cells | median (ms) | max (ms) |",
             "|---|---:|---:|---:|"]
    lines += [f"| {k} | {n} | {med:.1f} | {mx:.1f} |" for k, (med, mx, n) in res["kinds"].items()]
    return "\n".join(lines + [""])


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def measure(url: str) -> dict:
    h = _headers(url, "bench.analyst")
    out: dict = {"count": {}}
    for name, params in COUNT_QUERIES:
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            r = requests.get(f"{url}/collections/mps_crime/count", params=params, headers=h, timeout=300)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
        out["count"][name] = (statistics.median(times), r.json()["numberMatched"])
    t0 = time.perf_counter()
    r = requests.get(f"{url}/collections/mps_crime/items", params={"f": "fgb",
                     "crs": "http://www.opengis.net/def/crs/EPSG/0/27700"}, headers=h, timeout=1800, stream=True)
    size = sum(len(c) for c in r.iter_content(1 << 20))
    dt = time.perf_counter() - t0
    n = int(r.headers["X-SafeStats-Count"])
    out["fgb"] = (n, dt, size)
    # GeoJSON paging (how QGIS's native provider reads): 10 pages of 10,000, extrapolated
    t0 = time.perf_counter()
    got, nxt = 0, f"{url}/collections/mps_crime/items?limit=10000"
    for _ in range(10):
        page = requests.get(nxt, headers=h, timeout=300).json()
        got += len(page["features"])
        nxt = next(link["href"] for link in page["links"] if link["rel"] == "next")
    dt = time.perf_counter() - t0
    out["geojson"] = (got, dt)
    return out


def report_cells(name: str, res: dict) -> str:
    lines = [f"### {name}: counts-only /count, the same cells asked {CELL_REPEATS} times (cell cache)", "",
             f"p95 over all {res['calls']} calls: **{res['p95']:.1f} ms**", "",
             "| cell | median (ms) | p95 (ms) | published (identical every time) |", "|---|---:|---:|---:|"]
    lines += [f"| {q} | {med:.1f} | {p95:.1f} | {v if v is not None else 'suppressed'} |"
              for q, (med, p95, v) in res["cells"].items()]
    return "\n".join(lines + [""])


def report(name: str, load_s: float, res: dict) -> str:
    lines = [f"### {name}", "", f"ingest of {res['fgb'][0]:,} records: {load_s:.1f} s", "",
             "| count query | median latency (ms) | matched |", "|---|---:|---:|"]
    lines += [f"| {q} | {ms:.1f} | {n:,} |" for q, (ms, n) in res["count"].items()]
    n, dt, size = res["fgb"]
    g, gdt = res["geojson"]
    lines += ["", "| bulk path | features | seconds | features/s | MB |", "|---|---:|---:|---:|---:|",
              f"| f=fgb (all, one request) | {n:,} | {dt:.1f} | {n / dt:,.0f} | {size / 1e6:.0f} |",
              f"| GeoJSON paging (10 × 10,000) | {g:,} | {gdt:.1f} | {g / gdt:,.0f} | – |", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=["sqlite", "postgis", "both"], default="both")
    ap.add_argument("--load-only", metavar="SQLITE_PATH", help="only build a SQLite bench database and exit")
    ap.add_argument("--cells-only", action="store_true", help="only the counts-only /count cells (no bulk paths)")
    ap.add_argument("--reuse", metavar="SQLITE_PATH", help="measure the cells on a bench database built before "
                                                          "(by --load-only or an earlier run) instead of loading one")
    args = ap.parse_args()
    if args.load_only:
        print(f"ingest: {load(args.load_only, args.records):.1f} s")
        return
    if args.reuse:
        srv = start_server(args.reuse, Path(tempfile.mkdtemp(prefix="ssbench")))
        try:
            print(report_distinct("SQLite (reused database)", measure_distinct_cells(srv.url)))
            print(report_cells("SQLite (reused database)", measure_cells(srv.url)))
        finally:
            srv.stop()
        return
    tmp = Path(tempfile.mkdtemp(prefix="ssbench"))
    out = []
    if args.backend in ("sqlite", "both"):
        url = str(tmp / "bench.sqlite")
        load_s = load(url, args.records)
        srv = start_server(url, tmp)
        try:
            out.append(f"SQLite ingest: {load_s:.1f} s\n")
            out.append(report_distinct("SQLite", measure_distinct_cells(srv.url)))
            out.append(report_cells("SQLite", measure_cells(srv.url)))
            if not args.cells_only:
                out.append(report("SQLite", load_s, measure(srv.url)))
        finally:
            srv.stop()
    if args.backend in ("postgis", "both"):
        from pg import start_postgis
        pg = start_postgis(None)
        try:
            url = pg.url.replace("postgresql+psycopg://", "postgresql://")
            load_s = load(url, args.records)
            srv = start_server(url, tmp)
            try:
                out.append(f"PostgreSQL + PostGIS ingest: {load_s:.1f} s\n")
                out.append(report_distinct("PostgreSQL + PostGIS", measure_distinct_cells(srv.url)))
                out.append(report_cells("PostgreSQL + PostGIS", measure_cells(srv.url)))
                if not args.cells_only:
                    out.append(report("PostgreSQL + PostGIS", load_s, measure(srv.url)))
            finally:
                srv.stop()
        finally:
            pg.stop()
    print("\n".join(out))


if __name__ == "__main__":
    main()
