"""Short form of bench/load_test.py (CI): 10 simulated analysts for 20 s against a 2-worker store
on the PostGIS demo database. Zero errors, and count p95 within a bound loose enough for a shared
2-core CI machine (SAFESTATS_LOAD_COUNT_P95_MS, default 500 ms; the full run's target is 150 ms,
see bench/README.md). Memory: the store's RSS must not keep growing through the run."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from safety_support import pg_demo_url

BENCH = Path(__file__).resolve().parents[2] / "bench" / "load_test.py"


def _load_test_module():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("load_test", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = mod  # dataclasses look their module up while the class is built
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_short_load_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    lt = _load_test_module()
    rep = lt.run(users=int(os.environ.get("SAFESTATS_LOAD_USERS", "10")),
                 duration=float(os.environ.get("SAFESTATS_LOAD_SECONDS", "20")), workers=2,
                 db_url=pg_demo_url(tmp_path_factory), sample_every=2.0, log_dir=tmp_path_factory.mktemp("load"))
    print("\n" + lt.render(rep))
    assert rep["errors"] == 0, rep["error_samples"]
    assert rep["kinds"]["count"]["requests"] >= 50 and rep["kinds"]["items"]["requests"] >= 10
    assert rep["kinds"]["fgb"]["requests"] >= 2
    assert rep["kinds"]["count"]["p95_ms"] < float(os.environ.get("SAFESTATS_LOAD_COUNT_P95_MS", "500"))
    s = rep["rss_summary"]
    assert s["end"] < s["after_warmup_first"] * 1.5 + 50, rep["rss_mib"]
