"""Tests for the synthetic London geography and provider extracts (safestats_store.synthetic)."""
from __future__ import annotations

import datetime as dt
import re
import time

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.strtree import STRtree

from safestats_store import catalogue, synthetic
from safestats_store.catalogue import DATASETS

REAL_BOROUGHS = [
    "City of London", "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon", "Ealing",
    "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon",
    "Hounslow", "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton",
    "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest",
    "Wandsworth", "Westminster",
]
CITY = "E09000001"
START, END = dt.date(2024, 1, 1), dt.date(2024, 4, 8)   # 98 days, includes 1 April (NDTMS)
SMALL_SCALE = {"mps_crime": 0.05, "lfb_incidents": 0.3}  # others at scale 1 (they are small)
TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@pytest.fixture(scope="module")
def geo() -> synthetic.Geography:
    return synthetic.build_geography()


@pytest.fixture(scope="module")
def extracts(geo) -> dict[str, pd.DataFrame]:
    return {ds.id: synthetic.generate_extract(ds, geo, START, END, scale=SMALL_SCALE.get(ds.id, 1.0), seed=11)
            for ds in DATASETS.values()}


def bng(ds: catalogue.Dataset, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if ds.coordinates == "wgs84":
        x, y = TO_BNG.transform(df["longitude"].to_numpy(float), df["latitude"].to_numpy(float))
        return np.asarray(x), np.asarray(y)
    return df["easting"].to_numpy(float), df["northing"].to_numpy(float)


def by_code(geo: synthetic.Geography) -> dict[str, str]:
    return {a.code: a.name for a in geo.boroughs}


# ------------------------------------------------------------------------------------ geography

def test_boroughs_have_real_codes_and_names(geo):
    assert len(geo.boroughs) == 33
    assert [b.code for b in geo.boroughs] == [f"E090000{i:02d}" for i in range(1, 34)]
    assert [b.name for b in geo.boroughs] == REAL_BOROUGHS
    assert all(b.level == "borough" and b.parent_code is None for b in geo.boroughs)
    assert geo.area("E09000033").name == "Westminster"


def test_wards(geo):
    assert 600 <= len(geo.wards) <= 720
    codes = [w.code for w in geo.wards]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"E05\d{6}", c) for c in codes)
    borough_codes = {b.code for b in geo.boroughs}
    assert all(w.level == "ward" and w.parent_code in borough_codes for w in geo.wards)
    per_borough = pd.Series([w.parent_code for w in geo.wards]).value_counts()
    assert per_borough.min() >= 15 and per_borough.max() <= 30
    names = pd.DataFrame({"b": [w.parent_code for w in geo.wards], "n": [w.name for w in geo.wards]})
    assert not names.duplicated().any()
    assert geo.area(codes[0]).parent_code in borough_codes


def test_tessellation_is_valid_gap_free_and_non_overlapping(geo):
    for a in [*geo.boroughs, *geo.wards]:
        assert a.geometry.geom_type in ("Polygon", "MultiPolygon")
        assert a.geometry.is_valid and not a.geometry.is_empty
    borough_union = shapely.union_all([b.geometry for b in geo.boroughs])
    borough_sum = sum(b.geometry.area for b in geo.boroughs)
    assert borough_sum == pytest.approx(borough_union.area, rel=1e-3)          # no overlaps
    assert borough_union.area == pytest.approx(synthetic.london_outline().area, rel=1e-3)  # no gaps
    assert 1450e6 < borough_union.area < 1750e6                               # Greater London is 1,572 km2
    assert borough_union.geom_type == "Polygon" and shapely.get_num_interior_rings(borough_union) == 0
    minx, miny, maxx, maxy = borough_union.bounds
    assert 502_000 < minx and maxx < 562_000 and 155_000 < miny and maxy < 202_000
    for b in geo.boroughs:
        wards = [w.geometry for w in geo.wards if w.parent_code == b.code]
        assert sum(w.area for w in wards) == pytest.approx(b.geometry.area, rel=1e-3)
        assert shapely.union_all(wards).symmetric_difference(b.geometry).area < 1e-3 * b.geometry.area
    assert 2.5e6 < geo.area(CITY).geometry.area < 3.5e6                       # the Square Mile
    if hasattr(shapely, "coverage_is_valid"):                                 # shared edges, shared vertices
        assert shapely.coverage_is_valid([b.geometry for b in geo.boroughs])
        assert shapely.coverage_is_valid([w.geometry for w in geo.wards])


def test_borough_sizes_are_plausible(geo):
    area = {b.name: b.geometry.area / 1e6 for b in geo.boroughs}
    assert area["Bromley"] == max(area.values())
    assert area["City of London"] == min(area.values())
    assert area["Westminster"] < area["Havering"] / 3
    westminster = geo.area("E09000033").geometry
    assert westminster.contains(shapely.Point(529500, 180700))               # Leicester Square-ish


