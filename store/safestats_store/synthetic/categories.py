"""Categories per dataset: the category mixes and attribute generators of each provider, and the
per-dataset specification (SPECS) that ties a dataset to its time profile and spatial model."""
from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import catalogue
from .placement import Component, Space, cell_keys
from .randomness import Rand, pick
from .tables import BUS_ROUTES, CITY_CODE, CITY_STREETS, GENERIC_STREETS, HOSPITAL_XY, HOTSPOT_STREETS, PLACES, PLACE_TYPES

# MPS minor category -> (approx. offences per year in thousands, {time profile: share}).
# Orders of magnitude from the London Datastore MPS series (~0.9M notifiable offences a year,
# violence and sexual offences ~30%, theft ~25%; research notes section 2.2). ASB is not an MPS
# notifiable offence (it has no major/minor category), so the MPS extract carries crimes only.
MPS_MINOR_VOLUMES: dict[str, tuple[float, dict[str, float]]] = {
    "Violence with Injury": (75, {"night": 0.55, "general": 0.45}),
    "Violence without Injury": (145, {"night": 0.35, "general": 0.65}),
    "Homicide": (0.11, {"night": 1.0}),
    "Rape": (9, {"night": 0.5, "residential": 0.5}),
    "Other Sexual Offences": (16, {"night": 0.5, "general": 0.5}),
    "Robbery of Personal Property": (30, {"night": 0.6, "general": 0.4}),
    "Robbery of Business Property": (3, {"retail": 1.0}),
    "Public Fear Alarm or Distress": (30, {"night": 0.5, "general": 0.5}),
    "Racially or Religiously Aggravated Public Fear Alarm or Distress": (6, {"general": 1.0}),
    "Other Offences Against the State, or Public Order": (8, {"general": 1.0}),
    "Violent Disorder": (0.4, {"night": 1.0}),
    "Theft from Person": (70, {"retail": 0.5, "night": 0.5}),
    "Other Theft": (125, {"general": 0.6, "retail": 0.4}),
    "Shoplifting": (50, {"retail": 1.0}),
    "Bicycle Theft": (17, {"general": 1.0}),
    "Theft from a Motor Vehicle": (60, {"vehicle": 1.0}),
    "Theft or Taking of a Motor Vehicle": (35, {"vehicle": 1.0}),
    "Interfering with a Motor Vehicle": (9, {"vehicle": 1.0}),
    "Burglary - Residential": (45, {"residential": 1.0}),
    "Burglary - Business and Community": (16, {"residential": 1.0}),
    "Arson": (2.5, {"vehicle": 1.0}),
    "Criminal Damage": (52, {"general": 0.5, "vehicle": 0.5}),
    "Possession of Drugs": (30, {"night": 0.5, "general": 0.5}),
    "Drug Trafficking": (5, {"general": 1.0}),
    "Possession of Article with Blade or Point": (4.5, {"night": 0.5, "general": 0.5}),
    "Possession of Other Weapon": (1.2, {"general": 1.0}),
    "Possession of Firearms Offences": (0.4, {"general": 1.0}),
    "Bail Offences": (0.3, {"general": 1.0}),
    "Dangerous Driving": (1.5, {"vehicle": 1.0}),
    "Handling Stolen Goods": (1.2, {"general": 1.0}),
    "Going Equipped for Stealing": (0.6, {"vehicle": 1.0}),
    "Other Notifiable Offences": (12, {"general": 1.0}),
}
MPS_MINOR_TO_MAJOR = {m: major for major, minors in catalogue.MPS_MAJOR_MINOR.items() for m in minors}
_MAJOR_TO_CRIME_TYPE = {
    "Arson and Criminal Damage": "Criminal damage and arson", "Burglary": "Burglary", "Drug Offences": "Drugs",
    "Miscellaneous Crimes Against Society": "Other crime", "Possession of Weapons": "Possession of weapons",
    "Public Order Offences": "Public order", "Robbery": "Robbery", "Sexual Offences": "Violence and sexual offences",
    "Vehicle Offences": "Vehicle crime", "Violence Against the Person": "Violence and sexual offences",
}
_THEFT_TO_CRIME_TYPE = {"Bicycle Theft": "Bicycle theft", "Other Theft": "Other theft",
                        "Shoplifting": "Shoplifting", "Theft from Person": "Theft from the person"}
