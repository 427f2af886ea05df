"""Synthetic London: borough and ward boundaries and provider extracts for the nine SafeStats datasets.

Nothing here is real data and nothing is downloaded. Everything is generated deterministically from
small hand-written tables:

* Boroughs carry their real GSS codes (E09000001-E09000033) and names. Their polygons are a power
  diagram (weighted Voronoi) of approximate real borough centroids, with weights tuned so each
  borough's area is close to its real area (ONS Standard Area Measurements, rounded, from memory),
  clipped to a hand-drawn outline of Greater London in British National Grid (EPSG:27700; extent
  E 503,500-561,000, N 155,800-200,900 as observed in the LFB incident file, see
  ../shared/reference/safestats-datasets-research.md section 2.4). The City of London is cut as a
  small (~3 km2) polygon around its real position and removed from its neighbours.
* Wards are Voronoi cells (Lloyd-relaxed) of seeded points inside each borough, clipped to it. They
  carry synthetic codes "E059xxxxx" and names of real London places/wards (May 2022 names as far as
  remembered; ~680 wards in total as in the research notes section 3).
* Incidents are drawn from Gaussian clusters at real town centres and stations (coordinates are
  approximate, from memory) over a population-weighted background (Census 2021 borough populations,
  approximate), with seasonal, weekday and hour-of-day profiles per kind of incident.

Every record is a pure function of (dataset, seed, day, index within day, scale): an extract for
[start, end) is exactly the union of the daily extracts it spans, and `source_id` is stable across
extracts ("<dataset>-<seed>-<YYYYMMDD>-<n>"), so overlapping extracts de-duplicate at ingest.

Volumes, category mixes and timing profiles are plausible orders of magnitude (research notes
section 2), not statistics: do not quote them.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from . import catalogue
from .catalogue import Dataset

# =============================================================================== reference tables


@dataclass(frozen=True)
class _BoroughFact:
    code: str
    name: str
    x: float            # approximate centroid, EPSG:27700 metres
    y: float
    area_km2: float     # approximate real area (ONS SAM, rounded)
    population_k: float  # Census 2021, thousands (approximate)
    mps_k: float        # approximate MPS recorded offences per year, thousands (order of magnitude only)
    inner: bool         # ONS statistical Inner London


BOROUGH_FACTS: tuple[_BoroughFact, ...] = (
    _BoroughFact("E09000001", "City of London", 532400, 181300, 2.9, 8.6, 0.0, True),
    _BoroughFact("E09000002", "Barking and Dagenham", 548000, 185300, 36.1, 218.9, 19, False),
    _BoroughFact("E09000003", "Barnet", 523800, 192500, 86.7, 389.3, 28, False),
    _BoroughFact("E09000004", "Bexley", 549300, 174800, 60.6, 246.5, 14, False),
    _BoroughFact("E09000005", "Brent", 520200, 185800, 43.2, 339.8, 30, False),
    _BoroughFact("E09000006", "Bromley", 542400, 165600, 150.1, 330.0, 22, False),
    _BoroughFact("E09000007", "Camden", 527700, 184200, 21.8, 210.1, 40, True),
    _BoroughFact("E09000008", "Croydon", 533300, 162800, 86.5, 390.8, 33, False),
    _BoroughFact("E09000009", "Ealing", 515900, 181200, 55.5, 367.1, 30, False),
    _BoroughFact("E09000010", "Enfield", 532900, 196900, 82.2, 330.0, 28, False),
    _BoroughFact("E09000011", "Greenwich", 542500, 176500, 47.3, 289.1, 25, False),
    _BoroughFact("E09000012", "Hackney", 534800, 185400, 19.0, 259.2, 30, True),
    _BoroughFact("E09000013", "Hammersmith and Fulham", 523300, 178600, 16.4, 183.2, 21, True),
    _BoroughFact("E09000014", "Haringey", 531300, 189500, 29.6, 264.1, 28, True),
    _BoroughFact("E09000015", "Harrow", 515500, 189800, 50.5, 261.2, 14, False),
    _BoroughFact("E09000016", "Havering", 554300, 187700, 112.3, 262.0, 19, False),
    _BoroughFact("E09000017", "Hillingdon", 507900, 183500, 115.7, 305.9, 27, False),
    _BoroughFact("E09000018", "Hounslow", 511800, 175100, 56.0, 288.2, 25, False),
    _BoroughFact("E09000019", "Islington", 531200, 184800, 14.9, 216.6, 28, True),
    _BoroughFact("E09000020", "Kensington and Chelsea", 525800, 179600, 12.1, 143.4, 22, True),
    _BoroughFact("E09000021", "Kingston upon Thames", 519500, 166700, 37.3, 168.1, 11, False),
    _BoroughFact("E09000022", "Lambeth", 530800, 175300, 26.8, 317.6, 35, True),
    _BoroughFact("E09000023", "Lewisham", 537400, 173400, 35.2, 300.6, 25, True),
    _BoroughFact("E09000024", "Merton", 525800, 169600, 37.6, 215.2, 13, False),
    _BoroughFact("E09000025", "Newham", 541400, 182800, 36.2, 351.1, 35, True),
    _BoroughFact("E09000026", "Redbridge", 544400, 189300, 56.4, 310.3, 22, False),
    _BoroughFact("E09000027", "Richmond upon Thames", 517300, 172600, 57.4, 195.2, 12, False),
    _BoroughFact("E09000028", "Southwark", 533400, 176600, 28.9, 307.7, 35, True),
    _BoroughFact("E09000029", "Sutton", 526400, 163200, 43.8, 209.6, 12, False),
    _BoroughFact("E09000030", "Tower Hamlets", 536000, 181800, 19.8, 310.3, 35, True),
    _BoroughFact("E09000031", "Waltham Forest", 537700, 190200, 38.8, 278.4, 22, False),
    _BoroughFact("E09000032", "Wandsworth", 526300, 174400, 34.3, 327.5, 25, True),
    _BoroughFact("E09000033", "Westminster", 528400, 181000, 21.5, 204.3, 80, True),
)
CITY_CODE = "E09000001"
_FACT_BY_CODE = {b.code: b for b in BOROUGH_FACTS}

# Hand-drawn Greater London boundary (EPSG:27700), clockwise from Heathrow; real area 1,572 km2.
LONDON_OUTLINE: tuple[tuple[float, float], ...] = (
    (503700, 174500), (503500, 183000), (504300, 188000), (505300, 192800), (509500, 192600),
    (512500, 193200), (515500, 194000), (519500, 194600), (521500, 196500), (525000, 198400),
    (526500, 198800), (529000, 200500), (533000, 200900), (536500, 200300), (537500, 198500),
    (538500, 197000), (539500, 195500), (541000, 193000), (542500, 192200), (544500, 192500),
    (547000, 193500), (549500, 194800), (552500, 195800), (556000, 193500), (558500, 191500),
    (561000, 187500), (560000, 184500), (556500, 181000), (555500, 178800), (552500, 177800),
    (552500, 175000), (549800, 171000), (549500, 168000), (548500, 164500), (546000, 160000),
    (544000, 157000), (542500, 155900), (539500, 158000), (536000, 158500), (533500, 155900),
    (531000, 157000), (528500, 158000), (526500, 160500), (523500, 163000), (521000, 164200),
    (518000, 161700), (516500, 164500), (515500, 167500), (513500, 169800), (511500, 170500),
    (506500, 172500),
)

# The Square Mile, roughly: Temple - Holborn - Barbican - Liverpool Street - Aldgate - Tower - river.
CITY_OUTLINE: tuple[tuple[float, float], ...] = (
    (531050, 180800), (531150, 181400), (531550, 181650), (531950, 181900), (532450, 182050),
    (533000, 181950), (533400, 182050), (533550, 181750), (533750, 181450), (533650, 180900),
    (533450, 180620), (532800, 180520), (532000, 180620), (531550, 180700),
)

# Ward names: real London ward / place names per borough (May 2022 wards as far as remembered).
WARD_NAMES: dict[str, tuple[str, ...]] = {
    "E09000001": (
        "Aldersgate", "Aldgate", "Bassishaw", "Billingsgate", "Bishopsgate", "Bread Street", "Bridge",
        "Broad Street", "Candlewick", "Castle Baynard", "Cheap", "Coleman Street", "Cordwainer", "Cornhill",
        "Cripplegate", "Dowgate", "Farringdon Within", "Farringdon Without", "Langbourn", "Lime Street",
        "Portsoken", "Queenhithe", "Tower", "Vintry", "Walbrook"),
    "E09000002": (
        "Abbey", "Alibon", "Barking Riverside", "Beam", "Becontree", "Chadwell Heath", "Eastbrook & Rush Green",
        "Eastbury", "Gascoigne", "Goresbrook", "Heath", "Longbridge", "Mayesbrook", "Northbury", "Parsloes",
        "Thames View", "Valence", "Village", "Whalebone"),
    "E09000003": (
        "Barnet Vale", "Brunswick Park", "Burnt Oak", "Childs Hill", "Colindale North", "Colindale South",
        "Cricklewood", "East Barnet", "East Finchley", "Edgware", "Edgwarebury", "Finchley Church End",
        "Friern Barnet", "Garden Suburb", "Golders Green", "Hendon", "High Barnet", "Mill Hill", "Underhill",
        "West Finchley", "West Hendon", "Whetstone", "Woodhouse", "Totteridge & Woodside"),
    "E09000004": (
        "Barnehurst", "Belvedere", "Bexleyheath", "Blackfen & Lamorbey", "Blendon & Penhill", "Crayford",
        "Crook Log", "East Wickham", "Erith", "Falconwood & Welling", "Longlands", "Northumberland Heath",
        "St Mary's & St James", "Sidcup", "Slade Green & Northend", "Thamesmead East", "West Heath"),
    "E09000005": (
        "Alperton", "Barnhill", "Brondesbury Park", "Cricklewood & Mapesbury", "Dollis Hill",
        "Harlesden & Kensal Green", "Kenton", "Kilburn", "Kingsbury", "Northwick Park", "Preston", "Queens Park",
        "Queensbury", "Roundwood", "Stonebridge", "Sudbury", "Tokyngton", "Welsh Harp", "Wembley Central",
        "Wembley Hill", "Wembley Park", "Willesden Green"),
    "E09000006": (
        "Beckenham Town & Copers Cope", "Bickley & Sundridge", "Biggin Hill", "Bromley Common & Holwood",
        "Bromley Town", "Chislehurst", "Clock House", "Crystal Palace & Anerley", "Darwin",
        "Farnborough & Crofton", "Hayes & Coney Hall", "Kelsey & Eden Park", "Mottingham", "Orpington",
        "Penge & Cator", "Petts Wood & Knoll", "Plaistow", "St Mary Cray", "St Paul's Cray",
        "Shortlands & Park Langley", "West Wickham", "Chelsfield"),
    "E09000007": (
        "Belsize", "Bloomsbury", "Camden Square", "Camden Town", "Fortune Green", "Frognal", "Gospel Oak",
        "Hampstead Town", "Haverstock", "Highgate", "Holborn & Covent Garden", "Kentish Town North",
        "Kentish Town South", "Kilburn", "King's Cross", "Primrose Hill", "Regent's Park",
        "St Pancras & Somers Town", "South Hampstead", "West Hampstead"),
    "E09000008": (
        "Addiscombe East", "Addiscombe West", "Bensham Manor", "Broad Green", "Coulsdon Town",
        "Crystal Palace & Upper Norwood", "Fairfield", "Kenley", "New Addington North", "New Addington South",
        "Norbury & Pollards Hill", "Norbury Park", "Old Coulsdon", "Park Hill & Whitgift", "Purley & Woodcote",
        "Purley Oaks & Riddlesdown", "Sanderstead", "Selhurst", "Selsdon & Addington Village",
        "Selsdon Vale & Forestdale", "Shirley North", "Shirley South", "South Croydon", "South Norwood",
        "Thornton Heath", "Waddon", "West Thornton", "Woodside"),
    "E09000009": (
        "Acton Central", "East Acton", "Hanger Hill", "Ealing Broadway", "Ealing Common", "Hobbayne",
        "Cleveland", "Pitshanger", "Walpole", "South Acton", "Southall Broadway", "Southall Green",
        "Southall West", "Lady Margaret", "Dormers Wells", "Greenford Broadway", "Central Greenford",
        "North Greenford", "Northolt Mandeville", "Northolt West End", "Norwood Green", "Northfields",
        "Perivale", "Hanwell Broadway"),
    "E09000010": (
        "Arnos Grove", "Bowes", "Brimsdown", "Bullsmoor", "Bush Hill Park", "Carterhatch", "Cockfosters",
        "Edmonton Green", "Enfield Lock", "Grange Park", "Haselbury", "Highfield", "Jubilee", "Lower Edmonton",
        "Oakwood", "Palmers Green", "Ponders End", "Ridgeway", "Southbury", "Southgate", "Town",
        "Upper Edmonton", "Whitewebbs", "Winchmore Hill", "New Southgate"),
    "E09000011": (
        "Abbey Wood", "Blackheath Westcombe", "Charlton Hornfair", "Charlton Village & Riverside",
        "East Greenwich", "Eltham Page", "Eltham Park & Progress", "Eltham Town & Avery Hill",
        "Greenwich Creekside", "Greenwich Park", "Greenwich Peninsula", "Kidbrooke Park",
        "Kidbrooke Village & Sutcliffe", "Middle Park & Horn Park", "Mottingham, Coldharbour & New Eltham",
        "Plumstead Common", "Plumstead & Glyndon", "Shooters Hill", "Thamesmead Moorings", "West Thamesmead",
        "Woolwich Arsenal", "Woolwich Common", "Woolwich Dockyard"),
    "E09000012": (
        "Brownswood", "Cazenove", "Clissold", "Dalston", "De Beauvoir", "Hackney Central", "Hackney Downs",
        "Hackney Wick", "Haggerston", "Homerton", "Hoxton East & Shoreditch", "Hoxton West", "King's Park",
        "Lea Bridge", "London Fields", "Shacklewell", "Springfield", "Stamford Hill West", "Stoke Newington",
        "Victoria", "Woodberry Down"),
    "E09000013": (
        "Addison", "Avonmore", "Brook Green", "College Park & Old Oak", "Coningham", "Fulham Reach",
        "Fulham Town", "Grove", "Hammersmith Broadway", "Lillie", "Munster", "Palace & Hurlingham",
        "Parsons Green & Sandford", "Ravenscourt", "Sands End", "Shepherd's Bush Green", "Walham Green",
        "Wendell Park", "West Kensington", "White City", "Wormholt"),
    "E09000014": (
        "Alexandra Park", "Bounds Green", "Bruce Castle", "Crouch End", "Fortis Green", "Harringay",
        "Hermitage & Gardens", "Highgate", "Hornsey", "Muswell Hill", "Noel Park", "Northumberland Park",
        "St Ann's", "Seven Sisters", "South Tottenham", "Stroud Green", "Tottenham Central", "Tottenham Hale",
        "West Green", "White Hart Lane", "Woodside"),
    "E09000015": (
        "Belmont", "Canons", "Centenary", "Edgware", "Greenhill", "Harrow on the Hill", "Harrow Weald",
        "Hatch End", "Headstone", "Kenton East", "Kenton West", "Marlborough", "North Harrow", "Pinner",
        "Pinner South", "Rayners Lane", "Roxbourne", "Roxeth", "Stanmore", "Wealdstone North",
        "Wealdstone South", "West Harrow"),
    "E09000016": (
        "Beam Park", "Cranham", "Elm Park", "Emerson Park", "Gooshays", "Hacton", "Harold Wood",
        "Havering-atte-Bower", "Heaton", "Hylands & Harrow Lodge", "Marshalls & Rise Park", "Mawneys",
        "Rainham & Wennington", "Rush Green & Crowlands", "St Alban's", "St Andrew's", "St Edward's",
        "South Hornchurch", "Squirrels Heath", "Upminster"),
    "E09000017": (
        "Belmore", "Charville", "Colham & Cowley", "Eastcote", "Harefield Village", "Hayes Town",
        "Heathrow Villages", "Hillingdon East", "Hillingdon West", "Ickenham & South Harefield", "Northwood",
        "Northwood Hills", "Pinkwell", "Ruislip", "Ruislip Manor", "South Ruislip", "Uxbridge", "Wood End",
        "Yeading", "West Drayton", "Yiewsley"),
    "E09000018": (
        "Bedfont", "Brentford East", "Brentford West", "Chiswick Gunnersbury", "Chiswick Homefields",
        "Chiswick Riverside", "Cranford", "Feltham North", "Feltham West", "Hanworth Park", "Hanworth Village",
        "Heston Central", "Heston East", "Heston West", "Hounslow Central", "Hounslow East", "Hounslow Heath",
        "Hounslow South", "Hounslow West", "Isleworth", "Osterley & Spring Grove", "Syon & Brentford Lock"),
    "E09000019": (
        "Arsenal", "Barnsbury", "Bunhill", "Caledonian", "Canonbury", "Clerkenwell", "Finsbury Park",
        "Highbury", "Hillrise", "Holloway", "Junction", "Laycock", "Mildmay", "St Mary's & St James'",
        "St Peter's & Canalside", "Tollington", "Tufnell Park"),
    "E09000020": (
        "Abingdon", "Brompton & Hans Town", "Campden", "Chelsea Riverside", "Colville", "Courtfield",
        "Dalgarno", "Earl's Court", "Golborne", "Holland", "Norland", "Notting Dale", "Pembridge",
        "Queen's Gate", "Redcliffe", "Royal Hospital", "St Helen's", "Stanley"),
    "E09000021": (
        "Alexandra", "Berrylands", "Canbury Gardens", "Chessington North & Hook",
        "Chessington South & Malden Rushett", "Coombe Hill", "Coombe Vale", "Green Lane & St James",
        "Kingston Gate", "Kingston Town", "King George's & Sunray", "Motspur Park & Old Malden East",
        "New Malden Village", "Norbiton", "Old Malden", "St Mark's & Seething Wells", "Surbiton Hill",
        "Tolworth", "Tudor"),
    "E09000022": (
        "Brixton Acre Lane", "Brixton North", "Brixton Rush Common", "Brixton Windrush",
        "Clapham Common & Abbeville", "Clapham East", "Clapham Park", "Clapham Town",
        "Herne Hill & Loughborough Junction", "Kennington", "Knight's Hill", "Myatt's Fields", "Oval",
        "St Martin's", "Stockwell East", "Stockwell West & Larkhall", "Streatham Common & Vale",
        "Streatham Hill East", "Streatham Hill West & Thornton", "Streatham St Leonard's", "Streatham Wells",
        "Vauxhall", "Waterloo & South Bank", "West Dulwich", "Gipsy Hill"),
    "E09000023": (
        "Bellingham", "Blackheath", "Brockley", "Catford South", "Crofton Park", "Deptford", "Downham",
        "Evelyn", "Forest Hill", "Grove Park", "Hither Green", "Ladywell", "Lee Green", "Lewisham Central",
        "Lewisham East", "Perry Vale", "Rushey Green", "Sydenham", "Telegraph Hill"),
    "E09000024": (
        "Abbey", "Colliers Wood", "Cannon Hill", "Cricket Green", "Dundonald", "Figge's Marsh", "Graveney",
        "Hillside", "Lavender Fields", "Longthornton", "Lower Morden", "Merton Park", "Pollards Hill",
        "Ravensbury", "Raynes Park", "St Helier", "Village", "Wandle", "West Barnes", "Wimbledon Park"),
    "E09000025": (
        "Beckton", "Boleyn", "Canning Town North", "Canning Town South", "Custom House", "East Ham",
        "East Ham South", "Forest Gate North", "Forest Gate South", "Green Street East", "Green Street West",
        "Little Ilford", "Manor Park", "Maryland", "Plaistow North", "Plaistow South",
        "Plaistow West & Canning Town East", "Royal Albert", "Royal Victoria", "Stratford",
        "Stratford Olympic Park", "Wall End", "West Ham", "Plashet"),
    "E09000026": (
        "Aldborough", "Barkingside", "Bridge", "Churchfields", "Clayhall", "Clementswood", "Cranbrook",
        "Fairlop", "Fullwell", "Goodmayes", "Hainault", "Ilford Town", "Loxford", "Mayfield", "Monkhams",
        "Newbury", "Seven Kings", "South Woodford", "Snaresbrook", "Valentines", "Wanstead Park",
        "Wanstead Village"),
    "E09000027": (
        "Barnes", "East Sheen", "Fulwell & Hampton Hill", "Ham, Petersham & Richmond Riverside", "Hampton",
        "Hampton North", "Hampton Wick & South Teddington", "Heathfield", "Kew", "Mortlake & Barnes Common",
        "North Richmond", "South Richmond", "South Twickenham", "St Margarets & North Twickenham",
        "Teddington", "Twickenham Riverside", "West Twickenham", "Whitton"),
    "E09000028": (
        "Borough & Bankside", "Camberwell Green", "Champion Hill", "Chaucer", "Dulwich Hill",
        "Dulwich Village", "Dulwich Wood", "Faraday", "Goose Green", "London Bridge & West Bermondsey",
        "Newington", "North Bermondsey", "North Walworth", "Nunhead & Queen's Road", "Old Kent Road",
        "Peckham", "Peckham Rye", "Rotherhithe", "Rye Lane", "St George's", "St Giles", "South Bermondsey",
        "Surrey Docks"),
    "E09000029": (
        "Beddington", "Belmont", "Carshalton Central", "Carshalton South & Clockhouse", "Cheam", "North Cheam",
        "Hackbridge", "St Helier East", "St Helier West", "Stonecot", "Sutton Central", "Sutton North",
        "Sutton South", "Sutton West & East Cheam", "The Wrythe", "Wallington North", "Wallington South",
        "Wandle Valley", "Worcester Park North", "Worcester Park South"),
    "E09000030": (
        "Bethnal Green East", "Bethnal Green West", "Blackwall & Cubitt Town", "Bow East", "Bow West",
        "Bromley North", "Bromley South", "Canary Wharf", "Island Gardens", "Lansbury", "Limehouse",
        "Mile End", "Poplar", "St Dunstan's", "St Katharine's & Wapping", "Shadwell",
        "Spitalfields & Banglatown", "Stepney Green", "Weavers", "Whitechapel"),
    "E09000031": (
        "Cann Hall", "Cathall", "Chapel End", "Chingford Green", "Endlebury", "Forest", "Grove Green",
        "Hale End & Highams Park South", "Hatch Lane", "Higham Hill", "Highams Park North", "High Street",
        "Hoe Street", "Larkswood", "Lea Bridge", "Leyton", "Leytonstone", "Markhouse", "St James",
        "Upper Walthamstow", "Valley", "William Morris"),
    "E09000032": (
        "Balham", "East Putney", "Falconbrook", "Furzedown", "Lavender", "Nine Elms", "Northcote", "Roehampton",
        "St Mary's", "Shaftesbury & Queenstown", "South Balham", "Southfields", "Thamesfield", "Tooting Bec",
        "Tooting Broadway", "Trinity", "Wandle", "Wandsworth Common", "Wandsworth Town", "West Hill",
        "West Putney", "Battersea Park"),
    "E09000033": (
        "Abbey Road", "Bayswater", "Church Street", "Harrow Road", "Hyde Park", "Knightsbridge & Belgravia",
        "Lancaster Gate", "Little Venice", "Maida Vale", "Marylebone", "Pimlico North", "Pimlico South",
        "Queen's Park", "Regent's Park", "St James's", "Vincent Square", "West End", "Westbourne"),
}

# Town centres, stations and landmarks: approximate EPSG:27700 positions (from memory, +-300 m).
PLACES: dict[str, tuple[float, float]] = {
    "Oxford Circus": (528950, 181150), "Leicester Square": (529900, 180750), "Soho": (529600, 181000),
    "Covent Garden": (530250, 180900), "Piccadilly Circus": (529600, 180600), "Trafalgar Square": (529980, 180450),
    "Marble Arch": (527950, 180950), "Victoria": (528950, 179000), "Westminster": (530200, 179700),
    "Paddington": (526700, 181300), "Edgware Road": (527200, 181600), "Notting Hill Gate": (525200, 180300),
    "Knightsbridge": (527600, 179600), "Kensington High Street": (525500, 179450), "Earl's Court": (525400, 178600),
    "South Kensington": (526800, 178800), "Sloane Square": (528000, 178600), "Hammersmith": (523300, 178500),
    "Shepherd's Bush": (523300, 180000), "Fulham Broadway": (525500, 177300), "Putney": (524100, 175400),
    "Wandsworth Town": (525700, 174800), "Clapham Junction": (527400, 175700), "Clapham Common": (529100, 175400),
    "Balham": (528300, 173400), "Tooting": (527700, 171200), "Brixton": (531100, 175600),
    "Stockwell": (530600, 176300), "Vauxhall": (530300, 178200), "Waterloo": (531100, 179800),
    "Elephant & Castle": (531900, 179000), "London Bridge": (532900, 180200), "Bermondsey": (534200, 179300),
    "Camberwell": (532700, 176800), "Peckham": (534500, 176300), "Herne Hill": (532100, 174500),
    "Streatham": (530200, 171500), "Norbury": (530800, 169500), "Crystal Palace": (533800, 170700),
    "West Norwood": (532000, 171400), "Holborn": (530700, 181500), "King's Cross": (530300, 183100),
    "Euston": (529500, 182600), "Camden Town": (528950, 183900), "Kentish Town": (528900, 185100),
    "Archway": (529300, 186800), "Holloway": (530500, 185800), "Angel": (531500, 183200),
    "Highbury & Islington": (531600, 184700), "Finsbury Park": (531300, 186800), "Old Street": (532700, 182400),
    "Shoreditch": (533300, 182400), "Liverpool Street": (533100, 181600), "Bank": (532700, 181100),
    "St Paul's": (532100, 181200), "Moorgate": (532700, 181600), "Fenchurch Street": (533300, 180900),
    "Aldgate": (533600, 181200), "Barbican": (532000, 181800), "Blackfriars": (531700, 180900),
    "Fleet Street": (531300, 181100), "Whitechapel": (534500, 181700), "Aldgate East": (533900, 181400),
    "Bethnal Green": (535000, 182600), "Mile End": (536300, 182300), "Bow": (537100, 183000),
    "Canary Wharf": (537500, 180300), "Poplar": (537800, 180800), "Stratford": (538600, 184500),
    "Westfield Stratford": (538300, 184800), "Leyton": (538100, 186300), "Leytonstone": (539100, 187600),
    "Walthamstow": (537300, 189200), "Chingford": (538700, 194300), "Hackney Central": (534900, 184800),
    "Dalston": (533600, 184700), "Stoke Newington": (533500, 186200), "Stamford Hill": (533600, 187600),
    "Tottenham Hale": (534600, 189500), "Seven Sisters": (533400, 189000), "Tottenham": (534000, 190400),
    "Wood Green": (530900, 190400), "Turnpike Lane": (531300, 189600), "Muswell Hill": (528700, 189700),
    "Crouch End": (530000, 188000), "Highgate": (528600, 187600), "Edmonton Green": (534600, 193800),
    "Enfield Town": (532600, 196600), "Palmers Green": (530900, 192900), "Southgate": (529600, 194200),
    "Cockfosters": (528000, 196400), "High Barnet": (524700, 196300), "Finchley Central": (525200, 190600),
    "North Finchley": (526500, 192300), "Golders Green": (525000, 187800), "Hendon": (523000, 189000),
    "Edgware": (519500, 191800), "Colindale": (521100, 189900), "Brent Cross": (523600, 187600),
    "Cricklewood": (523700, 185700), "Kilburn": (525300, 184100), "Swiss Cottage": (526700, 184200),
    "Hampstead": (526400, 185600), "Willesden": (522700, 184700), "Harlesden": (521300, 183600),
    "Wembley": (518900, 185700), "Neasden": (521300, 185600), "Harrow": (515300, 188400),
    "Wealdstone": (515600, 189600), "Stanmore": (517000, 192000), "Pinner": (512300, 189500),
    "Ruislip": (509100, 187000), "Uxbridge": (505400, 184200), "Hayes": (510000, 180300),
    "West Drayton": (506200, 179800), "Heathrow": (507500, 175800), "Southall": (512600, 180000),
    "Northolt": (513200, 184700), "Greenford": (514300, 182900), "Ealing Broadway": (517800, 180900),
    "Acton": (520300, 180300), "Chiswick": (520800, 178600), "Brentford": (517700, 177500),
    "Hounslow": (513800, 176000), "Feltham": (510600, 173200), "Isleworth": (516300, 175800),
    "Twickenham": (516300, 173300), "Richmond": (518000, 175100), "Teddington": (516000, 171000),
    "Kingston": (518000, 169300), "Surbiton": (518100, 167500), "New Malden": (521300, 168500),
    "Wimbledon": (524900, 170600), "Morden": (525800, 168300), "Mitcham": (527700, 168800),
    "Sutton": (525900, 164300), "Cheam": (524300, 163700), "Carshalton": (527900, 164500),
    "Wallington": (529000, 164200), "Croydon": (532500, 165800), "Thornton Heath": (531500, 168500),
    "Purley": (531300, 161300), "Coulsdon": (529900, 159000), "New Addington": (538000, 163000),
    "Bromley": (540500, 169300), "Beckenham": (537400, 169500), "Orpington": (546200, 166100),
    "Penge": (535000, 170500), "Catford": (537800, 173600), "Lewisham": (538200, 175500),
    "Deptford": (537200, 177400), "New Cross": (536500, 177000), "Greenwich": (538300, 177600),
    "Blackheath": (539400, 176700), "Eltham": (542600, 174500), "Woolwich": (543600, 178800),
    "Plumstead": (545000, 178500), "Abbey Wood": (547400, 179000), "Thamesmead": (547500, 180500),
    "Bexleyheath": (548800, 175300), "Welling": (546700, 175800), "Sidcup": (546400, 172000),
    "Erith": (551000, 177900), "Crayford": (551300, 174900), "Canning Town": (539500, 181400),
    "East Ham": (542700, 183900), "Forest Gate": (540600, 185100), "Upton Park": (541600, 183700),
    "Beckton": (543400, 181600), "Barking": (544300, 184100), "Dagenham Heathway": (549300, 185000),
    "Chadwell Heath": (547800, 188000), "Ilford": (543700, 186400), "Gants Hill": (543500, 188500),
    "Barkingside": (544800, 189600), "Seven Kings": (545500, 187200), "Romford": (551300, 188700),
    "Hornchurch": (553900, 187000), "Upminster": (556200, 186900), "Harold Hill": (554300, 192000),
    "Rainham": (552000, 182000), "Elm Park": (552900, 185000), "Hainault": (545500, 191700),
    "South Woodford": (540300, 190700), "Woodford": (540800, 191900), "Wanstead": (540600, 188500),
}


@dataclass(frozen=True)
class _Hotspot:
    place: str
    weight: float            # relative size of the cluster
    sigma: float             # metres
    tags: frozenset[str]     # night (night-time economy), retail, station


def _hs(place: str, weight: float, sigma: float, tags: str) -> _Hotspot:
    return _Hotspot(place, weight, sigma, frozenset(tags.split()))


# Real town centres and nightlife/transport hubs. Weights are relative, West End largest.
HOTSPOTS: tuple[_Hotspot, ...] = (
    _hs("Oxford Circus", 10, 280, "retail night station"), _hs("Leicester Square", 9, 200, "night"),
    _hs("Soho", 8, 220, "night"), _hs("Covent Garden", 6, 220, "night retail"),
    _hs("Piccadilly Circus", 6, 180, "night retail"), _hs("Marble Arch", 4, 250, "retail"),
    _hs("Victoria", 4, 250, "station retail"), _hs("Knightsbridge", 3, 250, "retail"),
    _hs("Paddington", 2, 250, "station"), _hs("Kensington High Street", 2, 250, "retail"),
    _hs("Earl's Court", 1.5, 250, "night"), _hs("King's Cross", 5, 250, "station night"),
    _hs("Euston", 2.5, 220, "station"), _hs("Camden Town", 5, 250, "night retail"),
    _hs("Holborn", 2, 250, "night"), _hs("Angel", 2.5, 250, "night retail"),
    _hs("Shoreditch", 4, 250, "night"), _hs("Liverpool Street", 3, 200, "station night"),
    _hs("Bank", 2, 200, "retail"), _hs("Fenchurch Street", 1, 150, "station"),
    _hs("St Paul's", 1, 200, "retail"), _hs("Whitechapel", 2.5, 300, "retail"),
    _hs("Waterloo", 3.5, 250, "station night"), _hs("London Bridge", 3.5, 250, "station night"),
    _hs("Elephant & Castle", 2, 250, "retail"), _hs("Vauxhall", 2, 250, "night station"),
    _hs("Brixton", 4.5, 300, "night retail"), _hs("Clapham Junction", 3, 300, "retail station"),
    _hs("Clapham Common", 3, 300, "night"), _hs("Peckham", 3, 300, "retail night"),
    _hs("Camberwell", 1.5, 250, "night"), _hs("Lewisham", 3, 300, "retail"),
    _hs("Stratford", 5, 350, "retail station night"), _hs("Westfield Stratford", 3, 250, "retail"),
    _hs("Canary Wharf", 2, 300, "retail night"), _hs("Hackney Central", 2.5, 300, "night"),
    _hs("Dalston", 3, 250, "night"), _hs("Finsbury Park", 2, 300, "station"),
    _hs("Wood Green", 3, 300, "retail"), _hs("Tottenham", 2, 350, "retail"),
    _hs("Walthamstow", 2.5, 300, "retail"), _hs("Ilford", 3.5, 300, "retail night"),
    _hs("Romford", 3.5, 300, "retail night"), _hs("Barking", 2, 300, "retail"),
    _hs("East Ham", 2, 300, "retail"), _hs("Croydon", 5, 400, "retail night station"),
    _hs("Kingston", 3.5, 300, "retail night"), _hs("Sutton", 2, 300, "retail night"),
    _hs("Bromley", 3, 300, "retail night"), _hs("Orpington", 1.5, 300, "retail"),
    _hs("Bexleyheath", 1.5, 300, "retail"), _hs("Woolwich", 2.5, 300, "retail night"),
    _hs("Greenwich", 1.5, 300, "night"), _hs("Enfield Town", 2, 300, "retail"),
    _hs("Edmonton Green", 2, 300, "retail"), _hs("Brent Cross", 2, 300, "retail"),
    _hs("Wembley", 3, 350, "retail night"), _hs("Harrow", 2.5, 300, "retail"),
    _hs("Uxbridge", 2.5, 300, "retail night"), _hs("Hayes", 1.5, 300, "retail"),
    _hs("Southall", 2, 300, "retail"), _hs("Ealing Broadway", 3, 300, "retail night"),
    _hs("Hammersmith", 3, 300, "night retail station"), _hs("Shepherd's Bush", 3, 300, "retail night"),
    _hs("Hounslow", 2.5, 300, "retail"), _hs("Richmond", 2, 300, "retail night"),
    _hs("Wimbledon", 2, 300, "retail night"), _hs("Tooting", 2, 300, "night retail"),
    _hs("Putney", 1.5, 300, "night"), _hs("Fulham Broadway", 1.5, 250, "night"),
    _hs("Streatham", 2, 350, "retail"), _hs("Heathrow", 1.5, 600, "station"),
)

# Streets near the main hotspots (used for "On or near <street>"), real names.
HOTSPOT_STREETS: dict[str, tuple[str, ...]] = {
    "Oxford Circus": ("Oxford Street", "Regent Street", "Great Marlborough Street", "Argyll Street", "Margaret Street"),
    "Leicester Square": ("Leicester Square", "Charing Cross Road", "Coventry Street", "Cranbourn Street",
                         "Irving Street"),
    "Soho": ("Old Compton Street", "Wardour Street", "Dean Street", "Frith Street", "Greek Street", "Berwick Street"),
    "Covent Garden": ("Long Acre", "James Street", "Floral Street", "Henrietta Street", "Neal Street"),
    "Piccadilly Circus": ("Piccadilly", "Shaftesbury Avenue", "Haymarket", "Glasshouse Street"),
    "Marble Arch": ("Oxford Street", "Edgware Road", "Park Lane", "Great Cumberland Place"),
    "Victoria": ("Victoria Street", "Buckingham Palace Road", "Wilton Road", "Vauxhall Bridge Road"),
    "Knightsbridge": ("Brompton Road", "Knightsbridge", "Sloane Street", "Hans Crescent"),
    "King's Cross": ("Euston Road", "York Way", "Pancras Road", "Caledonian Road", "Gray's Inn Road"),
    "Camden Town": ("Camden High Street", "Chalk Farm Road", "Parkway", "Kentish Town Road", "Camden Road"),
    "Shoreditch": ("Shoreditch High Street", "Great Eastern Street", "Curtain Road", "Old Street", "Rivington Street"),
    "Liverpool Street": ("Bishopsgate", "Liverpool Street", "Old Broad Street", "Sun Street Passage"),
    "Bank": ("Cheapside", "Poultry", "Threadneedle Street", "Lombard Street", "King William Street"),
    "St Paul's": ("Ludgate Hill", "St Paul's Churchyard", "Cannon Street", "Newgate Street"),
    "Fenchurch Street": ("Fenchurch Street", "Leadenhall Street", "Mark Lane", "Lime Street"),
    "Waterloo": ("Waterloo Road", "The Cut", "Lower Marsh", "York Road", "Belvedere Road"),
    "London Bridge": ("Borough High Street", "Tooley Street", "St Thomas Street", "Duke Street Hill"),
    "Brixton": ("Brixton Road", "Coldharbour Lane", "Electric Avenue", "Acre Lane", "Atlantic Road"),
    "Clapham Junction": ("St John's Road", "Lavender Hill", "Northcote Road", "Falcon Road"),
    "Clapham Common": ("Clapham High Street", "Clapham Park Road", "The Pavement", "Venn Street"),
    "Peckham": ("Rye Lane", "Peckham High Street", "Queen's Road", "Peckham Hill Street"),
    "Lewisham": ("Lewisham High Street", "Molesworth Street", "Rennell Street", "Loampit Vale"),
    "Stratford": ("The Broadway", "Great Eastern Road", "Romford Road", "Stratford High Street"),
    "Westfield Stratford": ("Westfield Avenue", "Montfichet Road", "International Way"),
    "Dalston": ("Kingsland High Street", "Dalston Lane", "Ridley Road", "Kingsland Road"),
    "Wood Green": ("High Road", "Lordship Lane", "Station Road", "Mayes Road"),
    "Walthamstow": ("Hoe Street", "Walthamstow High Street", "Selborne Road"),
    "Ilford": ("High Road", "Cranbrook Road", "Ilford Lane", "Broadway"),
    "Romford": ("South Street", "Market Place", "Romford High Street", "Western Road"),
    "Croydon": ("North End", "George Street", "Church Street", "Wellesley Road", "High Street"),
    "Kingston": ("Clarence Street", "Eden Street", "Market Place", "Thames Street"),
    "Sutton": ("High Street", "Cheam Road", "Throwley Way"),
    "Bromley": ("High Street", "Market Square", "Widmore Road", "East Street"),
    "Wembley": ("Wembley High Road", "Olympic Way", "Empire Way", "Wembley Park Drive"),
    "Hammersmith": ("King Street", "Hammersmith Broadway", "Shepherd's Bush Road", "Fulham Palace Road"),
    "Shepherd's Bush": ("Uxbridge Road", "Shepherd's Bush Green", "Goldhawk Road", "Ariel Way"),
    "Ealing Broadway": ("The Broadway", "Uxbridge Road", "New Broadway", "High Street"),
    "Uxbridge": ("High Street", "Windsor Street", "Belmont Road"),
    "Hounslow": ("High Street", "Bath Road", "Staines Road"),
    "Harrow": ("Station Road", "St Ann's Road", "College Road"),
    "Enfield Town": ("Church Street", "The Town", "Silver Street"),
    "Whitechapel": ("Whitechapel Road", "Commercial Road", "Brick Lane", "Vallance Road"),
    "Angel": ("Upper Street", "Islington High Street", "Pentonville Road", "Chapel Market"),
    "Vauxhall": ("Kennington Lane", "Wandsworth Road", "South Lambeth Road", "Albert Embankment"),
    "Woolwich": ("Powis Street", "Woolwich New Road", "Hare Street", "Beresford Square"),
    "Tooting": ("Mitcham Road", "Upper Tooting Road", "Tooting High Street"),
    "Canary Wharf": ("Canada Square", "Westferry Road", "Marsh Wall", "Cabot Square"),
}
CITY_STREETS: tuple[str, ...] = (
    "Cheapside", "Bishopsgate", "Fleet Street", "Cannon Street", "Moorgate", "Leadenhall Street",
    "Fenchurch Street", "London Wall", "Gresham Street", "Queen Victoria Street", "Eastcheap", "Aldersgate Street",
    "Houndsditch", "Minories", "Old Broad Street", "Threadneedle Street", "Lombard Street", "Farringdon Street",
    "Holborn Viaduct", "Ludgate Hill", "Charterhouse Street", "Upper Thames Street", "Lower Thames Street",
    "Gracechurch Street", "Wood Street", "Coleman Street", "King William Street", "New Street", "Middlesex Street")
GENERIC_STREETS: tuple[str, ...] = (
    "High Street", "High Road", "Station Road", "Church Road", "Church Street", "Park Road", "London Road",
    "Victoria Road", "Green Lane", "Manor Road", "King Street", "Queen's Road", "The Broadway", "Mill Lane",
    "Albert Road", "Grove Road", "Kings Road", "New Road", "North Road", "South Street", "West Street",
    "Springfield Road", "Richmond Road", "Windsor Road", "York Road", "Alexandra Road", "Stanley Road",
    "Avenue Road", "Chestnut Avenue", "Elm Grove", "Oak Road", "The Avenue", "Cedar Road", "Hill Street",
    "Market Street", "School Lane", "Chapel Street", "Bridge Road", "Cambridge Road", "Oxford Road",
    "Gladstone Road", "Palmerston Road", "Nelson Road", "Wellington Road", "Warwick Road", "Lansdowne Road",
    "Clarence Road", "Stanhope Road", "Beaumont Road", "Heath Road", "Forest Road", "Mount Pleasant",
    "Harrow Road", "Uxbridge Road", "Hertford Road", "Lordship Lane", "Lea Bridge Road", "Romford Road",
    "Barking Road", "Commercial Road", "Mile End Road", "Old Kent Road", "Walworth Road", "Holloway Road",
    "Seven Sisters Road", "Edgware Road", "Finchley Road", "Garratt Lane", "Streatham High Road",
    "Balham High Road", "Kilburn High Road", "Brixton Hill", "Lewisham Way", "Eltham High Street",
    "Bromley Road", "Brighton Road", "Kingston Road", "Great West Road", "Western Avenue", "Ripple Road",
    "Longbridge Road", "Chase Side", "Ballards Lane", "Watford Way", "Sidcup Road", "Bexley Road",
    "Brockley Road", "Lower Road", "Jamaica Road", "Cable Street", "Burdett Road", "Roman Road")
# police.uk place-type locations ("On or near Supermarket") with plausible relative frequencies.
PLACE_TYPES: dict[str, float] = {
    "Supermarket": 25, "Parking Area": 20, "Shopping Area": 15, "Petrol Station": 8, "Nightclub": 5,
    "Sports/Recreation Area": 8, "Further/Higher Educational Building": 4, "Hospital": 3, "Police Station": 3,
    "Theatre/Concert Hall": 2, "Bus/Coach Station": 3, "Pedestrian Subway": 2, "Park/Open Space": 8}

# Rail and Underground: stations (display name, place, relative crime weight) and lines as station sequences.
RAIL_STATIONS: tuple[tuple[str, str, float], ...] = (
    ("King's Cross St Pancras", "King's Cross", 10), ("Waterloo", "Waterloo", 9), ("Victoria", "Victoria", 9),
    ("London Bridge", "London Bridge", 8), ("Liverpool Street", "Liverpool Street", 8),
    ("Stratford", "Stratford", 9), ("Oxford Circus", "Oxford Circus", 7), ("Paddington", "Paddington", 6),
    ("Euston", "Euston", 6), ("Clapham Junction", "Clapham Junction", 5), ("East Croydon", "Croydon", 5),
    ("Brixton", "Brixton", 4), ("Finsbury Park", "Finsbury Park", 4),
    ("Highbury & Islington", "Highbury & Islington", 3),
    ("Canary Wharf", "Canary Wharf", 3), ("Vauxhall", "Vauxhall", 3), ("Whitechapel", "Whitechapel", 3),
    ("Seven Sisters", "Seven Sisters", 3), ("Leicester Square", "Leicester Square", 3),
    ("Piccadilly Circus", "Piccadilly Circus", 3), ("Camden Town", "Camden Town", 3), ("Bank", "Bank", 3),
    ("Wembley Park", "Wembley", 3), ("Ealing Broadway", "Ealing Broadway", 2.5), ("Romford", "Romford", 2.5),
    ("Ilford", "Ilford", 2.5), ("Lewisham", "Lewisham", 2.5), ("Wimbledon", "Wimbledon", 2.5),
    ("Hammersmith", "Hammersmith", 2.5), ("Shepherd's Bush", "Shepherd's Bush", 2),
    ("Walthamstow Central", "Walthamstow", 2),
    ("Tottenham Hale", "Tottenham Hale", 2), ("Elephant & Castle", "Elephant & Castle", 2),
    ("Fenchurch Street", "Fenchurch Street", 1.5), ("Woolwich Arsenal", "Woolwich", 1.5),
    ("Bromley South", "Bromley", 1.5),
    ("Kingston", "Kingston", 1.5), ("Richmond", "Richmond", 1.5), ("Harrow-on-the-Hill", "Harrow", 1.5),
    ("Uxbridge", "Uxbridge", 1), ("Heathrow Terminals 2 & 3", "Heathrow", 1.5), ("Sutton", "Sutton", 1),
    ("Barking", "Barking", 2), ("Canning Town", "Canning Town", 1.5), ("Mile End", "Mile End", 1.5),
    ("Bethnal Green", "Bethnal Green", 1.5), ("Angel", "Angel", 1), ("Holborn", "Holborn", 1.5),
    ("Westminster", "Westminster", 1.5), ("Earl's Court", "Earl's Court", 1.5), ("Edmonton Green", "Edmonton Green", 1),
    ("Wood Green", "Wood Green", 1.5), ("Tooting Broadway", "Tooting", 1.5), ("Peckham Rye", "Peckham", 1.5),
    ("Hounslow Central", "Hounslow", 1), ("Southall", "Southall", 1), ("Hackney Central", "Hackney Central", 1),
    ("Dalston Junction", "Dalston", 1), ("Leytonstone", "Leytonstone", 1), ("Golders Green", "Golders Green", 1),
)
RAIL_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Central line", ("Ealing Broadway", "Acton", "Shepherd's Bush", "Notting Hill Gate", "Marble Arch",
                      "Oxford Circus", "Holborn", "St Paul's", "Bank", "Liverpool Street", "Bethnal Green",
                      "Mile End", "Stratford", "Leyton", "Leytonstone", "South Woodford", "Woodford")),
    ("Northern line", ("Edgware", "Colindale", "Hendon", "Golders Green", "Hampstead", "Camden Town", "Euston",
                       "King's Cross", "Angel", "Old Street", "Moorgate", "Bank", "London Bridge",
                       "Elephant & Castle", "Stockwell", "Clapham Common", "Balham", "Tooting", "Morden")),
    ("Victoria line", ("Walthamstow", "Tottenham Hale", "Seven Sisters", "Finsbury Park", "Highbury & Islington",
                       "King's Cross", "Euston", "Oxford Circus", "Victoria", "Vauxhall", "Stockwell", "Brixton")),
    ("Jubilee line", ("Stanmore", "Wembley", "Neasden", "Kilburn", "Swiss Cottage", "Marble Arch", "Westminster",
                      "Waterloo", "London Bridge", "Bermondsey", "Canary Wharf", "Canning Town", "Stratford")),
    ("District line", ("Upminster", "Hornchurch", "Elm Park", "Dagenham Heathway", "Barking", "East Ham",
                       "Upton Park", "Bow", "Mile End", "Whitechapel", "Aldgate East", "Fenchurch Street",
                       "Blackfriars", "Westminster", "Victoria", "Sloane Square", "South Kensington", "Earl's Court",
                       "Hammersmith", "Chiswick", "Richmond")),
    ("Piccadilly line", ("Heathrow", "Hounslow", "Isleworth", "Acton", "Hammersmith", "Earl's Court",
                         "South Kensington", "Knightsbridge", "Piccadilly Circus", "Leicester Square", "Holborn",
                         "King's Cross", "Finsbury Park", "Turnpike Lane", "Wood Green", "Southgate", "Cockfosters")),
    ("Metropolitan line", ("Uxbridge", "Ruislip", "Pinner", "Harrow", "Wembley", "Swiss Cottage", "Edgware Road",
                           "King's Cross", "Barbican", "Liverpool Street")),
    ("Brighton Main Line", ("Victoria", "Clapham Junction", "Balham", "Streatham", "Norbury", "Thornton Heath",
                            "Croydon", "Purley", "Coulsdon")),
    ("Great Eastern Main Line", ("Liverpool Street", "Bethnal Green", "Stratford", "Forest Gate", "Ilford",
                                 "Seven Kings", "Chadwell Heath", "Romford")),
    ("South Western Main Line", ("Waterloo", "Vauxhall", "Clapham Junction", "Wimbledon", "New Malden", "Surbiton")),
    ("North Kent Line", ("London Bridge", "Deptford", "Greenwich", "Woolwich", "Plumstead", "Abbey Wood", "Erith")),
    ("South Eastern Main Line", ("London Bridge", "New Cross", "Lewisham", "Catford", "Bromley", "Orpington")),
    ("West Coast Main Line", ("Euston", "Kilburn", "Harlesden", "Wembley", "Harrow", "Wealdstone")),
    ("Great Western Main Line", ("Paddington", "Acton", "Ealing Broadway", "Southall", "Hayes", "West Drayton")),
    ("West Anglia Main Line", ("Liverpool Street", "Hackney Central", "Tottenham Hale", "Edmonton Green",
                               "Enfield Town")),
)

# Bus routes as place sequences (real route numbers; paths simplified to their main stops).
BUS_ROUTES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("25", ("Oxford Circus", "Holborn", "Bank", "Aldgate", "Whitechapel", "Mile End", "Stratford", "Forest Gate",
            "Ilford")),
    ("38", ("Victoria", "Piccadilly Circus", "Holborn", "Angel", "Dalston", "Hackney Central")),
    ("73", ("Oxford Circus", "Euston", "King's Cross", "Angel", "Stoke Newington")),
    ("29", ("Trafalgar Square", "Camden Town", "Holloway", "Finsbury Park", "Turnpike Lane", "Wood Green")),
    ("207", ("Shepherd's Bush", "Acton", "Ealing Broadway", "Southall", "Hayes", "Uxbridge")),
    ("18", ("Euston", "Edgware Road", "Harlesden", "Wembley")),
    ("12", ("Oxford Circus", "Westminster", "Elephant & Castle", "Camberwell", "Peckham")),
    ("159", ("Oxford Circus", "Westminster", "Vauxhall", "Brixton", "Streatham")),
    ("36", ("Kilburn", "Paddington", "Victoria", "Vauxhall", "Camberwell", "Peckham", "New Cross")),
    ("149", ("London Bridge", "Liverpool Street", "Shoreditch", "Dalston", "Stamford Hill", "Tottenham",
             "Edmonton Green")),
    ("279", ("Seven Sisters", "Tottenham", "Edmonton Green", "Enfield Town")),
    ("55", ("Oxford Circus", "Holborn", "Old Street", "Hackney Central", "Leyton")),
    ("86", ("Stratford", "Forest Gate", "Ilford", "Seven Kings", "Chadwell Heath", "Romford")),
    ("176", ("Oxford Circus", "Waterloo", "Elephant & Castle", "Camberwell", "Catford", "Penge")),
    ("109", ("Brixton", "Streatham", "Norbury", "Thornton Heath", "Croydon")),
    ("468", ("Elephant & Castle", "Camberwell", "Herne Hill", "West Norwood", "Crystal Palace", "Croydon")),
    ("119", ("Croydon", "Beckenham", "Bromley")),
    ("61", ("Bromley", "Orpington")),
    ("53", ("Westminster", "Elephant & Castle", "New Cross", "Deptford", "Blackheath", "Woolwich", "Plumstead")),
    ("229", ("Thamesmead", "Abbey Wood", "Bexleyheath", "Sidcup")),
    ("96", ("Woolwich", "Plumstead", "Welling", "Bexleyheath", "Crayford")),
    ("65", ("Ealing Broadway", "Brentford", "Richmond", "Kingston")),
    ("281", ("Hounslow", "Twickenham", "Teddington", "Kingston", "Surbiton")),
    ("111", ("Heathrow", "Hounslow", "Feltham", "Kingston")),
    ("H37", ("Hounslow", "Isleworth", "Twickenham", "Richmond")),
    ("93", ("Putney", "Wimbledon", "Morden")),
    ("213", ("Kingston", "New Malden", "Sutton")),
    ("407", ("Sutton", "Carshalton", "Wallington", "Croydon")),
    ("88", ("Camden Town", "Oxford Circus", "Westminster", "Vauxhall", "Stockwell", "Clapham Common")),
    ("37", ("Putney", "Wandsworth Town", "Clapham Junction", "Clapham Common", "Brixton", "Herne Hill", "Peckham")),
    ("220", ("Wandsworth Town", "Putney", "Fulham Broadway", "Hammersmith", "Shepherd's Bush", "Harlesden")),
    ("9", ("Trafalgar Square", "Piccadilly Circus", "Knightsbridge", "Kensington High Street", "Hammersmith")),
    ("94", ("Piccadilly Circus", "Marble Arch", "Notting Hill Gate", "Shepherd's Bush", "Acton")),
    ("140", ("Harrow", "Northolt", "Hayes", "Heathrow")),
    ("183", ("Golders Green", "Hendon", "Edgware", "Harrow", "Pinner")),
    ("113", ("Marble Arch", "Swiss Cottage", "Hendon", "Edgware")),
    ("134", ("Euston", "Camden Town", "Kentish Town", "Archway", "Highgate", "Finchley Central", "North Finchley")),
    ("263", ("Archway", "Highgate", "North Finchley", "High Barnet")),
    ("144", ("Muswell Hill", "Wood Green", "Edmonton Green")),
    ("121", ("Turnpike Lane", "Palmers Green", "Enfield Town")),
    ("58", ("Walthamstow", "Leyton", "Leytonstone", "Wanstead", "East Ham")),
    ("69", ("Walthamstow", "Leyton", "Stratford", "Canning Town")),
    ("97", ("Chingford", "Walthamstow", "Leyton", "Stratford")),
    ("5", ("Canning Town", "Upton Park", "East Ham", "Barking", "Dagenham Heathway", "Romford")),
    ("D8", ("Stratford", "Bow", "Poplar", "Canary Wharf")),
    ("277", ("Highbury & Islington", "Dalston", "Hackney Central", "Mile End", "Canary Wharf")),
    ("248", ("Romford", "Hornchurch", "Upminster")),
    ("150", ("Ilford", "Gants Hill", "Barkingside", "Hainault")),
    ("N29", ("Trafalgar Square", "Camden Town", "Holloway", "Finsbury Park", "Wood Green", "Edmonton Green")),
    ("N25", ("Oxford Circus", "Holborn", "Bank", "Aldgate", "Whitechapel", "Mile End", "Stratford", "Ilford")),
)

# Thames centreline from Teddington Lock to the eastern boundary at Rainham/Erith (approximate).
THAMES: tuple[tuple[float, float], ...] = (
    (516800, 171600), (516600, 173200), (517700, 174600), (516900, 175700), (517600, 177200), (519000, 177900),
    (520000, 177700), (520600, 176800), (521800, 176700), (522300, 177800), (523000, 178000), (523800, 176800),
    (524200, 175800), (525900, 175700), (527000, 177300), (528600, 177800), (529900, 178200), (530300, 179000),
    (530500, 179700), (530600, 180300), (530900, 180600), (531600, 180700), (532800, 180500), (533700, 180300),
    (535000, 179900), (535800, 180100), (536600, 180700), (536900, 179800), (537800, 177900), (538300, 177800),
    (538900, 178600), (539300, 179800), (539400, 180600), (540500, 180000), (541500, 179300), (543000, 179300),
    (544500, 180400), (545500, 181500), (548200, 180900), (550500, 179700), (551500, 178600), (552800, 178800),
    (554800, 178900),
)
# Thames lifeboat stations (approximate) and the reaches each covers, as boundaries along the river.
RNLI_STATION_XY: dict[str, tuple[float, float]] = {
    "Teddington": (516900, 171500), "Chiswick": (521300, 177300), "Tower": (530900, 180550),
    "Gravesend": (564900, 174300)}
RNLI_REACH_LIMITS: tuple[tuple[float, float], ...] = (  # Kew Bridge, Battersea Bridge, Barking Creek
    (519000, 177900), (527000, 177300), (545500, 181500))
RNLI_STATION_SHARE = {"Teddington": 0.09, "Chiswick": 0.22, "Tower": 0.58, "Gravesend": 0.11}

# Emergency departments in catalogue.ISTV_HOSPITALS, approximate positions.
HOSPITAL_XY: dict[str, tuple[float, float]] = {
    "Royal London": (534700, 181700), "St Thomas'": (530700, 179400), "King's College": (532600, 176200),
    "St Mary's": (526800, 181400), "University College": (529300, 182300), "St George's": (526900, 171100),
    "Homerton": (535700, 185200), "Whittington": (529000, 187200), "Northwick Park": (516800, 187600),
    "Croydon University": (531300, 168300), "Queen's Romford": (549900, 188300), "Lewisham": (537700, 174300),
}

# ======================================================================================= geography


@dataclass(frozen=True)
class Area:
    """A borough or ward boundary in EPSG:27700."""
    code: str
    name: str
    level: str                  # "borough" | "ward"
    parent_code: str | None     # ward -> its borough code
    geometry: BaseGeometry      # Polygon or MultiPolygon, valid


@dataclass
class Geography:
    """London's boroughs and wards, with a fast vectorised point-in-area lookup."""
    boroughs: list[Area]
    wards: list[Area]
    _by_code: dict[str, Area] = field(init=False, repr=False, compare=False)
    _index: _LocateIndex | None = field(default=None, init=False, repr=False, compare=False)
    _cache: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_code = {a.code: a for a in [*self.boroughs, *self.wards]}

    def area(self, code: str) -> Area:
        """The borough or ward with this code (KeyError if unknown)."""
        return self._by_code[code]

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ward and borough codes (object arrays, None outside London) of EPSG:27700 points."""
        if self._index is None:
            self._index = _LocateIndex(self.boroughs, self.wards)
        return self._index.locate(np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float)))


class _LocateIndex:
    """Point lookup: a 100 m grid answers points in cells lying inside one ward; the rest (boundary
    cells) go to an STRtree 'intersects' query. Points on a shared edge get the first ward listed."""

    CELL = 100.0

    def __init__(self, boroughs: Sequence[Area], wards: Sequence[Area]) -> None:
        self.ward_codes = np.array([w.code for w in wards] + [None], dtype=object)
        self.ward_parent = np.array([w.parent_code for w in wards] + [None], dtype=object)
        self.borough_codes = np.array([b.code for b in boroughs] + [None], dtype=object)
        self.ward_tree = STRtree([w.geometry for w in wards])
        self.borough_tree = STRtree([b.geometry for b in boroughs])
        geoms = [w.geometry for w in wards] or [b.geometry for b in boroughs]
        minx, miny, maxx, maxy = shapely.total_bounds(geoms) if geoms else (0.0, 0.0, 0.0, 0.0)
        self.x0, self.y0 = minx, miny
        self.nx = max(1, int(math.ceil((maxx - minx) / self.CELL)))
        self.ny = max(1, int(math.ceil((maxy - miny) / self.CELL)))
        self.grid = np.full(self.nx * self.ny, -1, dtype=np.int64)
        if wards:
            j, i = np.divmod(np.arange(self.nx * self.ny), self.nx)
            bx, by = self.x0 + i * self.CELL, self.y0 + j * self.CELL
            boxes = shapely.box(bx, by, bx + self.CELL, by + self.CELL)
            cell_idx, ward_idx = self.ward_tree.query(boxes, predicate="within")
            self.grid[cell_idx] = ward_idx

    def _first_hit(self, tree: STRtree, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the first tree geometry intersecting each point, -1 for none."""
        out = np.full(len(x), -1, dtype=np.int64)
        if len(x) == 0:
            return out
        pt_idx, geom_idx = tree.query(shapely.points(x, y), predicate="intersects")
        if len(pt_idx) == 0:
            return out
        order = np.lexsort((geom_idx, pt_idx))
        pt_idx, geom_idx = pt_idx[order], geom_idx[order]
        first = np.r_[True, pt_idx[1:] != pt_idx[:-1]]
        out[pt_idx[first]] = geom_idx[first]
        return out

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(x)
        ward = np.full(n, -1, dtype=np.int64)
        finite = np.isfinite(x) & np.isfinite(y)
        with np.errstate(invalid="ignore"):  # huge coordinates overflow int64: they land outside the grid
            i = np.floor((np.where(finite, x, self.x0 - 1) - self.x0) / self.CELL).astype(np.int64)
            j = np.floor((np.where(finite, y, self.y0 - 1) - self.y0) / self.CELL).astype(np.int64)
        inside = finite & (i >= 0) & (i < self.nx) & (j >= 0) & (j < self.ny)
        ward[inside] = self.grid[j[inside] * self.nx + i[inside]]
        todo = np.flatnonzero(inside & (ward < 0))
        ward[todo] = self._first_hit(self.ward_tree, x[todo], y[todo])
        ward_codes = self.ward_codes[ward]
        borough_codes = self.ward_parent[ward]
        lost = np.flatnonzero(finite & (ward < 0))
        if len(lost):  # not in any ward (or no wards): try the boroughs themselves
            borough_codes[lost] = self.borough_codes[self._first_hit(self.borough_tree, x[lost], y[lost])]
        return ward_codes, borough_codes