def test_geography_is_deterministic(geo):
    again = synthetic.geography._build_geography()
    for a, b in zip([*geo.boroughs, *geo.wards], [*again.boroughs, *again.wards], strict=True):
        assert (a.code, a.name, a.level, a.parent_code) == (b.code, b.name, b.level, b.parent_code)
        assert a.geometry.wkb == b.geometry.wkb
    assert synthetic.build_geography() is geo                                # cached


def test_locate_agrees_with_shapely(geo):
    rng = np.random.default_rng(3)
    x = rng.uniform(500_000, 565_000, 4000)
    y = rng.uniform(153_000, 204_000, 4000)
    ward, borough = geo.locate(x, y)
    tree = STRtree([w.geometry for w in geo.wards])
    for i in range(len(x)):
        hits = tree.query(shapely.Point(x[i], y[i]), predicate="within")
        expected = geo.wards[hits[0]] if len(hits) else None
        assert ward[i] == (expected.code if expected else None)
        assert borough[i] == (expected.parent_code if expected else None)
    assert (borough != None).sum() > 1000                                    # noqa: E711


def test_locate_edge_cases_and_speed(geo):
    ward, borough = geo.locate(np.array([np.nan, 400_000.0, 529_500.0]), np.array([180_000.0, 180_000.0, 180_700.0]))
    assert ward[0] is None and borough[0] is None and ward[1] is None and borough[1] is None
    assert borough[2] == "E09000033" and geo.area(ward[2]).parent_code == "E09000033"
    assert geo.locate(np.array([]), np.array([]))[0].shape == (0,)
    rng = np.random.default_rng(4)
    x, y = rng.uniform(503_000, 561_000, 1_000_000), rng.uniform(155_000, 201_000, 1_000_000)
    t0 = time.perf_counter()
    geo.locate(x, y)
    assert time.perf_counter() - t0 < 5.0


# -------------------------------------------------------------------------------------- extracts

def test_extract_columns_ids_and_times(extracts):
    for ds_id, df in extracts.items():
        ds = DATASETS[ds_id]
        coords = {"bng": ["easting", "northing"], "wgs84": ["longitude", "latitude"], "borough": ["borough_code"]}
        assert list(df.columns) == ["source_id", "occurred_at", *coords[ds.coordinates], *ds.field_names], ds_id
        assert len(df) > 0, ds_id
        assert df["source_id"].is_unique, ds_id
        assert df["source_id"].str.startswith(f"{ds_id}-11-").all()
        assert df["occurred_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").all(), ds_id
        when = pd.to_datetime(df["occurred_at"])
        assert when.min() >= pd.Timestamp(START) and when.max() < pd.Timestamp(END), ds_id
        for f in ds.fields:
            if f.required:
                assert df[f.name].notna().all(), (ds_id, f.name)


def test_every_categorical_value_is_in_its_list(extracts):
    for ds_id, df in extracts.items():
        for f in DATASETS[ds_id].fields:
            if f.categories:
                values = set(df[f.name].dropna())
                assert values <= set(f.categories), (ds_id, f.name, values - set(f.categories))


def test_all_points_are_inside_london(geo, extracts):
    for ds_id, df in extracts.items():
        ds = DATASETS[ds_id]
        if ds.coordinates == "borough":
            assert set(df["borough_code"]) <= {b.code for b in geo.boroughs}
            continue
        x, y = bng(ds, df)
        _, borough = geo.locate(x, y)
        assert pd.notna(pd.Series(borough)).all(), ds_id
        if ds.coordinates == "wgs84":
            assert (df["longitude"].round(6) == df["longitude"]).all()


def test_police_forces_keep_to_their_areas(geo, extracts):
    _, colp = geo.locate(*bng(DATASETS["colp_crime"], extracts["colp_crime"]))
    assert (colp == CITY).all()
    _, mps = geo.locate(*bng(DATASETS["mps_crime"], extracts["mps_crime"]))
    assert not (mps == CITY).any()


def test_mps_categories_are_consistent(extracts):
    df = extracts["mps_crime"]
    for major, minor, crime_type in df[["major_category", "minor_category", "crime_type"]].drop_duplicates().itertuples(
            index=False):
        assert minor in catalogue.MPS_MAJOR_MINOR[major]
        assert crime_type == synthetic.MPS_MINOR_TO_CRIME_TYPE[minor]
    assert df["crime_type"].nunique() >= 12
    assert set(df.loc[df["minor_category"] == "Shoplifting", "crime_type"]) == {"Shoplifting"}
    assert df["location_desc"].str.startswith("On or near ").all()
    violence = (df["crime_type"] == "Violence and sexual offences").mean()
    assert 0.2 < violence < 0.4                                              # ~30% of MPS crime


