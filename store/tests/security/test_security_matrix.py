"""Authorization matrix, generated from the DSA table of the demo database.

The agreements and grants are read with plain SQL from the database the store serves (not through
the store's rights module), and the ground truth of what each organisation may see is computed
here, independently, from the raw incident rows (shapely for the area, the calendar for the
history window). Then, for every sampled organisation x role x dataset, every endpoint is asked and
the answers are checked against that truth:

- dataset not in the agreement: every path answers exactly like a collection that does not exist;
- allowed: items (every page, following `next` links), f=fgb, single items, counts and aggregates
  return only rows inside the area and the history window, with only the permitted fields;
- forbidden field: absent from the collection, queryables, items, FlatGeobuf columns, and any
  filter / property / equality parameter naming it is refused without echoing data values;
- outside area / outside history: explicit bboxes, boundaries, datetimes and CQL2 filters that
  reach outside return nothing; single items outside are 404 like ids that do not exist;
- aggregate-only: items, bulk and single items refused; only closed-table cells (period, category)
  are answered; every published count (total, cells) is a multiple of the suppression threshold,
  small cells are null, and the total is within the perturbation bound of the truth;
- differencing two allowed queries on a limited agreement (London-wide minus own area, all time
  minus own window) gives 0: nothing from outside contributes to any number;
- the collection description (record_count, temporal extent) discloses nothing about rows
  outside the area or window;
- role (analyst, org_admin, store_admin) never widens data access; it only changes /audit.

Sampling: one organisation per distinct agreement shape (datasets x access x field list x area x
history), read from the table, plus the organisations whose agreement is not active; at least
three organisations with different agreements are always covered (asserted). Requests are kept
cheap (count/aggregates, small pages), so the module runs in well under a minute.
"""
from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo
from urllib.parse import parse_qs, urlparse

import numpy as np
import pyogrio
import pytest
import shapely
from shapely import wkt as shapely_wkt

from conftest import PASSWORD, Api, Server, run_cli
from safestats_store.catalogue import DATASETS, DERIVED_FIELDS

T = 5  # suppression threshold of the test store (default)
D = 3  # largest cell-key noise (safestats_store.disclosure.D, restated: the test is independent)
FAR_BBOX_CRS84 = "0.15,51.55,0.25,51.60"  # Havering/Redbridge: outside every borough-limited sample
LONDON_BBOX_CRS84 = "-0.6,51.25,0.4,51.75"


