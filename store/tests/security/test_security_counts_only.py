"""Counts-only (aggregate-only) agreements, attacked as a determined analyst would (issue 10).

TfL's agreement gives Metropolitan Police crime as counts only. The ground truth an attacker would
like to recover is read straight from the database the store serves (sqlite3, London-time months),
independently of the store's code. Each test runs one attack from the issue:

- trackers (CQL2 OR / < / <=), unions of areas, free date windows, hour/day-of-week slices, bboxes,
  geometry: refused (400 naming what counts-only allows), so none gives a number;
- overlapping periods: only whole months and financial years exist; a financial year minus its
  published months gives noise, not the hidden month;
- zero versus a few: answered identically;
- borough minus its wards: over many borough-months the attacker's estimate of the hidden wards is
  wrong for a large share, and the interval the published numbers allow never pins one value;
- several spellings of one cell, asking again, averaging: the same cell always gives the same answer,
  so repeating or re-spelling removes no noise; hexagons have fixed sizes, a fixed origin and whole
  cells, so shifting or clipping them spells no new cell.
Record-level callers (MOPAC) keep their exact counts and free queries.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import Api, Server
from safestats_store import disclosure

T = 5
D = disclosure.D
DATASET = "mps_crime"
LONDON = ZoneInfo("Europe/London")
ALLOWED_WORDS = "counts only"


@pytest.fixture(scope="module")
def tfl(server: Server) -> Api:
    return server.session("tfl.analyst")


@pytest.fixture(scope="module")
def mopac(server: Server) -> Api:
    return server.session("mopac.analyst")


def _month_of(text: str) -> str:
    utc = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=timezone.utc)
    return utc.astimezone(LONDON).strftime("%Y-%m")


@pytest.fixture(scope="module")
def truth(server: Server) -> dict:
    """True counts by (month, ward), (month, borough), (month, category, ward), straight from the rows."""
    conn = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    rows = conn.execute(f"SELECT occurred_at, ward_code, borough_code, crime_type FROM ds_{DATASET}").fetchall()
    parents = dict(conn.execute("SELECT code, parent_code FROM boundaries WHERE level = 'ward'").fetchall())
    conn.close()
    out: dict = {"ward": defaultdict(int), "borough": defaultdict(int), "cat_ward": defaultdict(int),
                 "month": defaultdict(int), "parents": parents}
    for at, ward, borough, cat in rows:
        m = _month_of(at)
        out["ward"][(m, ward)] += 1
        out["borough"][(m, borough)] += 1
        out["cat_ward"][(m, cat, ward)] += 1
        out["month"][m] += 1
    return out


def _months(truth: dict) -> list[str]:
    """Whole months of data, oldest first (the first and last may be partial: left out)."""
    return sorted(truth["month"])[1:-1]


def _count(api: Api, **params: str) -> dict:
    return api.json(f"/collections/{DATASET}/count", **params)


def _refused(r) -> None:  # noqa: ANN001
    assert r.status_code == 400, r.text[:300]
    body = r.json()
    assert "numberMatched" not in body and "features" not in body
    assert "period" in body["description"], body  # says what is allowed


# ------------------------------------------------------------------------------------------ 400s
TRACKERS = [
    {"filter": "ward_code = 'E05000001' OR ward_code = 'E05000002'"},
    {"filter": "ward_code = 'E05000001' OR (hour < 3 AND dow <= 2)"},
    {"filter": "hour < 4"},
    {"filter": "hour <= 3 AND crime_type = 'Robbery'"},
    {"filter": "crime_type = 'Robbery'", "filter-lang": "cql2-text"},
    {"datetime": "2025-10-01/2025-11-30"},
    {"datetime": "2025-10-01T10:00:00Z/2025-10-01T10:00:01Z"},
    {"bbox": "-0.1300,51.5100,-0.1299,51.5101"},
    {"bbox": "-0.2,51.4,0.0,51.6", "bbox-crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
    {"hour": "3"}, {"dow": "1,2"}, {"crime_type": "Robbery"}, {"ward_code": "E05000001"},
    {"geometry": "POINT(-0.13 51.51)"}, {"intersects": "POINT(-0.13 51.51)"},
    {"rkey": "17"}, {"origin": "250,250"}, {"offset": "10"}, {"sortby": "count"},
]


@pytest.mark.parametrize("extra", TRACKERS)
@pytest.mark.parametrize("path", ["/count", "/aggregates"])
def test_queries_outside_the_closed_table_are_refused(tfl: Api, mopac: Api, truth: dict, extra: dict,
                                                      path: str) -> None:
    month = _months(truth)[-2]
    r = tfl.get(f"/collections/{DATASET}{path}", period=month, **extra)
    _refused(r)
    assert ALLOWED_WORDS in r.json()["description"]
    if not {"rkey", "origin", "geometry", "intersects"} & set(extra) and not (path == "/count" and "sortby" in extra):
        ok = {k: v for k, v in extra.items() if k not in ("offset", "sortby")}
        assert mopac.get(f"/collections/{DATASET}{path}", **ok).status_code == 200  # record users may


@pytest.mark.parametrize("params", [
    {}, {"period": "2025-10-01/2025-11-30"}, {"period": "2025-10/2025-11"}, {"period": "2025-13"},
    {"period": "2025-1"}, {"period": "fy2025"}, {"period": "FY25"}, {"period": "2025"}, {"period": "2025-10-01"},
    {"period": "1990-01"}, {"period": "2099-01"}, {"period": "FY2099"},
    # one spelling per period: no padding, no trailing newline, ASCII digits only
    {"period": " 2025-06"}, {"period": "2025-06\n"}, {"period": "２０２５-06"}, {"period": "FY2024 "},
])
def test_periods_are_whole_months_or_financial_years_inside_the_coverage(tfl: Api, params: dict) -> None:
    r = tfl.get(f"/collections/{DATASET}/count", **params)
    _refused(r)
    assert "YYYY-MM" in r.json()["description"] and "financial year" in r.json()["description"]


def test_unions_and_lists_of_areas_are_refused(tfl: Api, truth: dict) -> None:
    month = _months(truth)[-2]
    wards = sorted({w for (m, w) in truth["ward"] if m == month and w})[:2]
    for area in (f"ward:{wards[0]},ward:{wards[1]}", f"borough:E09000001,ward:{wards[0]}"):
        r = tfl.get(f"/collections/{DATASET}/count", period=month, area=area)
        assert r.status_code == 400 and "/aggregates" in r.json()["description"], r.text
        assert "numberMatched" not in r.text
    r = tfl.get(f"/collections/{DATASET}/aggregates", period=month, by="ward", area=f"ward:{wards[0]}")
    _refused(r)
    for bad in ("ward:E05000001 ", " borough:E09000033", "borough:E09000033\n", "borough:E０9000033",
                "borough:E05000001", "ward:E09000001", "ward:E05999999", "hex:1:2"):
        assert tfl.get(f"/collections/{DATASET}/count", period=month, area=bad).status_code == 400, bad
    for bad in ("robbery", "Robbery,Drugs", "Robbery' OR '1'='1"):
        assert tfl.get(f"/collections/{DATASET}/count", period=month, category=bad).status_code == 400, bad


# --------------------------------------------------------------------------- the cells themselves
def test_none_and_a_few_look_the_same(tfl: Api, truth: dict) -> None:
    month = _months(truth)[-2]
    wards = sorted(truth["parents"])
    zero = [w for w in wards if truth["cat_ward"][(month, "Robbery", w)] == 0]
    few = [w for w in wards if 0 < truth["cat_ward"][(month, "Robbery", w)] < T]
    assert len(zero) >= 5 and len(few) >= 5, "fixture should have wards with none and with a few robberies"
    answers = []
    for w in zero[:5] + few[:5]:
        body = _count(tfl, period=month, category="Robbery", area=f"ward:{w}")
        assert body.pop("area") == f"ward:{w}"
        answers.append(body)
    assert all(a == answers[0] for a in answers), answers
    assert answers[0]["numberMatched"] is None and answers[0]["suppressed"] is True
    assert answers[0]["disclosure"] == {"threshold": T, "rounded_to": T, "method": "cell-key perturbation",
                                        "additive": False}
    listed = {f["id"]: f["properties"] for f in tfl.json(f"/collections/{DATASET}/aggregates", by="ward",
                                                         period=month, category="Robbery")["features"]}
    assert {listed[w]["suppressed"] for w in zero[:5] + few[:5]} == {True}
    assert {listed[w]["count"] for w in zero[:5] + few[:5]} == {None}


def test_every_published_value_is_noisy_rounded_and_near_the_truth(tfl: Api, truth: dict) -> None:
    """Each published cell is the true count moved by at most D, then rounded to 5 (so within D+2),
    and the noise is real: a good share of cells differs from plain rounding of the truth."""
    moved = checked = 0
    for month in _months(truth)[-6:]:
        for f in tfl.json(f"/collections/{DATASET}/aggregates", by="borough", period=month)["features"]:
            n, v = truth["borough"][(month, f["id"])], f["properties"]["count"]
            if v is None:
                assert n < T + D and f["properties"]["suppressed"]
                continue
            assert v % T == 0 and v >= T and abs(v - n) <= D + T // 2, (month, f["id"], n, v)
            moved += v != (n + T // 2) // T * T
            checked += 1
    assert checked >= 100
    assert moved / checked >= 0.1, (moved, checked)  # plain rounding would give 0 (expected ~0.19)


def test_one_cell_one_answer_however_spelled_or_repeated(tfl: Api, truth: dict) -> None:
    """Averaging needs different answers for one cell. A cell has one record set, hence one cell key and
    one published value: /count, /aggregates by ward, by ward within its borough, and asked 10 times."""
    month = _months(truth)[-3]
    wards = {f["id"]: f["properties"] for f in tfl.json(f"/collections/{DATASET}/aggregates", by="ward",
                                                        period=month)["features"]}
    boroughs = {f["id"]: f["properties"] for f in tfl.json(f"/collections/{DATASET}/aggregates", by="borough",
                                                           period=month)["features"]}
    busy = sorted(boroughs, key=lambda b: -(boroughs[b]["count"] or 0))[:3]
    for b in busy:
        within = {f["id"]: f["properties"] for f in tfl.json(
            f"/collections/{DATASET}/aggregates", by="ward", period=month, within=f"borough:{b}")["features"]}
        assert within and set(within) == {w for w, p in truth["parents"].items() if p == b}
        for w, props in within.items():
            assert props == wards[w]
        one = _count(tfl, period=month, area=f"borough:{b}")
        assert (one["numberMatched"], one["suppressed"]) == (boroughs[b]["count"], boroughs[b]["suppressed"])
        only = tfl.json(f"/collections/{DATASET}/aggregates", by="borough", period=month, within=f"borough:{b}")
        assert [f["properties"] for f in only["features"]] == [boroughs[b]]
    ward = next(w for w, p in wards.items() if p["count"] and truth["ward"][(month, w)] != p["count"])
    answers = [_count(tfl, period=month, area=f"ward:{ward}")["numberMatched"] for _ in range(10)]
    assert set(answers) == {wards[ward]["count"]}
    mean = sum(answers) / len(answers)
    assert mean != truth["ward"][(month, ward)]  # averaging repeats converges on the noisy value, not the truth


def test_hexagons_have_fixed_sizes_origin_and_whole_cells(tfl: Api, mopac: Api, truth: dict) -> None:
    month = _months(truth)[-2]
    for size in ("50", "250", "499", "750", "1500", "1000.5", "3000", "abc"):
        r = tfl.get(f"/collections/{DATASET}/aggregates", by="hex", size=size, period=month)
        assert r.status_code == 400 and "500, 1000, 2000" in r.json()["description"], size
    assert mopac.get(f"/collections/{DATASET}/aggregates", by="hex", size="750").status_code == 200
    for size in ("500", "1000", "2000"):
        every = {f["id"]: f["properties"] for f in tfl.json(f"/collections/{DATASET}/aggregates", by="hex",
                                                            size=size, period=month)["features"]}
        assert every and all(not p["suppressed"] and p["count"] >= T and p["count"] % T == 0 for p in every.values())
        seen: dict[str, dict] = {}
        for b in ("E09000033", "E09000007", "E09000019"):  # Westminster, Camden, Islington: shared edges
            part = {f["id"]: f["properties"] for f in tfl.json(
                f"/collections/{DATASET}/aggregates", by="hex", size=size, period=month,
                within=f"borough:{b}")["features"]}
            for h, props in part.items():
                assert props == every[h], (size, b, h)  # a hexagon on a border is counted whole, once
                assert seen.setdefault(h, props) == props
        assert len(seen) > 1


# ----------------------------------------------------------------------- differencing: noise, not truth
def _interval(v: int | None) -> tuple[int, int]:
    """What an attacker who knows the method (D, rounding to 5, suppression below 5) can say of a cell."""
    return (0, T - 1 + D) if v is None else (max(0, v - T // 2 - D), v + T // 2 + D)


def test_borough_minus_its_wards_gives_noise_not_the_hidden_wards(tfl: Api, truth: dict) -> None:
    """For each borough-month: hidden = true total of its suppressed wards. The attacker's estimate is
    the published borough minus the sum of the published wards. Over many borough-months it is wrong
    for a large share, and the interval the published numbers allow never pins a single value."""
    wrong = tried = 0
    for month in _months(truth)[-8:]:
        boroughs = {f["id"]: f["properties"]["count"]
                    for f in tfl.json(f"/collections/{DATASET}/aggregates", by="borough", period=month)["features"]}
        wards = {f["id"]: f["properties"]["count"]
                 for f in tfl.json(f"/collections/{DATASET}/aggregates", by="ward", period=month)["features"]}
        for b, bv in boroughs.items():
            mine = [w for w, p in truth["parents"].items() if p == b]
            hidden = [w for w in mine if wards[w] is None]
            if bv is None or not hidden:
                continue
            true_hidden = sum(truth["ward"][(month, w)] for w in hidden)
            estimate = bv - sum(wards[w] for w in mine if wards[w] is not None)
            lo, hi = _interval(bv)
            for w in mine:
                if wards[w] is not None:
                    w_lo, w_hi = _interval(wards[w])
                    lo, hi = lo - w_hi, hi - w_lo
            lo, hi = max(lo, 0), min(hi, len(hidden) * (T - 1 + D))
            assert lo <= true_hidden <= hi, (month, b)  # the method's bounds hold...
            assert hi - lo >= T, (month, b, lo, hi)  # ...and never pin the hidden total
            wrong += estimate != true_hidden
            tried += 1
    assert tried >= 30, tried
    assert wrong / tried >= 0.5, (wrong, tried)


def test_financial_year_minus_its_months_gives_noise(tfl: Api, truth: dict) -> None:
    """FY total minus eleven published months 'recovers' the twelfth: over many wards and years the
    result is wrong for a large share and never fixes a suppressed month's value."""
    conn_months = _months(truth)
    years = sorted({int(m[:4]) - (1 if int(m[5:]) < 4 else 0) for m in conn_months})
    years = [y for y in years if f"{y}-04" in conn_months and f"{y + 1}-03" in conn_months]
    assert years, "fixture should cover a whole financial year"
    wrong = tried = 0
    for fy in years[-1:]:
        months = [f"{fy + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
        year = {f["id"]: f["properties"]["count"] for f in tfl.json(
            f"/collections/{DATASET}/aggregates", by="borough", period=f"FY{fy}")["features"]}
        per_month = {m: {f["id"]: f["properties"]["count"] for f in tfl.json(
            f"/collections/{DATASET}/aggregates", by="borough", period=m)["features"]} for m in months}
        for b, yv in year.items():
            if yv is None:
                continue
            for target in months:
                others = [per_month[m][b] for m in months if m != target]
                if any(v is None for v in others):
                    continue
                estimate = yv - sum(others)
                wrong += estimate != truth["borough"][(target, b)]
                tried += 1
    assert tried >= 50, tried
    assert wrong / tried >= 0.5, (wrong, tried)


def test_record_level_callers_keep_exact_counts(mopac: Api, truth: dict) -> None:
    month = _months(truth)[-2]
    y, m = int(month[:4]), int(month[5:])
    start = datetime(y, m, 1, tzinfo=LONDON).astimezone(timezone.utc)
    end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=LONDON).astimezone(timezone.utc)
    window = f"{start:%Y-%m-%dT%H:%M:%SZ}/{end.replace(second=0):%Y-%m-%dT%H:%M:%SZ}"
    body = mopac.json(f"/collections/{DATASET}/count", datetime=window,
                      filter=f"occurred_at < TIMESTAMP('{end:%Y-%m-%dT%H:%M:%SZ}')")
    assert body == {"numberMatched": truth["month"][month]}