def test_lfb_codes_rounding_and_false_alarm_share(extracts):
    df = extracts["lfb_incidents"]
    assert (df["easting"] % 50 == 0).all() and (df["northing"] % 50 == 0).all()
    for group, codes in catalogue.LFB_STOP_CODES.items():
        assert set(df.loc[df["incident_group"] == group, "stop_code"]) <= set(codes)
    special = df["incident_group"] == "Special Service"
    assert df.loc[special, "special_service_type"].notna().all()
    assert df.loc[~special, "special_service_type"].isna().all()
    assert 0.40 <= (df["incident_group"] == "False Alarm").mean() <= 0.52
    assert (df["pumps_attending"] >= 1).all()
    rtc = df["special_service_type"] == "RTC"
    assert (df.loc[rtc, "property_category"] == "Road Vehicle").mean() > 0.8


def test_ndtms_rows(geo):
    ds = DATASETS["ndtms_treatment"]
    one = synthetic.generate_extract(ds, geo, dt.date(2024, 1, 1), dt.date(2025, 1, 1), seed=1)
    assert len(one) == 33 * 2 * 3 * 4
    assert set(one["period"]) == {"2024-25"} and set(one["occurred_at"]) == {"2024-04-01T00:00:00"}
    assert (one["people"] >= 0).all() and (one["people"] % 5 == 0).all()
    assert one["people"].sum() > 10_000
    assert not one.duplicated(["borough_code", "period", "sex", "age_band", "substance_group"]).any()
    two = synthetic.generate_extract(ds, geo, dt.date(2023, 1, 1), dt.date(2025, 1, 1), seed=1)
    assert len(two) == 2 * len(one) and set(two["period"]) == {"2023-24", "2024-25"}
    assert synthetic.generate_extract(ds, geo, dt.date(2024, 5, 1), dt.date(2024, 6, 1)).empty


def test_extracts_are_deterministic_and_additive(geo):
    ds = DATASETS["las_incidents"]
    a = synthetic.generate_extract(ds, geo, dt.date(2024, 3, 1), dt.date(2024, 5, 1), scale=0.5, seed=2)
    b = synthetic.generate_extract(ds, geo, dt.date(2024, 3, 1), dt.date(2024, 5, 1), scale=0.5, seed=2)
    pd.testing.assert_frame_equal(a, b)
    march = synthetic.generate_extract(ds, geo, dt.date(2024, 3, 1), dt.date(2024, 4, 1), scale=0.5, seed=2)
    april = synthetic.generate_extract(ds, geo, dt.date(2024, 4, 1), dt.date(2024, 5, 1), scale=0.5, seed=2)
    pd.testing.assert_frame_equal(pd.concat([march, april], ignore_index=True), a)   # same records, same ids
    other = synthetic.generate_extract(ds, geo, dt.date(2024, 3, 1), dt.date(2024, 5, 1), scale=0.5, seed=3)
    assert not other["occurred_at"].equals(a["occurred_at"].iloc[:len(other)])