# ----------------------------------------------------------------------------- the DSA table
@dataclass(frozen=True)
class G:
    """One grant row as read from agreement_grants."""
    dataset: str
    access: str
    fields: frozenset[str] | None
    area_wkt: str | None
    history_months: int | None

    @property
    def area(self) -> Any:
        return None if self.area_wkt is None else shapely_wkt.loads(self.area_wkt)

    def since(self) -> datetime | None:
        if self.history_months is None:
            return None
        now = datetime.utcnow()
        months = now.year * 12 + (now.month - 1) - self.history_months
        return datetime(months // 12, months % 12 + 1, 1)

    def visible(self) -> list[str]:
        ds = DATASETS[self.dataset]
        return [f.name for f in DERIVED_FIELDS] + [f.name for f in ds.fields
                                                   if self.fields is None or f.name in self.fields]

    def hidden(self) -> list[str]:
        return [f for f in DATASETS[self.dataset].field_names if f not in self.visible()]


@dataclass
class OrgCase:
    org: str
    active: bool
    grants: dict[str, G]
    users: dict[str, str] = field(default_factory=dict)  # role -> username

    def shape(self) -> tuple:
        return tuple(sorted((g.dataset, g.access, g.fields is not None, g.area_wkt is not None, g.history_months)
                            for g in self.grants.values()))


def read_dsa_table(db_path: str) -> dict[str, OrgCase]:
    today = date.today().isoformat()
    out: dict[str, OrgCase] = {}
    with sqlite3.connect(db_path) as conn:
        orgs = [r[0] for r in conn.execute("SELECT id FROM organisations ORDER BY id")]
        for org in orgs:
            # every agreement in force; a dataset on the terms of the one running longest (newest first)
            agreements = [r[0] for r in conn.execute(
                "SELECT id FROM agreements WHERE org_id = ? AND suspended = 0 AND signed_on <= ? AND expires_on >= ? "
                "ORDER BY expires_on DESC, id DESC", (org, today, today))]
            grants: dict[str, G] = {}
            for agreement in agreements:
                for ds, access, fields, area, hist in conn.execute(
                        "SELECT dataset_id, access, fields, area_wkt, history_months FROM agreement_grants "
                        "WHERE agreement_id = ?", (agreement,)):
                    grants.setdefault(ds, G(ds, access, None if fields is None else frozenset(json.loads(fields)),
                                            area, hist))
            out[org] = OrgCase(org, bool(agreements), grants)
    return out


def sample(table: dict[str, OrgCase]) -> list[OrgCase]:
    """One organisation per distinct agreement shape, plus every inactive one."""
    seen: dict[tuple, OrgCase] = {}
    for case in table.values():
        if case.active:
            seen.setdefault(case.shape(), case)
    return list(seen.values()) + [c for c in table.values() if not c.active]


# ----------------------------------------------------------------------------- ground truth
@dataclass
class Rows:
    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    at: np.ndarray  # datetime64
    columns: dict[str, list]


def read_rows(db_path: str, ds_id: str) -> Rows:
    names = DATASETS[ds_id].field_names
    with sqlite3.connect(db_path) as conn:
        data = conn.execute(f"SELECT id, x, y, occurred_at, {', '.join(names)} FROM ds_{ds_id} ORDER BY id").fetchall()
    cols = list(zip(*data)) if data else [[]] * (4 + len(names))
    return Rows(np.array(cols[0], dtype=np.int64), np.array(cols[1], dtype=float), np.array(cols[2], dtype=float),
                np.array([np.datetime64(v) for v in cols[3]], dtype="datetime64[us]"),
                {n: list(cols[4 + i]) for i, n in enumerate(names)})


def allowed_mask(rows: Rows, g: G, slack: float) -> np.ndarray:
    """Rows the grant may see; `slack` metres grows (+) or shrinks (-) the area for boundary tolerance."""
    mask = np.ones(len(rows.ids), dtype=bool)
    if g.area is not None:
        area = g.area.buffer(slack) if slack else g.area
        mask &= shapely.contains_xy(area, rows.x, rows.y) | shapely.intersects_xy(area, rows.x, rows.y)
    since = g.since()
    if since is not None:
        mask &= rows.at >= np.datetime64(since)
    return mask


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def matrix(server: Server) -> list[OrgCase]:
    table = read_dsa_table(server.db)
    cases = sample(table)
    # roles: every sampled active organisation gets an analyst (from the demo); two restricted ones
    # also get an org_admin and a store_admin, added through the CLI as an administrator would
    role_orgs = [c.org for c in cases if c.active and any(g.area_wkt or g.access == "aggregate"
                                                          for g in c.grants.values())][:2]
    for c in cases:
        c.users["analyst"] = f"{c.org}.analyst"
        if c.org in role_orgs:
            for role in ("org_admin", "store_admin"):
                name = f"{c.org}.matrix-{role}"
                run_cli("user", "add", name, "--org", c.org, "--role", role, "--password-env", "PW",
                        "--db", server.db, env={"PW": PASSWORD}, check=False)
                c.users[role] = name
    return cases


@pytest.fixture(scope="module")
def sessions(server: Server, matrix: list[OrgCase]) -> dict[str, Api]:
    return {u: server.session(u) for c in matrix if c.active for u in c.users.values()}


@pytest.fixture(scope="module")
def truth(server: Server) -> dict[str, Rows]:
    return {ds: read_rows(server.db, ds) for ds in DATASETS}


def _active(matrix: list[OrgCase]) -> list[OrgCase]:
    return [c for c in matrix if c.active]


# ----------------------------------------------------------------------------- tests
def test_matrix_covers_enough_distinct_agreements(matrix: list[OrgCase]) -> None:
    active = _active(matrix)
    assert len({c.shape() for c in active}) >= 3 and len(active) >= 3
    kinds = {(g.access, g.fields is not None, g.area_wkt is not None, g.history_months is not None)
             for c in active for g in c.grants.values()}
    assert any(k[0] == "aggregate" for k in kinds), "an aggregate-only grant is sampled"
    assert any(k[1] for k in kinds), "a field-restricted grant is sampled"
    assert any(k[2] for k in kinds) and any(k[3] for k in kinds), "area and history limits are sampled"
    assert any(not c.active for c in matrix), "an organisation without an active agreement is sampled"
    roles = {r for c in active for r in c.users}
    assert roles == {"analyst", "org_admin", "store_admin"}


def test_inactive_agreements_cannot_sign_in(server: Server, matrix: list[OrgCase]) -> None:
    for c in matrix:
        if not c.active:
            r = server.login(f"{c.org}.analyst")
            assert r.status_code == 403 and r.json()["code"] == "no_agreement", (c.org, r.text)
            assert "access_token" not in r.text


def test_unlisted_datasets_are_indistinguishable_from_missing_ones(matrix: list[OrgCase],
                                                                   sessions: dict[str, Api]) -> None:
    for c in _active(matrix):
        for user in c.users.values():
            api = sessions[user]
            listing = api.get("/collections").text
            me = api.json("/auth/me")["agreement"]["datasets"]
            assert me == {d: g.access for d, g in sorted(c.grants.items())}, (user, me)
            for ds in sorted(set(DATASETS) - set(c.grants)):
                assert f'"id": "{ds}"' not in listing and DATASETS[ds].title not in listing, (user, ds)
                for path, prm in [("", {}), ("/items", {}), ("/items", {"f": "fgb"}), ("/items/1", {}),
                                  ("/queryables", {}), ("/count", {}), ("/aggregates", {"by": "hex"}),
                                  ("/count", {"filter": "hour = 1"})]:
                    r = api.get(f"/collections/{ds}{path}", **prm)
                    missing = api.get(f"/collections/zz_nosuch{path}", **prm)
                    assert r.status_code == missing.status_code == 404, (user, ds, path, r.status_code)
                    assert r.json()["description"].replace(ds, "X") == \
                        missing.json()["description"].replace("zz_nosuch", "X")
                    assert set(r.headers) == set(missing.headers), (user, ds, path)


def _record_grants(c: OrgCase) -> list[G]:
    return [g for g in c.grants.values() if g.access == "records"]


def test_records_exactly_the_allowed_rows(matrix: list[OrgCase], sessions: dict[str, Api],
                                          truth: dict[str, Rows]) -> None:
    """Counts, every page of items and the bulk file hold only rows inside area and window."""
    checked = 0
    for c in _active(matrix):
        api = sessions[c.users["analyst"]]
        for g in _record_grants(c):
            rows = truth[g.dataset]
            outer = set(rows.ids[allowed_mask(rows, g, +0.5)].tolist())
            inner = int(allowed_mask(rows, g, -0.5).sum())
            n = api.json(f"/collections/{g.dataset}/items", limit=1)["numberMatched"]
            assert inner <= n <= len(outer), (c.org, g.dataset, inner, n, len(outer))
            measure = DATASETS[g.dataset].measure_field
            total = api.json(f"/collections/{g.dataset}/count")["numberMatched"]
            if measure is None:
                assert total == n
            else:  # /count sums the measure (e.g. people in treatment) over the allowed rows only
                m = np.array([v or 0 for v in rows.columns[measure]], dtype=float)
                lo, hi = m[allowed_mask(rows, g, -0.5)].sum(), m[allowed_mask(rows, g, +0.5)].sum()
                assert lo <= total <= hi, (c.org, g.dataset, lo, total, hi)
            # description discloses nothing beyond the grant
            col = api.json(f"/collections/{g.dataset}")
            assert col["safestats"]["record_count"] == n, (c.org, g.dataset)
            assert [f["name"] for f in col["safestats"]["fields"]] == g.visible()
            start, end = col["safestats"]["temporal"]["start"], col["safestats"]["temporal"]["end"]
            if n:
                seen = rows.at[np.isin(rows.ids, list(outer))]
                assert end == str(seen.max().astype("datetime64[s]")) + "Z", (c.org, g.dataset, end)
                if g.since() is not None:
                    assert datetime.fromisoformat(start.rstrip("Z")) >= g.since()
            # differencing two allowed queries: London-wide minus own, all time minus own window
            assert api.json(f"/collections/{g.dataset}/count", bbox=LONDON_BBOX_CRS84)["numberMatched"] == total
            assert api.json(f"/collections/{g.dataset}/count", datetime="1900-01-01/..")["numberMatched"] == total
            agg = api.json(f"/collections/{g.dataset}/aggregates", by="hex", size="3000")
            assert sum(f["properties"]["count"] or 0 for f in agg["features"]) <= total
            # items: walk the pages via the `next` links the store hands out
            limit = max(1, n // 3 + 1) if n <= 3000 else 1000
            url, got, pages = f"/collections/{g.dataset}/items", [], 0
            params: dict[str, Any] = {"limit": limit, "hour": "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,"
                                                                  "20,21,22,23"}
            while url and pages < 4:
                page = api.json(url, **params)
                pages += 1
                got += [f["id"] for f in page["features"]]
                assert page["numberMatched"] == n
                for f in page["features"][:50]:
                    assert list(f["properties"]) == g.visible()
                nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
                url, params = None, {}
                if nxt:
                    u = urlparse(nxt[0])
                    assert f"{u.scheme}://{u.netloc}" == api.url and "token" not in u.query.lower()
                    assert set(parse_qs(u.query)) <= {"limit", "offset", "hour"}
                    url = u.path + "?" + u.query
            assert set(got) <= outer, (c.org, g.dataset, sorted(set(got) - outer)[:5])
            if n <= 3 * limit:
                assert len(got) == n
            # bulk
            r = api.get(f"/collections/{g.dataset}/items", f="fgb")
            assert r.status_code == 200 and int(r.headers["X-SafeStats-Count"]) == n
            with tempfile.NamedTemporaryFile(suffix=".fgb") as fh:
                fh.write(r.content)
                fh.flush()
                meta, _fids, _geoms, fields = pyogrio.raw.read(fh.name)
            assert list(meta["fields"]) == ["safestats_id", *g.visible()]
            if n:
                assert set(fields[0].tolist()) <= outer
            checked += 1
    assert checked >= 5


def test_outside_area_and_history_return_nothing(matrix: list[OrgCase], sessions: dict[str, Api],
                                                 truth: dict[str, Rows]) -> None:
    checked = 0
    for c in _active(matrix):
        api = sessions[c.users["analyst"]]
        for g in c.grants.values():
            rows = truth[g.dataset]
            outside = rows.ids[~allowed_mask(rows, g, +5.0)]
            if g.area is not None:
                far = shapely.box(*[float(v) for v in FAR_BBOX_CRS84.split(",")])
                from safestats_store.spatial import bbox_to_27700
                far27700 = bbox_to_27700(far.bounds, "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
                if not far27700.intersects(g.area):
                    for prm in [{"bbox": FAR_BBOX_CRS84},
                                {"filter": f"S_INTERSECTS(geometry, BBOX({FAR_BBOX_CRS84}))"},
                                {"area": "borough:E09000016"}]:
                        r = api.get(f"/collections/{g.dataset}/count", **prm)
                        assert r.status_code == 200 and r.json()["numberMatched"] == 0, (c.org, g.dataset, prm)
                        agg = api.json(f"/collections/{g.dataset}/aggregates", by="borough", **prm)
                        assert all(f["properties"]["count"] in (0, None) for f in agg["features"])
                        assert all(not f["properties"]["suppressed"] for f in agg["features"]), \
                            "a suppressed cell would reveal 1..4 rows outside the area"
                    checked += 1
            if g.since() is not None:
                before = (g.since() - timedelta(days=1)).date()  # the whole day before the window
                for prm in [{"datetime": f"1900-01-01/{before.isoformat()}"},
                            {"filter": f"occurred_at < TIMESTAMP('{g.since().isoformat()}Z')"},
                            {"filter": f"occurred_at < DATE('{g.since().date().isoformat()}')"}]:
                    r = api.get(f"/collections/{g.dataset}/count", **prm)
                    assert r.status_code == 200 and r.json()["numberMatched"] == 0, (c.org, g.dataset, prm)
                    agg = api.json(f"/collections/{g.dataset}/aggregates", by="hex", size="2000", **prm)
                    assert agg["features"] == []
                checked += 1
            if g.access == "records" and len(outside):
                for fid in outside[:: max(1, len(outside) // 5)][:5].tolist():
                    r = api.get(f"/collections/{g.dataset}/items/{fid}")
                    missing = api.get(f"/collections/{g.dataset}/items/999999999")
                    assert r.status_code == 404 and r.json() == missing.json(), (c.org, g.dataset, fid)
                r = api.get(f"/collections/{g.dataset}/items", filter="hour >= 0", limit=10000)
                assert not set(f["id"] for f in r.json()["features"]) & set(outside.tolist())
    assert checked >= 3


def test_forbidden_fields_never_leave_the_store(matrix: list[OrgCase], sessions: dict[str, Api],
                                                truth: dict[str, Rows]) -> None:
    checked = 0
    for c in _active(matrix):
        api = sessions[c.users["analyst"]]
        for g in c.grants.values():
            hidden = g.hidden()
            if not hidden:
                continue
            rows = truth[g.dataset]
            values = {str(v) for h in hidden for v in rows.columns[h] if v is not None and len(str(v)) >= 3}
            assert not set(hidden) & set(api.json(f"/collections/{g.dataset}/queryables")["properties"])
            col = api.get(f"/collections/{g.dataset}").text
            for h in hidden:
                assert f'"{h}"' not in col
                for prm in [{"filter": f"{h} IS NULL"}, {"filter": f"{h} = 'x'"}, {h: "x"}, {"properties": h},
                            {"filter-lang": "cql2-json", "filter": json.dumps({"op": "isNull",
                                                                              "args": [{"property": h}]})},
                            {"filter": f"CASEI({h}) LIKE 'a%'"}]:
                    for path in ("/items", "/count", "/aggregates") if g.access == "records" else ("/count",):
                        r = api.get(f"/collections/{g.dataset}{path}", **prm)
                        assert r.status_code == 400, (c.org, g.dataset, h, prm, path, r.status_code)
                        assert not {v for v in values if v in r.text}, (c.org, g.dataset, h, r.text)
            if g.access == "records":
                page = api.get(f"/collections/{g.dataset}/items", limit=200).text
                assert not any(f'"{h}"' in page for h in hidden)
            checked += 1
    assert checked >= 1


def test_aggregate_only_grants(matrix: list[OrgCase], sessions: dict[str, Api], truth: dict[str, Rows]) -> None:
    checked = 0
    for c in _active(matrix):
        api = sessions[c.users["analyst"]]
        for g in c.grants.values():
            if g.access != "aggregate":
                continue
            for path, prm in [("/items", {}), ("/items", {"f": "fgb"}), ("/items/1", {}),
                              ("/items", {"limit": "1", "filter": "hour = 1"})]:
                r = api.get(f"/collections/{g.dataset}{path}", **prm)
                assert r.status_code == 403 and r.json()["code"] == "aggregate_only", (c.org, g.dataset, path)
                assert '"features"' not in r.text
            col = api.json(f"/collections/{g.dataset}")
            assert col["safestats"]["record_count"] is None
            assert not [lk for lk in col["links"] if lk["rel"] == "items"]
            # counts only is a closed table (test_security_counts_only.py tries the attacks): whole months
            # or financial years, published with cell-key perturbation (within D of the truth), then
            # suppressed below T and rounded to T; a true total below T, zero included, is suppressed
            month, fy = _periods(col)
            for prm in [{"period": month}, {"period": fy}, {"period": month, "category": _first_category(g)}]:
                body = api.json(f"/collections/{g.dataset}/count", **prm)
                v = body["numberMatched"]
                assert body["disclosure"] == {"threshold": T, "rounded_to": T, "method": "cell-key perturbation",
                                              "additive": False}
                assert (v is None and body["suppressed"]) or (v % T == 0 and v >= T), (c.org, g.dataset, prm, body)
                assert body["period"] == prm["period"]
                for by in ("borough", "ward", "hex"):
                    agg = api.json(f"/collections/{g.dataset}/aggregates", by=by, **prm)
                    assert agg["disclosure"]["rounded_to"] == T and agg["period"] == prm["period"]
                    for f in agg["features"]:
                        v2 = f["properties"]["count"]
                        assert (v2 is None and f["properties"]["suppressed"]) or (v2 % T == 0 and v2 >= T), \
                            (g.dataset, by, f)
                r = api.get(f"/collections/{g.dataset}/count", hour="3", **prm)
                assert r.status_code == 400 and "counts only" in r.json()["description"]
            rows = truth[g.dataset]
            if not DATASETS[g.dataset].measure_field:  # points on an area's edge: allow either side
                start, end = _fy_bounds(fy)
                in_fy = (rows.at >= np.datetime64(start)) & (rows.at < np.datetime64(end))
                inner = int((allowed_mask(rows, g, -0.5) & in_fy).sum())
                outer = int((allowed_mask(rows, g, +0.5) & in_fy).sum())
                v = api.json(f"/collections/{g.dataset}/count", period=fy)["numberMatched"]
                if v is None:
                    assert inner < T + D, (g.dataset, inner, outer)
                else:
                    assert inner - D - T // 2 <= v <= outer + D + T // 2, (g.dataset, inner, outer, v)
            checked += 1
    assert checked >= 1


def _periods(col: dict) -> tuple[str, str]:
    """A whole month and a financial year inside a counts-only collection's published extent."""
    start = datetime.fromisoformat(col["extent"]["temporal"]["interval"][0][0].replace("Z", ""))
    end = datetime.fromisoformat(col["extent"]["temporal"]["interval"][0][1].replace("Z", ""))
    first = start.year * 12 + start.month - 1 + 1  # month index (year * 12 + month - 1), clear of the ends
    last = end.year * 12 + end.month - 1 - 1
    fy = -((3 - first) // 12)  # the first financial year (April yy to March yy+1) starting inside
    assert fy * 12 + 14 <= last, col["extent"]
    month = fy * 12 + 14
    return f"{month // 12:04d}-{month % 12 + 1:02d}", f"FY{fy}"


def _fy_bounds(fy: str) -> tuple[datetime, datetime]:
    """1 April to 1 April, London midnight, as naive UTC."""
    y = int(fy[2:])
    london = ZoneInfo("Europe/London")
    return tuple(datetime(yy, 4, 1, tzinfo=london).astimezone(timezone.utc).replace(tzinfo=None)
                 for yy in (y, y + 1))  # type: ignore[return-value]


def _first_category(g: G) -> str:
    ds = DATASETS[g.dataset]
    return next(f.categories[0] for f in ds.fields if f.name == ds.category_field)


def test_roles_never_widen_data_access(matrix: list[OrgCase], sessions: dict[str, Api]) -> None:
    """org_admin and store_admin of an organisation see exactly what its analyst sees."""
    compared = 0
    for c in _active(matrix):
        if len(c.users) < 3:
            continue
        answers: dict[str, list] = {}
        for role, user in c.users.items():
            api = sessions[user]
            body = api.json("/collections")
            got = [{k: v for k, v in col.items() if k != "links"} for col in body["collections"]]
            for ds in sorted(c.grants):
                if c.grants[ds].access == "aggregate":
                    month, _fy = _periods(api.json(f"/collections/{ds}"))
                    got.append(api.json(f"/collections/{ds}/count", period=month))
                    got.append(api.json(f"/collections/{ds}/aggregates", by="borough", period=month)["features"])
                    continue
                got.append(api.json(f"/collections/{ds}/count", hour="18"))
                got.append(api.json(f"/collections/{ds}/aggregates", by="borough")["features"])
            for ds in sorted(set(DATASETS) - set(c.grants))[:3]:
                got.append(api.get(f"/collections/{ds}/count").status_code)
            answers[role] = got
        assert answers["org_admin"] == answers["analyst"] == answers["store_admin"], c.org
        compared += 1
    assert compared >= 1


def test_audit_visibility_by_role(matrix: list[OrgCase], sessions: dict[str, Api]) -> None:
    for c in _active(matrix):
        for role, user in c.users.items():
            r = sessions[user].get("/audit", limit=2000)
            if role == "analyst":
                assert r.status_code == 403 and r.json()["code"] == "forbidden"
                assert "entries" not in r.text
            elif role == "org_admin":
                orgs = {e["org_id"] for e in r.json()["entries"]}
                assert orgs == {c.org}, (user, orgs)
            else:
                assert r.status_code == 200 and len({e["org_id"] for e in r.json()["entries"]}) >= 2
