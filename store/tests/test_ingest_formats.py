"""`safestats-store ingest DATASET FILE --format NAME`: providers' own layouts (files generated in
exactly those layouts), through the one ingest pipeline: a good file, a file with bad rows
(line-numbered report in the provider's column names, nothing written), a re-ingest (nothing
added); month-only and date-only records never get an invented hour or day of week."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import provider_files as pf
from conftest import run_cli
from safestats_store import db, ingest
from safestats_store.boundaries import save_geography
from safestats_store.synthetic import build_geography


@pytest.fixture()
def store(tmp_path: Path) -> str:
    path = tmp_path / "s.sqlite"
    run_cli("init", "--db", str(path))
    with db.make_engine(str(path)).begin() as conn:
        save_geography(conn, build_geography())
    return str(path)


def _rows(path: str, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def _ingest(store: str, ds_id: str, csv: Path, fmt: str, check: bool = True):  # noqa: ANN202
    return run_cli("ingest", ds_id, str(csv), "--format", fmt, "--db", store, check=check)


def _good_then_again(store: str, ds_id: str, csv: Path, fmt: str) -> int:
    n = len(pd.read_csv(csv))
    first = _ingest(store, ds_id, csv, fmt)
    assert f"{n} rows read, {n} added, 0 already present" in first.stdout
    again = _ingest(store, ds_id, csv, fmt)
    assert f"{n} rows read, 0 added, {n} already present" in again.stdout
    assert _rows(store, f"SELECT count(*) FROM ds_{ds_id}") == [(n,)]
    return n


def _bad_rows_are_refused(store: str, ds_id: str, csv: Path, fmt: str, edits: dict[tuple[int, str], str],
                          expected: list[str]) -> None:
    before = _rows(store, f"SELECT count(*) FROM ds_{ds_id}")
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    for (row, col), value in edits.items():
        df.loc[row, col] = value
    bad = csv.with_name("bad-" + csv.name)
    df.to_csv(bad, index=False)
    r = _ingest(store, ds_id, bad, fmt, check=False)
    assert r.returncode == 1
    assert f"{ds_id}: REJECTED, nothing was written." in r.stderr
    for line in expected:
        assert line in r.stderr
    assert _rows(store, f"SELECT count(*) FROM ds_{ds_id}") == before


def test_police_uk_month_only_rows(store: str, tmp_path: Path) -> None:
    csv = pf.police_uk(tmp_path / "2025-01-metropolitan-street.csv", build_geography())
    src = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert (src["Crime ID"] == "").any()  # ASB rows have no Crime ID: content ids instead
    n = _good_then_again(store, "mps_crime", csv, "police-uk")
    stored = _rows(store, "SELECT time_precision, dow, hour, strftime('%d', occurred_at), major_category, "
                          "count(*) FROM ds_mps_crime GROUP BY 1, 2, 3, 5")
    assert {(tp, dow, hour, major) for tp, dow, hour, _d, major, _n in stored} == {("month", None, None, None)}
    # the 1st of the month, 00:00 London time (GMT in January: 00:00 UTC; 23:00 UTC the day before in BST)
    assert {d for *_x, d, _m, _n in stored} <= {"01", "28", "29", "30", "31"}
    state = json.loads(_rows(store, "SELECT precision_counts FROM dataset_state WHERE dataset_id='mps_crime'")[0][0])
    assert state == {"time": {"month": n}}
    assert "have a month only (police.uk)" in ingest.precision_summary(json.dumps(state))["note"]


def test_police_uk_bad_rows(store: str, tmp_path: Path) -> None:
    csv = pf.police_uk(tmp_path / "2025-01-metropolitan-street.csv", build_geography())
    _bad_rows_are_refused(store, "mps_crime", csv, "police-uk", {
        (0, "Month"): "Jan 2025", (2, "Crime type"): "Violence", (3, "Longitude"): "",
        (4, "Falls within"): "Kent Police", (5, "Latitude"): "53.480"},  # Manchester
        ["line 2, column 'Month': is not a month like 2025-03",
         "line 4, column 'Crime type': is not one of the 14 allowed values",
         "line 5, column 'Longitude': is not a number",
         "line 6, column 'Falls within': is 'Kent Police', not Metropolitan Police Service (mps_crime)",
         "line 7, column 'Longitude': location is outside London"])


def test_police_uk_for_btp_maps_location_to_station(store: str, tmp_path: Path) -> None:
    csv = pf.police_uk(tmp_path / "btp.csv", build_geography(), "btp_crime", rows=100)
    _good_then_again(store, "btp_crime", csv, "police-uk")
    src = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert sorted(r[0] for r in _rows(store, "SELECT station FROM ds_btp_crime")) == sorted(src["Location"])
    r = _ingest(store, "lfb_incidents", csv, "police-uk", check=False)
    assert r.returncode == 1 and "the police-uk layout is for mps_crime, colp_crime, btp_crime, not lfb_incidents" \
        in r.stderr


def test_lfb_incident_records(store: str, tmp_path: Path) -> None:
    csv = pf.lfb(tmp_path / "LFB Incident data from 2018 onwards.csv", build_geography())
    n = _good_then_again(store, "lfb_incidents", csv, "lfb")
    src = pd.read_csv(csv, dtype=str, keep_default_na=False).set_index("IncidentNumber")
    stored = _rows(store, "SELECT source_id, hour, x, y, special_service_type, time_precision FROM ds_lfb_incidents")
    assert len(stored) == n
    for sid, hour, x, y, sst, tp in stored:
        row = src.loc[sid]
        assert hour == int(row["HourOfCall"]) and tp is None
        assert (x, y) == (float(row["Easting_rounded"]), float(row["Northing_rounded"]))
        assert sst == (None if row["SpecialServiceType"] == "NULL" else row["SpecialServiceType"])


def test_lfb_bad_rows(store: str, tmp_path: Path) -> None:
    csv = pf.lfb(tmp_path / "lfb.csv", build_geography())
    _bad_rows_are_refused(store, "lfb_incidents", csv, "lfb", {
        (0, "DateOfCall"): "31 Feb 2025", (1, "TimeOfCall"): "25:61:00", (2, "HourOfCall"): "99",
        (3, "IncidentGroup"): "Flood", (4, "NumPumpsAttending"): "NULL", (5, "Easting_rounded"): "NULL"},
        ["line 2, column 'DateOfCall': is not a date like 01 Jan 2019",
         "line 3, column 'TimeOfCall': is not a time like 21:05:00",
         "line 4, column 'HourOfCall': does not match TimeOfCall",
         "line 5, column 'IncidentGroup': is not one of the 3 allowed values",
         "line 6, column 'NumPumpsAttending': is required",
         "line 7, column 'Easting_rounded': is not a number"])


def test_lfb_file_with_missing_columns_is_named(store: str, tmp_path: Path) -> None:
    csv = pf.lfb(tmp_path / "lfb.csv", build_geography())
    pd.read_csv(csv, dtype=str).drop(columns=["Easting_rounded", "TimeOfCall"]).to_csv(csv, index=False)
    r = _ingest(store, "lfb_incidents", csv, "lfb", check=False)
    assert "not a LFB incident records CSV file: missing column(s) TimeOfCall, Easting_rounded" in r.stderr


def test_tfl_bus_day_only_borough_only(store: str, tmp_path: Path) -> None:
    geo = build_geography()
    csv = pf.tfl_bus(tmp_path / "bus-safety-data.csv", geo)
    _good_then_again(store, "tfl_bus_incidents", csv, "tfl-bus")
    src = pd.read_csv(csv, dtype=str, keep_default_na=False)
    stored = _rows(store, "SELECT borough_name, ward_code, hour, dow, time_precision, location_precision, x, y, "
                          "injury_result FROM ds_tfl_bus_incidents")
    assert sorted(r[0] for r in stored) == sorted(src["Borough"])
    points = {b.name: b.geometry.representative_point() for b in geo.boroughs}
    for name, ward, hour, dow, tp, lp, x, y, injury in stored:
        assert ward is None and hour is None and 1 <= dow <= 7 and (tp, lp) == ("day", "borough")
        assert (round(x, 2), round(y, 2)) == (round(points[name].x, 2), round(points[name].y, 2))
        assert "\u2013" not in injury  # TfL's en dash mapped to the catalogue's hyphen
    counts = json.loads(_rows(store, "SELECT precision_counts FROM dataset_state "
                                     "WHERE dataset_id='tfl_bus_incidents'")[0][0])
    assert counts == {"location": {"borough": len(src)}, "time": {"day": len(src)}}


def test_tfl_bus_bad_rows(store: str, tmp_path: Path) -> None:
    csv = pf.tfl_bus(tmp_path / "bus.csv", build_geography())
    _bad_rows_are_refused(store, "tfl_bus_incidents", csv, "tfl-bus", {
        (0, "Borough"): "None London Borough", (1, "Date Of Incident"): "2025-13-45", (2, "Year"): "2019",
        (3, "Victims Sex"): "M"},
        ["line 2, column 'Borough': 'None London Borough' is not a London borough of the store",
         "line 3, column 'Date Of Incident': is not a date like 01-01-15 (day-month-year)",
         "line 4, column 'Year': does not match Date Of Incident",
         "line 5, column 'Victims Sex': is not one of the 3 allowed values"])


def test_unknown_format_is_refused_by_the_cli(store: str, tmp_path: Path) -> None:
    r = run_cli("ingest", "mps_crime", str(tmp_path / "x.csv"), "--format", "excel", "--db", store, check=False)
    assert r.returncode == 2 and "invalid choice: 'excel'" in r.stderr


def test_new_wards_relocate_stored_records_but_borough_only_records_get_no_ward(store: str, tmp_path: Path) -> None:
    from ons_files import from_geography, write_ons
    geo = build_geography()
    _good_then_again(store, "tfl_bus_incidents", pf.tfl_bus(tmp_path / "bus.csv", geo, rows=60), "tfl-bus")
    n = _good_then_again(store, "lfb_incidents", pf.lfb(tmp_path / "lfb.csv", geo, rows=60), "lfb")
    before = dict(_rows(store, "SELECT source_id, ward_name FROM ds_lfb_incidents"))
    _, wards = from_geography(geo)
    shp = write_ons(tmp_path / "WD_DEC_2023_UK_BFC.shp", "ward", wards)
    out = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2023", str(shp), "--db", store).stdout
    assert "stored incidents given their ward anew" in out
    after = dict(_rows(store, "SELECT source_id, ward_name FROM ds_lfb_incidents"))
    assert len(after) == n and all(after[k] == f"{before[k]} (ONS)" for k in before)  # same places, new wards
    assert _rows(store, "SELECT count(*) FROM ds_tfl_bus_incidents WHERE ward_code IS NOT NULL") == [(0,)]


def test_a_database_made_before_month_only_records_refuses_them_clearly(store: str, tmp_path: Path) -> None:
    with sqlite3.connect(store) as conn:  # the incident table as databases made before this change had it
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ds_mps_crime'").fetchone()[0]
        conn.execute("DROP TABLE ds_mps_crime")
        conn.execute(sql.replace("hour INTEGER,", "hour INTEGER NOT NULL,"))
    csv = pf.police_uk(tmp_path / "street.csv", build_geography(), rows=40)
    r = _ingest(store, "mps_crime", csv, "police-uk", check=False)
    assert r.returncode == 1
    assert "this database was made before records without a time of day could be stored" in r.stderr
    assert _rows(store, "SELECT count(*) FROM ds_mps_crime") == [(0,)]
