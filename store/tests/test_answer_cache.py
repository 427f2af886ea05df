"""Cached answers (record-level counts: cache.py; counts-only cells: closed_table; f=fgb extracts:
extracts.py) never cross organisations or agreements, and an ingest invalidates them all.

Attacked through a real store process on a copy of the demo: a London-wide organisation warms
each cache, then an organisation with a narrower agreement asks exactly the same query and must
get the answer for its own agreement (checked against the database directly, no cache)."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import PASSWORD, Server, run_cli, start_server
from safestats_store import accounts, admin, aggregates, closed_table, db, query, rights
from safestats_store.catalogue import DATASETS
from safestats_store.synthetic import build_geography, generate_extract

FILTER = "crime_type IN ('Robbery','Burglary','Shoplifting')"
WESTMINSTER = "E09000033"


@pytest.fixture(scope="module")
def store(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("answers")
    path = str(tmp / "answers.sqlite")
    shutil.copy(demo_db, path)
    engine = db.make_engine(path)
    with engine.begin() as conn:  # a second counts-only organisation, narrower than TfL: one borough
        geo = build_geography()
        admin.add_organisation(conn, "narrowcounts", "Narrow counts", "agency")
        admin.add_agreement(conn, "narrowcounts", "one borough, counts only", date(2024, 1, 1), date(2099, 1, 1),
                            [admin.GrantSpec("mps_crime", access="aggregate", area=geo.area(WESTMINSTER).geometry,
                                             area_name="Westminster")])
        accounts.create_user(conn, "narrow.analyst", "Narrow", "narrowcounts", "analyst", PASSWORD)
    engine.dispose()
    srv = start_server(path, tmp)
    yield srv
    srv.stop()


def _grant(srv: Server, org: str) -> rights.Grant:
    with db.make_engine(srv.db).connect() as conn:
        return rights.active_grants(conn, org)["mps_crime"]


def _direct_count(srv: Server, org: str, params: dict[str, str]) -> int:
    g = _grant(srv, org)
    pq = query.build(g.dataset, g, params, "sqlite")
    with db.make_engine(srv.db).connect() as conn:
        return aggregates.count(conn, g.dataset, db.incident_tables["mps_crime"], pq.where)


def _direct_cell(srv: Server, org: str, params: dict[str, str]) -> Any:
    g = _grant(srv, org)
    closed_table._CELLS.clear()  # this process's cache only: the store's own is in the store process
    with db.make_engine(srv.db).connect() as conn:
        return closed_table.count(conn, g, closed_table.parse_count(conn, g, params, "sqlite"))[0]


def test_a_warm_cache_never_answers_a_narrower_agreement(store: Server) -> None:
    wide, narrow = store.session("mopac.analyst"), store.session("westminster.analyst")
    for _ in range(2):  # the second ask is a cache hit for the wide organisation
        n_wide = wide.json("/collections/mps_crime/count", filter=FILTER)["numberMatched"]
    n_narrow = narrow.json("/collections/mps_crime/count", filter=FILTER)["numberMatched"]
    assert n_wide == _direct_count(store, "mopac", {"filter": FILTER})
    assert n_narrow == _direct_count(store, "westminster", {"filter": FILTER})
    assert 0 < n_narrow < n_wide

    # f=fgb: the extract the wide organisation built is not the one the narrow one gets
    for _ in range(2):
        r_wide = wide.get("/collections/mps_crime/items", f="fgb", filter=FILTER)
    r_narrow = narrow.get("/collections/mps_crime/items", f="fgb", filter=FILTER)
    assert r_wide.status_code == r_narrow.status_code == 200
    assert int(r_wide.headers["X-SafeStats-Count"]) == n_wide
    assert int(r_narrow.headers["X-SafeStats-Count"]) == n_narrow
    assert r_wide.content != r_narrow.content

    # counts only: TfL (London-wide) warms a cell; the one-borough organisation asks the same cell
    tfl, small = store.session("tfl.analyst"), store.session("narrow.analyst")
    cell = {"period": "FY2024", "category": "Robbery"}
    for _ in range(2):
        v_tfl = tfl.json("/collections/mps_crime/count", **cell)["numberMatched"]
    v_small = small.json("/collections/mps_crime/count", **cell)["numberMatched"]
    assert v_tfl == _direct_cell(store, "tfl", cell)
    assert v_small == _direct_cell(store, "narrowcounts", cell)
    assert v_small != v_tfl


def test_ingest_invalidates_every_cached_answer(store: Server, tmp_path: Path) -> None:
    mopac, tfl = store.session("mopac.analyst"), store.session("tfl.analyst")
    month = {"datetime": "2025-02-01T00:00:00Z/2025-02-28T23:59:59Z"}
    cell = {"period": "2025-02"}
    before = mopac.json("/collections/mps_crime/count", **month)["numberMatched"]
    fgb_before = int(mopac.get("/collections/mps_crime/items", f="fgb", **month).headers["X-SafeStats-Count"])
    cell_before = tfl.json("/collections/mps_crime/count", **cell)["numberMatched"]
    assert before == fgb_before == _direct_count(store, "mopac", month)

    df = generate_extract(DATASETS["mps_crime"], build_geography(), date(2025, 2, 1), date(2025, 3, 1),
                          scale=0.01, seed=4242)
    df["source_id"] = [f"answers-test-{i}" for i in range(len(df))]  # new records, never seen before
    csv = tmp_path / "feb.csv"
    df.to_csv(csv, index=False)
    run_cli("ingest", "mps_crime", str(csv), "--db", store.db)  # another process, as in production

    after = _direct_count(store, "mopac", month)
    assert after > before  # new records in that month
    assert mopac.json("/collections/mps_crime/count", **month)["numberMatched"] == after
    assert int(mopac.get("/collections/mps_crime/items", f="fgb", **month).headers["X-SafeStats-Count"]) == after
    cell_after = tfl.json("/collections/mps_crime/count", **cell)["numberMatched"]
    assert cell_after == _direct_cell(store, "tfl", cell) != cell_before
