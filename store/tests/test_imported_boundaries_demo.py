"""The demo built on imported official boundaries (files generated in the ONS schema): the
boroughs/wards collections, their features and the aggregates name the imported areas and the
vintage in use; month-only police.uk records match no hour or day-of-week filter."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

import provider_files as pf
from conftest import PASSWORD, Server, run_cli, start_server
from ons_files import from_geography, write_ons
from safestats_store.synthetic import build_geography


@pytest.fixture(scope="module")
def imported_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("imported")
    boroughs, wards = from_geography(build_geography())
    lad = write_ons(tmp / "LAD_DEC_2022_UK_BFC.gpkg", "borough", boroughs)
    wd = write_ons(tmp / "WD_DEC_2022_UK_BFC.shp", "ward", wards)
    db = str(tmp / "demo.sqlite")
    out = run_cli("demo", "--db", db, "--scale", "0.002", "--password", PASSWORD,
                  "--boundaries-borough", str(lad), "--boundaries-ward", str(wd), "--boundaries-vintage", "2022").stdout
    assert "imported 33 boroughs" in out and f"imported {len(wards)} wards" in out
    server = start_server(db, tmp)
    yield server
    server.stop()


def test_collections_and_features_name_the_vintage(imported_server: Server) -> None:
    api = imported_server.session("mopac.analyst")
    wards = api.json("/collections/wards")
    assert wards["title"] == "London wards (2022 boundaries)"
    assert "imported from the official ONS boundary file" in wards["description"]
    assert wards["safestats"]["vintage"] == "2022"
    assert "Office for National Statistics" in wards["safestats"]["attribution"]
    items = api.json("/collections/wards/items", limit=5)
    assert all(f["properties"]["vintage"] == "2022" and f["properties"]["name"].endswith("(ONS)")
               and f["id"].startswith("E0501") for f in items["features"])
    boroughs = api.json("/collections/boroughs")
    assert boroughs["title"] == "London boroughs (2022 boundaries)"


def test_aggregates_use_the_imported_wards(imported_server: Server) -> None:
    api = imported_server.session("mopac.analyst")
    agg = api.json("/collections/mps_crime/aggregates", by="ward")
    assert agg["boundaryVintage"] == "2022"
    names = [f["properties"].get("name") for f in agg["features"]]
    assert names and all(n.endswith("(ONS)") for n in names)
    total = api.json("/collections/mps_crime/count")["numberMatched"]
    assert total > 0


def test_month_only_records_match_no_hour_or_weekday_filter(imported_server: Server, tmp_path: Path) -> None:
    from safestats_store import db as store_db
    from safestats_store.boundaries import load_geography
    with store_db.make_engine(imported_server.db).connect() as conn:
        geo = load_geography(conn)
    csv = pf.police_uk(tmp_path / "street.csv", geo, rows=120)
    api = imported_server.session("mopac.analyst")
    every_hour = {"hour": ",".join(str(h) for h in range(24))}
    every_day = {"dow": "1,2,3,4,5,6,7"}
    period = {"datetime": "2025-01-01T00:00:00Z/2025-03-01T00:00:00Z"}
    before = [api.json("/collections/mps_crime/count", **period, **p)["numberMatched"]
              for p in ({}, every_hour, every_day)]
    out = run_cli("ingest", "mps_crime", str(csv), "--format", "police-uk", "--db", imported_server.db).stdout
    added = int(out.split(" rows read, ")[1].split(" added")[0])
    assert added > 0
    after = [api.json("/collections/mps_crime/count", **period, **p)["numberMatched"]
             for p in ({}, every_hour, every_day)]
    assert after[0] == before[0] + added          # there, in the period's counts
    assert after[1:] == before[1:]                # but in no hour and no day of week: not recorded
    coll = api.json("/collections/mps_crime")
    assert f"{added} records have a month only (police.uk)" in coll["safestats"]["precision"]["note"]


def test_an_area_saved_with_codes_no_longer_in_use_gets_a_clear_message(imported_server: Server) -> None:
    api = imported_server.session("mopac.analyst")
    old = build_geography().wards[0].code  # a synthetic-London ward code: not in the imported wards
    r = api.get("/collections/mps_crime/count", area=f"ward:{old}")
    assert r.status_code == 400
    assert (f"there is no ward {old} in the store's 2022 boundaries (was the area saved before the ward "
            "boundaries changed? choose it again in the area list)") in r.text
    new = api.json("/collections/wards/items", limit=1)["features"][0]["id"]
    assert api.get("/collections/mps_crime/count", area=f"ward:{new}").status_code == 200
    tfl = imported_server.session("tfl.analyst")  # counts only for mps_crime: the closed table says the same
    r = tfl.get("/collections/mps_crime/count", period="2025-01", area=f"ward:{old}")
    assert r.status_code == 400 and f"there is no ward {old} in the store's 2022 boundaries" in r.text
