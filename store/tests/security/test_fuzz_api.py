"""Schemathesis against the store's own OpenAPI document (GET /api), on a real store process.

Every operation in the hand-written OpenAPI 3.0 document is called with generated parameters
(valid and invalid: random collection ids, CQL2 strings, bboxes, datetimes, limits, CRS URIs...)
as a signed-in analyst (Bearer token). Checks on every response:

- no 5xx (`not_a_server_error`): any 500 is a store bug;
- `ignored_auth`: operations that declare security really refuse the request without the token;
- every error is the documented JSON `{"code", "description"}`, and every response carries the
  security headers.

`/auth/logout` is left out (it would revoke the token the fuzzer runs with); test_auth.py covers it.
Example counts are kept small so the whole module runs in well under a minute or two on 2 cores;
set SAFESTATS_FUZZ_EXAMPLES to run more.
"""
from __future__ import annotations

import os

import pytest
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the store's test extra")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis import checks as st_checks  # noqa: E402

from conftest import Server  # noqa: E402
from safety_support import pg_demo_url, start_store, stop_store  # noqa: E402

EXAMPLES = int(os.environ.get("SAFESTATS_FUZZ_EXAMPLES", "20"))
SECURITY_HEADERS = ("X-Content-Type-Options", "X-Frame-Options", "Cache-Control", "Content-Security-Policy")


@pytest.fixture(scope="module")
def fuzz_tokens(server: Server) -> dict[str, str]:
    return {u: server.session(u).tokens["access_token"] for u in ("mopac.analyst", "westminster.analyst")}


@pytest.fixture(scope="module")
def api_schema(server: Server):  # noqa: ANN201
    # the document the running store serves, exactly as a client reads it
    return schemathesis.openapi.from_url(f"{server.url}/api")


def _operation_labels() -> list[str]:
    """Collected from the same generator the store serves, so every operation becomes a test."""
    from safestats_store import openapi
    doc = openapi.document("http://127.0.0.1")
    return [f"{m.upper()} {p}" for p, item in doc["paths"].items() for m in item if p != "/auth/logout"]


def _check_response(response) -> None:  # noqa: ANN001
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    headers = {k.lower() for k in response.headers}  # schemathesis keeps header names lower-case
    for h in SECURITY_HEADERS:
        assert h.lower() in headers, f"missing security header {h}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"code", "description"} and isinstance(body["description"], str), body


def _fuzz(api_schema, server: Server, token: str, label: str, examples: int = EXAMPLES) -> None:  # noqa: ANN001
    op = next(r.ok() for r in api_schema.get_all_operations() if r.ok().label == label)
    strategy = op.as_strategy(GenerationMode.POSITIVE) | op.as_strategy(GenerationMode.NEGATIVE)

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              print_blob=True)
    @given(case=strategy)
    def run(case) -> None:  # noqa: ANN001
        response = case.call(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        case.validate_response(response, checks=[st_checks.not_a_server_error, st_checks.ignored_auth])
        _check_response(response)

    run()


@pytest.mark.parametrize("label", _operation_labels())
def test_every_operation_full_access_analyst(api_schema, server: Server, fuzz_tokens: dict[str, str],  # noqa: ANN001
                                             label: str) -> None:
    _fuzz(api_schema, server, fuzz_tokens["mopac.analyst"], label)


@pytest.mark.parametrize("label", [lb for lb in _operation_labels() if "/collections" in lb])
def test_every_operation_restricted_analyst(api_schema, server: Server, fuzz_tokens: dict[str, str],  # noqa: ANN001
                                            label: str) -> None:
    """Westminster: area polygon, 36-month history and a field allow-list on las_incidents."""
    _fuzz(api_schema, server, fuzz_tokens["westminster.analyst"], label)


@pytest.fixture(scope="module")
def pg_store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    srv = start_store(pg_demo_url(tmp_path_factory), tmp_path_factory.mktemp("fuzzpg"))
    yield srv
    stop_store(srv)


@pytest.mark.parametrize("label", [lb for lb in _operation_labels() if "/collections" in lb])
def test_every_operation_postgis(api_schema, pg_store: Server, label: str) -> None:  # noqa: ANN001
    """The same on the PostgreSQL/PostGIS backend, whose driver is stricter (NUL, integer ranges)."""
    token = pg_store.session("westminster.analyst").tokens["access_token"]
    _fuzz(api_schema, pg_store, token, label, max(10, EXAMPLES * 2 // 3))
