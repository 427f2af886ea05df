"""fgb.write_points writes FlatGeobuf that GDAL reads back exactly (its buffer verification on), and
whose packed Hilbert R-tree answers bbox searches exactly as a brute-force filter does: for every
column type with and without nulls, empty files, one point, points all in one place, and tree sizes
around the node size."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyogrio
import pyogrio.raw
import pytest
import shapely

from safestats_store import extract_process, fgb, output
from safestats_store.crs import EPSG27700_URI

def hilbert_order(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The order FlatGeobuf's reference writers give points: along the Hilbert curve over their own
    extent, highest value first (ties here in input order)."""
    keys = fgb.hilbert_keys(x, y, (float(x.min()), float(y.min()), float(x.max()), float(y.max())))
    return np.argsort(~keys, kind="stable")


PROPS = (("occurred_at", "datetime"), ("borough_name", "string"), ("hour", "integer"), ("score", "number"),
         ("outcome", "string"))


def _points(n: int, seed: int = 1, nulls: bool = True) -> dict:
    rng = np.random.default_rng(seed)
    ms = rng.integers(1_700_000_000_000, 1_760_000_000_000, n)
    names = np.array(["Camden", "Hackney", "Tower Hamlets", "Barking and Dagenham", "Ealing é ü"], dtype=object)
    cols = {
        "x": rng.normal(530_000, 8_000, n), "y": rng.normal(180_000, 6_000, n), "id": np.arange(1, n + 1) * 7,
        "occurred_at": pa.array(ms.astype("datetime64[ms]")),
        "borough_name": pa.array(names[rng.integers(0, len(names), n)], pa.string()),
        "hour": pa.array(rng.integers(0, 24, n)),
        "score": pa.array(rng.random(n)),
        "outcome": pa.array(np.where(rng.random(n) < 0.3, None, "Under investigation"), pa.string()),
    }
    if nulls and n:
        mask = rng.random(n) < 0.2
        cols["hour"] = pa.array(cols["hour"].to_numpy().astype(object), pa.int64(), mask=mask)
        cols["score"] = pa.array(cols["score"].to_numpy(), mask=rng.random(n) < 0.2)
        cols["occurred_at"] = pa.array(ms.astype("datetime64[ms]"), mask=rng.random(n) < 0.1)
        cols["borough_name"] = pa.array(cols["borough_name"].to_pylist(), pa.string(), mask=rng.random(n) < 0.1)
    return cols


def _write(tmp_path: Path, cols: dict, batch: int = 1000) -> Path:
    n = len(cols["x"])
    raw = [[pa.array(cols["id"]), pa.array(cols["x"]), pa.array(cols["y"]),
            *[cols[p] for p, _t in PROPS]]]
    raw = [[c.slice(i, batch) for c in raw[0]] for i in range(0, n, batch)]
    path = tmp_path / "p.fgb"
    path.unlink(missing_ok=True)
    extent = (cols["x"].min(), cols["y"].min(), cols["x"].max(), cols["y"].max()) if n else (0.0, 0.0, 1.0, 1.0)
    written = extract_process.write_rows(str(path), raw, PROPS, output.fgb_crs(EPSG27700_URI), "test_layer", extent)
    assert written == n
    return path


@pytest.mark.parametrize("n", [1, 2, 15, 16, 17, 256, 257, 5000])
def test_gdal_reads_back_every_value(tmp_path: Path, n: int) -> None:
    cols = _points(n, seed=n)
    path = _write(tmp_path, cols, batch=997)
    meta, _fids, geometry, fields = pyogrio.raw.read(path)  # GDAL verifies every flatbuffer (VERIFY_BUFFERS)
    assert meta["crs"] == "EPSG:27700" and meta["geometry_type"] == "Point"
    assert list(meta["fields"]) == ["safestats_id", *[p for p, _t in PROPS]]
    assert pyogrio.read_info(path)["layer_name"] == "test_layer"
    got = dict(zip(meta["fields"], fields))
    order = np.argsort(got["safestats_id"])
    assert list(got["safestats_id"][order]) == list(cols["id"])
    pts = shapely.from_wkb(geometry)[order]
    np.testing.assert_array_equal(shapely.get_x(pts), cols["x"])
    np.testing.assert_array_equal(shapely.get_y(pts), cols["y"])
    for p, _t in PROPS:
        want = cols[p].to_pylist()
        have = got[p][order]
        if p == "occurred_at":
            have = [None if np.isnat(v) else v.astype("datetime64[ms]").item() for v in have]
            want = [None if v is None else v.replace(tzinfo=None) for v in want]
        elif have.dtype.kind == "f":
            have = [None if np.isnan(v) else v for v in have]
        else:
            have = list(have)
        assert have == want, p


def test_an_empty_selection_is_a_valid_file_with_the_schema(tmp_path: Path) -> None:
    path = _write(tmp_path, _points(0))
    meta, _f, geometry, _fields = pyogrio.raw.read(path)
    assert len(geometry) == 0 and list(meta["fields"]) == ["safestats_id", *[p for p, _t in PROPS]]
    assert pyogrio.read_info(path, force_feature_count=True)["features"] == 0


