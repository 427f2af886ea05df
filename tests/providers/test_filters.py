"""Each filter kind changes the count and the loaded features, exactly as the store answers."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from safestats.providers import daterange
from safestats.providers.area import bbox_area, polygon_area, selected_features_area
from safestats.providers.models import BBoxArea, BoundaryArea, PolygonArea, Query


LONDON = ZoneInfo("Europe/London")
DATASET = "mps_crime"


@pytest.fixture(scope="module")
def env(store, store_http, qgis_app, auth_db, tmp_path_factory):
    """One MOPAC session for the module, a 12-month base window and the boundaries."""
    from safestats.governance.audit import AuditLog
    from safestats.governance.retention import CacheStore
    from safestats.providers.session import SessionManager
    tmp = tmp_path_factory.mktemp("filters")
    session = SessionManager(cache=CacheStore(tmp / "cache"), audit=AuditLog(tmp / "audit.jsonl"))
    c = session.fetch_conditions(store.url)
    session.sign_in(store.url, store.user("mopac"), store.password, conditions=c, accepted=True,
                    purpose=c.purposes[0].id)
    info = session.client.collection(DATASET)
    end = datetime.fromisoformat(info.temporal_end.replace("Z", "+00:00"))
    start, stop = daterange.last_12_months(end.astimezone(LONDON).date())
    boroughs = session.client.boundaries("boroughs")
    wards = session.client.boundaries("wards")
    yield {"session": session, "info": info, "start": start, "end": stop, "boroughs": boroughs, "wards": wards,
           "tmp": tmp}
    session.sign_out()


def _base(env, **kw):
    return Query(DATASET, start=env["start"], end=env["end"], **kw)


def _load(env, query, name):
    from qgis.core import QgsVectorLayer
    path = env["tmp"] / f"{name}.fgb"
    result = env["session"].client.download_fgb(query, path)
    layer = QgsVectorLayer(str(path), name, "ogr")
    assert layer.isValid()
    assert layer.featureCount() == result.rows
    return layer


def _check(env, store_http, query, name, predicate, base=None):
    client = env["session"].client
    n_all = client.count(base or _base(env)).value
    n = client.count(query).value
    assert 0 < n < n_all, f"{name}: filter should keep some but not all ({n} of {n_all})"
    assert n == store_http.count("mopac", DATASET, query.to_params()), "plugin and store disagree"
    layer = _load(env, query, name)
    assert layer.featureCount() == n
    bad = [f.id() for f in layer.getFeatures() if not predicate(f)]
    assert not bad, f"{name}: {len(bad)} features do not match the filter"
    return layer


def test_date_range_quick_pick(env, store_http):
    client = env["session"].client
    assert client.count(Query(DATASET)).value > client.count(_base(env)).value
    start, end = env["start"], env["end"]

    def ok(f):
        t = f["occurred_at"].toPyDateTime().replace(tzinfo=timezone.utc)
        return start <= t <= end
    # compare a narrower window inside the base window
    q = Query(DATASET, start=start + timedelta(days=100), end=end - timedelta(days=100))
    _check(env, store_http, q, "dates", lambda f: ok(f) and q.start <= f["occurred_at"].toPyDateTime()
           .replace(tzinfo=timezone.utc) <= q.end)


@pytest.mark.parametrize("pick", ["last_month", "last_financial_year", "this_financial_year"])
def test_quick_picks_against_the_store(env, store_http, pick):
    """Each quick pick (London time, as the dock computes it) counts and loads what the store says."""
    end = datetime.fromisoformat(env["info"].temporal_end.replace("Z", "+00:00")).astimezone(LONDON).date()
    start, stop = daterange.quick_pick(pick, end + timedelta(days=1))
    q = Query(DATASET, start=start, end=stop)

    def ok(f):
        return start <= f["occurred_at"].toPyDateTime().replace(tzinfo=timezone.utc) <= stop
    _check(env, store_http, q, pick, ok, base=Query(DATASET))


def test_day_of_week(env, store_http):
    q = _base(env, dow=(6, 7))

    def ok(f):
        local = f["occurred_at"].toPyDateTime().replace(tzinfo=timezone.utc).astimezone(LONDON)
        return f["dow"] in (6, 7) and local.isoweekday() == f["dow"]
    _check(env, store_http, q, "dow", ok)


def test_hour_of_day(env, store_http):
    q = _base(env, hours=(22, 23, 0))

    def ok(f):
        local = f["occurred_at"].toPyDateTime().replace(tzinfo=timezone.utc).astimezone(LONDON)
        return f["hour"] in (22, 23, 0) and local.hour == f["hour"]
    _check(env, store_http, q, "hour", ok)


def test_categories_multi_select(env, store_http):
    cats = env["info"].field("crime_type").categories
    assert cats and "Burglary" in cats
    q = _base(env, categories={"crime_type": ("Burglary", "Robbery")})
    _check(env, store_http, q, "cats", lambda f: f["crime_type"] in ("Burglary", "Robbery"))


def test_canvas_extent_in_another_crs(env, store_http):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle
    # a canvas in Web Mercator around central London
    area = bbox_area(QgsRectangle(-25000, 6700000, -5000, 6716000), QgsCoordinateReferenceSystem("EPSG:3857"),
                     label="Canvas extent")
    assert isinstance(area, BBoxArea) and 500000 < area.xmin < 540000
    q = _base(env, area=area)

    def ok(f):
        p = f.geometry().asPoint()
        return area.xmin <= p.x() <= area.xmax and area.ymin <= p.y() <= area.ymax
    _check(env, store_http, q, "bbox", ok)


def test_boroughs(env, store_http):
    code = next(b.code for b in env["boroughs"] if b.name == "Westminster")
    q = _base(env, area=BoundaryArea(boroughs=(code,), label="Westminster"))
    _check(env, store_http, q, "borough", lambda f: f["borough_code"] == code)


def test_wards(env, store_http):
    code = next(b.code for b in env["boroughs"] if b.name == "Hackney")
    chosen = tuple(w.code for w in env["wards"] if w.parent_code == code)[:3]
    assert chosen
    q = _base(env, area=BoundaryArea(wards=chosen))
    _check(env, store_http, q, "wards", lambda f: f["ward_code"] in chosen)


def _square(x, y, half):
    return f"POLYGON(({x - half} {y - half}, {x + half} {y - half}, {x + half} {y + half}, {x - half} {y + half}, " \
           f"{x - half} {y - half}))"


def test_drawn_polygon(env, store_http):
    from qgis.core import QgsGeometry
    wkt = "POLYGON((528000 179000, 534000 179000, 531000 184000, 528000 179000))"  # a triangle
    q = _base(env, area=PolygonArea(wkt))
    geom = QgsGeometry.fromWkt(wkt)
    _check(env, store_http, q, "drawn", lambda f: geom.intersects(f.geometry()))


def test_selected_features_of_a_polygon_layer(env, store_http):
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsGeometry,
                           QgsProject, QgsVectorLayer)
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string", "my areas", "memory")
    feats = []
    for name, (lon, lat) in {"A": (-0.14, 51.51), "B": (-0.07, 51.545), "C": (0.2, 51.4)}.items():
        f = QgsFeature(layer.fields())
        f.setAttribute(0, name)
        f.setGeometry(QgsGeometry.fromWkt(
            f"POLYGON(({lon-0.02} {lat-0.012}, {lon+0.02} {lat-0.012}, {lon+0.02} {lat+0.012}, "
            f"{lon-0.02} {lat+0.012}, {lon-0.02} {lat-0.012}))"))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.selectByExpression("name in ('A', 'B')")
    result = selected_features_area(layer)
    assert result.area.label.startswith("2 selected features") and result.simplified_m == 0
    q = _base(env, area=result.area)
    xform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                   QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance())
    shapes = []
    for f in layer.selectedFeatures():
        g = QgsGeometry(f.geometry())
        g.transform(xform)
        shapes.append(g.buffer(2, 4))  # WKT rounded to 1 m
    _check(env, store_http, q, "selected", lambda f: any(s.intersects(f.geometry()) for s in shapes))


def test_detailed_polygon_is_simplified_to_fit(env):
    from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsPointXY
    circle = QgsGeometry.fromPointXY(QgsPointXY(530000, 180000)).buffer(3000, 2000)
    result = polygon_area([circle], QgsCoordinateReferenceSystem("EPSG:27700"), "circle", max_chars=3000)
    assert len(result.area.wkt) <= 3000 and result.simplified_m > 0
    assert env["session"].client.count(_base(env, area=result.area)).value > 0


def test_combined_filters_and_the_docks_count_preview(env, store_http):
    """The dock's debounced, off-thread count (CountPreview) gives the store's own answer."""
    from safestats.ui.count_preview import CountPreview
    from test_ui_support import wait_until
    code = next(b.code for b in env["boroughs"] if b.name == "Westminster")
    q = _base(env, dow=(5, 6), hours=tuple(range(18, 24)), categories={"crime_type": ("Violence and sexual offences",
                                                                                    "Public order", "Robbery")},
              area=BoundaryArea(boroughs=(code,)))
    expected = store_http.count("mopac", DATASET, q.to_params())
    preview = CountPreview(env["session"].client.count, debounce_ms=10)
    got = []
    preview.countReady.connect(lambda query, count: got.append((query, count)))
    preview.request(q)
    wait_until(lambda: got, 60)
    assert got[0][0] == q and got[0][1].value == expected and not got[0][1].suppressed
    assert preview.last_query == q and preview.last_count.value == expected