MPS_MINOR_TO_CRIME_TYPE = {m: _THEFT_TO_CRIME_TYPE.get(m) or _MAJOR_TO_CRIME_TYPE[MPS_MINOR_TO_MAJOR[m]]
                           for m in catalogue.MPS_MINOR_CATEGORIES}

# police.uk outcome weights (order of catalogue.POLICE_OUTCOMES) by crime type; ASB has no outcome.
_OUTCOME_DEFAULT = (45, 8, 12, 20, 5, 2, 8)
POLICE_OUTCOME_WEIGHTS: dict[str, tuple[float, ...]] = {
    "Violence and sexual offences": (18, 6, 16, 45, 7, 3, 5), "Drugs": (4, 8, 14, 10, 22, 8, 34),
    "Possession of weapons": (4, 8, 20, 20, 38, 4, 6), "Shoplifting": (50, 6, 8, 12, 14, 2, 8),
    "Public order": (25, 6, 14, 38, 6, 3, 8), "Burglary": (70, 6, 12, 7, 3, 1, 1),
    "Vehicle crime": (82, 5, 6, 4, 2, 0.5, 0.5), "Bicycle theft": (85, 5, 5, 3, 1, 0.5, 0.5),
    "Theft from the person": (82, 5, 7, 3, 2, 0.5, 0.5), "Robbery": (62, 5, 15, 10, 6, 1, 1),
    "Criminal damage and arson": (62, 6, 10, 14, 3, 1, 4), "Other theft": (70, 6, 10, 8, 2, 1, 3),
    "Other crime": (25, 8, 20, 20, 20, 2, 5),
}

_NIGHT = frozenset({"night"})
_RETAIL = frozenset({"retail"})
_MPS_SPACE = {
    "night": Space(hotspot_share=0.35, hotspot_tags=_NIGHT, background="mps", region="not_city"),
    "retail": Space(hotspot_share=0.55, hotspot_tags=_RETAIL, background="mps", region="not_city"),
    "general": Space(hotspot_share=0.15, background="mps", region="not_city"),
    "vehicle": Space(background="population", region="not_city"),
    "residential": Space(background="population", region="not_city"),
}


def _mps_components() -> tuple[Component, ...]:
    total = sum(v for v, _ in MPS_MINOR_VOLUMES.values())
    shares: dict[str, float] = {}
    for volume, split in MPS_MINOR_VOLUMES.values():
        for prof, part in split.items():
            shares[prof] = shares.get(prof, 0.0) + volume * part / total
    return tuple(Component(p, p, shares[p], _MPS_SPACE[p]) for p in _MPS_SPACE)


@dataclass
class Ctx:
    """Everything an attribute generator may condition on, one entry per record."""
    rand: Rand
    comp: np.ndarray                 # component index
    components: tuple[Component, ...]
    x: np.ndarray                    # EPSG:27700 of the published point
    y: np.ndarray
    borough: np.ndarray
    info: dict[str, np.ndarray]

    @property
    def comp_names(self) -> np.ndarray:
        return pick([c.name for c in self.components], self.comp)

    def by_comp(self, salt: str, values: Sequence[str], table: dict[str, Sequence[float]]) -> np.ndarray:
        """A value per record, drawn from the weights of its component."""
        rows = np.array([table[c.name] for c in self.components], dtype=float)
        return pick(values, self.rand.cond_choice(salt, self.comp, rows))

    def given(self, salt: str, values: Sequence[str], cond: np.ndarray, table: dict[str, Sequence[float]],
              default: Sequence[float] | None = None) -> np.ndarray:
        """A value per record, drawn from the weights of its `cond` value."""
        keys, inverse = np.unique(cond.astype(str), return_inverse=True)
        rows = np.array([table.get(k, default) for k in keys], dtype=float)
        return pick(values, self.rand.cond_choice(salt, inverse.ravel(), rows))


