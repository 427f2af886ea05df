#!/usr/bin/env python3
"""Load test of the SafeStats store: N simulated analysts against a PostGIS-backed store.

Bounded by design: it only talks to 127.0.0.1 (refuses any other address), every loop stops at
the deadline (--duration, capped at one hour), and every request has a timeout.

Each simulated analyst signs in (Argon2 + conditions), then loops with a short think time over a
mix of requests drawn from what its organisation's agreement allows:
  count       GET /collections/{id}/count with a random filter     (~55 %)
              (counts-only agreements: a random cell of the closed table)
  items       GET /collections/{id}/items  one GeoJSON page          (~25 %)
  fgb         GET /collections/{id}/items?f=fgb one month, bulk     (~10 %)
  aggregates  GET /collections/{id}/aggregates by ward/hex           (~7 %)
  signin      POST /auth/login again (a new session)                 (~3 %)
It reports throughput, p50/p95/p99 per kind, errors (any non-2xx or transport error) and the
store's RSS (master + workers) sampled every few seconds.

Usage (from the repository root; store/.venv has everything):
  store/.venv/bin/python bench/load_test.py                      # 50 users x 300 s, 2 workers, own PostGIS
  store/.venv/bin/python bench/load_test.py --users 10 --duration 20
  store/.venv/bin/python bench/load_test.py --db postgresql://postgres@127.0.0.1:5432/safestats  # existing demo db
  store/.venv/bin/python bench/load_test.py --url http://127.0.0.1:8765   # a store already running here
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "store"
PASSWORD = "test-Password-2026"  # the demo password the test/bench databases are made with
MAX_DURATION = 3600
USERS = ["mopac.analyst", "westminster.analyst", "camden.analyst", "hackney.analyst", "tfl.analyst",
         "mps.analyst", "gla.analyst", "southwark.analyst", "lambeth.analyst", "newham.analyst"]
FILTERS = [{}, {"hour": "18,19,20,21,22"}, {"dow": "6,7"}, {"datetime": "2025-01-01/2025-06-30"},
           {"filter": "hour >= 20 OR hour < 4"}, {"bbox": "-0.2,51.45,-0.05,51.55"},
           {"area": "borough:E09000033,borough:E09000028"}]
# counts-only agreements ask cells of the closed table (docs/api.md): a period, maybe a category or one area
CELLS = [{"period": "2025-03"}, {"period": "2025-06"}, {"period": "FY2024"},
         {"period": "2025-01", "area": "borough:E09000033"}, {"period": "FY2024", "area": "borough:E09000028"}]
KINDS = ["count", "items", "fgb", "aggregates", "signin"]
WEIGHTS = [55, 25, 10, 7, 3]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    error_samples: list[str] = field(default_factory=list)
    bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "", size: int = 0) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.bytes += size
            if not ok:
                self.errors[kind] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{kind}: {detail[:200]}")


def _loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
        raise SystemExit(f"refusing to load-test {host}: this tool only targets 127.0.0.1")


def _login(url: str, session: requests.Session, user: str) -> dict[str, Any]:
    version = session.get(f"{url}/auth/conditions", timeout=30).json()["version"]
    r = session.post(f"{url}/auth/login", json={"username": user, "password": PASSWORD, "conditions_version": version,
                                                "purpose": "crime_prevention"}, timeout=60)
    r.raise_for_status()
    return r.json()


def analyst(url: str, user: str, deadline: float, stats: Stats, seed: int,
            think: tuple[float, float] = (0.05, 0.3)) -> None:
    rnd = random.Random(seed)
    s = requests.Session()
    try:
        tokens = _login(url, s, user)
    except Exception as exc:  # noqa: BLE001 - counted as an error, the run goes on
        stats.record("signin", 0.0, False, f"{user}: {exc}")
        return
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = s.get(f"{url}/auth/me", headers=headers, timeout=30).json()["agreement"]["datasets"]
    records = [d for d, a in me.items() if a == "records"]
    anyds = list(me)
    while time.monotonic() < deadline:
        kind = rnd.choices(KINDS, WEIGHTS)[0]
        if kind in ("items", "fgb") and not records:
            kind = "count"
        ds = rnd.choice(records if kind in ("items", "fgb") else anyds)
        prm = dict(rnd.choice(FILTERS if me[ds] == "records" else CELLS))
        t0 = time.perf_counter()
        try:
            if kind == "signin":
                tokens = _login(url, s, user)
                headers = {"Authorization": f"Bearer {tokens['access_token']}"}
                stats.record(kind, time.perf_counter() - t0, True)
            else:
                path = {"count": "count", "items": "items", "fgb": "items", "aggregates": "aggregates"}[kind]
                if kind == "items":
                    prm.update(limit=str(rnd.choice([100, 500, 1000])), offset=str(rnd.choice([0, 0, 100, 1000])))
                elif kind == "fgb":
                    month = rnd.randint(1, 12)
                    prm = {"f": "fgb", "datetime": f"2025-{month:02d}-01/2025-{month:02d}-28",
                           "crs": "http://www.opengis.net/def/crs/EPSG/0/27700"}
                elif kind == "aggregates":
                    prm.pop("area", None)  # aggregates list every area (counts only: no area parameter)
                    prm["by"] = rnd.choice(["ward", "borough", "hex"])
                    if prm["by"] == "hex" and me[ds] != "records":
                        prm["size"] = rnd.choice(["500", "1000", "2000"])
                r = s.get(f"{url}/collections/{ds}/{path}", params=prm, headers=headers, timeout=120)
                body = r.content
                ok = r.status_code == 200
                stats.record(kind, time.perf_counter() - t0, ok, f"{r.status_code} {ds} {prm} {body[:120]!r}",
                             len(body))
                if r.status_code == 401:  # access token expired on a long run: refresh
                    rr = s.post(f"{url}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=30)
                    if rr.status_code == 200:
                        tokens = rr.json()
                        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        except Exception as exc:  # noqa: BLE001
            stats.record(kind, time.perf_counter() - t0, False, f"{type(exc).__name__}: {exc}")
        time.sleep(rnd.uniform(*think))  # think time


def _rss_tree(pid: int) -> int:
    import psutil
    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))]


def start_store(db_url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    sys.path.insert(0, str(STORE / "tests"))
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fh = open(log, "w")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen([sys.executable, "-m", "safestats_store.cli", "serve", "--db", db_url, "--host",
                             "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                            cwd=STORE, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text()[-2000:])
        try:
            if requests.get(url + "/", timeout=2).status_code == 200:
                return proc, url
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("store did not start")


def make_postgis_demo(scale: float) -> tuple[str, Any]:
    """A throwaway PostGIS cluster (store/tests/pg.py) with the demo loaded."""
    sys.path.insert(0, str(STORE / "tests"))
    from pg import start_postgis
    pg = start_postgis()
    url = pg.url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run([sys.executable, "-m", "safestats_store.cli", "demo", "--db", url, "--scale", str(scale),
                    "--password", PASSWORD], cwd=STORE, check=True, capture_output=True, timeout=1800)
    return url, pg


def run(*, users: int = 50, duration: float = 300, workers: int = 2, db_url: str | None = None,
        url: str | None = None, scale: float = 0.01, sample_every: float = 5.0, seed: int = 1,
        log_dir: Path | None = None, progress: bool = False, think: tuple[float, float] = (0.05, 0.3)
        ) -> dict[str, Any]:
    duration = min(float(duration), MAX_DURATION)
    pg = proc = None
    if url is None:
        if db_url is None:
            db_url, pg = make_postgis_demo(scale)
        log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
        proc, url = start_store(db_url, workers, log_dir / f"load-store-{os.getpid()}.log")
    _loopback_only(url)
    stats = Stats()
    rss: list[tuple[float, int]] = []
    try:
        start = time.monotonic()
        deadline = start + duration
        threads = [threading.Thread(target=analyst, args=(url, USERS[i % len(USERS)], deadline, stats, seed + i,
                                                          think), daemon=True) for i in range(users)]
        for t in threads:
            t.start()
            time.sleep(min(0.05, duration / 100))  # ramp up
        while time.monotonic() < deadline:
            if proc is not None:
                rss.append((round(time.monotonic() - start, 1), _rss_tree(proc.pid)))
            if progress:
                done = sum(len(v) for v in stats.latencies.values())
                print(f"  t={time.monotonic() - start:5.0f}s requests={done} errors={sum(stats.errors.values())}"
                      + (f" rss={rss[-1][1] / 2**20:.0f} MiB" if rss else ""), flush=True)
            time.sleep(min(sample_every, max(0.1, deadline - time.monotonic())))
        for t in threads:
            t.join(150)
        elapsed = time.monotonic() - start
        if proc is not None:
            rss.append((round(elapsed, 1), _rss_tree(proc.pid)))
    finally:
        if proc is not None:
            import signal
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if pg is not None:
            pg.stop()
    kinds = {}
    for k in KINDS:
        lat = stats.latencies[k]
        kinds[k] = {"requests": len(lat), "errors": stats.errors[k], "per_s": round(len(lat) / elapsed, 2),
                    "p50_ms": round(_pct(lat, 50) * 1000, 1), "p95_ms": round(_pct(lat, 95) * 1000, 1),
                    "p99_ms": round(_pct(lat, 99) * 1000, 1),
                    "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None}
    total = sum(len(v) for v in stats.latencies.values())
    mib = [r / 2**20 for _, r in rss]
    warm = [m for (t, _), m in zip(rss, mib) if t >= min(30.0, duration / 3)]
    return {"users": users, "think_s": list(think), "duration_s": round(elapsed, 1), "workers": workers,
            "requests": total,
            "throughput_per_s": round(total / elapsed, 1), "errors": sum(stats.errors.values()),
            "error_samples": stats.error_samples, "bytes": stats.bytes, "kinds": kinds,
            "rss_mib": [(t, round(m, 1)) for (t, _), m in zip(rss, mib)],
            "rss_summary": {"start": round(mib[0], 1) if mib else None, "max": round(max(mib), 1) if mib else None,
                            "after_warmup_first": round(warm[0], 1) if warm else None,
                            "end": round(mib[-1], 1) if mib else None}}


def render(rep: dict[str, Any]) -> str:
    lines = [f"{rep['users']} analysts (think {rep['think_s'][0]}-{rep['think_s'][1]} s) x {rep['duration_s']} s, "
             f"{rep['workers']} workers: {rep['requests']} requests, "
             f"{rep['throughput_per_s']} req/s, {rep['errors']} errors, {rep['bytes'] / 2**20:.0f} MiB received",
             "", "| kind | requests | req/s | errors | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|---|"]
    for k, v in rep["kinds"].items():
        lines.append(f"| {k} | {v['requests']} | {v['per_s']} | {v['errors']} | {v['p50_ms']} | {v['p95_ms']} | "
                     f"{v['p99_ms']} |")
    s = rep["rss_summary"]
    lines += ["", f"store RSS (master + workers), MiB: start {s['start']}, after warm-up {s['after_warmup_first']}, "
                  f"max {s['max']}, end {s['end']}"]
    if rep["error_samples"]:
        lines += ["", "errors (first few):", *[f"  {e}" for e in rep["error_samples"]]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--duration", type=float, default=300, help=f"seconds (capped at {MAX_DURATION})")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--db", help="PostgreSQL URL of a database already holding the demo (default: throwaway cluster)")
    p.add_argument("--url", help="a store already running on 127.0.0.1 (default: start one)")
    p.add_argument("--scale", type=float, default=0.01, help="demo scale when a throwaway cluster is made")
    p.add_argument("--think", default="0.05,0.3", help="MIN,MAX seconds an analyst waits between requests "
                   "(default 0.05,0.3: a stress test; 1,5 is closer to people clicking through the dock)")
    p.add_argument("--json", help="write the full report (with the RSS series) here")
    a = p.parse_args(argv)
    lo, hi = (float(v) for v in a.think.split(","))
    rep = run(users=a.users, duration=a.duration, workers=a.workers, db_url=a.db, url=a.url, scale=a.scale,
              progress=True, think=(lo, hi))
    print(render(rep))
    if a.json:
        Path(a.json).write_text(json.dumps(rep, indent=1))
    return 0 if rep["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