def _clip_halfplane(poly: np.ndarray, a: np.ndarray, b: float) -> np.ndarray:
    """Sutherland-Hodgman: the part of convex polygon `poly` (k x 2) where a.x <= b."""
    if len(poly) == 0:
        return poly
    s = poly @ a - b
    out: list[np.ndarray] = []
    k = len(poly)
    for idx in range(k):
        p, q = poly[idx], poly[(idx + 1) % k]
        sp, sq = s[idx], s[(idx + 1) % k]
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            out.append(p + (q - p) * (sp / (sp - sq)))
    return np.array(out) if out else np.empty((0, 2))


def _power_cells(sites: np.ndarray, weights: np.ndarray, frame: Polygon) -> list[Polygon]:
    """Power diagram (additively weighted Voronoi) cells of `sites`, each a convex polygon in `frame`."""
    minx, miny, maxx, maxy = frame.bounds
    box = np.array([[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy]], dtype=float)
    norms = (sites ** 2).sum(axis=1)
    cells = []
    for i in range(len(sites)):
        poly = box
        for j in range(len(sites)):
            if i != j:
                a = 2.0 * (sites[j] - sites[i])
                b = norms[j] - norms[i] - weights[j] + weights[i]
                poly = _clip_halfplane(poly, a, b)
        cells.append(Polygon(poly) if len(poly) >= 3 else Polygon())
    return cells


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal parts of a geometry (intersections can add slivers of lower dimension)."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polys = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polys) if len(polys) > 1 else (polys[0] if polys else Polygon())