def _outcomes(ctx: Ctx, crime_type: np.ndarray) -> np.ndarray:
    out = ctx.given("outcome", catalogue.POLICE_OUTCOMES, crime_type, POLICE_OUTCOME_WEIGHTS, _OUTCOME_DEFAULT)
    out[crime_type == "Anti-social behaviour"] = None
    return out


def _location_desc(ctx: Ctx, retail_mask: np.ndarray | None = None) -> np.ndarray:
    """police.uk style "On or near <street or place type>", fixed per 80 m map cell: streets of the
    nearest big hotspot within 450 m, City streets in the City, otherwise common London street names."""
    cell = Rand(cell_keys(np.floor(ctx.x / 80.0), np.floor(ctx.y / 80.0)))
    us = cell.u("street")
    names = pick(GENERIC_STREETS, (us * len(GENERIC_STREETS)).astype(int))
    best = np.full(len(us), 450.0 ** 2)
    for place, streets in HOTSPOT_STREETS.items():
        px, py = PLACES[place]
        d2 = (ctx.x - px) ** 2 + (ctx.y - py) ** 2
        near = d2 < best
        best = np.where(near, d2, best)
        names[near] = pick(streets, (us[near] * len(streets)).astype(int))
    city = ctx.borough == CITY_CODE
    names[city] = pick(CITY_STREETS, (us[city] * len(CITY_STREETS)).astype(int))
    place_type = cell.u("placetype") < 0.12
    names[place_type] = pick(list(PLACE_TYPES), cell.take(np.flatnonzero(place_type)).choice(
        "placetype.which", list(PLACE_TYPES.values())))
    if retail_mask is not None:
        shop = retail_mask & (ctx.rand.u("shop.place") < 0.6)
        names[shop] = pick(("Supermarket", "Shopping Area"), (ctx.rand.u("shop.which")[shop] < 0.6).astype(int))
    return "On or near " + names


def _attrs_mps(ctx: Ctx) -> dict[str, np.ndarray]:
    minors = list(MPS_MINOR_VOLUMES)
    table = {c.name: [v * split.get(c.name, 0.0) for v, split in MPS_MINOR_VOLUMES.values()] for c in ctx.components}
    minor = ctx.by_comp("minor", minors, table)
    major = np.vectorize(MPS_MINOR_TO_MAJOR.get, otypes=[object])(minor)
    crime_type = np.vectorize(MPS_MINOR_TO_CRIME_TYPE.get, otypes=[object])(minor)
    return {"crime_type": crime_type, "major_category": major, "minor_category": minor,
            "location_desc": _location_desc(ctx, minor == "Shoplifting"), "outcome": _outcomes(ctx, crime_type)}


_CT = catalogue.POLICE_UK_CRIME_TYPES  # column order of the crime-type weight rows below


def _ct_weights(**w: float) -> list[float]:
    keys = {c.lower().replace(" ", "_").replace("-", "_"): c for c in _CT}
    row = dict.fromkeys(_CT, 0.0)
    for k, v in w.items():
        row[keys[k]] = v
    return [row[c] for c in _CT]


