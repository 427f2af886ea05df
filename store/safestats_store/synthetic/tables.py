"""Reference tables of synthetic London: borough facts, outlines, ward names, places, hotspots,
streets, rail and bus lines, the Thames, RNLI stations and hospitals. Data only (hand-written, approximate)."""
from __future__ import annotations

from dataclasses import dataclass



@dataclass(frozen=True)
class BoroughFact:
    code: str
    name: str
    x: float            # approximate centroid, EPSG:27700 metres
    y: float
    area_km2: float     # approximate real area (ONS SAM, rounded)
    population_k: float  # Census 2021, thousands (approximate)
    mps_k: float        # approximate MPS recorded offences per year, thousands (order of magnitude only)
    inner: bool         # ONS statistical Inner London


BOROUGH_FACTS: tuple[BoroughFact, ...] = (
    BoroughFact("E09000001", "City of London", 532400, 181300, 2.9, 8.6, 0.0, True),
    BoroughFact("E09000002", "Barking and Dagenham", 548000, 185300, 36.1, 218.9, 19, False),
    BoroughFact("E09000003", "Barnet", 523800, 192500, 86.7, 389.3, 28, False),
    BoroughFact("E09000004", "Bexley", 549300, 174800, 60.6, 246.5, 14, False),
    BoroughFact("E09000005", "Brent", 520200, 185800, 43.2, 339.8, 30, False),
    BoroughFact("E09000006", "Bromley", 542400, 165600, 150.1, 330.0, 22, False),
    BoroughFact("E09000007", "Camden", 527700, 184200, 21.8, 210.1, 40, True),
    BoroughFact("E09000008", "Croydon", 533300, 162800, 86.5, 390.8, 33, False),
    BoroughFact("E09000009", "Ealing", 515900, 181200, 55.5, 367.1, 30, False),
    BoroughFact("E09000010", "Enfield", 532900, 196900, 82.2, 330.0, 28, False),
    BoroughFact("E09000011", "Greenwich", 542500, 176500, 47.3, 289.1, 25, False),
    BoroughFact("E09000012", "Hackney", 534800, 185400, 19.0, 259.2, 30, True),
    BoroughFact("E09000013", "Hammersmith and Fulham", 523300, 178600, 16.4, 183.2, 21, True),
    BoroughFact("E09000014", "Haringey", 531300, 189500, 29.6, 264.1, 28, True),
    BoroughFact("E09000015", "Harrow", 515500, 189800, 50.5, 261.2, 14, False),
    BoroughFact("E09000016", "Havering", 554300, 187700, 112.3, 262.0, 19, False),
    BoroughFact("E09000017", "Hillingdon", 507900, 183500, 115.7, 305.9, 27, False),
    BoroughFact("E09000018", "Hounslow", 511800, 175100, 56.0, 288.2, 25, False),
    BoroughFact("E09000019", "Islington", 531200, 184800, 14.9, 216.6, 28, True),
    BoroughFact("E09000020", "Kensington and Chelsea", 525800, 179600, 12.1, 143.4, 22, True),
    BoroughFact("E09000021", "Kingston upon Thames", 519500, 166700, 37.3, 168.1, 11, False),
    BoroughFact("E09000022", "Lambeth", 530800, 175300, 26.8, 317.6, 35, True),
    BoroughFact("E09000023", "Lewisham", 537400, 173400, 35.2, 300.6, 25, True),
    BoroughFact("E09000024", "Merton", 525800, 169600, 37.6, 215.2, 13, False),
    BoroughFact("E09000025", "Newham", 541400, 182800, 36.2, 351.1, 35, True),
    BoroughFact("E09000026", "Redbridge", 544400, 189300, 56.4, 310.3, 22, False),
    BoroughFact("E09000027", "Richmond upon Thames", 517300, 172600, 57.4, 195.2, 12, False),
    BoroughFact("E09000028", "Southwark", 533400, 176600, 28.9, 307.7, 35, True),
    BoroughFact("E09000029", "Sutton", 526400, 163200, 43.8, 209.6, 12, False),
    BoroughFact("E09000030", "Tower Hamlets", 536000, 181800, 19.8, 310.3, 35, True),
    BoroughFact("E09000031", "Waltham Forest", 537700, 190200, 38.8, 278.4, 22, False),
    BoroughFact("E09000032", "Wandsworth", 526300, 174400, 34.3, 327.5, 25, True),
    BoroughFact("E09000033", "Westminster", 528400, 181000, 21.5, 204.3, 80, True),
)
CITY_CODE = "E09000001"
FACT_BY_CODE = {b.code: b for b in BOROUGH_FACTS}

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
class Hotspot:
    place: str
    weight: float            # relative size of the cluster
    sigma: float             # metres
    tags: frozenset[str]     # night (night-time economy), retail, station


def _hs(place: str, weight: float, sigma: float, tags: str) -> Hotspot:
    return Hotspot(place, weight, sigma, frozenset(tags.split()))


# Real town centres and nightlife/transport hubs. Weights are relative, West End largest.
HOTSPOTS: tuple[Hotspot, ...] = (
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
