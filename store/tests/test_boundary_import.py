"""`safestats-store boundaries import`: official ONS files (generated here in the ONS schema),
validated, swapped in atomically with their vintage; every refusal says why and changes nothing."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import box

from conftest import run_cli
from ons_files import bowtie, tiny_london, write_ons
from safestats_store import boundary_import, cache, db, ingest
from safestats_store.boundaries import save_geography
from safestats_store.catalogue import DATASETS
from safestats_store.synthetic import build_geography, generate_extract


def _snapshot(path: str) -> tuple[list, list]:
    with sqlite3.connect(path) as conn:
        return (conn.execute("SELECT code, name, level, parent_code, wkt FROM boundaries ORDER BY code").fetchall(),
                conn.execute("SELECT level, vintage, in_use, file_sha256 FROM boundary_vintages ORDER BY id").fetchall())


@pytest.fixture()
def store(tmp_path: Path) -> str:
    path = str(tmp_path / "s.sqlite")
    run_cli("init", "--db", path)
    return path


@pytest.fixture()
def imported(store: str, tmp_path: Path) -> str:
    """The tiny London imported: boroughs from a GeoPackage, wards from a Shapefile (EPSG:27700)."""
    boroughs, wards = tiny_london()
    run_cli("boundaries", "import", "--level", "borough", "--vintage", "2022", "--db", store,
            str(write_ons(tmp_path / "LAD_DEC_2022_UK_BFC.gpkg", "borough", boroughs)))
    run_cli("boundaries", "import", "--level", "ward", "--vintage", "2022", "--db", store,
            str(write_ons(tmp_path / "WD_DEC_2022_UK_BFC.shp", "ward", wards)))
    return store


def test_good_geopackage_and_shapefile_are_imported_with_their_vintage(store: str, tmp_path: Path) -> None:
    boroughs, wards = tiny_london()
    gpkg = write_ons(tmp_path / "LAD_DEC_2022_UK_BFC.gpkg", "borough", boroughs)
    out = run_cli("boundaries", "import", "--level", "borough", "--vintage", "2022", str(gpkg), "--db", store).stdout
    assert "code column 'LAD22CD', name column 'LAD22NM'" in out
    assert "imported 2 boroughs (skipped 1 outside London)" in out and "vintage 2022 is now in use" in out
    shp = write_ons(tmp_path / "WD_DEC_2022_UK_BFC.shp", "ward", wards)
    out = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2022", str(shp), "--db", store).stdout
    assert "code column 'WD22CD', name column 'WD22NM'" in out
    assert "imported 4 wards (skipped 1 outside London)" in out
    rows, vintages = _snapshot(store)
    assert [(c, n, lv, p) for c, n, lv, p, _w in rows] == [
        ("E05009288", "Aldersgate", "ward", "E09000001"), ("E05009289", "Aldgate", "ward", "E09000001"),
        ("E05014053", "Abbey", "ward", "E09000002"), ("E05014054", "Alibon", "ward", "E09000002"),
        ("E09000001", "City of London", "borough", None), ("E09000002", "Barking and Dagenham", "borough", None)]
    assert [(lv, v, u) for lv, v, u, _s in vintages] == [("borough", "2022", 1), ("ward", "2022", 1)]
    listing = run_cli("boundaries", "list", "--db", store).stdout
    assert "borough  2022       IN USE" in listing and "WD_DEC_2022_UK_BFC.shp (WD22CD/WD22NM)" in listing
    engine = db.make_engine(store)
    with engine.connect() as conn:
        assert boundary_import.in_use(conn)["ward"]["vintage"] == "2022"


def test_any_crs_is_reprojected_to_the_stores(store: str, tmp_path: Path) -> None:
    boroughs, _ = tiny_london()
    gj = write_ons(tmp_path / "lad.geojson", "borough", boroughs, crs="EPSG:4326")
    out = run_cli("boundaries", "import", "--level", "borough", "--vintage", "2022", str(gj), "--db", store).stdout
    assert "reprojected from WGS 84 to EPSG:27700" in out
    rows, _ = _snapshot(store)
    from shapely import wkt
    city = wkt.loads(next(r[4] for r in rows if r[0] == "E09000001"))
    assert city.hausdorff_distance(boroughs[0]["geometry"]) < 0.01  # metres: back on the grid


def test_wrong_codes_are_refused_and_nothing_changes(imported: str, tmp_path: Path) -> None:
    before = _snapshot(imported)
    boroughs, wards = tiny_london()
    boroughs[1]["code"] = "E0900002"          # 8 characters: not a GSS code
    bad = write_ons(tmp_path / "lad.gpkg", "borough", boroughs)
    r = run_cli("boundaries", "import", "--level", "borough", "--vintage", "2023", str(bad), "--db", imported,
                check=False)
    assert r.returncode == 1
    assert "REJECTED, nothing was changed" in r.stderr
    assert "feature 2 ('E0900002' Barking and Dagenham): 'LAD22CD' is not a GSS code like E09000001" in r.stderr
    wards[0]["code"] = wards[1]["code"]       # duplicate
    wards[2]["code"] = "E09000002"            # a borough code in the ward column
    bad = write_ons(tmp_path / "wd.gpkg", "ward", wards)
    r = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2023", str(bad), "--db", imported,
                check=False)
    assert r.returncode == 1
    assert "code E05009289 appears more than once (first at feature 1)" in r.stderr
    assert "'E09000002' is not a ward code (E05…)" in r.stderr
    assert _snapshot(imported) == before


def test_a_file_without_code_columns_names_what_it_has(store: str, tmp_path: Path) -> None:
    boroughs, wards = tiny_london()
    bad = write_ons(tmp_path / "wd.gpkg", "ward", wards)  # a ward file given as boroughs: LAD22CD is parent
    r = run_cli("boundaries", "import", "--level", "borough", "--vintage", "2022", str(bad), "--db", store,
                check=False)
    assert r.returncode == 1  # LAD22CD holds E09 codes but repeated: duplicates refused
    assert "appears more than once" in r.stderr
    assert _snapshot(store) == ([], [])


def test_invalid_geometry_is_reported_not_silently_fixed(imported: str, tmp_path: Path) -> None:
    before = _snapshot(imported)
    _, wards = tiny_london()
    wards[0]["geometry"] = bowtie(530000, 180000, 500)
    bad = write_ons(tmp_path / "wd.gpkg", "ward", wards)
    r = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2023", str(bad), "--db", imported,
                check=False)
    assert r.returncode == 1
    assert "feature 1 ('E05009288' Aldersgate): invalid geometry (Self-intersection" in r.stderr
    assert "pass --make-valid" in r.stderr
    assert _snapshot(imported) == before
    ok = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2023", str(bad), "--db", imported,
                 "--make-valid")
    assert "invalid geometry (Self-intersection" in ok.stdout and "repaired with make_valid" in ok.stdout
    assert "vintage 2023 is now in use" in ok.stdout


def test_ward_outside_every_borough_is_refused(imported: str, tmp_path: Path) -> None:
    before = _snapshot(imported)
    _, wards = tiny_london()
    wards[3]["geometry"] = box(540000, 190000, 540500, 190500)  # 10 km away from both boroughs
    wards[2]["geometry"] = box(530800, 180000, 531300, 181000)  # 40 % / 60 %: its majority borough
    bad = write_ons(tmp_path / "wd.gpkg", "ward", wards)
    r = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2023", str(bad), "--db", imported,
                check=False)
    assert r.returncode == 1
    assert "ward E05014054 (Alibon) is not inside one borough: it lies outside every borough" in r.stderr
    assert "ward E05014053 (Abbey): 60.0% inside Barking and Dagenham (E09000002)" in r.stderr
    assert _snapshot(imported) == before
    wards[2]["geometry"] = box(530500, 180000, 531500, 181000)  # exactly half in each: no majority
    wards.pop(3)
    bad = write_ons(tmp_path / "wd2.gpkg", "ward", wards)
    r = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2023", str(bad), "--db", imported,
                check=False)
    assert "ward E05014053 (Abbey) is not inside one borough: at most 50% of it lies in" in r.stderr
    assert _snapshot(imported) == before


def test_wards_need_boroughs_first(store: str, tmp_path: Path) -> None:
    _, wards = tiny_london()
    path = write_ons(tmp_path / "wd.gpkg", "ward", wards)
    r = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2022", "--db", store, str(path), check=False)
    assert r.returncode == 1 and "the store has no borough boundaries: import the boroughs first" in r.stderr
    assert _snapshot(store) == ([], [])


def test_reimport_of_the_same_vintage(imported: str, tmp_path: Path) -> None:
    before = _snapshot(imported)
    same = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2022", "--db", imported,
                   str(tmp_path / "WD_DEC_2022_UK_BFC.shp"))
    assert "vintage 2022 of the ward boundaries is already in use from this same file: nothing changed" in same.stdout
    assert _snapshot(imported) == before
    _, wards = tiny_london()
    wards[0]["name"] = "Aldersgate Within"
    other = write_ons(tmp_path / "wd-fixed.gpkg", "ward", wards)
    r = run_cli("boundaries", "import", "--level", "ward", "--vintage", "2022", str(other), "--db", imported,
                check=False)
    assert r.returncode == 1
    assert "vintage 2022 of the ward boundaries was already imported on" in r.stderr
    assert "pass --replace" in r.stderr
    assert _snapshot(imported) == before
    run_cli("boundaries", "import", "--level", "ward", "--vintage", "2022", str(other), "--db", imported, "--replace")
    rows, vintages = _snapshot(imported)
    assert ("E05009288", "Aldersgate Within") in [(c, n) for c, n, *_ in rows]
    assert [(lv, v, u) for lv, v, u, _s in vintages] == [
        ("borough", "2022", 1), ("ward", "2022", 0), ("ward", "2022", 1)]


def test_failure_during_the_swap_changes_nothing(imported: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(imported)
    _, wards = tiny_london()
    wards[0]["name"] = "Renamed"
    path = write_ons(tmp_path / "wd.gpkg", "ward", wards)

    def broken(*_a: object, **_k: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(boundary_import, "relocate_incidents", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        boundary_import.import_file(db.make_engine(imported), "ward", "2023", path)
    assert _snapshot(imported) == before


def test_moving_incidents_to_new_boundaries_changes_the_data_version(store: str, tmp_path: Path) -> None:
    """Every cached answer (record-level /count, counts-only cells, extracts) is keyed on the
    dataset's data version: an import that gives incidents new boroughs must change it, or a cached
    borough count would outlive the borough it counted."""
    engine = db.make_engine(store)
    ds = DATASETS["mps_crime"]
    with engine.begin() as conn:
        save_geography(conn, build_geography())
    ingest.ingest_frame(engine, ds, generate_extract(ds, build_geography(), date(2025, 1, 1), date(2025, 2, 1),
                                                     scale=0.002, seed=1))
    with engine.connect() as conn:
        before = cache.data_version(conn, "mps_crime")
        untouched = cache.data_version(conn, "lfb_incidents")
    with engine.begin() as conn:  # what every import does once the new boundaries are in place
        assert boundary_import.relocate_incidents(conn, build_geography()) > 0
    with engine.connect() as conn:
        assert cache.data_version(conn, "mps_crime") != before
        assert cache.data_version(conn, "lfb_incidents") == untouched  # no records, nothing moved
