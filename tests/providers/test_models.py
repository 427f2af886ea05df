from datetime import date, datetime, timezone

import pytest

from safestats.providers import daterange, errors
from safestats.providers.models import (CRS_27700, BBoxArea, BoundaryArea, CollectionInfo, Conditions,
                                        PolygonArea, Query)

UTC = timezone.utc


def test_to_params_simple_and_cql():
    q = Query("mps_crime", start=datetime(2025, 4, 1, tzinfo=UTC), end=datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC),
              dow=(5, 6, 5), hours=(23, 0, 1), categories={"crime_type": ("Burglary", "Robbery")},
              area=BBoxArea(527000, 178000, 533000, 183000))
    p = q.to_params()
    assert p["datetime"] == "2025-04-01T00:00:00Z/2026-03-31T23:59:59Z"
    assert p["dow"] == "5,6" and p["hour"] == "0,1,23"
    assert p["bbox"] == "527000,178000,533000,183000" and p["bbox-crs"] == CRS_27700
    assert p["filter"] == "(crime_type = 'Burglary' OR crime_type = 'Robbery')"
    assert p["filter-lang"] == "cql2-text" and "filter-crs" not in p


def test_open_interval_boundaries_and_polygon():
    q = Query("las_incidents", start=datetime(2026, 1, 1, tzinfo=UTC),
              categories={"incident_type": ("O'Brien's",)},
              area=PolygonArea("MultiPolygon Z (((530000 180000 0, 531000 180000 0, 531000 181000 0, 530000 180000 0)))"))
    p = q.to_params()
    assert p["datetime"] == "2026-01-01T00:00:00Z/.."
    assert p["filter"].startswith("incident_type = 'O''Brien''s' AND S_INTERSECTS(geometry, MULTIPOLYGON(((")
    assert p["filter-crs"] == CRS_27700
    assert "530000 180000, 531000 180000" in p["filter"] and " 0," not in p["filter"]  # Z dropped
    b = Query("mps_crime", area=BoundaryArea(("E09000033",), ("E05000001", "E05000002"))).to_params()
    assert b == {"area": "borough:E09000033,ward:E05000001,ward:E05000002"}


def test_query_validation():
    with pytest.raises(ValueError):
        Query("mps_crime", start=datetime(2026, 1, 1))  # naive
    with pytest.raises(ValueError):
        Query("mps_crime", start=datetime(2026, 2, 1, tzinfo=UTC), end=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError):
        Query("mps_crime", dow=(0,))
    with pytest.raises(ValueError):
        Query("mps_crime", hours=(24,))
    with pytest.raises(ValueError):
        Query("mps_crime", categories={"crime_type) OR (1": ("x",)})
    with pytest.raises(ValueError):
        Query("../etc")
    with pytest.raises(ValueError):
        BoundaryArea(("not-a-code",))
    with pytest.raises(ValueError):
        PolygonArea("POINT(1 2)")


@pytest.mark.parametrize("area", [None, BBoxArea(1, 2, 3, 4, label="Canvas"), BoundaryArea(wards=("E05000001",)),
                                  PolygonArea("POLYGON((0 0, 1 0, 1 1, 0 0))", label="Drawn")])
def test_json_round_trip(area):
    q = Query("tfl_bus_incidents", start=datetime(2025, 1, 1, 12, tzinfo=UTC), dow=(1,), hours=(8, 9),
              categories={"operator": ("Arriva London",)}, area=area)
    again = Query.from_json(q.to_json())
    assert again == q and again.to_params() == q.to_params()


def test_quick_picks_london_time():
    start, end = daterange.last_month(date(2026, 3, 15))
    assert (start.isoformat(), end.isoformat()) == ("2026-02-01T00:00:00+00:00", "2026-02-28T23:59:59+00:00")
    start, end = daterange.last_12_months(date(2026, 1, 10))
    assert start.date() == date(2025, 1, 1) and end.date() == date(2025, 12, 31)
    start, end = daterange.this_financial_year(date(2026, 5, 2))
    assert start.isoformat() == "2026-04-01T00:00:00+01:00"  # BST
    assert end.isoformat() == "2027-03-31T23:59:59+01:00"
    assert daterange.last_financial_year(date(2026, 2, 1))[0].date() == date(2024, 4, 1)
    q = Query("mps_crime", start=start, end=end)
    assert q.to_params()["datetime"] == "2026-03-31T23:00:00Z/2027-03-31T22:59:59Z"


def test_collection_info_parsing():
    info = CollectionInfo.from_json({
        "id": "las_incidents", "title": "LAS", "description": "d",
        "extent": {"spatial": {"bbox": [[-0.5, 51.3, 0.3, 51.7]]}},
        "safestats": {"agency": "London Ambulance Service", "access": "records",
                      "fields": [{"name": "incident_type", "type": "string", "title": "Incident type",
                                  "categories": ["Assault", "Self harm"]},
                                 {"name": "occurred_at", "type": "datetime", "title": "t"}],
                      "category_field": "incident_type", "time_field": "occurred_at", "kind": "incidents",
                      "limits": {"fields_restricted": True, "area": "POLYGON((...))", "area_name": "Westminster + 1 km",
                                 "history_from": "2023-11-01", "aggregate_only": False},
                      "temporal": {"start": "2023-11-01T00:00:00Z", "end": "2026-11-20T00:00:00Z"},
                      "last_refresh": "2026-11-24T00:00:00Z", "licence": "L", "attribution": "A",
                      "protective_marking": "OFFICIAL-SENSITIVE", "record_count": 10}})
    assert info.has_details and not info.aggregate_only and info.limits.fields_restricted
    assert [f.name for f in info.category_fields()] == ["incident_type"]
    assert "Westminster + 1 km" in info.limits.describe() and "history from 2023-11-01" in info.limits.describe()
    assert info.coverage() == "2023-11-01 to 2026-11-20"
    from dataclasses import replace
    counts_only = replace(info, access="aggregate")
    assert counts_only.aggregate_only and counts_only.coverage() == "2023-11 to 2026-11 (whole months)"


def test_error_mapping_messages():
    e = errors.error_from_store(423, {"code": "account_locked", "description": "x", "retry_after": 125})
    assert isinstance(e, errors.AccountLocked) and e.retry_after == 125 and "3 minutes" in e.user_message
    e = errors.error_from_store(403, {"code": "conditions_required", "description": "x",
                                      "conditions": {"version": "v2", "title": "t", "text": "x",
                                                     "purposes": [{"id": "p", "label": "P"}]}})
    assert isinstance(e, errors.ConditionsNotAccepted) and isinstance(e.conditions, Conditions)
    assert e.conditions.version == "v2"
    e = errors.error_from_store(400, {"code": "invalid_filter", "description": "unknown field age_band"})
    assert isinstance(e, errors.InvalidFilter) and "age_band" in e.user_message
    assert isinstance(errors.error_from_store(500, None), errors.StoreError)
    assert isinstance(errors.error_from_store(404, {"code": "not_found"}), errors.DatasetNotAvailable)
