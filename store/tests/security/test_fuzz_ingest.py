"""Property tests (hypothesis) on the ingest validator: whatever a provider's extract holds, the
only outcomes are a clean success or `IngestRejected` with a line/column report, and a rejected
extract writes nothing (no incident rows, no dataset state, no ingest record).

Three generators, all in-process against a real SQLite store with the synthetic geography:
- a valid extract with random cells replaced by arbitrary text (NUL, control characters, huge or
  non-finite numbers, odd dates, whitespace, very long strings, other categories' values);
- the same with columns dropped, duplicated-by-rename or added;
- arbitrary bytes written as the CSV file (through `ingest_file`, as the CLI reads it).
"""
from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from safestats_store import db, ingest
from safestats_store.boundaries import save_geography
from safestats_store.catalogue import DATASETS
from safestats_store.synthetic import build_geography, generate_extract

EXAMPLES = int(os.environ.get("SAFESTATS_FUZZ_EXAMPLES", "100"))
FUZZ_DATASETS = ["lfb_incidents", "tfl_bus_incidents", "ndtms_treatment", "mps_crime"]  # bng, wgs84, borough
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)

NASTY = st.sampled_from([
    "", " ", "\x00", "\x00abc", "\t", "\r\n", "NaN", "nan", "inf", "-inf", "1e400", "-1e400", "1e30", "-0",
    "9223372036854775808", "99999999999999999999999999", "0x10", "1_000", "٣", "²", "１２", "NULL", "None",
    "2025-02-29T10:00:00", "2025-03-30T01:30:00", "2025-10-26T01:30:00", "0001-01-01T00:00:00",
    "9999-12-31T23:59:59", "2262-04-12T00:00:00", "1677-09-21T00:00:00", "2025-01-01", "2025-01-01T25:00:00",
    "2025-01-01T10:00:00+05:00", "E09000033", "E05000001", "E0900003", "e09000033", "'; DROP TABLE users; --",
    "Robbery", "x" * 81, "x" * 5000, "\ud800", "😀", "\u202e", "530000", "180000", "-0.1", "51.5",
])
CELL = st.one_of(NASTY, st.text(max_size=30), st.integers().map(str), st.floats().map(repr))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    path = tmp_path_factory.mktemp("fuzzingest") / "s.sqlite"
    engine = db.make_engine(str(path))
    db.create_schema(engine)
    geo = build_geography()
    with engine.begin() as conn:
        save_geography(conn, geo)
    extracts = {}
    for ds_id in FUZZ_DATASETS:
        ds = DATASETS[ds_id]
        scale = min(1.0, 30 * 365 / (31 * max(ds.annual_volume, 1)))
        df = generate_extract(ds, geo, date(2025, 1, 1), date(2025, 2, 1), scale=scale, seed=5)
        extracts[ds_id] = df.astype(str).head(25).reset_index(drop=True)
    return engine, extracts


def _written(engine, ds_id: str) -> tuple[int, int, int]:  # noqa: ANN001
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(db.incident_tables[ds_id])).scalar_one(),
                conn.execute(select(func.count()).select_from(db.dataset_state)
                             .where(db.dataset_state.c.dataset_id == ds_id)).scalar_one(),
                conn.execute(select(func.count()).select_from(db.ingests)
                             .where(db.ingests.c.dataset_id == ds_id)).scalar_one())


def _attempt(engine, ds_id: str, df: pd.DataFrame) -> None:  # noqa: ANN001
    before = _written(engine, ds_id)
    try:
        report = ingest.ingest_frame(engine, DATASETS[ds_id], df, file_sha256="fuzz", actor="fuzz")
    except ingest.IngestRejected as exc:
        rep = exc.report
        assert not rep.ok and (rep.problems or rep.file_problems)
        assert "REJECTED, nothing was written" in rep.text()
        for p in rep.problems:
            assert 2 <= p.line <= len(df) + 1 and p.column in df.columns, p
        assert _written(engine, ds_id) == before, "a rejected extract wrote something"
        return
    # accepted: it really is clean, and re-ingesting adds nothing
    assert report.ok and report.rows_added + report.rows_already_present == len(df)
    again = ingest.ingest_frame(engine, DATASETS[ds_id], df, file_sha256="fuzz", actor="fuzz")
    assert again.rows_added == 0


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[str, list[tuple[int, str, str]]]:
    ds_id = draw(st.sampled_from(FUZZ_DATASETS))
    cols = ingest.expected_columns(DATASETS[ds_id])
    edits = draw(st.lists(st.tuples(st.integers(0, 24), st.sampled_from(cols), CELL), min_size=1, max_size=6))
    return ds_id, edits


@SETTINGS
@given(case=corrupted())
def test_corrupt_cells_are_rejected_cleanly_or_accepted(store, case) -> None:  # noqa: ANN001
    engine, extracts = store
    ds_id, edits = case
    df = extracts[ds_id].copy()
    for row, col, value in edits:
        df.loc[row, col] = value
    _attempt(engine, ds_id, df)


@SETTINGS
@given(ds_id=st.sampled_from(FUZZ_DATASETS), drop=st.integers(0, 12), add=st.sampled_from(["", "extra", "id", "x"]),
       rename=st.booleans())
def test_wrong_columns_are_rejected_cleanly(store, ds_id: str, drop: int, add: str, rename: bool) -> None:  # noqa: ANN001
    engine, extracts = store
    df = extracts[ds_id].copy()
    cols = list(df.columns)
    assume(drop < len(cols) or add or rename)
    if drop < len(cols):
        df = df.drop(columns=[cols[drop]])
    if add:
        df[add] = "1"
    if rename:
        df = df.rename(columns={df.columns[0]: df.columns[0].upper()})
    before = _written(engine, ds_id)
    with pytest.raises(ingest.IngestRejected) as info:
        ingest.ingest_frame(engine, DATASETS[ds_id], df)
    assert info.value.report.file_problems
    assert _written(engine, ds_id) == before


@SETTINGS
@given(ds_id=st.sampled_from(FUZZ_DATASETS), data=st.binary(max_size=2000), prefix_header=st.booleans())
def test_arbitrary_bytes_as_csv_file(store, tmp_path_factory, ds_id: str, data: bytes,  # noqa: ANN001
                                     prefix_header: bool) -> None:
    engine, extracts = store
    path = Path(tmp_path_factory.getbasetemp()) / f"fuzz-{ds_id}.csv"
    header = (",".join(extracts[ds_id].columns) + "\n").encode() if prefix_header else b""
    path.write_bytes(header + data)
    before = _written(engine, ds_id)
    try:
        ingest.ingest_file(engine, DATASETS[ds_id], path, actor="fuzz")
    except ingest.IngestRejected as exc:
        assert "REJECTED" in exc.report.text()
        assert _written(engine, ds_id) == before


def test_valid_extract_round_trips_through_csv(store) -> None:  # noqa: ANN001
    """Sanity: the unmodified extracts are accepted (so the fuzzing above starts from valid data)."""
    engine, extracts = store
    for ds_id, df in extracts.items():
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        _attempt(engine, ds_id, ingest.read_csv(io.StringIO(buf.getvalue())))
