"""The store's one CRS vocabulary.

Two kinds of name, never mixed up:

* ``*_URI``: the OGC URIs the API publishes and accepts exactly in ``crs``/``bbox-crs`` (OGC API -
  Features Part 2), e.g. in a collection's ``crs`` list and the ``Content-Crs`` header.
* ``*_CODE``: the short codes :func:`normalise_crs` returns for any accepted spelling (URI, URN,
  ``AUTH:CODE``), used inside the store to choose a projection and an axis order.

CRS84 is (longitude, latitude); EPSG:4326 is (latitude, longitude), as OGC API Part 2 requires
for its URI; EPSG:27700 (British National Grid, metres) is where the stored points live.
"""
from __future__ import annotations

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326_URI = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG27700_URI = "http://www.opengis.net/def/crs/EPSG/0/27700"
SUPPORTED_CRS_URIS = (CRS84_URI, EPSG27700_URI, EPSG4326_URI)

CRS84_CODE = "CRS84"
EPSG4326_CODE = "EPSG:4326"
EPSG27700_CODE = "EPSG:27700"
PROJ_NAMES = {CRS84_CODE: "OGC:CRS84", EPSG4326_CODE: "EPSG:4326", EPSG27700_CODE: "EPSG:27700"}  # for pyproj

_CRS_ALIASES = {
    CRS84_CODE: ("crs84", "ogc:crs84", CRS84_URI.lower(), "urn:ogc:def:crs:ogc:1.3:crs84",
                 "urn:ogc:def:crs:ogc::crs84"),
    EPSG4326_CODE: ("epsg:4326", EPSG4326_URI.lower(), "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:epsg:6.6:4326"),
    EPSG27700_CODE: ("epsg:27700", EPSG27700_URI.lower(), "urn:ogc:def:crs:epsg::27700"),
}
_CRS_LOOKUP = {alias: key for key, aliases in _CRS_ALIASES.items() for alias in aliases}


def normalise_crs(crs: str | None) -> str:
    """Map a CRS URI/URN/code to ``CRS84_CODE``, ``EPSG4326_CODE`` or ``EPSG27700_CODE`` (``None`` is
    CRS84); ValueError otherwise."""
    key = (CRS84_CODE if crs is None else str(crs)).strip().lower()
    if key.startswith("https://"):
        key = "http://" + key[len("https://"):]
    try:
        return _CRS_LOOKUP[key]
    except KeyError:
        raise ValueError(f"unsupported CRS; use {CRS84_URI}, {EPSG4326_URI} or {EPSG27700_URI}") from None
