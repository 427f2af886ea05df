"""Peak memory and time of building one f=fgb extract of everything (the store's write_fgb).

    store/.venv/bin/python bench/bench_store.py --records 1000000 --load-only var/bench-1M.sqlite
    store/.venv/bin/python bench/bench_fgb_memory.py --db var/bench-1M.sqlite

Runs in a process of its own so the peak RSS it prints is the extract's (plus the interpreter).
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

from sqlalchemy import true  # noqa: E402

from safestats_store import db, output  # noqa: E402
from safestats_store.catalogue import DATASETS  # noqa: E402
from safestats_store.crs import EPSG27700_URI  # noqa: E402
from safestats_store.rights import Grant  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="SQLite path or postgresql:// URL with mps_crime loaded")
    args = ap.parse_args()
    engine = db.make_engine(args.db)
    props = [f.name for f in Grant("mps_crime", "records", None, None, None, None, None).visible_fields()]
    started = time.perf_counter()
    with engine.connect() as conn:
        path, rows = output.write_fgb(conn, DATASETS["mps_crime"], db.incident_tables["mps_crime"], true(), props,
                                      EPSG27700_URI)
    seconds = time.perf_counter() - started
    size = os.path.getsize(path)
    os.unlink(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| {rows:,} | {seconds:.1f} | {peak:.0f} | {size / 1e6:.0f} |")


if __name__ == "__main__":
    main()
