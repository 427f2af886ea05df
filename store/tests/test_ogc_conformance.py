"""OGC API - Features details that clients nobody here wrote rely on (issue 14): a valid OpenAPI
document, HEAD wherever GET works, Range on the FlatGeobuf extract (GDAL's /vsicurl/), single
features with links and Content-Crs, Accept negotiation and strict datetime validation."""
from __future__ import annotations

import pytest
import requests
from openapi_spec_validator import validate

from conftest import Api, Server


@pytest.fixture(scope="module")
def westminster(server: Server) -> Api:
    return server.session("westminster.analyst")


def test_openapi_document_validates_without_and_with_sign_in(server: Server, westminster: Api) -> None:
    anonymous = requests.get(server.url + "/api", timeout=30)
    assert anonymous.status_code == 200
    validate(anonymous.json())
    signed_in = westminster.json("/api")
    assert "/collections/mps_crime/items" in signed_in["paths"]  # the per-caller paths are there too
    validate(signed_in)
    for path, item in signed_in["paths"].items():
        names = [(p.get("name"), p.get("in")) if "name" in p else p["$ref"] for p in item.get("get", {}).get(
            "parameters", [])]
        assert len(names) == len(set(names)), path