def london_outline() -> Polygon:
    """The hand-drawn Greater London outline, corners rounded."""
    return Polygon(LONDON_OUTLINE).buffer(-600, quad_segs=4).buffer(600, quad_segs=4).simplify(5)


@dataclass(frozen=True)
class _PowerDiagram:
    sites: np.ndarray    # k x 2
    weights: np.ndarray  # k
    raw_cells: list[Polygon]

    def owner(self, pts: np.ndarray) -> np.ndarray:
        """Index of the cell containing each point: argmin of |p - site|^2 - weight."""
        d = ((pts[:, None, :] - self.sites[None, :, :]) ** 2).sum(axis=2) - self.weights[None, :]
        return np.argmin(d, axis=1)


def _borough_power_diagram(outline: Polygon, city: Polygon, others: Sequence[_BoroughFact],
                           iterations: int = 40) -> _PowerDiagram:
    """Power diagram of the borough centroids with weights tuned (fixed-point iteration) so that each
    cell, clipped to the outline and with the City cut out, approaches the borough's real area."""
    sites = np.array([[b.x, b.y] for b in others], dtype=float)
    target = np.array([b.area_km2 for b in others]) * 1e6
    target *= (outline.area - city.area) / target.sum()
    weights = np.zeros(len(others))
    frame = outline.envelope.buffer(5000).envelope
    for _ in range(iterations):
        cells = [c.intersection(outline).difference(city) for c in _power_cells(sites, weights, frame)]
        areas = np.array([c.area for c in cells])
        perimeter = np.array([max(c.length, 1.0) for c in cells])
        weights += 0.8 * (target - areas) / perimeter * 3000.0
        weights -= weights.mean()
    return _PowerDiagram(sites, weights, _power_cells(sites, weights, frame))