COLP_CRIME_MIX = {
    "day": _ct_weights(other_theft=34, theft_from_the_person=10, shoplifting=13, bicycle_theft=7, burglary=4,
                       criminal_damage_and_arson=3, other_crime=4, vehicle_crime=1.5, robbery=1,
                       anti_social_behaviour=6, violence_and_sexual_offences=8, public_order=3, drugs=2),
    "night": _ct_weights(violence_and_sexual_offences=35, public_order=14, anti_social_behaviour=12, drugs=8,
                         theft_from_the_person=10, other_theft=12, criminal_damage_and_arson=4,
                         possession_of_weapons=1.5, robbery=2, other_crime=1.5),
}
BTP_CRIME_MIX = {
    "rail": _ct_weights(violence_and_sexual_offences=30, theft_from_the_person=18, public_order=15, other_theft=12,
                        criminal_damage_and_arson=5, drugs=5, robbery=3, bicycle_theft=3, possession_of_weapons=2,
                        other_crime=4, anti_social_behaviour=3),
}


def _attrs_colp(ctx: Ctx) -> dict[str, np.ndarray]:
    crime_type = ctx.by_comp("crime_type", _CT, COLP_CRIME_MIX)
    return {"crime_type": crime_type, "location_desc": _location_desc(ctx, crime_type == "Shoplifting"),
            "outcome": _outcomes(ctx, crime_type)}


def _attrs_btp(ctx: Ctx) -> dict[str, np.ndarray]:
    crime_type = ctx.by_comp("crime_type", _CT, BTP_CRIME_MIX)
    return {"crime_type": crime_type, "station": ctx.info["label"], "outcome": _outcomes(ctx, crime_type)}


# LAS: incident type by component; patient age band and gender by incident type (plausible, male-heavy
# and young for weapon injuries).
LAS_TYPE_MIX = {"night": (70, 8, 0.6, 21.4, 0), "general": (85, 5, 0.4, 9.6, 0), "self_harm": (0, 0, 0, 0, 1)}
LAS_AGE = {"Assault": (8, 22, 27, 18, 11, 5, 3, 6), "Assault - knife injury": (15, 35, 25, 12, 6, 2, 1, 4),
           "Assault - gun injury": (10, 40, 30, 10, 4, 1, 1, 4), "Alcohol related": (3, 20, 22, 17, 16, 10, 7, 5),
           "Self harm": (14, 24, 20, 15, 12, 6, 4, 5)}
LAS_GENDER = {"Assault": (32, 64, 4), "Assault - knife injury": (12, 85, 3), "Assault - gun injury": (8, 89, 3),
              "Alcohol related": (35, 61, 4), "Self harm": (58, 40, 2)}


def _attrs_las(ctx: Ctx) -> dict[str, np.ndarray]:
    kind = ctx.by_comp("incident_type", catalogue.LAS_INCIDENT_TYPES, LAS_TYPE_MIX)
    return {"incident_type": kind, "age_band": ctx.given("age", catalogue.AGE_BANDS_LAS, kind, LAS_AGE),
            "gender": ctx.given("gender", catalogue.GENDERS, kind, LAS_GENDER)}