@pytest.mark.parametrize("in_memory", [fgb.IN_MEMORY_FEATURES, 10_000])  # one bucket; spilled midway
def test_the_spatial_index_answers_bbox_searches_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         in_memory: int) -> None:
    monkeypatch.setattr(fgb, "IN_MEMORY_FEATURES", in_memory)
    cols = _points(20_000, seed=5, nulls=False)
    cols["x"][:300] = 530_000.0  # many points in one place (equal Hilbert values)
    cols["y"][:300] = 180_000.0
    path = _write(tmp_path, cols, batch=4096)
    rng = np.random.default_rng(9)
    x, y = cols["x"], cols["y"]
    for _ in range(25):
        cx, cy, w, h = rng.normal(530_000, 8_000), rng.normal(180_000, 6_000), rng.uniform(50, 6_000), rng.uniform(50, 6_000)
        bbox = (cx - w, cy - h, cx + w, cy + h)
        _m, _f, _g, (ids,) = pyogrio.raw.read(path, bbox=bbox, columns=["safestats_id"])
        inside = (x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3])
        assert sorted(ids) == sorted(cols["id"][inside])
    _m, _f, _g, (ids,) = pyogrio.raw.read(path, bbox=(529_999, 179_999, 530_001, 180_001), columns=["safestats_id"])
    assert set(cols["id"][:300]) <= set(ids)
    _m, _f, geometry, (all_ids,) = pyogrio.raw.read(path, columns=["safestats_id"])
    assert sorted(all_ids) == sorted(cols["id"])
    order = hilbert_order(x, y)  # spilled or not, the file is in the curve's order
    np.testing.assert_array_equal(shapely.get_x(shapely.from_wkb(geometry)), x[order])


def test_features_follow_the_hilbert_curve(tmp_path: Path) -> None:
    """The file's order is the Hilbert order (what makes the tree's nodes small), reproducibly."""
    cols = _points(3_000, seed=2, nulls=False)
    path = _write(tmp_path, cols)
    _m, _f, geometry, _fields = pyogrio.raw.read(path)
    pts = shapely.from_wkb(geometry)
    order = hilbert_order(cols["x"], cols["y"])
    np.testing.assert_array_equal(shapely.get_x(pts), cols["x"][order])
    assert path.read_bytes() == _write(tmp_path, cols, batch=333).read_bytes()


def test_hilbert_values_are_the_curve() -> None:
    """On a 4 × 4 grid the curve visits neighbouring cells one after the other, once each."""
    x, y = np.meshgrid(np.arange(4, dtype=np.uint32) << 14, np.arange(4, dtype=np.uint32) << 14)
    h = fgb.hilbert(x.ravel(), y.ravel())
    cells = np.argsort(h)
    assert len(set(h.tolist())) == 16
    xs, ys = x.ravel()[cells] >> 14, y.ravel()[cells] >> 14
    assert all(abs(int(a) - int(b)) + abs(int(c) - int(d)) == 1
               for a, b, c, d in zip(xs[:-1], xs[1:], ys[:-1], ys[1:]))


def test_dates_are_written_as_gdal_writes_them() -> None:
    arr = pa.array(np.array(["1999-12-31T23:59:59", "2024-02-29T00:00:00", "2025-03-30T01:00:00"],
                            dtype="datetime64[ms]"))
    assert [bytes(r).decode() for r in fgb.iso_datetimes(arr)] == \
        ["1999-12-31T23:59:59", "2024-02-29T00:00:00", "2025-03-30T01:00:00"]
    with_ms = pa.array(np.array(["2025-01-01T10:00:00.123", "1970-01-01T00:00:00"], dtype="datetime64[ms]"))
    assert [bytes(r).decode() for r in fgb.iso_datetimes(with_ms)] == \
        ["2025-01-01T10:00:00.123", "1970-01-01T00:00:00.000"]


def test_points_outside_the_curves_extent_still_give_a_right_file(tmp_path: Path) -> None:
    """The curve is laid over Greater London (output.curve_extent); a point outside it (a boundary
    import since, a dataset reaching beyond) takes the nearest cell. The file is still right: every
    point, the header's envelope the points' own, the index exact."""
    cols = _points(6_000, seed=4, nulls=False)
    raw = [[pa.array(cols["id"]), pa.array(cols["x"]), pa.array(cols["y"]), *[cols[p] for p, _t in PROPS]]]
    stale = (cols["x"].min() + 5_000, cols["y"].min() + 5_000, cols["x"].max() - 5_000, cols["y"].max() - 5_000)
    path = tmp_path / "stale.fgb"
    assert extract_process.write_rows(str(path), raw, PROPS, output.fgb_crs(EPSG27700_URI), "t", stale) == 6_000
    info = pyogrio.read_info(path)
    assert tuple(info["total_bounds"]) == (cols["x"].min(), cols["y"].min(), cols["x"].max(), cols["y"].max())
    x, y = cols["x"], cols["y"]
    for bbox in ((x.min(), y.min(), x.min() + 3_000, y.min() + 3_000), (x.max() - 2_000, y.max() - 2_000, x.max(), y.max()),
                 (529_000, 179_000, 531_000, 181_000)):
        _m, _f, _g, (ids,) = pyogrio.raw.read(path, bbox=bbox, columns=["safestats_id"])
        inside = (x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3])
        assert sorted(ids) == sorted(cols["id"][inside])


def test_the_curve_covers_london_in_every_output_crs() -> None:
    from safestats_store.crs import CRS84_URI, EPSG4326_URI

    x0, y0, x1, y1 = output.curve_extent(EPSG27700_URI)
    assert x0 < 503_000 and x1 > 562_000 and y0 < 155_000 and y1 > 201_000  # Greater London's bounds
    lon0, lat0, lon1, lat1 = output.curve_extent(CRS84_URI)
    assert lon0 < -0.51 and lon1 > 0.34 and lat0 < 51.28 and lat1 > 51.69
    assert output.curve_extent(EPSG4326_URI) == (lat0, lon0, lat1, lon1)  # latitude first
