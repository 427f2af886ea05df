"""A complete demo store: the 38 organisations of the seed, their agreements, users, the current
conditions of use, synthetic boundaries and synthetic incidents for all nine datasets."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import numpy as np
from sqlalchemy import Engine

from . import accounts, admin, boundary_import, conditions, db, ingest
from .admin import GrantSpec
from .boundaries import load_geography, save_geography
from .catalogue import DATASETS
from .clock import utcnow
from .synthetic import Geography, build_geography, generate_extract

BOROUGHS = {
    "E09000001": "City of London", "E09000002": "Barking and Dagenham", "E09000003": "Barnet",
    "E09000004": "Bexley", "E09000005": "Brent", "E09000006": "Bromley", "E09000007": "Camden",
    "E09000008": "Croydon", "E09000009": "Ealing", "E09000010": "Enfield", "E09000011": "Greenwich",
    "E09000012": "Hackney", "E09000013": "Hammersmith and Fulham", "E09000014": "Haringey",
    "E09000015": "Harrow", "E09000016": "Havering", "E09000017": "Hillingdon", "E09000018": "Hounslow",
    "E09000019": "Islington", "E09000020": "Kensington and Chelsea", "E09000021": "Kingston upon Thames",
    "E09000022": "Lambeth", "E09000023": "Lewisham", "E09000024": "Merton", "E09000025": "Newham",
    "E09000026": "Redbridge", "E09000027": "Richmond upon Thames", "E09000028": "Southwark",
    "E09000029": "Sutton", "E09000030": "Tower Hamlets", "E09000031": "Waltham Forest",
    "E09000032": "Wandsworth", "E09000033": "Westminster",
}

BOROUGH_DATASETS = ["mps_crime", "btp_crime", "las_incidents", "lfb_incidents", "istv_assaults", "tfl_bus_incidents"]
ALL = list(DATASETS)
DEMO_START = date(2022, 4, 1)


@dataclass(frozen=True)
class OrgSpec:
    id: str
    name: str
    kind: str
    boroughs: tuple[str, ...] = ()


def organisations() -> list[OrgSpec]:
    """The 38 organisations listed in the FOI answer (Richmond and Wandsworth share one)."""
    orgs = []
    for code, name in BOROUGHS.items():
        if code in ("E09000001", "E09000027", "E09000032"):
            continue
        slug = name.lower().replace(" and ", "-").replace(" upon ", "-").replace(" ", "-")
        orgs.append(OrgSpec(slug, f"{name} Local Authority", "borough", (code,)))
    orgs += [
        OrgSpec("richmond-wandsworth", "Richmond & Wandsworth Local Authority", "borough", ("E09000027", "E09000032")),
        OrgSpec("cityoflondon", "City of London Corporation", "borough", ("E09000001",)),
        OrgSpec("gla", "Greater London Authority", "government"),
        OrgSpec("homeoffice", "Home Office", "government"),
        OrgSpec("herts", "Hertfordshire County Council", "county"),
        OrgSpec("mopac", "Mayor's Office for Policing and Crime", "government"),
        OrgSpec("mps", "Metropolitan Police Service", "police"),
        OrgSpec("tfl", "Transport for London", "agency"),
    ]
    return orgs


def _borough_area(geo, codes: tuple[str, ...], buffer_m: float):  # noqa: ANN001, ANN202
    from shapely.ops import unary_union
    shape = unary_union([geo.area(c).geometry for c in codes])
    return shape.buffer(buffer_m) if buffer_m else shape


def _grants(org: OrgSpec, geo) -> tuple[list[GrantSpec], bool, date | None]:  # noqa: ANN001
    """(grants, suspended, expires_on override) for an organisation."""
    if org.id in ("mopac", "gla"):
        return [GrantSpec(d) for d in ALL], False, None
    if org.id == "mps":
        return [GrantSpec(d) for d in ["mps_crime", "colp_crime", "btp_crime", "las_incidents", "lfb_incidents",
                                       "istv_assaults"]], False, None
    if org.id == "tfl":
        return [GrantSpec("tfl_bus_incidents"), GrantSpec("btp_crime"),
                GrantSpec("mps_crime", access="aggregate")], False, None
    if org.id == "homeoffice":
        return [GrantSpec(d, access="aggregate") for d in ALL], False, utcnow().date() - timedelta(days=30)
    if org.id == "herts":
        area = _borough_area(geo, ("E09000010", "E09000003", "E09000015", "E09000017"), 0)
        return [GrantSpec(d, area=area, area_name="Boroughs bordering Hertfordshire", history_months=24)
                for d in ["btp_crime", "mps_crime"]], True, None
    names = " and ".join(BOROUGHS[c] for c in org.boroughs)
    if org.id == "westminster":
        area = _borough_area(geo, org.boroughs, 1000)
        fields_las = tuple(f for f in DATASETS["las_incidents"].field_names if f not in ("age_band", "gender"))
        specs = [GrantSpec(d, area=area, area_name=f"{names} + 1 km", history_months=36,
                           fields=fields_las if d == "las_incidents" else None)
                 for d in ["mps_crime", "colp_crime", "lfb_incidents", "las_incidents", "istv_assaults",
                           "tfl_bus_incidents"]]
        return specs, False, None
    if org.id == "hackney":
        area = _borough_area(geo, org.boroughs, 0)
        return [GrantSpec("mps_crime", area=area, area_name=names),
                GrantSpec("las_incidents", area=area, area_name=names),
                GrantSpec("ndtms_treatment", access="aggregate")], False, None
    area = _borough_area(geo, org.boroughs, 1000)
    datasets = BOROUGH_DATASETS + (["colp_crime"] if org.id == "cityoflondon" else [])
    specs = [GrantSpec(d, area=area, area_name=f"{names} + 1 km", history_months=36) for d in datasets]
    specs.append(GrantSpec("ndtms_treatment", access="aggregate"))
    return specs, False, None


@dataclass
class DemoResult:
    password: str
    users: list[tuple[str, str, str]]  # username, organisation, role
    records: dict[str, int]


def import_boundaries(engine: Engine, borough_file: str, ward_file: str, vintage: str,
                      progress: Callable[[str], None] = lambda _m: None) -> Geography:
    """Official (ONS-schema) boundary files in place of the synthetic London: imported and
    validated as by `safestats-store boundaries import`; every London borough must be there."""
    for level, path in (("borough", borough_file), ("ward", ward_file)):
        progress(boundary_import.import_file(engine, level, vintage, path, actor="demo").text())
    with engine.connect() as conn:
        geo = load_geography(conn)
    missing = sorted(set(BOROUGHS) - {b.code for b in geo.boroughs})
    if missing:
        raise ValueError(f"the borough file lacks London borough(s) {', '.join(missing)}: the demo's "
                         "organisations and agreements need all 33")
    return geo


def run(engine: Engine, scale: float = 0.05, password: str | None = None, seed: int = 7,
        progress: Callable[[str], None] = lambda _m: None,
        boundary_files: tuple[str, str, str] | None = None) -> DemoResult:
    """``boundary_files``: (borough file, ward file, vintage) to build the demo on imported official
    boundaries instead of the synthetic ones; the synthetic incidents are then placed in them."""
    password = password or secrets.token_urlsafe(12)
    db.create_schema(engine)
    geo = build_geography() if boundary_files is None else import_boundaries(engine, *boundary_files, progress)
    today = utcnow().date()
    users: list[tuple[str, str, str]] = []
    with engine.begin() as conn:
        if conditions.current(conn) is None:
            conditions.publish(conn, conditions.DEFAULT_VERSION, conditions.DEFAULT_TITLE, conditions.DEFAULT_TEXT)
        if boundary_files is None:
            save_geography(conn, geo)
        for org in organisations():
            admin.add_organisation(conn, org.id, org.name, org.kind, org.boroughs[0] if org.boroughs else None)
            specs, suspended, expires = _grants(org, geo)
            admin.add_agreement(conn, org.id, f"SafeStats DSA - {org.name}", date(today.year - 2, 4, 1),
                                expires or date(today.year + 2, 3, 31), specs, suspended=suspended)
            accounts.create_user(conn, f"{org.id}.analyst", f"Analyst, {org.name}", org.id, "analyst", password)
            users.append((f"{org.id}.analyst", org.name, "analyst"))
        for username, org_id, role in [("westminster.admin", "westminster", "org_admin"),
                                       ("gla.admin", "gla", "store_admin")]:
            accounts.create_user(conn, username, f"Administrator ({org_id})", org_id, role, password)
            users.append((username, org_id, role))
    progress(f"created {len(organisations())} organisations and {len(users)} users")
    records: dict[str, int] = {}
    keys = np.random.default_rng(seed)  # reproducible record keys: the same demo on SQLite and PostGIS
    for ds in DATASETS.values():
        df = generate_extract(ds, geo, DEMO_START, today, scale=scale, seed=seed)
        report = ingest.ingest_frame(engine, ds, df, file_sha256=f"demo-{seed}-{scale}", actor="demo",
                                     rng=keys)
        records[ds.id] = report.rows_added
        progress(f"{ds.id}: {report.rows_added} records")
    return DemoResult(password, users, records)