# LFB: stop codes within each incident group, special service types (ratios after the 2010/11 counts:
# lift releases 9,395; effecting entry 7,276; flooding 6,956; RTC 3,604 - research notes 2.4),
# property category by stop code / service type, pumps by stop code.
LFB_STOP_MIX = {"Fire": (44, 50, 1.5, 4.5), "False Alarm": (79, 19, 2), "Special Service": (1,)}
LFB_SERVICE_MIX = (18.8, 14.6, 13.9, 7.2, 4, 10, 6, 3, 2, 1, 2, 0.6)
# columns: Dwelling, Non Residential, Outdoor, Road Vehicle, Other Residential, Outdoor Structure, Aircraft,
# Rail Vehicle, Boat (order of catalogue.LFB_PROPERTY_CATEGORIES)
_PROP = {
    "Primary Fire": (48, 18, 2, 20, 6, 5, 0.05, 0.3, 0.3), "Secondary Fire": (1, 1, 80, 3, 0.5, 14, 0, 0.2, 0.3),
    "Chimney Fire": (97, 1, 0, 0, 2, 0, 0, 0, 0), "Late Call": (40, 15, 30, 5, 5, 5, 0, 0, 0),
    "AFA": (45, 38, 0, 0, 16.5, 0.3, 0.1, 0.1, 0), "False alarm - Good intent": (45, 12, 25, 5, 6, 6, 0.1, 0.3, 0.6),
    "False alarm - Malicious": (30, 15, 40, 3, 5, 6, 0, 0.5, 0.5),
    "Lift Release": (55, 35, 0, 0, 10, 0, 0, 0, 0), "Effecting entry/exit": (80, 8, 2, 2, 8, 0, 0, 0, 0),
    "Flooding": (75, 15, 2, 0, 8, 0, 0, 0, 0), "RTC": (0, 0, 5, 95, 0, 0, 0, 0, 0),
    "Spills and Leaks": (30, 30, 25, 10, 5, 0, 0, 0, 0), "Assist other agencies": (60, 10, 20, 5, 5, 0, 0, 0, 0),
    "Making Safe": (30, 25, 35, 2, 3, 5, 0, 0, 0), "Animal assistance": (25, 5, 60, 2, 3, 5, 0, 0, 0),
    "Hazardous Materials": (15, 45, 25, 10, 5, 0, 0, 0, 0), "Evacuation": (40, 40, 10, 0, 10, 0, 0, 0, 0),
    "Suicide/attempts": (40, 5, 45, 2, 3, 2, 0, 3, 0), "Water rescue": (0, 0, 70, 0, 0, 5, 0, 0, 25),
}
_PUMP_VALUES = ("1", "2", "3", "4", "6", "8", "10")
_PUMPS = {"Primary Fire": (15, 55, 10, 12, 5, 2, 1), "Secondary Fire": (80, 18, 2, 0, 0, 0, 0),
          "Chimney Fire": (60, 40, 0, 0, 0, 0, 0), "Late Call": (100, 0, 0, 0, 0, 0, 0),
          "AFA": (55, 45, 0, 0, 0, 0, 0), "False alarm - Good intent": (70, 30, 0, 0, 0, 0, 0),
          "False alarm - Malicious": (80, 20, 0, 0, 0, 0, 0), "RTC": (30, 60, 8, 2, 0, 0, 0)}
_PUMPS_SERVICE = (75, 20, 4, 1, 0, 0, 0)


def _attrs_lfb(ctx: Ctx) -> dict[str, np.ndarray]:
    group = ctx.by_comp("group", catalogue.LFB_INCIDENT_GROUPS,
                        {"fire": (1, 0, 0), "alarm": (0, 1, 0), "service": (0, 0, 1)})
    stop = np.empty(len(group), dtype=object)
    for g, codes in catalogue.LFB_STOP_CODES.items():
        m = group == g
        stop[m] = pick(codes, ctx.rand.take(np.flatnonzero(m)).choice("stop." + g, LFB_STOP_MIX[g]))
    special = pick(catalogue.LFB_SPECIAL_SERVICE_TYPES, ctx.rand.choice("service", LFB_SERVICE_MIX))
    special[group != "Special Service"] = None
    detail = np.where(group == "Special Service", special, stop)
    prop = ctx.given("property", catalogue.LFB_PROPERTY_CATEGORIES, detail, _PROP)
    pumps = ctx.given("pumps", _PUMP_VALUES, detail, _PUMPS, _PUMPS_SERVICE).astype(np.int64)
    return {"incident_group": group, "stop_code": stop, "property_category": prop,
            "special_service_type": special, "pumps_attending": pumps}