def test_volumes_scale_with_scale_and_dates(geo):
    ds = DATASETS["mps_crime"]
    n = {(s, d): len(synthetic.generate_extract(ds, geo, dt.date(2024, 6, 1), dt.date(2024, 6, 1) + dt.timedelta(d),
                                                scale=s, seed=4))
         for s, d in [(0.02, 30), (0.04, 30), (0.02, 60)]}
    expected = ds.annual_volume * 0.02 * 30 / 365
    assert n[(0.02, 30)] == pytest.approx(expected, rel=0.12)
    assert n[(0.04, 30)] / n[(0.02, 30)] == pytest.approx(2, rel=0.1)
    assert n[(0.02, 60)] / n[(0.02, 30)] == pytest.approx(2, rel=0.1)
    assert synthetic.generate_extract(ds, geo, dt.date(2024, 6, 1), dt.date(2024, 6, 1)).empty
    rnli = synthetic.generate_extract(DATASETS["rnli_launches"], geo, dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert 650 < len(rnli) < 950


def test_mps_full_scale_month_is_fast(geo):
    t0 = time.perf_counter()
    df = synthetic.generate_extract(DATASETS["mps_crime"], geo, dt.date(2024, 2, 1), dt.date(2024, 3, 1), seed=5)
    assert 60_000 < len(df) < 85_000
    assert time.perf_counter() - t0 < 6.0


def test_hotspots_make_inner_london_denser(geo, extracts):
    _, borough = geo.locate(*bng(DATASETS["mps_crime"], extracts["mps_crime"]))
    counts = pd.Series(borough).value_counts()
    density = {c: counts.get(c, 0) / (geo.area(c).geometry.area / 1e6) for c in ("E09000033", "E09000016")}
    assert density["E09000033"] > 5 * density["E09000016"]                   # Westminster vs Havering
    # the West End cluster: many crimes within 600 m of Leicester Square
    x, y = bng(DATASETS["mps_crime"], extracts["mps_crime"])
    assert (np.hypot(x - 529_900, y - 180_750) < 600).mean() > 0.01


def _night_ratio(when: pd.Series) -> float:
    """Records per hour in Friday/Saturday nights (20:00-03:59) over records per hour at other times."""
    dow, hour = when.dt.day_of_week, when.dt.hour
    night = ((dow.isin([4, 5]) & (hour >= 20)) | (dow.isin([5, 6]) & (hour < 4)))
    hours_total = 7 * 24
    hours_night = 2 * 4 + 2 * 4
    return (night.sum() / hours_night) / ((~night).sum() / (hours_total - hours_night))


def test_violence_peaks_on_weekend_nights(extracts):
    las = extracts["las_incidents"]
    assert _night_ratio(pd.to_datetime(las.loc[las["incident_type"] == "Assault", "occurred_at"])) > 2
    mps = extracts["mps_crime"]
    violence = pd.to_datetime(mps.loc[mps["crime_type"] == "Violence and sexual offences", "occurred_at"])
    assert _night_ratio(violence) > 1.5
    assert _night_ratio(pd.to_datetime(extracts["istv_assaults"]["occurred_at"])) > 2
    hours = violence.dt.hour.value_counts()
    assert hours[22] > 1.5 * hours[10]


def test_summer_peak_for_violence(geo):
    ds = DATASETS["istv_assaults"]
    df = synthetic.generate_extract(ds, geo, dt.date(2023, 1, 1), dt.date(2024, 1, 1), scale=2.0, seed=6)
    month = pd.to_datetime(df["occurred_at"]).dt.month
    assert month.isin([6, 7, 8]).sum() > 1.1 * month.isin([12, 1, 2]).sum()


def test_shoplifting_in_shop_hours(extracts):
    mps = extracts["mps_crime"]
    hour = pd.to_datetime(mps.loc[mps["crime_type"] == "Shoplifting", "occurred_at"]).dt.hour
    assert hour.between(9, 19).mean() > 0.85


def test_no_local_times_in_the_spring_forward_gap(geo):
    ds = DATASETS["las_incidents"]
    df = synthetic.generate_extract(ds, geo, dt.date(2024, 3, 31), dt.date(2024, 4, 1), scale=20, seed=1)
    assert len(df) > 500 and not df["occurred_at"].str.startswith("2024-03-31T01:").any()


def test_btp_rnli_and_buses_follow_their_networks(extracts):
    btp = extracts["btp_crime"]
    stations = {name for name, _, _ in synthetic.RAIL_STATIONS}
    assert (btp["station"].isin(stations) | btp["station"].str.contains(" between ")).all()
    assert btp["station"].isin(stations).mean() > 0.6
    rnli = extracts["rnli_launches"]
    x, y = rnli["easting"].to_numpy(float), rnli["northing"].to_numpy(float)
    thames = shapely.LineString(synthetic.THAMES)
    assert (shapely.distance(shapely.points(x, y), thames) < 150).all()
    assert rnli["station"].value_counts().idxmax() == "Tower"
    tfl = extracts["tfl_bus_incidents"]
    assert tfl.groupby("route")["operator"].nunique().max() == 1
    assert set(tfl["route"]) <= {r for r, _ in synthetic.BUS_ROUTES}


def test_istv_hospitals_are_local(extracts):
    df = extracts["istv_assaults"]
    near_west = df[(df["easting"] < 512_000)]
    assert (near_west["hospital"] == "Royal London").mean() < 0.05


def test_the_38_organisations_of_the_seed_each_with_an_agreement(demo_db: str) -> None:
    """31 borough councils (Richmond and Wandsworth share one) + the City of London Corporation + GLA,
    Home Office, Hertfordshire County Council, MOPAC, MPS and TfL: 38, every one with a DSA record."""
    import sqlite3
    with sqlite3.connect(demo_db) as conn:
        orgs = dict(conn.execute("SELECT id, kind FROM organisations").fetchall())
        with_dsa = {r[0] for r in conn.execute("SELECT DISTINCT org_id FROM agreements")}
        boroughs = [r[0] for r in conn.execute("SELECT borough_code FROM organisations WHERE kind = 'borough'")]
    assert len(orgs) == 38 and set(orgs) == with_dsa
    assert sum(1 for k in orgs.values() if k == "borough") == 32  # 31 councils + the City of London
    assert {"richmond-wandsworth", "cityoflondon", "gla", "homeoffice", "herts", "mopac", "mps", "tfl"} <= set(orgs)
    assert "richmond" not in orgs and "wandsworth" not in orgs
    assert len(boroughs) == 32
