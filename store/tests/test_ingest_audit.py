"""Ingest is validated, atomic and idempotent; the audit chain detects tampering."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from conftest import run_cli
from safestats_store import audit, db, ingest
from safestats_store.boundaries import save_geography
from safestats_store.catalogue import DATASETS
from safestats_store.synthetic import build_geography, generate_extract


@pytest.fixture()
def empty_store(tmp_path: Path) -> str:
    path = tmp_path / "s.sqlite"
    run_cli("init", "--db", str(path))
    engine = db.make_engine(str(path))
    with engine.begin() as conn:
        save_geography(conn, build_geography())
    return str(path)


def _extract(tmp_path: Path, ds_id: str) -> Path:
    """About a thousand rows of two months of synthetic extract."""
    ds = DATASETS[ds_id]
    scale = min(1.0, 1000 * 365 / (59 * max(ds.annual_volume, 1)))
    df = generate_extract(ds, build_geography(), date(2025, 1, 1), date(2025, 3, 1), scale=scale, seed=3)
    path = tmp_path / f"{ds_id}.csv"
    df.to_csv(path, index=False)
    return path


def _count(db_path: str, ds_id: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT count(*) FROM ds_{ds_id}").fetchone()[0]


@pytest.mark.parametrize("ds_id", list(DATASETS))
def test_ingest_every_dataset_and_reingest_adds_nothing(empty_store: str, tmp_path: Path, ds_id: str) -> None:
    csv = _extract(tmp_path, ds_id)
    rows = len(pd.read_csv(csv))
    first = run_cli("ingest", ds_id, str(csv), "--db", empty_store)
    assert f"{rows} rows read, {rows} added" in first.stdout
    assert _count(empty_store, ds_id) == rows
    second = run_cli("ingest", ds_id, str(csv), "--db", empty_store)
    assert f"{rows} rows read, 0 added, {rows} already present" in second.stdout
    assert _count(empty_store, ds_id) == rows


def test_lfb_points_are_stored_rounded_to_50_m_whatever_the_extract_holds(empty_store: str, tmp_path: Path) -> None:
    csv = _extract(tmp_path, "lfb_incidents")
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    df["easting"] = (df["easting"].astype(float) + 13.7).map("{:.1f}".format)  # exact, unrounded points
    df["northing"] = (df["northing"].astype(float) - 21.2).map("{:.1f}".format)
    df.to_csv(csv, index=False)
    run_cli("ingest", "lfb_incidents", str(csv), "--db", empty_store)
    with sqlite3.connect(empty_store) as conn:
        points = conn.execute("SELECT x, y FROM ds_lfb_incidents").fetchall()
    assert len(points) == len(df) and all(x % 50 == 0 and y % 50 == 0 for x, y in points)
    exact = sorted(zip(df["easting"].astype(float), df["northing"].astype(float)))
    assert sorted(points) != exact  # what was stored is not the provider's exact point
    assert sorted(points) == sorted((round(x / 50) * 50, round(y / 50) * 50) for x, y in exact)  # nearest 50 m


def test_bad_rows_reject_the_whole_file_with_a_report(empty_store: str, tmp_path: Path) -> None:
    csv = _extract(tmp_path, "lfb_incidents")
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    df.loc[3, "incident_group"] = "Alien landing"
    df.loc[7, "occurred_at"] = "31/02/2025 10:00"
    df.loc[9, "easting"] = "400000"  # Bristol, not London
    df.loc[11, "source_id"] = df.loc[10, "source_id"]
    df.loc[12, "pumps_attending"] = "two"
    df.to_csv(csv, index=False)
    r = run_cli("ingest", "lfb_incidents", str(csv), "--db", empty_store, check=False)
    assert r.returncode == 1
    report = r.stderr
    assert "REJECTED, nothing was written" in report
    assert "line 5, column 'incident_group'" in report
    assert "line 9, column 'occurred_at'" in report
    assert "line 11, column 'easting': location is outside London" in report
    assert "line 13, column 'source_id': appears more than once" in report
    assert "line 14, column 'pumps_attending'" in report
    assert _count(empty_store, "lfb_incidents") == 0


def test_corrupt_and_wrong_shaped_files_are_refused(empty_store: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage\x00\x00,\n\x00")
    r = run_cli("ingest", "mps_crime", str(bad), "--db", empty_store, check=False)
    assert r.returncode == 1 and "REJECTED" in r.stderr
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    r = run_cli("ingest", "mps_crime", str(wrong), "--db", empty_store, check=False)
    assert r.returncode == 1 and "missing column(s): source_id" in r.stderr
    assert _count(empty_store, "mps_crime") == 0


def test_failure_mid_insert_leaves_nothing(empty_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Atomicity: make the database refuse a row half-way (a real constraint violation inside the
    transaction, injected by shrinking a batch boundary) and check nothing of the file remains."""
    engine = db.make_engine(empty_store)
    df = pd.read_csv(_extract(tmp_path, "mps_crime"), dtype=str, keep_default_na=False)
    assert len(df) > 100
    real_records = ingest._records

    def poisoned(frame: pd.DataFrame) -> list[dict]:
        recs = real_records(frame)
        recs[len(recs) // 2]["occurred_at"] = None  # NOT NULL violation in the middle of the insert
        return recs

    monkeypatch.setattr(ingest, "_records", poisoned)
    with pytest.raises(Exception):
        ingest.ingest_frame(engine, DATASETS["mps_crime"], df)
    assert _count(empty_store, "mps_crime") == 0


def test_audit_chain_verifies_and_detects_an_edited_row(empty_store: str, tmp_path: Path) -> None:
    engine = db.make_engine(empty_store)
    for i in range(5):
        audit.append(engine, "count", username=f"user{i}", org_id="camden", dataset_id="mps_crime",
                     purpose="crime_prevention", detail={"hour": [i]}, rows=i)
    ok = run_cli("audit", "verify", "--db", empty_store)
    assert "audit chain OK: 5 entries" in ok.stdout
    with sqlite3.connect(empty_store) as conn:
        conn.execute("UPDATE audit SET username = 'someone-else' WHERE seq = 3")
    bad = run_cli("audit", "verify", "--db", empty_store, check=False)
    assert bad.returncode == 1 and "BROKEN at entry 3" in bad.stderr
    with sqlite3.connect(empty_store) as conn:
        conn.execute("UPDATE audit SET username = 'user2' WHERE seq = 3")
        conn.execute("DELETE FROM audit WHERE seq = 4")
    bad = run_cli("audit", "verify", "--db", empty_store, check=False)
    assert bad.returncode == 1 and "entry 5" in bad.stderr


def test_audit_entries_cut_off_the_end_are_detected_with_the_recorded_head(empty_store: str) -> None:
    engine = db.make_engine(empty_store)
    for i in range(4):
        audit.append(engine, "count", username=f"user{i}", org_id="camden", dataset_id="mps_crime",
                     purpose="crime_prevention", detail={"hour": [i]}, rows=i)
    ok = run_cli("audit", "verify", "--db", empty_store)
    head = ok.stdout.split("head ")[1].split()[0]
    assert head.startswith("4:") and len(head) > 40
    audit.append(engine, "count", username="user4", org_id="camden", dataset_id="mps_crime",
                 purpose="crime_prevention", detail={}, rows=0)
    assert run_cli("audit", "verify", "--db", empty_store, "--expect-head", head).returncode == 0  # grew: fine
    with sqlite3.connect(empty_store) as conn:
        conn.execute("DELETE FROM audit WHERE seq >= 4")  # the last entries removed: the chain itself still links
    assert run_cli("audit", "verify", "--db", empty_store).returncode == 0
    bad = run_cli("audit", "verify", "--db", empty_store, "--expect-head", head, check=False)
    assert bad.returncode == 1 and "removed from the end" in bad.stderr
    wrong = run_cli("audit", "verify", "--db", empty_store, "--expect-head", "3:" + "0" * 64, check=False)
    assert wrong.returncode == 1 and "rewritten" in wrong.stderr