# ISTV: location type depends on whether the assault happened in a night-time hotspot; method on the
# location type; the ED is the nearest of the listed hospitals (15% go to the second nearest).
_ISTV_LOC_NIGHT = (42, 22, 10, 5, 3, 1, 3, 4, 5, 5)
_ISTV_LOC_OTHER = (35, 6, 28, 5, 4, 5, 6, 3, 4, 4)
_ISTV_METHOD_BASE = np.array([60, 7, 5, 9, 0.3, 6, 12.7])
_ISTV_METHOD = {
    "Licensed premises (pub, bar, club)": tuple(_ISTV_METHOD_BASE + [0, -2, 12, -3, 0, 0, 0]),
    "Home": tuple(_ISTV_METHOD_BASE + [0, 3, 0, 4, 0, 1, 0]),
    "School or college": tuple(_ISTV_METHOD_BASE + [15, -3, -4, -3, -0.3, 0, 0]),
    "Street or road": tuple(_ISTV_METHOD_BASE + [0, 3, 1, 1, 0.2, 1, 0]),
}


def _attrs_istv(ctx: Ctx) -> dict[str, np.ndarray]:
    hot = ctx.info["hotspot"] >= 0
    loc_night = pick(catalogue.ISTV_LOCATION_TYPES, ctx.rand.choice("loc.night", _ISTV_LOC_NIGHT))
    loc_other = pick(catalogue.ISTV_LOCATION_TYPES, ctx.rand.choice("loc.other", _ISTV_LOC_OTHER))
    loc = np.where(hot | (ctx.comp_names == "night") & (ctx.rand.u("loc.mix") < 0.5), loc_night, loc_other)
    method = ctx.given("method", catalogue.ISTV_ASSAULT_METHODS, loc, _ISTV_METHOD, tuple(_ISTV_METHOD_BASE))
    hx = np.array([HOSPITAL_XY[h][0] for h in catalogue.ISTV_HOSPITALS])
    hy = np.array([HOSPITAL_XY[h][1] for h in catalogue.ISTV_HOSPITALS])
    order = np.argsort((ctx.x[:, None] - hx) ** 2 + (ctx.y[:, None] - hy) ** 2, axis=1)
    second = ctx.rand.u("hospital") < 0.15
    hospital = pick(catalogue.ISTV_HOSPITALS, np.where(second, order[:, 1], order[:, 0]))
    return {"assault_method": method, "location_type": loc, "hospital": hospital}


# TfL bus incidents (research notes 2.5 value lists; mix plausible): everything conditional on event type.
TFL_EVENT_MIX = (30, 36, 19, 8, 5.5, 0.2, 1.3)
_TFL_INJURY = {"Onboard Injuries": (0.02, 14, 60, 26), "Slip Trip Fall": (0.02, 16, 55, 29),
               "Collision Incident": (0.6, 25, 50, 24.4), "Personal Injury": (0.05, 12, 62, 26),
               "Assault": (0.05, 10, 70, 20), "Fire": (0.1, 5, 85, 10), "Vandalism / Hooliganism": (0.01, 3, 90, 7)}
_TFL_VICTIM = {"Onboard Injuries": (88, 0, 0, 6, 1, 0, 5), "Slip Trip Fall": (90, 4, 0, 3, 0, 0, 3),
               "Collision Incident": (25, 35, 12, 5, 15, 6, 2), "Personal Injury": (70, 10, 1, 10, 2, 0, 7),
               "Assault": (55, 3, 0, 38, 1, 0, 3), "Fire": (60, 0, 0, 35, 0, 0, 5),
               "Vandalism / Hooliganism": (30, 5, 0, 60, 2, 0, 3)}
_TFL_AGE = {"Slip Trip Fall": (5, 7, 45, 38, 5), "Onboard Injuries": (8, 10, 47, 30, 5),
            "Collision Incident": (5, 12, 60, 13, 10), "Personal Injury": (8, 10, 55, 20, 7),
            "Assault": (2, 15, 70, 3, 10)}
_TFL_SEX = {"Slip Trip Fall": (60, 36, 4), "Onboard Injuries": (58, 38, 4), "Collision Incident": (35, 57, 8),
            "Personal Injury": (48, 46, 6), "Assault": (25, 70, 5)}


