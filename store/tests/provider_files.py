"""Provider extracts written in the providers' own CSV layouts (generated, never downloaded), from
the synthetic generator's records: police.uk street-level crime, LFB incident records, TfL bus
safety data (column lists: shared/reference/safestats-datasets-research.md §2.1, §2.4, §2.5)."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from safestats_store.catalogue import DATASETS
from safestats_store.synthetic import Geography, generate_extract

POLICE_UK = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
             "LSOA name", "Crime type", "Last outcome category", "Context"]
LFB = ["IncidentNumber", "DateOfCall", "CalYear", "TimeOfCall", "HourOfCall", "IncidentGroup", "StopCodeDescription",
       "SpecialServiceType", "PropertyCategory", "PropertyType", "AddressQualifier", "Postcode_full",
       "Postcode_district", "UPRN", "USRN", "IncGeo_BoroughCode", "IncGeo_BoroughName", "ProperCase",
       "IncGeo_WardCode", "IncGeo_WardName", "IncGeo_WardNameNew", "Easting_m", "Northing_m", "Easting_rounded",
       "Northing_rounded", "Latitude", "Longitude", "FRS", "IncidentStationGround",
       "FirstPumpArriving_AttendanceTime", "FirstPumpArriving_DeployedFromStation",
       "SecondPumpArriving_AttendanceTime", "SecondPumpArriving_DeployedFromStation",
       "NumStationsWithPumpsAttending", "NumPumpsAttending", "PumpCount", "PumpMinutesRounded", "Notional Cost (£)",
       "NumCalls"]
TFL_BUS = ["Year", "Date Of Incident", "Route", "Operator", "Group Name", "Bus Garage", "Borough",
           "Injury Result Description", "Incident Event Type", "Victim Category", "Victims Sex", "Victims Age"]
FORCE = {"mps_crime": "Metropolitan Police Service", "colp_crime": "City of London Police",
         "btp_crime": "British Transport Police"}


def _synthetic(ds_id: str, geo: Geography, rows: int, seed: int = 3) -> pd.DataFrame:
    ds = DATASETS[ds_id]
    scale = min(1.0, rows * 365 / (59 * max(ds.annual_volume, 1)))
    return generate_extract(ds, geo, date(2025, 1, 1), date(2025, 3, 1), scale=scale, seed=seed)


def police_uk(path: Path, geo: Geography, ds_id: str = "mps_crime", rows: int = 300) -> Path:
    src = _synthetic(ds_id, geo, rows)
    asb = (src["crime_type"] == "Anti-social behaviour").to_numpy() | (np.arange(len(src)) % 10 == 9)
    src.loc[asb, "crime_type"] = "Anti-social behaviour"  # police.uk: no Crime ID and no outcome for ASB
    src.loc[asb, "outcome"] = ""
    ids = [hashlib.sha256(s.encode()).hexdigest() for s in src["source_id"]]  # 64 hex, like police.uk
    place = src["station"] if "station" in src else src["location_desc"]
    df = pd.DataFrame({
        "Crime ID": np.where(asb, "", ids), "Month": src["occurred_at"].str[:7],
        "Reported by": FORCE[ds_id], "Falls within": FORCE[ds_id],
        "Longitude": src["longitude"].map("{:.6f}".format), "Latitude": src["latitude"].map("{:.6f}".format),
        "Location": place, "LSOA code": "E01000916", "LSOA name": "Camden 027B", "Crime type": src["crime_type"],
        "Last outcome category": src["outcome"].fillna(""), "Context": ""}, columns=POLICE_UK)
    df.to_csv(path, index=False)
    return path


def lfb(path: Path, geo: Geography, rows: int = 300) -> Path:
    src = _synthetic("lfb_incidents", geo, rows)
    when = pd.to_datetime(src["occurred_at"])
    e, n = src["easting"].astype(float), src["northing"].astype(float)
    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(e, n)
    dwelling = (src["property_category"] == "Dwelling").to_numpy()
    wards, boroughs = geo.locate(e.to_numpy(), n.to_numpy())
    names = {a.code: a.name for a in [*geo.boroughs, *geo.wards]}
    df = pd.DataFrame({
        "IncidentNumber": [f"{i:06d}-{d:%d%m%Y}" for i, d in enumerate(when)],
        "DateOfCall": when.dt.strftime("%d %b %Y"), "CalYear": when.dt.year, "TimeOfCall": when.dt.strftime("%H:%M:%S"),
        "HourOfCall": when.dt.hour, "IncidentGroup": src["incident_group"], "StopCodeDescription": src["stop_code"],
        "SpecialServiceType": src["special_service_type"].fillna("NULL").replace("", "NULL"),
        "PropertyCategory": src["property_category"], "PropertyType": "House - single occupancy",
        "AddressQualifier": "Within same building", "Postcode_full": np.where(dwelling, "NULL", "N9 7HU"),
        "Postcode_district": "N9", "UPRN": "NULL", "USRN": "NULL", "IncGeo_BoroughCode": boroughs,
        "IncGeo_BoroughName": [names.get(b, "").upper() for b in boroughs],
        "ProperCase": [names.get(b, "") for b in boroughs], "IncGeo_WardCode": wards,
        "IncGeo_WardName": [names.get(w, "").upper() for w in wards],
        "IncGeo_WardNameNew": [names.get(w, "").upper() for w in wards],
        "Easting_m": np.where(dwelling, "NULL", e.map("{:.0f}".format)),
        "Northing_m": np.where(dwelling, "NULL", n.map("{:.0f}".format)),
        "Easting_rounded": e.astype(int), "Northing_rounded": n.astype(int),  # the generator's 50 m grid
        "Latitude": np.where(dwelling, "NULL", np.round(lat, 6).astype(str)),
        "Longitude": np.where(dwelling, "NULL", np.round(lon, 6).astype(str)), "FRS": "London",
        "IncidentStationGround": "Edmonton", "FirstPumpArriving_AttendanceTime": 357,
        "FirstPumpArriving_DeployedFromStation": "Edmonton", "SecondPumpArriving_AttendanceTime": "NULL",
        "SecondPumpArriving_DeployedFromStation": "NULL", "NumStationsWithPumpsAttending": 1,
        "NumPumpsAttending": src["pumps_attending"], "PumpCount": src["pumps_attending"], "PumpMinutesRounded": 60,
        "Notional Cost (£)": "£333", "NumCalls": 1}, columns=LFB)
    df.to_csv(path, index=False)
    return path


def tfl_bus(path: Path, geo: Geography, rows: int = 200) -> Path:
    src = _synthetic("tfl_bus_incidents", geo, rows)
    when = pd.to_datetime(src["occurred_at"])
    _w, boroughs = geo.locate(src["easting"].astype(float).to_numpy(), src["northing"].astype(float).to_numpy())
    names = {b.code: b.name for b in geo.boroughs}
    df = pd.DataFrame({
        "Year": when.dt.year, "Date Of Incident": when.dt.strftime("%d-%m-%y"), "Route": src["route"],
        "Operator": "East London", "Group Name": src["operator"], "Bus Garage": "Garage Not Available",
        "Borough": [names[b] for b in boroughs],
        # TfL writes an en dash where the catalogue has a hyphen
        "Injury Result Description": src["injury_result"].str.replace(" - ", " \u2013 ", regex=False),
        "Incident Event Type": src["incident_event_type"], "Victim Category": src["victim_category"],
        "Victims Sex": src["victims_sex"], "Victims Age": src["victims_age"]}, columns=TFL_BUS)
    df.to_csv(path, index=False)
    return path
