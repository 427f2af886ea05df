"""Cell-key perturbation's parts (record keys, the backfill, the ptable), the service description
without a sign-in, and range checks of the command line's numbers (issue 10)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import requests

from conftest import Api, Server, run_cli
from safestats_store import db, disclosure

T = 5


# ------------------------------------------------------------------------------------------ ptable
def test_ptable_is_the_documented_design() -> None:
    pt = disclosure.ptable()
    noise = pt.noise
    assert len(noise) == disclosure.KEY_RANGE == 4096
    assert noise.min() == -disclosure.D and noise.max() == disclosure.D == 3
    assert noise.sum() == 0  # zero mean over the key range
    counts = np.bincount(noise + disclosure.D)
    assert (counts == counts[::-1]).all()  # symmetric
    assert abs(float((noise.astype(float) ** 2).mean()) - disclosure.V) < 0.01
    assert 0.3 < pt.pstay < 0.35 and counts.argmax() == disclosure.D  # no change is the likeliest


def test_small_counts_are_always_suppressed_and_the_rest_moves_within_d() -> None:
    keys = np.arange(disclosure.KEY_RANGE)
    for n in range(0, T):
        values, suppressed = disclosure.perturb(np.full(len(keys), n), keys, T)
        assert suppressed.all() and (values == 0).all()  # 0 and 1..4: one answer whatever the key
    for n in (5, 6, 7, 9, 13, 250, 10_001):
        values, suppressed = disclosure.perturb(np.full(len(keys), n), keys, T)
        shown = values[~suppressed]
        assert (shown % T == 0).all() and (shown >= T).all()
        assert (np.abs(shown - n) <= disclosure.D + T // 2).all()
        assert len(set(shown.tolist())) >= 2  # the key matters: noise, not a function of the count
        if n >= T + disclosure.D:
            assert not suppressed.any()
    # measures (NDTMS sums of multiples of 5): the noise is scaled by the step, so it survives rounding
    values, _ = disclosure.perturb(np.full(len(keys), 100), keys, T, step=disclosure.MEASURE_STEP)
    assert set(values.tolist()) >= {85, 90, 95, 100, 105, 110, 115}


def test_same_cell_same_answer() -> None:
    a = disclosure.publish_one(37, 123_456, T)
    assert all(disclosure.publish_one(37, 123_456, T) == a for _ in range(5))
    assert disclosure.publish_one(37, 123_456 % disclosure.KEY_RANGE, T) == a  # the key is the sum mod range


# ------------------------------------------------------------------------------------- record keys
def test_record_keys_are_stored_never_output_nor_queryable(server: Server, demo_db: str) -> None:
    with sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True) as conn:
        n, lo, hi, missing, distinct = conn.execute(
            "SELECT count(*), min(rkey), max(rkey), sum(rkey IS NULL), count(DISTINCT rkey) FROM ds_mps_crime"
        ).fetchone()
    assert n > 10_000 and missing == 0 and lo == 0 and hi == disclosure.KEY_RANGE - 1 and distinct == 4096
    mopac = server.session("mopac.analyst")
    assert "rkey" not in mopac.json("/collections/mps_crime/queryables")["properties"]
    assert "rkey" not in str(mopac.json("/collections/mps_crime")["safestats"]["fields"])
    page = mopac.json("/collections/mps_crime/items", limit=5)
    assert page["features"] and "rkey" not in page["features"][0]["properties"]
    for prm in ({"rkey": "1"}, {"filter": "rkey = 1"}, {"filter": "rkey < 2048"}, {"properties": "rkey"}):
        r = mopac.get("/collections/mps_crime/count", **prm)
        assert r.status_code == 400, (prm, r.text)
    import pyogrio
    fgb = mopac.get("/collections/mps_crime/items", f="fgb", hour="4")
    path = Path(demo_db).with_name("keys-check.fgb")
    path.write_bytes(fgb.content)
    assert "rkey" not in pyogrio.read_info(str(path))["fields"]
    path.unlink()


def test_older_databases_get_their_keys_once(demo_db: str, tmp_path: Path) -> None:
    """A database made before record keys (no rkey column): the store's start-up migration adds the
    column and draws a key for every row; a second start changes none of them."""
    path = tmp_path / "old.sqlite"
    shutil.copy(demo_db, path)
    with sqlite3.connect(path) as conn:  # as made before keys: single-column indexes, no rkey
        for kind in ("time", "cat", "borough", "ward"):
            conn.execute(f"DROP INDEX ix_rnli_launches_cell_{kind}")
        for kind, col in (("time", "occurred_at"), ("cat", "reason_for_launch"), ("borough", "borough_code"),
                          ("ward", "ward_code")):
            conn.execute(f"CREATE INDEX ix_rnli_launches_{kind} ON ds_rnli_launches ({col})")
        conn.execute("ALTER TABLE ds_rnli_launches DROP COLUMN rkey")
        conn.execute("UPDATE ds_tfl_bus_incidents SET rkey = NULL WHERE id % 3 = 0")
        kept = dict(conn.execute("SELECT id, rkey FROM ds_tfl_bus_incidents WHERE id % 3 != 0").fetchall())
        n_rnli = conn.execute("SELECT count(*) FROM ds_rnli_launches").fetchone()[0]
        n_bus = conn.execute("SELECT count(*) FROM ds_tfl_bus_incidents").fetchone()[0]
    engine = db.make_engine(str(path))
    assert db.migrate(engine) == n_rnli + (n_bus - len(kept))
    with sqlite3.connect(path) as conn:
        first = dict(conn.execute("SELECT id, rkey FROM ds_rnli_launches").fetchall())
        bus = dict(conn.execute("SELECT id, rkey FROM ds_tfl_bus_incidents").fetchall())
    assert len(first) == n_rnli and None not in first.values() and len(set(first.values())) > n_rnli // 2
    assert all(bus[i] == k for i, k in kept.items()) and None not in bus.values()  # existing keys untouched
    assert db.migrate(engine) == 0
    with sqlite3.connect(path) as conn:
        assert dict(conn.execute("SELECT id, rkey FROM ds_rnli_launches").fetchall()) == first
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                              "AND tbl_name = 'ds_rnli_launches' AND name LIKE 'ix_%'")}
    assert indexes == {"ix_rnli_launches_xy", *(f"ix_rnli_launches_cell_{k}" for k in ("time", "cat", "borough",
                                                                                        "ward"))}
    engine.dispose()


# ------------------------------------------------------------------------------------- /api
def test_api_without_sign_in_names_no_dataset_or_field(server: Server) -> None:
    from safestats_store.catalogue import DATASETS
    r = requests.get(f"{server.url}/api", timeout=30)
    assert r.status_code == 200 and r.json()["openapi"].startswith("3.0")
    text = r.text
    for ds in DATASETS.values():
        assert ds.id not in text, ds.id
        for f in ds.fields:
            assert f'"{f.name}"' not in text or f.name in ("period",), (ds.id, f.name)
    assert "age_band" not in text and "gender" not in text
    assert r.json()["components"]["parameters"]["limit"]["schema"]["maximum"] > 0  # what QGIS reads
    bad = requests.get(f"{server.url}/api", headers={"Authorization": "Bearer not-a-token"}, timeout=30)
    assert bad.status_code == 401


def test_api_signed_in_describes_only_the_callers_datasets(server: Server) -> None:
    wm: Api = server.session("westminster.analyst")
    doc = wm.json("/api")
    paths = set(doc["paths"])
    assert "/collections/mps_crime/items" in paths and "/collections/rnli_launches/items" not in paths
    las = doc["paths"].get("/collections/las_incidents/items")
    if las is not None:
        names = {p.get("name") for p in las["get"]["parameters"]}
        assert "age_band" not in names and "gender" not in names  # Westminster's agreement hides them
    tfl_doc = server.session("tfl.analyst").json("/api")
    assert "/collections/mps_crime/items" not in tfl_doc["paths"]  # counts only: no items path


# ------------------------------------------------------------------------------------- CLI
@pytest.mark.parametrize("args, words", [
    (["demo", "--scale", "2000"], "--scale: 2000 is out of range"),
    (["demo", "--scale", "0"], "--scale: 0 is out of range"),
    (["demo", "--scale", "nan"], "--scale: nan is out of range"),
    (["demo", "--scale", "-0.5"], "--scale: -0.5 is out of range"),
    (["demo", "--scale", "lots"], "--scale: 'lots' is not a number"),
    (["demo", "--seed", "-1"], "--seed: -1 is out of range"),
    (["demo", "--seed", "1e99"], "--seed: '1e99' is not a whole number"),
    (["serve", "--port", "70000"], "--port: 70000 is out of range"),
    (["serve", "--port", "0"], "--port: 0 is out of range"),
    (["serve", "--workers", "0"], "--workers: 0 is out of range"),
    (["serve", "--workers", "100000"], "--workers: 100000 is out of range"),
    (["audit", "list", "--limit", "-3"], "--limit: -3 is out of range"),
    (["dsa", "add", "x", "--datasets", "mps_crime", "--expires-on", "2030-01-01", "--history-months", "0"],
     "--history-months: 0 is out of range"),
])
def test_out_of_range_numbers_are_a_plain_error(args: list[str], words: str, tmp_path: Path) -> None:
    db_path = tmp_path / "never.sqlite"
    r = run_cli(*args, "--db", str(db_path), check=False)
    assert r.returncode == 2, (r.returncode, r.stderr[-500:])
    assert words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "MemoryError" not in r.stderr
    assert not db_path.exists()  # refused before anything was done
