"""The store's f=fgb writer (output.write_fgb: ADBC batches in a child process, or the store's sqlite3
rows, → fgb.write_points) writes the same features as the GDAL row-by-row writer it replaced
(fgb_reference.write_fgb_rows): same ids, attributes, geometry, CRS and field types, read back by
GDAL, on SQLite and on PostgreSQL + PostGIS, for every output CRS, filters that run Python functions
on SQLite (polygon, CASEI/LIKE), empty selections and integer fields. Both files are in Hilbert
order; ties (points at the same place) may be ordered differently, so features are compared by id."""
from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
from sqlalchemy import create_engine, text

from fgb_reference import write_fgb_rows
from pg import shared_postgis
from safestats_store import db, extract_process, fgb, ingest, output, query
from safestats_store.boundaries import save_geography
from safestats_store.catalogue import DATASETS
from safestats_store.rights import Grant
from safestats_store.synthetic import build_geography, generate_extract


def _load(url: str) -> Any:
    engine = db.make_engine(url)
    db.create_schema(engine)
    geo = build_geography()
    with engine.begin() as conn:
        save_geography(conn, geo)
    for ds_id, scale in (("mps_crime", 0.004), ("lfb_incidents", 0.05)):
        ds = DATASETS[ds_id]
        df = generate_extract(ds, geo, date(2025, 1, 1), date(2025, 7, 1), scale=scale, seed=3)
        if ds_id == "mps_crime":  # the first records without an outcome: whole batches of empty text
            df = df.sort_values("occurred_at", kind="stable")
            df.loc[df.index[:200], "outcome"] = ""
        ingest.ingest_frame(engine, ds, df)
    return engine


@pytest.fixture(scope="module", params=["sqlite", "postgis"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if request.param == "sqlite":
        yield _load(str(tmp_path_factory.mktemp("fgbw") / "w.sqlite"))
        return
    pg = shared_postgis(tmp_path_factory)
    name = f"fgbw_{uuid.uuid4().hex[:8]}"  # a database of its own in the shared cluster
    admin = create_engine(pg.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = pg.url.rsplit("/", 1)[0] + "/" + name
    yield _load(url.replace("postgresql+psycopg://", "postgresql://"))
    db.make_engine(url.replace("postgresql+psycopg://", "postgresql://")).dispose()


CASES = [
    ("mps_crime", {}),
    ("mps_crime", {"crs": "http://www.opengis.net/def/crs/EPSG/0/27700"}),
    ("mps_crime", {"crs": "http://www.opengis.net/def/crs/EPSG/0/4326", "hour": "0,1,2,3"}),
    ("mps_crime", {"filter": "S_INTERSECTS(geometry, POLYGON((-0.2 51.48, -0.1 51.48, -0.15 51.53, -0.2 51.48)))"}),
    ("mps_crime", {"filter": "CASEI(location_desc) LIKE CASEI('on or near high%') AND crime_type <> 'Drugs'"}),
    ("mps_crime", {"datetime": "2025-03-01/2025-03-31", "area": "borough:E09000033"}),
    ("mps_crime", {"crime_type": "No such type"}),  # nothing matches
    ("lfb_incidents", {}),
    ("lfb_incidents", {"crs": "http://www.opengis.net/def/crs/EPSG/0/27700", "pumps_attending": "2"}),
]


def _read(path: str) -> tuple[dict, list]:
    meta, _fids, geometry, fields = pyogrio.raw.read(path)
    info = pyogrio.read_info(path)
    return ({"crs": meta["crs"], "fields": list(meta["fields"]), "dtypes": list(meta["dtypes"]),
             "ogr_types": list(meta.get("ogr_types", [])), "ogr_subtypes": list(meta.get("ogr_subtypes", [])),
             "geometry_type": meta["geometry_type"], "features": info["features"], "layer": info["layer_name"]
             if "layer_name" in info else None}, [geometry, *fields])


@pytest.mark.parametrize("ds_id,params", CASES)
def test_columnar_writer_writes_what_the_row_writer_wrote(engine: Any, ds_id: str, params: dict,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "FGB_BATCH", 64)  # many batches, the first ones without any outcome
    ds = DATASETS[ds_id]
    grant = Grant(ds_id, "records", None, None, None, None, None)
    if "crime_type" in params:
        params = {"filter": f"crime_type = '{params['crime_type']}'"}
    if "pumps_attending" in params:
        params = {**params, "filter": f"pumps_attending = {params.pop('pumps_attending')}"}
    pq = query.build(ds, grant, params, engine.dialect.name)
    table = db.incident_tables[ds_id]
    with engine.connect() as conn:
        new_path, new_n = output.write_fgb(conn, ds, table, pq.where, pq.properties, pq.output_crs, str(tmp_path))
        old_path, old_n = write_fgb_rows(conn, ds, table, pq.where, pq.properties, pq.output_crs, str(tmp_path))
    assert new_n == old_n
    new_meta, new_cols = _read(new_path)
    old_meta, old_cols = _read(old_path)
    assert new_meta == old_meta
    assert len(new_cols[0]) == new_n
    assert new_meta["fields"][0] == "safestats_id" and new_meta["fields"][1:] == list(pq.properties)
    ids = new_meta["fields"].index("safestats_id") + 1
    new_order, old_order = np.argsort(new_cols[ids], kind="stable"), np.argsort(old_cols[ids], kind="stable")
    assert len(set(new_cols[ids])) == new_n
    for a, b in zip(new_cols, old_cols):
        assert len(a) == len(b)
        a, b = a[new_order], b[old_order]
        if a.dtype.kind == "f":
            np.testing.assert_array_equal(a, b)  # NaN for NaN (empty values)
        else:
            assert list(a) == list(b)
    if ds_id == "lfb_incidents" and not params.get("filter"):
        assert new_n and new_meta["dtypes"][new_meta["fields"].index("pumps_attending")] == "int64"
    assert pyogrio.read_info(new_path)["crs"] == pyogrio.read_info(old_path)["crs"]
    os.unlink(new_path)
    os.unlink(old_path)


def test_a_failed_extract_leaves_no_file(engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the child process (here: the database has no such table) comes back as
    ExtractFailed with the child's message, and the partial file is gone."""
    ds = DATASETS["mps_crime"]
    pq = query.build(ds, Grant("mps_crime", "records", None, None, None, None, None), {}, engine.dialect.name)
    monkeypatch.setattr(db.incident_tables["mps_crime"], "name", "ds_no_such_table")
    with engine.connect() as conn, pytest.raises(extract_process.ExtractFailed, match="ds_no_such_table"):
        output.write_fgb(conn, ds, db.incident_tables["mps_crime"], pq.where, pq.properties, pq.output_crs,
                         str(tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_failed_write_in_the_store_process_leaves_no_file(engine: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite polygon and text filters are written in the store process: a failed write there (disk
    full) raises and leaves no file either."""
    ds = DATASETS["mps_crime"]
    pq = query.build(ds, Grant("mps_crime", "records", None, None, None, None, None),
                     {"filter": "CASEI(location_desc) LIKE CASEI('on or near%')"}, engine.dialect.name)

    def disk_full(*_a: Any, **_k: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fgb, "encode_features", disk_full)
    with engine.connect() as conn, pytest.raises(OSError, match="No space left"):
        output.write_fgb(conn, ds, db.incident_tables["mps_crime"], pq.where, pq.properties, pq.output_crs,
                         str(tmp_path))
    assert list(tmp_path.iterdir()) == []
