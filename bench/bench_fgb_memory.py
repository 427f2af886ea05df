"""Time, features/s and peak memory of building one f=fgb extract of everything.

    store/.venv/bin/python bench/bench_store.py --records 1000000 --load-only var/bench-1M.sqlite
    store/.venv/bin/python bench/bench_fgb_memory.py --db var/bench-1M.sqlite [--writer rows]

``--writer columnar`` (default) is the store's ``output.write_fgb``; ``--writer rows`` the row-by-row
writer it replaced (store/tests/fgb_reference.py), for before/after figures from the same database.
``--db`` also takes a postgresql:// URL. Runs in a process of its own so the peak RSS it prints is
the extract's (plus the interpreter); run one process per writer. The store's writer builds the
extract in a child process (``extract_process``): CPU seconds are this process's plus the child's,
peak RSS is the child's (it includes the imports the child starts with, ~120 MiB).
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

from safestats_store import db, extract_process, output, query  # noqa: E402
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
    extract_process.warm()  # as the store does at start-up
    started, cpu0 = time.perf_counter(), _cpu()
    child_cpu, child_peak = 0.0, 0.0
    for _ in range(args.repeat):
        stats: dict[str, float] = {}
        with engine.connect() as conn:
            kwargs = {"stats": stats} if args.writer == "columnar" else {}
            path, rows = write(conn, DATASETS["mps_crime"], db.incident_tables["mps_crime"], where, props, EPSG27700,
                               **kwargs)
        child_cpu += stats.get("cpu_s", 0.0)
        child_peak = max(child_peak, stats.get("peak_rss_mib", 0.0))
        size = os.path.getsize(path)
        os.unlink(path)
    seconds = (time.perf_counter() - started) / args.repeat
    cpu = (_cpu() - cpu0 + child_cpu) / args.repeat
    # the extract runs in a child process (extract_process) when it can: its peak, not this process's
    peak = child_peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| writer | backend | features | seconds | features/s | CPU s | features/CPU-s | peak RSS (MiB) | MB |")
    print(f"| {args.writer} | {engine.dialect.name} | {rows:,} | {seconds:.3f} | {rows / seconds:,.0f} | {cpu:.3f} "
          f"| {rows / cpu:,.0f} | {peak:.0f} | {size / 1e6:.0f} |")


if __name__ == "__main__":
    main()
