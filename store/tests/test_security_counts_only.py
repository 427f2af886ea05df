"""Counts-only (aggregate-only) agreements: attacks that narrow a query until one incident shows.

TfL's agreement gives Metropolitan Police crime as counts only; MOPAC's gives the same records, so
MOPAC's exact answers are the ground truth an attacker would like to recover. Each test tries one
way of turning published counts back into records and asserts the store gives nothing away:

- second-by-second windows (when did it happen?): periods are widened to whole calendar months;
- tiny areas (where did it happen?): bbox and geometry filters are refused, hexagons are at least
  500 m and only hexagons with at least the threshold are listed;
- "none" versus "a few": a true 0 is published exactly like 1..4;
- differencing a borough's total against its other wards leaves more than one possible value;
- the collection's temporal extent does not give the first/last incident's exact time.
Record-level callers (MOPAC) keep precise windows, bboxes and small hexagons.
"""
from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

import pytest

from conftest import Api, Server

T = 5
DATASET = "mps_crime"


@pytest.fixture(scope="module")
def tfl(server: Server) -> Api:
    return server.session("tfl.analyst")


@pytest.fixture(scope="module")
def mopac(server: Server) -> Api:
    return server.session("mopac.analyst")


def _count(api: Api, **params: str) -> dict:
    return api.json(f"/collections/{DATASET}/count", **params)


def _incident_times(mopac: Api, n: int = 20) -> list[datetime]:
    feats = mopac.json(f"/collections/{DATASET}/items", limit=n, properties="occurred_at")["features"]
    return [datetime.fromisoformat(f["properties"]["occurred_at"].replace("Z", "")) for f in feats]


def test_windows_are_widened_to_whole_months(tfl: Api, mopac: Api) -> None:
    moment = _incident_times(mopac, 1)[0]
    second = f"{moment.isoformat()}Z/{(moment + timedelta(seconds=1)).isoformat()}Z"
    assert _count(mopac, datetime=second)["numberMatched"] >= 1  # the record user sees the incident
    last = calendar.monthrange(moment.year, moment.month)[1]
    whole = f"{moment:%Y-%m}-01/{moment:%Y-%m}-{last:02d}"
    narrow, month = _count(tfl, datetime=second), _count(tfl, datetime=whole)
    assert narrow == month, "a one-second window must answer exactly like its whole month"
    assert narrow["period"] == whole
    exact_month = _count(mopac, datetime=whole)["numberMatched"]
    assert exact_month > _count(mopac, datetime=second)["numberMatched"]  # so the widening mattered
    # sliding the window edge by one second never changes the answer within a month
    for edge in (moment - timedelta(seconds=1), moment, moment + timedelta(seconds=1)):
        body = _count(tfl, datetime=f"{moment:%Y-%m}-01T00:00:00Z/{edge.isoformat()}Z")
        assert body["numberMatched"] == month["numberMatched"] and body["period"] == whole
    # an open end is kept open, a single date becomes its month
    assert _count(tfl, datetime=f"{moment:%Y-%m-%d}/..")["period"] == f"{moment:%Y-%m}-01/.."
    assert _count(tfl, datetime=f"{moment:%Y-%m-%d}")["period"] == whole


@pytest.mark.parametrize("params", [
    {"bbox": "-0.1300,51.5100,-0.1299,51.5101"},
    {"filter": "S_INTERSECTS(geometry, BBOX(-0.1300,51.5100,-0.1299,51.5101))"},
    {"filter": "S_WITHIN(geom, POLYGON((-0.13 51.51,-0.12 51.51,-0.12 51.52,-0.13 51.51)))"},
    {"filter": "occurred_at > TIMESTAMP('2025-03-01T10:00:00Z')"},
    {"filter": "T_INTERSECTS(occurred_at, INTERVAL('2025-03-01T10:00:00Z','2025-03-01T10:00:01Z'))"},
    {"filter": "crime_type = 'Robbery' AND occurred_at BETWEEN TIMESTAMP('2025-03-01T10:00:00Z') "
               "AND TIMESTAMP('2025-03-01T10:00:01Z')"},
    {"occurred_at": "2025-03-01T10:00:00Z"},
])
@pytest.mark.parametrize("path", ["/count", "/aggregates"])
def test_points_and_instants_are_refused(tfl: Api, mopac: Api, params: dict, path: str) -> None:
    r = tfl.get(f"/collections/{DATASET}{path}", **params)
    assert r.status_code == 400, r.text[:300]
    body = r.json()
    assert "counts only" in body["description"] and "numberMatched" not in body and "features" not in body
    assert mopac.get(f"/collections/{DATASET}{path}", **params).status_code == 200  # records users may


