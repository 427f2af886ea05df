"""Time, features/s and peak memory of building one f=fgb extract of everything.

    store/.venv/bin/python bench/bench_store.py --records 1000000 --load-only var/bench-1M.sqlite
    store/.venv/bin/python bench/bench_fgb_memory.py --db var/bench-1M.sqlite [--writer rows]

``--writer columnar`` (default) is the store's ``output.write_fgb``; ``--writer rows`` the row-by-row
writer it replaced (store/tests/fgb_reference.py), for before/after figures from the same database.
``--db`` also takes a postgresql:// URL. Runs in a process of its own so the peak RSS it prints is
the extract's (plus the interpreter); run one process per writer.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "store"))
sys.path.insert(0, str(ROOT / "store" / "tests"))

from sqlalchemy import true  # noqa: E402

from safestats_store import db, output, query  # noqa: E402
from safestats_store.catalogue import DATASETS  # noqa: E402
from safestats_store.crs import EPSG27700_URI as EPSG27700  # noqa: E402
from safestats_store.rights import Grant  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process (all threads): on a shared machine the honest measure of work done."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="SQLite path or postgresql:// URL with mps_crime loaded")
    ap.add_argument("--writer", choices=["columnar", "rows"], default="columnar")
    ap.add_argument("--datetime", help="only this interval, e.g. 2025-06-01T00:00:00Z/2025-06-30T23:59:59Z")
    ap.add_argument("--area", help="only this area, e.g. borough:E09000033")
    ap.add_argument("--repeat", type=int, default=1, help="build it this many times (figures per build)")
    args = ap.parse_args()
    if args.writer == "rows":
        from fgb_reference import write_fgb_rows as write
    else:
        write = output.write_fgb
    engine = db.make_engine(args.db)
    grant = Grant("mps_crime", "records", None, None, None, None, None)
    props = [f.name for f in grant.visible_fields()]
    where = true()
    if args.datetime or args.area:
        prm = {k: v for k, v in (("datetime", args.datetime), ("area", args.area)) if v}
        where = query.build(DATASETS["mps_crime"], grant, prm, engine.dialect.name).where
    started, cpu0 = time.perf_counter(), _cpu()
    for _ in range(args.repeat):
        with engine.connect() as conn:
            path, rows = write(conn, DATASETS["mps_crime"], db.incident_tables["mps_crime"], where, props, EPSG27700)
        size = os.path.getsize(path)
        os.unlink(path)
    seconds, cpu = (time.perf_counter() - started) / args.repeat, (_cpu() - cpu0) / args.repeat
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| writer | backend | features | seconds | features/s | CPU s | features/CPU-s | peak RSS (MiB) | MB |")
    print(f"| {args.writer} | {engine.dialect.name} | {rows:,} | {seconds:.3f} | {rows / seconds:,.0f} | {cpu:.3f} "
          f"| {rows / cpu:,.0f} | {peak:.0f} | {size / 1e6:.0f} |")


if __name__ == "__main__":
    main()