def _seed_points(poly: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n random points inside poly (rejection in its bounding box)."""
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    pts: list[np.ndarray] = []
    count = 0
    while count < n:
        cand = rng.uniform([minx, miny], [maxx, maxy], size=(4 * n, 2))
        keep = cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]
        pts.append(keep)
        count += len(keep)
    return np.concatenate(pts)[:n]


def _ward_seeds(borough: BaseGeometry, n: int, rng: np.random.Generator, lloyd: int = 6) -> np.ndarray:
    """n random seeds in the borough, moved `lloyd` times to the centroid of their clipped Voronoi cell
    (Lloyd relaxation: evenly sized, compact wards)."""
    seeds = _seed_points(borough, n, rng)
    frame = borough.envelope.buffer(2000)
    for _ in range(lloyd):
        vor = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
        cells = [c.intersection(borough) for c in vor.geoms]
        cents = np.array([[c.centroid.x, c.centroid.y] if not c.is_empty else s for c, s in zip(cells, seeds)])
        inside = shapely.contains_xy(borough, cents[:, 0], cents[:, 1])
        seeds = np.where(inside[:, None], cents, seeds)
    return seeds


def _build_geography() -> Geography:
    """Boroughs from the power diagram, wards from Voronoi diagrams of seeds in each borough. All
    boundary lines are noded together and polygonized, and every face is given to a borough (power
    rule, or the City polygon) and a ward (nearest seed of that borough), so boroughs and wards are
    unions of the same faces: an exact coverage, no gaps, no overlaps, shared vertices."""
    outline, city = london_outline(), Polygon(CITY_OUTLINE)
    others = [b for b in BOROUGH_FACTS if b.code != CITY_CODE]
    power = _borough_power_diagram(outline, city, others)
    approx = {b.code: _polygonal(shapely.make_valid(c.intersection(outline).difference(city)))
              for b, c in zip(others, power.raw_cells)}
    approx[CITY_CODE] = city

    lines: list[BaseGeometry] = [outline.boundary, city.boundary, *[c.boundary for c in power.raw_cells]]
    seeds: dict[str, np.ndarray] = {}
    for bi, fact in enumerate(BOROUGH_FACTS):
        poly = approx[fact.code]
        seeds[fact.code] = _ward_seeds(poly, len(WARD_NAMES[fact.code]), np.random.default_rng([20260101, bi]))
        edges = shapely.voronoi_polygons(shapely.multipoints(seeds[fact.code]), extend_to=poly.envelope.buffer(2000),
                                         only_edges=True)
        lines.append(edges.intersection(poly.buffer(5.0)))  # overshoot: dangles outside are dropped
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    inner = np.array([[p.x, p.y] for p in shapely.point_on_surface(faces)])
    keep = shapely.contains_xy(outline, inner[:, 0], inner[:, 1])
    faces, inner = faces[keep], inner[keep]

    other_codes = np.array([b.code for b in others], dtype=object)
    face_borough = np.where(shapely.contains_xy(city, inner[:, 0], inner[:, 1]), CITY_CODE,
                            other_codes[power.owner(inner)])
    boroughs: list[Area] = []
    wards: list[Area] = []
    for fact in BOROUGH_FACTS:
        mine = face_borough == fact.code
        s = seeds[fact.code]
        nearest = np.argmin(((inner[mine][:, None, :] - s[None, :, :]) ** 2).sum(axis=2), axis=1)
        geoms = [shapely.union_all(faces[mine][nearest == k]) for k in range(len(s))]
        boroughs.append(Area(fact.code, fact.name, "borough", None, shapely.union_all(faces[mine])))
        # name wards north to south so that the listing order is stable and readable
        order = np.argsort([-g.centroid.y if not g.is_empty else 0.0 for g in geoms], kind="stable")
        for name, k in zip(WARD_NAMES[fact.code], order):
            wards.append(Area(f"E05{900001 + len(wards):06d}", name, "ward", fact.code, geoms[k]))
    return Geography(boroughs, wards)


@functools.lru_cache(maxsize=1)
def build_geography() -> Geography:
    """The synthetic London geography: 33 real-coded boroughs, ~680 wards. Deterministic and cached."""
    return _build_geography()


# ======================================================================= counter-based randomness
# Every random quantity of a record is a hash of (dataset, seed, day, index-in-day, purpose), so a
# record never depends on which extract it was generated in.

_MASK64 = (1 << 64) - 1


def _mix_int(z: int) -> int:
    """splitmix64 finaliser on a Python int (Steele, Lea & Flood 2014)."""
    z = (z + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised on uint64 arrays (wrap-around is intended)."""
    with np.errstate(over="ignore"):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _salt(name: str) -> np.uint64:
    return np.uint64(_mix_int(zlib.crc32(name.encode())))


class _Rand:
    """Deterministic per-record random numbers: one uint64 key per record, one salt per purpose."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = keys.astype(np.uint64, copy=False)

    def __len__(self) -> int:
        return len(self.keys)

    def take(self, idx: np.ndarray) -> _Rand:
        return _Rand(self.keys[idx])

    def u(self, salt: str) -> np.ndarray:
        """Uniform [0, 1)."""
        h = _mix64(self.keys ^ _salt(salt))
        return (h >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))

    def normal(self, salt: str) -> np.ndarray:
        """Standard normal (Box-Muller)."""
        u1, u2 = self.u(salt + ".r"), self.u(salt + ".t")
        return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)

    def choice(self, salt: str, weights: Sequence[float] | np.ndarray) -> np.ndarray:
        """Index drawn with probability proportional to weights."""
        cdf = np.cumsum(np.asarray(weights, dtype=float))
        idx = np.searchsorted(cdf / cdf[-1], self.u(salt), side="right")
        return np.minimum(idx, len(cdf) - 1)

    def cond_choice(self, salt: str, cond: np.ndarray, table: np.ndarray) -> np.ndarray:
        """Index drawn from row `cond[i]` of a weight table (rows = conditions, columns = outcomes)."""
        u = self.u(salt)
        out = np.zeros(len(u), dtype=np.int64)
        for c in np.unique(cond):
            row = np.cumsum(np.asarray(table[c], dtype=float))
            m = cond == c
            out[m] = np.minimum(np.searchsorted(row / row[-1], u[m], side="right"), len(row) - 1)
        return out


def _pick(values: Sequence[str], idx: np.ndarray) -> np.ndarray:
    return np.asarray(list(values), dtype=object)[idx]


# ================================================================================ time profiles


@dataclass(frozen=True)
class _Profile:
    """When incidents of one kind happen: hour-of-day peaks, weekday pattern, season, special days."""
    peaks: tuple[tuple[float, float, float], ...]  # (hour, spread in hours, height)
    floor: float
    dow: tuple[float, float, float, float, float, float, float] = (1, 1, 1, 1, 1, 1, 1)  # Mon..Sun
    night_boost: float = 1.0   # Friday and Saturday nights (20:00-04:59) multiplier
    season_amp: float = 0.0    # relative amplitude of the annual cycle
    season_peak: int = 196     # day of year of the annual peak
    special: tuple[tuple[int, int, float], ...] = ()  # (month, day, multiplier), e.g. Bonfire Night

    def matrix(self) -> np.ndarray:
        """7 x 24 relative intensity; mean daily total over the week is 1."""
        h = np.arange(24) + 0.5
        base = np.full(24, self.floor)
        for centre, spread, height in self.peaks:
            d = np.abs(h - centre)
            d = np.minimum(d, 24 - d)
            base = base + height * np.exp(-0.5 * (d / spread) ** 2)
        m = np.outer(np.asarray(self.dow, dtype=float), base)
        nb = self.night_boost
        m[4, 20:] *= nb
        m[5, 20:] *= nb
        m[5, :5] *= nb
        m[6, :5] *= nb
        return m / m.sum(axis=1).mean()

    def season(self, doy: np.ndarray) -> np.ndarray:
        return 1.0 + self.season_amp * np.cos(2 * np.pi * (doy - self.season_peak) / 365.25)


# Timing patterns: plausible shapes (night-time economy peaks Friday/Saturday nights and in summer,
# shoplifting in shop hours, burglary in dark winter evenings, LFB false alarms in office hours).
PROFILES: dict[str, _Profile] = {
    "night": _Profile(((23.3, 2.3, 1.0), (17.0, 3.5, 0.35)), 0.05, (0.85, 0.85, 0.9, 0.95, 1.1, 1.25, 1.1),
                      night_boost=2.0, season_amp=0.10, season_peak=190, special=((1, 1, 1.6),)),
    "general": _Profile(((16.0, 4.5, 1.0), (11.0, 2.5, 0.3)), 0.12, (1, 1, 1, 1, 1.05, 1.0, 0.9),
                        season_amp=0.05, season_peak=200),
    "retail": _Profile(((15.0, 3.0, 1.0), (11.5, 1.8, 0.45)), 0.01, (1, 1, 1, 1, 1.05, 1.2, 0.75),
                       season_amp=0.06, season_peak=345),
    "residential": _Profile(((19.5, 2.8, 1.0), (13.0, 3.5, 0.5), (2.0, 2.0, 0.3)), 0.08,
                            (1, 1, 1, 1, 1.05, 1.0, 0.95), season_amp=0.15, season_peak=335),
    "vehicle": _Profile(((22.0, 3.5, 1.0), (3.0, 2.5, 0.6), (14.0, 4.0, 0.4)), 0.12, season_amp=0.06,
                        season_peak=320),
    "commute": _Profile(((8.3, 1.1, 0.8), (17.8, 1.7, 1.0), (23.3, 1.3, 0.45), (13.0, 3.0, 0.3)), 0.01,
                        (1.05, 1.05, 1.05, 1.05, 1.15, 0.85, 0.7), night_boost=1.5, season_amp=0.04),
    "city": _Profile(((13.0, 3.5, 1.0), (19.5, 2.5, 0.8)), 0.05, (1.1, 1.2, 1.25, 1.3, 1.15, 0.55, 0.45),
                     season_amp=0.05, season_peak=170),
    "bus": _Profile(((8.5, 1.5, 0.9), (16.5, 2.5, 1.0), (12.5, 3.0, 0.6)), 0.04,
                    (1.05, 1.05, 1.05, 1.05, 1.05, 0.9, 0.75), season_amp=0.05, season_peak=330),
    "fire": _Profile(((18.5, 4.0, 1.0),), 0.25, (1, 1, 1, 1, 1.05, 1.05, 1.0), season_amp=0.2,
                     season_peak=200, special=((11, 5, 2.5), (12, 31, 1.5))),
    "alarm": _Profile(((12.0, 4.5, 1.0),), 0.25, (1.1, 1.1, 1.1, 1.1, 1.1, 0.8, 0.7), season_amp=0.05),
    "service": _Profile(((14.0, 5.0, 1.0),), 0.3, season_amp=0.08, season_peak=20),
    "river": _Profile(((15.0, 4.0, 1.0), (22.0, 2.5, 0.5)), 0.15, (0.95, 0.95, 0.95, 0.95, 1.0, 1.15, 1.1),
                      season_amp=0.3, season_peak=195),
    "self_harm": _Profile(((21.0, 5.0, 1.0),), 0.35, season_amp=0.05),
}
_PROFILE_NAMES = list(PROFILES)


# ================================================================================ spatial models


@dataclass(frozen=True)
class _Space:
    """Where incidents of one kind happen."""
    kind: str = "area"                  # area (hotspots + background) | rail | river | bus
    hotspot_share: float = 0.0
    hotspot_tags: frozenset[str] | None = None  # None: every hotspot
    background: str = "population"      # population | population_inner | mps
    region: str = "london"              # london | not_city (MPS does not police the City) | city


@dataclass(frozen=True)
class _Component:
    name: str
    profile: str
    share: float     # share of the dataset's annual volume
    space: _Space


def _cached(geo: Geography, key: str, build: Callable[[], object]) -> object:
    if key not in geo._cache:
        geo._cache[key] = build()
    return geo._cache[key]


def _ward_triangles(geo: Geography) -> dict[str, np.ndarray]:
    """Constrained Delaunay triangles of every ward, for exact uniform sampling inside a ward."""
    tris, owner = [], []
    for wi, w in enumerate(geo.wards):
        parts = shapely.get_parts(shapely.constrained_delaunay_triangles(w.geometry))
        coords = shapely.get_coordinates(shapely.get_exterior_ring(parts)).reshape(len(parts), 4, 2)[:, :3]
        tris.append(coords)
        owner.append(np.full(len(parts), wi))
    tri = np.concatenate(tris)
    owner_arr = np.concatenate(owner)
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    area = 0.5 * np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1]))
    cum_end = np.cumsum(area)
    first = np.searchsorted(owner_arr, np.arange(len(geo.wards)), side="left")
    last = np.searchsorted(owner_arr, np.arange(len(geo.wards)), side="right") - 1
    ward_area = np.bincount(owner_arr, weights=area, minlength=len(geo.wards))
    start = cum_end[first] - area[first]
    return {"tri": tri, "cum_end": cum_end, "first": first, "last": last, "start": start, "area": ward_area}


def _ward_weights(geo: Geography, background: str, region: str) -> np.ndarray:
    """Relative incident weight of each ward: the borough's weight (population, inner-London boost or
    MPS volume) shared among its wards with a fixed lognormal ward-to-ward variation."""
    def borough_weight(code: str | None) -> float:
        f = _FACT_BY_CODE.get(code or "")
        if region == "city":
            return 1.0 if code == CITY_CODE else 0.0
        if region == "not_city" and code == CITY_CODE:
            return 0.0
        if f is None:
            return 0.0
        if background == "mps":
            return f.mps_k
        if background == "population_inner":
            return f.population_k * (1.5 if f.inner else 1.0)
        return f.population_k

    codes = [w.code for w in geo.wards]
    keys = np.array([zlib.crc32(c.encode()) for c in codes], dtype=np.uint64)
    variation = np.exp(0.45 * _Rand(keys).normal("ward-variation"))
    parents = np.array([w.parent_code for w in geo.wards], dtype=object)
    weights = np.zeros(len(codes))
    for parent in set(parents):
        m = parents == parent
        weights[m] = borough_weight(parent) * variation[m] / variation[m].sum()
    return weights


def _sample_in_wards(rand: _Rand, geo: Geography, ward_w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform inside wards chosen with probability proportional to ward_w."""
    t = _cached(geo, "triangles", lambda: _ward_triangles(geo))
    w = rand.choice("bg.ward", ward_w)
    target = t["start"][w] + rand.u("bg.tri") * t["area"][w]
    tri = np.clip(np.searchsorted(t["cum_end"], target, side="right"), t["first"][w], t["last"][w])
    r1, r2 = rand.u("bg.r1"), rand.u("bg.r2")
    flip = r1 + r2 > 1
    r1, r2 = np.where(flip, 1 - r1, r1), np.where(flip, 1 - r2, r2)
    a, b, c = t["tri"][tri, 0], t["tri"][tri, 1], t["tri"][tri, 2]
    p = a + r1[:, None] * (b - a) + r2[:, None] * (c - a)
    return p[:, 0], p[:, 1]


