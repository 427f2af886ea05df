"""The nine SafeStats datasets: schemas, categories, agencies.

Facts come from ../shared/reference/safestats-datasets-research.md (police.uk crime types, MPS
major/minor categories, LFB incident groups and stop codes, ISTV minimum data set, TfL bus safety
data, RNLI returns of service, NDTMS ViewIt breakdowns). This module is pure data: no database,
no HTTP. Everything else (tables, ingest validation, queryables, the synthetic generator) is
derived from it, so a field is declared exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- category lists

POLICE_UK_CRIME_TYPES = [
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs",
    "Other crime", "Other theft", "Possession of weapons", "Public order", "Robbery",
    "Shoplifting", "Theft from the person", "Vehicle crime", "Violence and sexual offences",
]

# MPS major -> minor (Home Office classification used since March 2019).
MPS_MAJOR_MINOR = {
    "Arson and Criminal Damage": ["Arson", "Criminal Damage"],
    "Burglary": ["Burglary - Business and Community", "Burglary - Residential"],
    "Drug Offences": ["Drug Trafficking", "Possession of Drugs"],
    "Miscellaneous Crimes Against Society": [
        "Bail Offences", "Dangerous Driving", "Handling Stolen Goods", "Going Equipped for Stealing",
        "Other Notifiable Offences"],
    "Possession of Weapons": [
        "Possession of Article with Blade or Point", "Possession of Other Weapon",
        "Possession of Firearms Offences"],
    "Public Order Offences": [
        "Public Fear Alarm or Distress", "Racially or Religiously Aggravated Public Fear Alarm or Distress",
        "Other Offences Against the State, or Public Order", "Violent Disorder"],
    "Robbery": ["Robbery of Business Property", "Robbery of Personal Property"],
    "Sexual Offences": ["Rape", "Other Sexual Offences"],
    "Theft": ["Bicycle Theft", "Other Theft", "Shoplifting", "Theft from Person"],
    "Vehicle Offences": [
        "Theft from a Motor Vehicle", "Theft or Taking of a Motor Vehicle", "Interfering with a Motor Vehicle"],
    "Violence Against the Person": ["Homicide", "Violence with Injury", "Violence without Injury"],
}
MPS_MINOR_CATEGORIES = [m for minors in MPS_MAJOR_MINOR.values() for m in minors]

POLICE_OUTCOMES = [
    "Investigation complete; no suspect identified", "Status update unavailable",
    "Under investigation", "Unable to prosecute suspect", "Awaiting court outcome",
    "Formal action is not in the public interest", "Local resolution",
]

# Every "Last outcome category" data.police.uk publishes (the synthetic data use POLICE_OUTCOMES).
POLICE_UK_OUTCOMES = POLICE_OUTCOMES + [
    "Action to be taken by another organisation", "Court case unable to proceed", "Court result unavailable",
    "Defendant found not guilty", "Defendant sent to Crown Court", "Further action is not in the public interest",
    "Further investigation is not in the public interest", "Offender deprived of property", "Offender fined",
    "Offender given a caution", "Offender given a drugs possession warning", "Offender given absolute discharge",
    "Offender given community sentence", "Offender given conditional discharge", "Offender given penalty notice",
    "Offender given suspended prison sentence", "Offender ordered to pay compensation",
    "Offender otherwise dealt with", "Offender sent to prison", "Suspect charged as part of another case"]

LAS_INCIDENT_TYPES = ["Assault", "Assault - knife injury", "Assault - gun injury", "Alcohol related", "Self harm"]
AGE_BANDS_LAS = ["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "Unknown"]
GENDERS = ["Female", "Male", "Unknown"]

LFB_INCIDENT_GROUPS = ["Fire", "False Alarm", "Special Service"]
LFB_STOP_CODES = {
    "Fire": ["Primary Fire", "Secondary Fire", "Chimney Fire", "Late Call"],
    "False Alarm": ["AFA", "False alarm - Good intent", "False alarm - Malicious"],
    "Special Service": ["Special Service"],
}
LFB_STOP_CODE_LIST = [s for codes in LFB_STOP_CODES.values() for s in codes]
LFB_PROPERTY_CATEGORIES = [
    "Dwelling", "Non Residential", "Outdoor", "Road Vehicle", "Other Residential", "Outdoor Structure",
    "Aircraft", "Rail Vehicle", "Boat"]
LFB_SPECIAL_SERVICE_TYPES = [
    "Lift Release", "Effecting entry/exit", "Flooding", "RTC", "Spills and Leaks", "Assist other agencies",
    "Making Safe", "Animal assistance", "Hazardous Materials", "Evacuation", "Suicide/attempts", "Water rescue"]

ISTV_ASSAULT_METHODS = [
    "Body part (fist, foot, head)", "Knife or blade", "Bottle or glass", "Blunt object", "Firearm",
    "Other weapon", "Unknown"]
ISTV_LOCATION_TYPES = [
    "Street or road", "Licensed premises (pub, bar, club)", "Home", "Public transport", "Shop",
    "School or college", "Workplace", "Park or open space", "Other", "Unknown"]
ISTV_HOSPITALS = [
    "Royal London", "St Thomas'", "King's College", "St Mary's", "University College", "St George's",
    "Homerton", "Whittington", "Northwick Park", "Croydon University", "Queen's Romford", "Lewisham"]

TFL_EVENT_TYPES = [
    "Onboard Injuries", "Slip Trip Fall", "Collision Incident", "Personal Injury", "Assault", "Fire",
    "Vandalism / Hooliganism"]
TFL_INJURY_RESULTS = [
    "Fatal", "Taken to Hospital - Reported Serious Injury or Severity Unknown",
    "Injuries treated on scene", "Reported Minor Injury - Treated at Hospital"]
TFL_VICTIM_CATEGORIES = [
    "Passenger", "Pedestrian", "Cyclist", "Bus Driver", "3rd Party driver / Passenger", "Motorcyclist", "Other"]
TFL_VICTIM_AGES = ["Child", "Youth", "Adult", "Elderly", "Unknown"]
TFL_OPERATORS = [
    "Arriva London", "Go-Ahead London", "Metroline", "Stagecoach", "First London", "RATP Dev Transit London",
    "Transport UK"]

RNLI_STATIONS = ["Teddington", "Chiswick", "Tower", "Gravesend"]
RNLI_REASONS = [
    "Person in the water", "Person in distress", "Vessel aground", "Machinery failure", "Suspicious object",
    "Search for missing person", "Assist other agency"]
RNLI_OUTCOMES = [
    "Rendered assistance", "Others assisted casualty", "Stood down", "Unsuccessful search", "False alarm",
    "Unknown"]

NDTMS_SUBSTANCES = ["Opiate", "Non-opiate only", "Non-opiate and alcohol", "Alcohol only"]
NDTMS_AGE_BANDS = ["18-29", "30-49", "50+"]
NDTMS_SEX = ["Female", "Male"]

# ---------------------------------------------------------------- schema model

FIELD_TYPES = ("string", "integer", "number", "datetime", "date")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    categories: tuple[str, ...] | None = None
    required: bool = True

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"bad field type {self.type}")


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    agency: str
    description: str
    fields: tuple[Field, ...]
    category_field: str
    kind: str = "incidents"          # incidents | aggregate
    coordinates: str = "bng"         # bng (easting/northing) | wgs84 (longitude/latitude) | borough
    round_metres: int = 0            # 50 for LFB: coordinates published rounded
    measure_field: str | None = None  # for aggregate datasets: the count column to sum
    annual_volume: int = 0           # realistic records per year at scale 1.0
    licence: str = "SafeStats Data Sharing Agreement: prevention and reduction only, not for enforcement"

    @property
    def table_name(self) -> str:
        return f"ds_{self.id}"

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


# Columns every incident table has, derived by the store at ingest (never supplied by providers).
DERIVED_FIELDS: tuple[Field, ...] = (
    Field("occurred_at", "datetime", "Date and time of the incident (UTC)"),
    Field("borough_code", "string", "Borough GSS code", required=False),
    Field("borough_name", "string", "Borough", required=False),
    Field("ward_code", "string", "Ward GSS code", required=False),
    Field("ward_name", "string", "Ward", required=False),
    Field("dow", "integer", "Day of week (ISO, Monday=1, London time)"),
    Field("hour", "integer", "Hour of day (0-23, London time)"),
)


def _c(values: list[str]) -> tuple[str, ...]:
    return tuple(values)


DATASETS: dict[str, Dataset] = {d.id: d for d in [
    Dataset(
        "mps_crime", "Metropolitan Police recorded crime", "Metropolitan Police Service",
        "Notifiable offences and anti-social behaviour recorded by the MPS, located to an anonymised map point.",
        (
            Field("crime_type", "string", "Crime type (police.uk)", _c(POLICE_UK_CRIME_TYPES)),
            # not in police.uk files (formats/police_uk.py): empty for records ingested from them
            Field("major_category", "string", "Major category (MPS)", _c(list(MPS_MAJOR_MINOR)), required=False),
            Field("minor_category", "string", "Minor category (MPS)", _c(MPS_MINOR_CATEGORIES), required=False),
            Field("location_desc", "string", "Location (on or near)"),
            Field("outcome", "string", "Last outcome category", _c(POLICE_UK_OUTCOMES), required=False),
        ),
        category_field="crime_type", coordinates="wgs84", annual_volume=900_000),
    Dataset(
        "colp_crime", "City of London Police recorded crime", "City of London Police",
        "Crimes recorded by the City of London Police in the Square Mile.",
        (
            Field("crime_type", "string", "Crime type (police.uk)", _c(POLICE_UK_CRIME_TYPES)),
            Field("location_desc", "string", "Location (on or near)"),
            Field("outcome", "string", "Last outcome category", _c(POLICE_UK_OUTCOMES), required=False),
        ),
        category_field="crime_type", coordinates="wgs84", annual_volume=8_000),
    Dataset(
        "btp_crime", "British Transport Police offences", "British Transport Police",
        "Recorded crimes on the rail and Underground network in London.",
        (
            Field("crime_type", "string", "Crime type (police.uk)", _c(POLICE_UK_CRIME_TYPES)),
            Field("station", "string", "Station or line location"),
            Field("outcome", "string", "Last outcome category", _c(POLICE_UK_OUTCOMES), required=False),
        ),
        category_field="crime_type", coordinates="wgs84", annual_volume=25_000),
    Dataset(
        "las_incidents", "London Ambulance Service assault dispatches", "London Ambulance Service",
        "Ambulance dispatches to assaults and related incidents. The only dataset with demographic data: "
        "age band and gender of the patient.",
        (
            Field("incident_type", "string", "Incident type", _c(LAS_INCIDENT_TYPES)),
            Field("age_band", "string", "Patient age band", _c(AGE_BANDS_LAS)),
            Field("gender", "string", "Patient gender", _c(GENDERS)),
        ),
        category_field="incident_type", annual_volume=60_000),
    Dataset(
        "lfb_incidents", "London Fire Brigade incidents", "London Fire Brigade",
        "All vehicle dispatches by the LFB. Coordinates are published rounded to 50 m.",
        (
            Field("incident_group", "string", "Incident group", _c(LFB_INCIDENT_GROUPS)),
            Field("stop_code", "string", "Stop code description", _c(LFB_STOP_CODE_LIST)),
            Field("property_category", "string", "Property category", _c(LFB_PROPERTY_CATEGORIES)),
            Field("special_service_type", "string", "Special service type", _c(LFB_SPECIAL_SERVICE_TYPES),
                  required=False),
            Field("pumps_attending", "integer", "Number of pumps attending"),
        ),
        category_field="incident_group", round_metres=50, annual_volume=120_000),
    Dataset(
        "istv_assaults", "Emergency department assault attendances (ISTV)",
        "London emergency departments (ISTV)",
        "Walk-in victims of violence at London's type 1 emergency departments, geocoded from the "
        "described assault location (ISTV minimum data set).",
        (
            Field("assault_method", "string", "Assault method", _c(ISTV_ASSAULT_METHODS)),
            Field("location_type", "string", "Assault location type", _c(ISTV_LOCATION_TYPES)),
            Field("hospital", "string", "Emergency department", _c(ISTV_HOSPITALS)),
        ),
        category_field="assault_method", annual_volume=25_000),
    Dataset(
        "tfl_bus_incidents", "TfL bus incidents (driver incident records)", "Transport for London",
        "Injury incidents on or around London buses reported by operators.",
        (
            Field("incident_event_type", "string", "Incident event type", _c(TFL_EVENT_TYPES)),
            Field("injury_result", "string", "Injury result", _c(TFL_INJURY_RESULTS)),
            Field("victim_category", "string", "Victim category", _c(TFL_VICTIM_CATEGORIES)),
            Field("victims_sex", "string", "Victim sex", _c(GENDERS)),
            Field("victims_age", "string", "Victim age", _c(TFL_VICTIM_AGES)),
            Field("route", "string", "Bus route"),
            Field("operator", "string", "Operator", _c(TFL_OPERATORS)),
        ),
        category_field="incident_event_type", annual_volume=6_200),
    Dataset(
        "rnli_launches", "RNLI Thames lifeboat launches", "Royal National Lifeboat Institution",
        "Launches of the four Thames lifeboat stations (Teddington, Chiswick, Tower, Gravesend).",
        (
            Field("station", "string", "Lifeboat station", _c(RNLI_STATIONS)),
            Field("reason_for_launch", "string", "Reason for launch", _c(RNLI_REASONS)),
            Field("outcome", "string", "Outcome of service", _c(RNLI_OUTCOMES)),
        ),
        category_field="reason_for_launch", annual_volume=800),
    Dataset(
        "ndtms_treatment", "Drug and alcohol treatment (NDTMS)", "National Drug Treatment Monitoring System",
        "Adults in drug or alcohol treatment by borough, year, sex, age band and substance group. "
        "Aggregate counts rounded to the nearest 5 at source; located at the borough centroid.",
        (
            Field("period", "string", "Financial year"),
            Field("substance_group", "string", "Substance group", _c(NDTMS_SUBSTANCES)),
            Field("sex", "string", "Sex", _c(NDTMS_SEX)),
            Field("age_band", "string", "Age band", _c(NDTMS_AGE_BANDS)),
            Field("people", "integer", "People in treatment (rounded to 5)"),
        ),
        category_field="substance_group", kind="aggregate", coordinates="borough", measure_field="people",
        annual_volume=33 * 4 * 2 * 3),
]}

AGENCY_ATTRIBUTION = {d.id: f"Source: {d.agency}, via GLA SafeStats" for d in DATASETS.values()}

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
