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
    ("one year", {"datetime": "2025-01-01/2025-12-31"}),
    ("category", {"filter": "crime_type IN ('Robbery','Burglary')"}),
    ("Fri/Sat nights", {"dow": "5,6", "hour": "21,22,23,0,1,2"}),
    ("one borough", {"area": "borough:E09000033"}),
    ("bbox", {"bbox": "-0.15,51.49,-0.10,51.52"}),
    ("polygon", {"filter": "S_INTERSECTS(geometry, POLYGON((-0.2 51.48, -0.1 51.48, -0.15 51.53, -0.2 51.48)))"}),
]


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
    ds = DATASETS["mps_crime"]
    df = generate_extract(ds, geo, date(2025, 1, 1), date(2026, 1, 1), scale=records / ds.annual_volume, seed=1)
    t0 = time.perf_counter()
    ingest.ingest_frame(engine, ds, df)
    return time.perf_counter() - t0


def measure(url: str) -> dict:
    version = requests.get(f"{url}/auth/conditions", timeout=10).json()["version"]
    tok = requests.post(f"{url}/auth/login", json={"username": "bench.analyst", "password": PASSWORD,
                                                    "conditions_version": version, "purpose": "evaluation"},
                        timeout=30).json()["access_token"]
    h = {"Authorization": f"Bearer {tok}"}
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
    args = ap.parse_args()
    if args.load_only:
        print(f"ingest: {load(args.load_only, args.records):.1f} s")
        return
    tmp = Path(tempfile.mkdtemp(prefix="ssbench"))
    out = []
    if args.backend in ("sqlite", "both"):
        url = str(tmp / "bench.sqlite")
        load_s = load(url, args.records)
        srv = start_server(url, tmp)
        try:
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
                out.append(report("PostgreSQL + PostGIS", load_s, measure(srv.url)))
            finally:
                srv.stop()
        finally:
            pg.stop()
    print("\n".join(out))


if __name__ == "__main__":
    main()