def test_hexagons_are_coarse_and_list_no_small_cell(tfl: Api, mopac: Api) -> None:
    r = tfl.get(f"/collections/{DATASET}/aggregates", by="hex", size="50")
    assert r.status_code == 400 and "500" in r.json()["description"]
    assert tfl.get(f"/collections/{DATASET}/aggregates", by="hex", size="499").status_code == 400
    fine = mopac.json(f"/collections/{DATASET}/aggregates", by="hex", size="500", hour="4")["features"]
    small = [f for f in fine if f["properties"]["suppressed"]]
    assert small, "fixture should have hexagons with 1..4 incidents at 4am"
    coarse = tfl.json(f"/collections/{DATASET}/aggregates", by="hex", size="500", hour="4")["features"]
    assert coarse, "some hexagons have enough incidents to publish"
    assert all(not f["properties"]["suppressed"] and f["properties"]["count"] >= T
               and f["properties"]["count"] % T == 0 for f in coarse)
    listed = {f["id"] for f in coarse}
    assert not listed & {f["id"] for f in small}, "a hexagon with 1..4 incidents was listed"
    assert len(mopac.json(f"/collections/{DATASET}/aggregates", by="hex", size="50")["features"]) > 0


def _ward_truth(mopac: Api, **params: str) -> dict[str, int]:
    """Exact incidents per ward, from the record-level user's own counts."""
    features = mopac.json(f"/collections/{DATASET}/aggregates", by="ward", **params)["features"]
    exact = {}
    for f in features:
        v = f["properties"]["count"]
        exact[f["id"]] = v if v is not None else _count(mopac, area=f"ward:{f['id']}", **params)["numberMatched"]
    return exact


def test_none_and_a_few_look_the_same(tfl: Api, mopac: Api) -> None:
    truth = _ward_truth(mopac, hour="4", dow="2")
    zero = [w for w, v in truth.items() if v == 0]
    few = [w for w, v in truth.items() if 0 < v < T]
    assert zero and few, "fixture should have wards with none and with a few incidents"
    published = {f["id"]: f["properties"]
                 for f in tfl.json(f"/collections/{DATASET}/aggregates", by="ward", hour="4", dow="2")["features"]}
    for ward in zero[:5] + few[:5]:
        assert published[ward]["count"] is None and published[ward]["suppressed"] is True, ward
    a = _count(tfl, area=f"ward:{zero[0]}", hour="4", dow="2")
    b = _count(tfl, area=f"ward:{few[0]}", hour="4", dow="2")
    assert a == b and a["numberMatched"] is None and a["suppressed"] is True


def test_differencing_a_borough_leaves_the_ward_unknown(tfl: Api, mopac: Api) -> None:
    """Borough total minus its other wards: every number is rounded (±2) or suppressed (0..4), so the
    suppressed ward's value is only known to lie in a range that holds several whole numbers."""
    params = {"hour": "3"}
    truth = _ward_truth(mopac, **params)
    wards = mopac.json("/collections/wards/items", limit=10000)["features"]
    parent_of = {f["id"]: f["properties"]["parent_code"] for f in wards}
    published = {f["id"]: f["properties"]["count"]
                 for f in tfl.json(f"/collections/{DATASET}/aggregates", by="ward", **params)["features"]}
    tried = 0
    for ward in [w for w, v in truth.items() if 0 < v < T][:10]:
        borough = parent_of[ward]
        total = _count(tfl, area=f"borough:{borough}", **params)["numberMatched"]
        lo, hi = (0, T - 1) if total is None else (total - T // 2, total + T // 2)
        for other in (w for w, b in parent_of.items() if b == borough and w != ward):
            v = published.get(other)
            o_lo, o_hi = (0, T - 1) if v is None else (v - T // 2, v + T // 2)
            lo, hi = lo - o_hi, hi - o_lo
        candidates = [v for v in range(0, T) if lo <= v <= hi]
        assert truth[ward] in candidates  # the published numbers are consistent with the truth...
        assert len(candidates) >= 2, (ward, candidates)  # ...and with at least one other value
        tried += 1
    assert tried >= 3


def test_extent_gives_months_not_instants(tfl: Api, mopac: Api) -> None:
    exact = mopac.json(f"/collections/{DATASET}")["extent"]["temporal"]["interval"][0]
    coarse = tfl.json(f"/collections/{DATASET}")["extent"]["temporal"]["interval"][0]
    assert re.fullmatch(r"\d{4}-\d{2}-01T00:00:00Z", coarse[0]), coarse
    end = datetime.fromisoformat(coarse[1].replace("Z", ""))
    assert end.day == calendar.monthrange(end.year, end.month)[1] and (end.hour, end.minute) == (23, 59)
    assert coarse[0][:7] == exact[0][:7] and coarse[1][:7] == exact[1][:7] and coarse != exact