def _hotspots_for(geo: Geography, space: _Space) -> list[_Hotspot]:
    def region_ok(h: _Hotspot) -> bool:
        _, b = geo.locate(np.array([PLACES[h.place][0]]), np.array([PLACES[h.place][1]]))
        if space.region == "city":
            return b[0] == CITY_CODE
        if space.region == "not_city":
            return b[0] not in (None, CITY_CODE)
        return b[0] is not None
    tags = space.hotspot_tags
    return [h for h in HOTSPOTS if (tags is None or h.tags & tags) and region_ok(h)]


def _sample_area(rand: _Rand, geo: Geography, space: _Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Gaussian clusters at hotspots mixed with a weighted uniform background over wards."""
    n = len(rand)
    ward_w = _cached(geo, f"ww.{space.background}.{space.region}",
                     lambda: _ward_weights(geo, space.background, space.region))
    x, y = _sample_in_wards(rand, geo, ward_w)
    hot_idx = np.full(n, -1)
    spots = _cached(geo, f"hs.{space.region}.{sorted(space.hotspot_tags or [])}", lambda: _hotspots_for(geo, space))
    if spots and space.hotspot_share > 0:
        hot = rand.u("hs.mode") < space.hotspot_share
        k = rand.choice("hs.which", [h.weight for h in spots])
        hx = np.array([PLACES[h.place][0] for h in spots])[k]
        hy = np.array([PLACES[h.place][1] for h in spots])[k]
        sd = np.array([h.sigma for h in spots])[k]
        x = np.where(hot, hx + sd * rand.normal("hs.dx"), x)
        y = np.where(hot, hy + sd * rand.normal("hs.dy"), y)
        hot_idx = np.where(hot, k, -1)
    return x, y, {"hotspot": hot_idx}


def _segments(paths: Sequence[tuple[str, Sequence[str]]]) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str, str]]]:
    """Straight segments between consecutive places of named paths: start xy, end xy, (path, from, to)."""
    a, b, meta = [], [], []
    for pi, (_, stops) in enumerate(paths):
        for s0, s1 in zip(stops[:-1], stops[1:]):
            a.append(PLACES[s0])
            b.append(PLACES[s1])
            meta.append((pi, s0, s1))
    return np.array(a, dtype=float), np.array(b, dtype=float), meta


def _sample_rail(rand: _Rand, geo: Geography, space: _Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """BTP: 75% at stations (weighted by footfall), 25% on the line between two stations."""
    st_xy = np.array([PLACES[p] for _, p, _ in RAIL_STATIONS], dtype=float)
    st_label = [name for name, _, _ in RAIL_STATIONS]
    a, b, meta = _segments(RAIL_LINES)
    seg_label = [f"{RAIL_LINES[pi][0]} between {s0} and {s1}" for pi, s0, s1 in meta]
    at_station = rand.u("rail.mode") < 0.75
    k = rand.choice("rail.station", [w for _, _, w in RAIL_STATIONS])
    seg = rand.choice("rail.segment", np.hypot(*(b - a).T))
    t = rand.u("rail.t")[:, None]
    on_line = a[seg] + t * (b[seg] - a[seg])
    jitter = np.where(at_station, 60.0, 20.0)
    x = np.where(at_station, st_xy[k, 0], on_line[:, 0]) + jitter * rand.normal("rail.dx")
    y = np.where(at_station, st_xy[k, 1], on_line[:, 1]) + jitter * rand.normal("rail.dy")
    label = np.where(at_station, _pick(st_label, k), _pick(seg_label, seg))
    return x, y, {"label": label}


def _thames() -> tuple[LineString, np.ndarray]:
    line = LineString(THAMES)
    limits = np.array([line.project(Point(p)) for p in RNLI_REACH_LIMITS])
    return line, limits


def _sample_river(rand: _Rand, geo: Geography, space: _Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """RNLI: a station (by share of launches), then a triangular position along its reach of the Thames
    centreline, peaking at the station, a few tens of metres off the centreline."""
    line, limits = _cached(geo, "thames", _thames)
    names = list(RNLI_STATION_XY)
    k = rand.choice("river.station", [RNLI_STATION_SHARE[s] for s in names])
    lo = np.r_[0.0, limits][k]
    hi = np.r_[limits, line.length][k]
    station_pos = np.array([line.project(Point(RNLI_STATION_XY[s])) for s in names])
    mode = np.clip(station_pos, np.r_[0.0, limits], np.r_[limits, line.length])[k]
    u = rand.u("river.pos")
    c = np.where(hi > lo, (mode - lo) / np.maximum(hi - lo, 1e-9), 0.5)
    pos = np.where(u < c, lo + np.sqrt(u * (hi - lo) * (mode - lo)), hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode)))
    p0 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.maximum(pos - 5, 0)))
    p1 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.minimum(pos + 5, line.length)))
    mid = (p0 + p1) / 2
    d = p1 - p0
    normal = np.c_[-d[:, 1], d[:, 0]] / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
    off = 30.0 * rand.normal("river.off")
    return mid[:, 0] + off * normal[:, 0], mid[:, 1] + off * normal[:, 1], {"station": _pick(names, k)}


def _sample_bus(rand: _Rand, geo: Geography, space: _Space) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """TfL buses: a point along a route (segments weighted by length), within ~15 m of the road."""
    a, b, meta = _segments(BUS_ROUTES)
    seg = rand.choice("bus.segment", np.hypot(*(b - a).T))
    t = rand.u("bus.t")[:, None]
    p = a[seg] + t * (b[seg] - a[seg])
    x = p[:, 0] + 15.0 * rand.normal("bus.dx")
    y = p[:, 1] + 15.0 * rand.normal("bus.dy")
    return x, y, {"route": _pick([BUS_ROUTES[pi][0] for pi, _, _ in meta], seg)}


_SAMPLERS = {"area": _sample_area, "rail": _sample_rail, "river": _sample_river, "bus": _sample_bus}

_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@dataclass(frozen=True)
class _Publish:
    """How a provider publishes a location: police snap to anonymised map points; LFB rounds to 50 m."""
    coordinates: str          # bng | wgs84
    round_metres: int = 0
    snap_metres: float = 0.0  # police.uk-style anonymisation: one map point per cell

    def apply(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Published (a, b) and the EPSG:27700 point they stand for."""
        if self.snap_metres:
            x, y = _snap(x, y, self.snap_metres)
        if self.coordinates == "wgs84":
            lon, lat = _TO_WGS84.transform(x, y)
            lon, lat = np.round(np.asarray(lon), 6), np.round(np.asarray(lat), 6)
            bx, by = _TO_BNG.transform(lon, lat)
            return lon, lat, np.asarray(bx), np.asarray(by)
        step = self.round_metres or 1
        x, y = np.round(x / step) * step, np.round(y / step) * step
        return x, y, x, y


def _snap(x: np.ndarray, y: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Move each point to its cell's map point (cell centre plus a fixed per-cell offset)."""
    cx, cy = np.floor(x / cell), np.floor(y / cell)
    r = _Rand(_cell_keys(cx, cy))
    jitter = 0.3 * cell
    return (cx + 0.5) * cell + jitter * (2 * r.u("snap.x") - 1), (cy + 0.5) * cell + jitter * (2 * r.u("snap.y") - 1)


def _cell_keys(cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    return (cx.astype(np.int64).astype(np.uint64) << np.uint64(32)) ^ cy.astype(np.int64).astype(np.uint64)


def _region_ok(borough: np.ndarray, region: str) -> np.ndarray:
    if region == "city":
        return borough == CITY_CODE
    ok = np.not_equal(borough, None)
    if region == "not_city":
        ok &= borough != CITY_CODE
    return ok


_FALLBACK_XY = {"city": PLACES["Bank"], "not_city": PLACES["Trafalgar Square"], "london": PLACES["Trafalgar Square"]}


@dataclass
class _Located:
    a: np.ndarray          # published coordinates: easting/northing or longitude/latitude
    b: np.ndarray
    x: np.ndarray          # the EPSG:27700 point the published coordinates stand for
    y: np.ndarray
    borough: np.ndarray
    info: dict[str, np.ndarray]  # sampler details (hotspot index, station, route ...)


def _locations(rand: _Rand, geo: Geography, space: _Space, publish: _Publish, max_tries: int = 40) -> _Located:
    """Sample, publish and locate points, redrawing (new key) any whose published point falls outside
    the region, so every published location is inside London (and inside/outside the City as needed)."""
    n = len(rand)
    out = _Located(*(np.full(n, np.nan) for _ in range(4)), np.full(n, None, dtype=object), {})
    pending = np.arange(n)
    sampler = _SAMPLERS[space.kind]
    for attempt in range(max_tries):
        if len(pending) == 0:
            break
        sub = _Rand(_mix64(rand.keys[pending] ^ np.uint64(attempt)))
        cx, cy, cinfo = sampler(sub, geo, space)
        pa, pb, px, py = publish.apply(cx, cy)
        _, borough = geo.locate(px, py)
        ok = _region_ok(borough, space.region)
        idx = pending[ok]
        out.a[idx], out.b[idx], out.x[idx], out.y[idx], out.borough[idx] = pa[ok], pb[ok], px[ok], py[ok], borough[ok]
        for key, val in cinfo.items():  # rejected ones are overwritten by a later attempt
            out.info.setdefault(key, np.empty(n, dtype=val.dtype))[pending] = val
        pending = pending[~ok]
    if len(pending):  # practically never: park the stragglers at a safe central point
        fx, fy = _FALLBACK_XY[space.region]
        pa, pb, px, py = publish.apply(np.full(len(pending), fx), np.full(len(pending), fy))
        out.a[pending], out.b[pending], out.x[pending], out.y[pending] = pa, pb, px, py
        out.borough[pending] = geo.locate(px, py)[1]
    return out


# ====================================================================== categories per dataset

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
    "night": _Space(hotspot_share=0.35, hotspot_tags=_NIGHT, background="mps", region="not_city"),
    "retail": _Space(hotspot_share=0.55, hotspot_tags=_RETAIL, background="mps", region="not_city"),
    "general": _Space(hotspot_share=0.15, background="mps", region="not_city"),
    "vehicle": _Space(background="population", region="not_city"),
    "residential": _Space(background="population", region="not_city"),
}


def _mps_components() -> tuple[_Component, ...]:
    total = sum(v for v, _ in MPS_MINOR_VOLUMES.values())
    shares: dict[str, float] = {}
    for volume, split in MPS_MINOR_VOLUMES.values():
        for prof, part in split.items():
            shares[prof] = shares.get(prof, 0.0) + volume * part / total
    return tuple(_Component(p, p, shares[p], _MPS_SPACE[p]) for p in _MPS_SPACE)


@dataclass
class _Ctx:
    """Everything an attribute generator may condition on, one entry per record."""
    rand: _Rand
    comp: np.ndarray                 # component index
    components: tuple[_Component, ...]
    x: np.ndarray                    # EPSG:27700 of the published point
    y: np.ndarray
    borough: np.ndarray
    info: dict[str, np.ndarray]

    @property
    def comp_names(self) -> np.ndarray:
        return _pick([c.name for c in self.components], self.comp)

    def by_comp(self, salt: str, values: Sequence[str], table: dict[str, Sequence[float]]) -> np.ndarray:
        """A value per record, drawn from the weights of its component."""
        rows = np.array([table[c.name] for c in self.components], dtype=float)
        return _pick(values, self.rand.cond_choice(salt, self.comp, rows))

    def given(self, salt: str, values: Sequence[str], cond: np.ndarray, table: dict[str, Sequence[float]],
              default: Sequence[float] | None = None) -> np.ndarray:
        """A value per record, drawn from the weights of its `cond` value."""
        keys, inverse = np.unique(cond.astype(str), return_inverse=True)
        rows = np.array([table.get(k, default) for k in keys], dtype=float)
        return _pick(values, self.rand.cond_choice(salt, inverse.ravel(), rows))


def _outcomes(ctx: _Ctx, crime_type: np.ndarray) -> np.ndarray:
    out = ctx.given("outcome", catalogue.POLICE_OUTCOMES, crime_type, POLICE_OUTCOME_WEIGHTS, _OUTCOME_DEFAULT)
    out[crime_type == "Anti-social behaviour"] = None
    return out


def _location_desc(ctx: _Ctx, retail_mask: np.ndarray | None = None) -> np.ndarray:
    """police.uk style "On or near <street or place type>", fixed per 80 m map cell: streets of the
    nearest big hotspot within 450 m, City streets in the City, otherwise common London street names."""
    cell = _Rand(_cell_keys(np.floor(ctx.x / 80.0), np.floor(ctx.y / 80.0)))
    us = cell.u("street")
    names = _pick(GENERIC_STREETS, (us * len(GENERIC_STREETS)).astype(int))
    best = np.full(len(us), 450.0 ** 2)
    for place, streets in HOTSPOT_STREETS.items():
        px, py = PLACES[place]
        d2 = (ctx.x - px) ** 2 + (ctx.y - py) ** 2
        near = d2 < best
        best = np.where(near, d2, best)
        names[near] = _pick(streets, (us[near] * len(streets)).astype(int))
    city = ctx.borough == CITY_CODE
    names[city] = _pick(CITY_STREETS, (us[city] * len(CITY_STREETS)).astype(int))
    place_type = cell.u("placetype") < 0.12
    names[place_type] = _pick(list(PLACE_TYPES), cell.take(np.flatnonzero(place_type)).choice(
        "placetype.which", list(PLACE_TYPES.values())))
    if retail_mask is not None:
        shop = retail_mask & (ctx.rand.u("shop.place") < 0.6)
        names[shop] = _pick(("Supermarket", "Shopping Area"), (ctx.rand.u("shop.which")[shop] < 0.6).astype(int))
    return "On or near " + names


def _attrs_mps(ctx: _Ctx) -> dict[str, np.ndarray]:
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


def _attrs_colp(ctx: _Ctx) -> dict[str, np.ndarray]:
    crime_type = ctx.by_comp("crime_type", _CT, COLP_CRIME_MIX)
    return {"crime_type": crime_type, "location_desc": _location_desc(ctx, crime_type == "Shoplifting"),
            "outcome": _outcomes(ctx, crime_type)}


def _attrs_btp(ctx: _Ctx) -> dict[str, np.ndarray]:
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


def _attrs_las(ctx: _Ctx) -> dict[str, np.ndarray]:
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


def _attrs_lfb(ctx: _Ctx) -> dict[str, np.ndarray]:
    group = ctx.by_comp("group", catalogue.LFB_INCIDENT_GROUPS,
                        {"fire": (1, 0, 0), "alarm": (0, 1, 0), "service": (0, 0, 1)})
    stop = np.empty(len(group), dtype=object)
    for g, codes in catalogue.LFB_STOP_CODES.items():
        m = group == g
        stop[m] = _pick(codes, ctx.rand.take(np.flatnonzero(m)).choice("stop." + g, LFB_STOP_MIX[g]))
    special = _pick(catalogue.LFB_SPECIAL_SERVICE_TYPES, ctx.rand.choice("service", LFB_SERVICE_MIX))
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


def _attrs_istv(ctx: _Ctx) -> dict[str, np.ndarray]:
    hot = ctx.info["hotspot"] >= 0
    loc_night = _pick(catalogue.ISTV_LOCATION_TYPES, ctx.rand.choice("loc.night", _ISTV_LOC_NIGHT))
    loc_other = _pick(catalogue.ISTV_LOCATION_TYPES, ctx.rand.choice("loc.other", _ISTV_LOC_OTHER))
    loc = np.where(hot | (ctx.comp_names == "night") & (ctx.rand.u("loc.mix") < 0.5), loc_night, loc_other)
    method = ctx.given("method", catalogue.ISTV_ASSAULT_METHODS, loc, _ISTV_METHOD, tuple(_ISTV_METHOD_BASE))
    hx = np.array([HOSPITAL_XY[h][0] for h in catalogue.ISTV_HOSPITALS])
    hy = np.array([HOSPITAL_XY[h][1] for h in catalogue.ISTV_HOSPITALS])
    order = np.argsort((ctx.x[:, None] - hx) ** 2 + (ctx.y[:, None] - hy) ** 2, axis=1)
    second = ctx.rand.u("hospital") < 0.15
    hospital = _pick(catalogue.ISTV_HOSPITALS, np.where(second, order[:, 1], order[:, 0]))
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


def _attrs_tfl(ctx: _Ctx) -> dict[str, np.ndarray]:
    event = _pick(catalogue.TFL_EVENT_TYPES, ctx.rand.choice("event", TFL_EVENT_MIX))
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


def _attrs_rnli(ctx: _Ctx) -> dict[str, np.ndarray]:
    reason = _pick(catalogue.RNLI_REASONS, ctx.rand.choice("reason", RNLI_REASON_MIX))
    return {"station": ctx.info["station"], "reason_for_launch": reason,
            "outcome": ctx.given("outcome", catalogue.RNLI_OUTCOMES, reason, _RNLI_OUTCOME, _RNLI_OUTCOME_DEFAULT)}


@dataclass(frozen=True)
class _Spec:
    components: tuple[_Component, ...]
    attrs: Callable[[_Ctx], dict[str, np.ndarray]]
    snap_metres: float = 0.0


_POP = _Space(background="population")
_POP_INNER = _Space(background="population_inner")
_NIGHT_SPACE = _Space(hotspot_share=0.3, hotspot_tags=_NIGHT, background="population_inner")
_CITY = _Space(hotspot_share=0.35, background="population", region="city")

SPECS: dict[str, _Spec] = {
    "mps_crime": _Spec(_mps_components(), _attrs_mps, snap_metres=80.0),
    "colp_crime": _Spec((_Component("day", "city", 0.7, _CITY), _Component("night", "night", 0.3, _CITY)),
                        _attrs_colp, snap_metres=80.0),
    "btp_crime": _Spec((_Component("rail", "commute", 1.0, _Space(kind="rail")),), _attrs_btp),
    "las_incidents": _Spec((_Component("night", "night", 0.6, _NIGHT_SPACE),
                            _Component("general", "general", 0.25, _POP_INNER),
                            _Component("self_harm", "self_harm", 0.15, _POP)), _attrs_las),
    "lfb_incidents": _Spec((_Component("alarm", "alarm", 0.46, _Space(hotspot_share=0.2,
                                                                      background="population_inner")),
                            _Component("fire", "fire", 0.21, _POP),
                            _Component("service", "service", 0.33, _Space(hotspot_share=0.1,
                                                                          background="population_inner"))),
                           _attrs_lfb),
    "istv_assaults": _Spec((_Component("night", "night", 0.75, _NIGHT_SPACE),
                            _Component("general", "general", 0.25, _POP_INNER)), _attrs_istv),
    "tfl_bus_incidents": _Spec((_Component("bus", "bus", 1.0, _Space(kind="bus")),), _attrs_tfl),
    "rnli_launches": _Spec((_Component("river", "river", 1.0, _Space(kind="river")),), _attrs_rnli),
}


# ==================================================================================== NDTMS

# Adults in treatment: England 290,635 in 2022-23, 48% opiates, 86,257 alcohol only (research notes
# 2.7). London's share is assumed to be ~14% (~40k); the split by sex and age is plausible, not sourced.
NDTMS_LONDON_TOTAL = 40_000
NDTMS_SUBSTANCE_SHARE = {"Opiate": 0.45, "Non-opiate only": 0.12, "Non-opiate and alcohol": 0.13, "Alcohol only": 0.30}
NDTMS_MALE_SHARE = {"Opiate": 0.73, "Non-opiate only": 0.70, "Non-opiate and alcohol": 0.72, "Alcohol only": 0.62}
NDTMS_AGE_SHARE = {"Opiate": (0.04, 0.50, 0.46), "Non-opiate only": (0.35, 0.50, 0.15),
                   "Non-opiate and alcohol": (0.25, 0.58, 0.17), "Alcohol only": (0.08, 0.47, 0.45)}


def _ndtms(dataset: Dataset, geo: Geography, start: dt.date, end: dt.date, scale: float, seed: int) -> pd.DataFrame:
    """One row per borough x financial year starting in [start, end) x sex x age band x substance group;
    people rounded to the nearest 5 as ViewIt does; dated 1 April of the financial year."""
    years = [y for y in range(start.year - 1, end.year + 1) if start <= dt.date(y, 4, 1) < end]
    boroughs = sorted(geo.boroughs, key=lambda a: a.code)
    weight = {b.code: (_FACT_BY_CODE[b.code].population_k * (1.3 if _FACT_BY_CODE[b.code].inner else 1.0)
                       if b.code in _FACT_BY_CODE else 250.0) for b in boroughs}
    total_w = sum(weight.values())
    rows = []
    for y in years:
        j = 0
        for b in boroughs:
            for sub in catalogue.NDTMS_SUBSTANCES:
                for sex in catalogue.NDTMS_SEX:
                    p_sex = NDTMS_MALE_SHARE[sub] if sex == "Male" else 1 - NDTMS_MALE_SHARE[sub]
                    for age, p_age in zip(catalogue.NDTMS_AGE_BANDS, NDTMS_AGE_SHARE[sub]):
                        mean = (NDTMS_LONDON_TOTAL * weight[b.code] / total_w * NDTMS_SUBSTANCE_SHARE[sub]
                                * p_sex * p_age)
                        rows.append((f"{dataset.id}-{seed}-{y}0401-{j:06d}", f"{y}-04-01T00:00:00", b.code,
                                     f"{y}-{(y + 1) % 100:02d}", sub, sex, age,
                                     mean * (1 + 0.02 * (y - 2022)) * scale))
                        j += 1
    df = pd.DataFrame(rows, columns=["source_id", "occurred_at", "borough_code", "period", "substance_group",
                                     "sex", "age_band", "mean"])
    keys = np.array([zlib.crc32(s.encode()) for s in df["source_id"]], dtype=np.uint64)
    noise = np.exp(0.1 * _Rand(_mix64(keys ^ _dataset_key(dataset, seed))).normal("ndtms.noise"))
    df["people"] = (np.round(df["mean"].to_numpy() * noise / 5) * 5).astype(np.int64)
    return df[extract_columns(dataset)]


# ========================================================================================= extract

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def extract_columns(dataset: Dataset) -> list[str]:
    """Column order of a provider extract (see ingest.py)."""
    coords = {"bng": ["easting", "northing"], "wgs84": ["longitude", "latitude"], "borough": ["borough_code"]}
    return ["source_id", "occurred_at", *coords[dataset.coordinates], *dataset.field_names]


def _dataset_key(dataset: Dataset, seed: int) -> np.uint64:
    return np.uint64(_mix_int((zlib.crc32(dataset.id.encode()) << 32) | (seed & 0xFFFFFFFF)))


def _daily_counts(dataset: Dataset, spec: _Spec, days: np.ndarray, scale: float, seed: int) -> np.ndarray:
    """Poisson counts per day and component; each day's draw depends only on (dataset, seed, day)."""
    dow = (days.astype(np.int64) + 3) % 7                      # 1970-01-01 was a Thursday; Monday = 0
    doy = (days - days.astype("datetime64[Y]")).astype(np.int64) + 1
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    lam = np.empty((len(days), len(spec.components)))
    for ci, comp in enumerate(spec.components):
        prof = PROFILES[comp.profile]
        lam[:, ci] = (dataset.annual_volume * scale * comp.share / 365.0
                      * prof.matrix().sum(axis=1)[dow] * prof.season(doy))
        for m, d, factor in prof.special:
            lam[(month == m) & (dom == d), ci] *= factor
    counts = np.empty(lam.shape, dtype=np.int64)
    base = [zlib.crc32(dataset.id.encode()), seed & 0xFFFFFFFF]
    for di, ordinal in enumerate(days.astype(np.int64) + _EPOCH_ORDINAL):
        counts[di] = np.random.default_rng([*base, int(ordinal)]).poisson(lam[di])
    return counts


def _times(rand: _Rand, spec: _Spec, comp: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Local (naive) datetime64[s] per record: hour from the component's weekday x hour profile."""
    dow = (day.astype(np.int64) + 3) % 7
    prof_idx = np.array([_PROFILE_NAMES.index(c.profile) for c in spec.components])[comp]
    table = np.concatenate([PROFILES[p].matrix() for p in _PROFILE_NAMES])   # (P*7) x 24
    hour = rand.cond_choice("hour", prof_idx * 7 + dow, table)
    # clocks go forward at 01:00 on the last Sunday of March: 01:xx local does not exist that day
    month = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (day - day.astype("datetime64[M]")).astype(np.int64) + 1
    hour = np.where((month == 3) & (dow == 6) & (dom >= 25) & (hour == 1), 2, hour)
    minute = (rand.u("minute") * 60).astype(np.int64)
    second = (rand.u("second") * 60).astype(np.int64)
    return day.astype("datetime64[s]") + (hour * 3600 + minute * 60 + second).astype("timedelta64[s]")


def _empty(dataset: Dataset) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in extract_columns(dataset)})


def _record_keys(dataset: Dataset, days: np.ndarray, counts: np.ndarray, seed: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, _Rand]:
    """Per record: component index, day index, index within its day, and its random stream keyed on
    (dataset, seed, day, index within day)."""
    n_comp = counts.shape[1]
    comp = np.repeat(np.tile(np.arange(n_comp), len(days)), counts.ravel())
    per_day = counts.sum(axis=1)
    day_idx = np.repeat(np.arange(len(days)), per_day)
    j = np.arange(len(comp)) - (np.cumsum(per_day) - per_day)[day_idx]
    ordinal = days.astype(np.int64)[day_idx] + _EPOCH_ORDINAL
    raw = (ordinal.astype(np.uint64) << np.uint64(24)) | j.astype(np.uint64)
    return comp, day_idx, j, _Rand(_mix64(raw ^ _dataset_key(dataset, seed)))


def _place(spec: _Spec, rand: _Rand, comp: np.ndarray, geography: Geography, publish: _Publish) -> _Located:
    """Locations of all records, component by component (each has its own spatial model)."""
    n = len(comp)
    out = _Located(*(np.empty(n) for _ in range(4)), np.empty(n, dtype=object), {})
    for ci, component in enumerate(spec.components):
        idx = np.flatnonzero(comp == ci)
        if len(idx) == 0:
            continue
        loc = _locations(rand.take(idx), geography, component.space, publish)
        out.a[idx], out.b[idx], out.x[idx], out.y[idx], out.borough[idx] = loc.a, loc.b, loc.x, loc.y, loc.borough
        for key, val in loc.info.items():
            out.info.setdefault(key, np.full(n, None if val.dtype == object else -1, dtype=val.dtype))[idx] = val
    return out


def generate_extract(dataset: Dataset, geography: Geography, start: dt.date, end: dt.date,
                     scale: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """A synthetic provider extract for [start, end): columns `extract_columns(dataset)`, occurred_at in
    London local time (naive), about annual_volume * scale * days / 365 records (Poisson per day).
    source_id is "<dataset>-<seed>-<YYYYMMDD>-<n>": stable, and a record is the same in every extract
    that covers its day (same dataset, seed and scale)."""
    if dataset.kind == "aggregate":
        return _ndtms(dataset, geography, start, end, scale, seed) if scale > 0 else _empty(dataset)
    spec = SPECS[dataset.id]
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"))
    if len(days) == 0 or scale <= 0:
        return _empty(dataset)
    counts = _daily_counts(dataset, spec, days, scale, seed)
    if counts.sum() == 0:
        return _empty(dataset)
    comp, day_idx, j, rand = _record_keys(dataset, days, counts, seed)
    when = _times(rand, spec, comp, days[day_idx])
    loc = _place(spec, rand, comp, geography, _Publish(dataset.coordinates, dataset.round_metres, spec.snap_metres))
    attrs = spec.attrs(_Ctx(rand, comp, spec.components, loc.x, loc.y, loc.borough, loc.info))

    prefix = np.char.add(f"{dataset.id}-{seed}-", np.char.replace(np.datetime_as_string(days), "-", ""))
    names = {"bng": ("easting", "northing"), "wgs84": ("longitude", "latitude")}[dataset.coordinates]
    data = {"source_id": [f"{p}-{k:06d}" for p, k in zip(prefix[day_idx], j)],
            "occurred_at": np.datetime_as_string(when, unit="s"), names[0]: loc.a, names[1]: loc.b}
    data.update({f: attrs[f] for f in dataset.field_names})
    return pd.DataFrame(data, columns=extract_columns(dataset))