def _attrs_tfl(ctx: Ctx) -> dict[str, np.ndarray]:
    event = pick(catalogue.TFL_EVENT_TYPES, ctx.rand.choice("event", TFL_EVENT_MIX))
    route = ctx.info["route"]
    operators = {r: catalogue.TFL_OPERATORS[zlib.crc32(r.encode()) % len(catalogue.TFL_OPERATORS)]
                 for r, _ in BUS_ROUTES}
    return {"incident_event_type": event,
            "injury_result": ctx.given("injury", catalogue.TFL_INJURY_RESULTS, event, _TFL_INJURY),
            "victim_category": ctx.given("victim", catalogue.TFL_VICTIM_CATEGORIES, event, _TFL_VICTIM),
            "victims_sex": ctx.given("sex", catalogue.GENDERS, event, _TFL_SEX, (30, 60, 10)),
            "victims_age": ctx.given("age", catalogue.TFL_VICTIM_AGES, event, _TFL_AGE, (2, 10, 70, 3, 15)),
            "route": route, "operator": np.vectorize(operators.get, otypes=[object])(route)}


# RNLI Thames: reasons and outcomes (value lists from the Returns of Service, research notes 2.6).
RNLI_REASON_MIX = (22, 25, 8, 15, 5, 15, 10)
_RNLI_OUTCOME = {"Suspicious object": (10, 10, 45, 5, 25, 5), "Search for missing person": (25, 15, 20, 35, 3, 2),
                 "Person in the water": (55, 20, 12, 8, 3, 2)}
_RNLI_OUTCOME_DEFAULT = (60, 15, 12, 3, 7, 3)


def _attrs_rnli(ctx: Ctx) -> dict[str, np.ndarray]:
    reason = pick(catalogue.RNLI_REASONS, ctx.rand.choice("reason", RNLI_REASON_MIX))
    return {"station": ctx.info["station"], "reason_for_launch": reason,
            "outcome": ctx.given("outcome", catalogue.RNLI_OUTCOMES, reason, _RNLI_OUTCOME, _RNLI_OUTCOME_DEFAULT)}


@dataclass(frozen=True)
class Spec:
    components: tuple[Component, ...]
    attrs: Callable[[Ctx], dict[str, np.ndarray]]
    snap_metres: float = 0.0


_POP = Space(background="population")
_POP_INNER = Space(background="population_inner")
_NIGHT_SPACE = Space(hotspot_share=0.3, hotspot_tags=_NIGHT, background="population_inner")
_CITY = Space(hotspot_share=0.35, background="population", region="city")

SPECS: dict[str, Spec] = {
    "mps_crime": Spec(_mps_components(), _attrs_mps, snap_metres=80.0),
    "colp_crime": Spec((Component("day", "city", 0.7, _CITY), Component("night", "night", 0.3, _CITY)),
                        _attrs_colp, snap_metres=80.0),
    "btp_crime": Spec((Component("rail", "commute", 1.0, Space(kind="rail")),), _attrs_btp),
    "las_incidents": Spec((Component("night", "night", 0.6, _NIGHT_SPACE),
                            Component("general", "general", 0.25, _POP_INNER),
                            Component("self_harm", "self_harm", 0.15, _POP)), _attrs_las),
    "lfb_incidents": Spec((Component("alarm", "alarm", 0.46, Space(hotspot_share=0.2,
                                                                      background="population_inner")),
                            Component("fire", "fire", 0.21, _POP),
                            Component("service", "service", 0.33, Space(hotspot_share=0.1,
                                                                          background="population_inner"))),
                           _attrs_lfb),
    "istv_assaults": Spec((Component("night", "night", 0.75, _NIGHT_SPACE),
                            Component("general", "general", 0.25, _POP_INNER)), _attrs_istv),
    "tfl_bus_incidents": Spec((Component("bus", "bus", 1.0, Space(kind="bus")),), _attrs_tfl),
    "rnli_launches": Spec((Component("river", "river", 1.0, Space(kind="river")),), _attrs_rnli),
}
