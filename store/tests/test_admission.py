"""Bulk requests take turns and count previews pass (admission.BulkGate, issue 16).

The gate's rules are tested on the middleware itself with a small ASGI app whose requests finish
when the test says so (a real store cannot be made to hold a GeoJSON page open on cue); a real
store process with one bulk slot then shows that bulk and count requests fired together all get
their normal answers: the gate refuses nothing and changes no answer.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from conftest import Server, start_server
from safestats_store import admission


class Held:
    """An ASGI app whose requests each wait until released, recording the order they started in."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release: dict[str, asyncio.Event] = {}
        self.fail: set[str] = set()
        self.body: dict[str, asyncio.Event] = {}  # paths whose body waits for this after the start

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        name = scope["path"]
        self.started.append(name)
        await self.release.setdefault(name, asyncio.Event()).wait()
        if name in self.fail:
            raise RuntimeError("the route failed")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if name in self.body:  # a streamed body: the work is done, the bytes are still going out
            await self.body[name].wait()
        await send({"type": "http.response.body", "body": b"ok"})


async def _request(app: Any, path: str, sent: list[tuple[str, str]]) -> None:
    scope = {"type": "http", "path": path, "method": "GET", "headers": []}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append((path, message["type"]))

    await app(scope, receive, send)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_bulk_requests_take_turns_and_counts_pass() -> None:
    async def scenario() -> None:
        inner = Held()
        gate = admission.BulkGate(inner, slots=2)
        sent: list[tuple[str, str]] = []
        bulk = ["/collections/mps_crime/items", "/collections/las_incidents/aggregates", "/auth/login",
                "/collections/mps_crime/items/"]
        tasks = [asyncio.create_task(_request(gate, p, sent)) for p in bulk]
        await _settle()
        assert inner.started == bulk[:2] and gate.waiting == 2  # two slots: the other two wait, in order
        count = asyncio.create_task(_request(gate, "/collections/mps_crime/count", sent))
        one = asyncio.create_task(_request(gate, "/collections/mps_crime/items/12", sent))
        await _settle()
        assert inner.started[2:] == ["/collections/mps_crime/count", "/collections/mps_crime/items/12"]
        inner.release["/collections/mps_crime/count"].set()
        inner.release["/collections/mps_crime/items/12"].set()
        await asyncio.gather(count, one)  # answered while both slots are busy
        inner.release[bulk[0]].set()
        await _settle()
        assert inner.started[4] == bulk[2] and gate.waiting == 1  # first come, first served
        inner.release[bulk[1]].set()
        await _settle()
        assert inner.started[5] == bulk[3] and gate.waiting == 0
        for p in bulk[2:]:
            inner.release[p].set()
        await asyncio.gather(*tasks)
        assert sorted(p for p, kind in sent if kind == "http.response.body") == sorted(
            [*bulk, "/collections/mps_crime/count", "/collections/mps_crime/items/12"])

    asyncio.run(scenario())


def test_a_slot_is_given_back_when_the_response_starts_or_the_route_fails() -> None:
    async def scenario() -> None:
        inner = Held()
        gate = admission.BulkGate(inner, slots=1)
        sent: list[tuple[str, str]] = []
        a, b, c = "/collections/a/items", "/collections/b/items", "/collections/c/items"
        inner.fail.add(a)
        ta = asyncio.create_task(_request(gate, a, sent))
        tb = asyncio.create_task(_request(gate, b, sent))
        await _settle()
        assert inner.started == [a]
        inner.release[a].set()
        with pytest.raises(RuntimeError):
            await ta  # the failure reaches the caller (the app's error handlers) ...
        await _settle()
        assert inner.started == [a, b]  # ... and the slot is free again
        tc = asyncio.create_task(_request(gate, c, sent))
        await _settle()
        assert inner.started == [a, b]
        inner.body[b] = asyncio.Event()
        inner.release[b].set()
        await _settle()
        assert inner.started == [a, b, c]  # b's slot went back at its response start ...
        assert (b, "http.response.body") not in sent and not tb.done()  # ... while its body is still to come
        inner.body[b].set()
        inner.release[c].set()
        await asyncio.gather(tb, tc)

    asyncio.run(scenario())


def test_a_request_cancelled_while_waiting_takes_no_slot() -> None:
    async def scenario() -> None:
        inner = Held()
        gate = admission.BulkGate(inner, slots=1)
        sent: list[tuple[str, str]] = []
        first = asyncio.create_task(_request(gate, "/collections/a/items", sent))
        await _settle()
        waiting = asyncio.create_task(_request(gate, "/collections/b/items", sent))
        await _settle()
        waiting.cancel()  # the client went away while waiting
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert gate.waiting == 0
        inner.release["/collections/a/items"].set()
        await first
        later = asyncio.create_task(_request(gate, "/collections/c/items", sent))
        await _settle()
        assert inner.started == ["/collections/a/items", "/collections/c/items"]
        inner.release["/collections/c/items"].set()
        await later

    asyncio.run(scenario())


def test_what_counts_as_bulk() -> None:
    bulk = ["/collections/mps_crime/items", "/collections/wards/items", "/collections/x/aggregates", "/auth/login"]
    light = ["/collections/mps_crime/count", "/collections/mps_crime/items/42", "/collections", "/auth/me",
             "/collections/mps_crime/queryables", "/", "/auth/login/extra", "/audit"]
    assert all(admission.BULK.match(p) for p in bulk)
    assert not any(admission.BULK.match(p) for p in light)


def test_a_long_bulk_request_lets_the_next_one_in() -> None:
    async def scenario() -> None:
        inner = Held()
        gate = admission.BulkGate(inner, slots=1, hold_s=0.2)
        sent: list[tuple[str, str]] = []
        long = asyncio.create_task(_request(gate, "/collections/big/items", sent))
        await _settle()
        nxt = asyncio.create_task(_request(gate, "/collections/small/items", sent))
        await asyncio.sleep(0.05)
        assert inner.started == ["/collections/big/items"]  # within the hold time: it waits
        await asyncio.sleep(0.3)
        assert inner.started == ["/collections/big/items", "/collections/small/items"]  # then it goes
        inner.release["/collections/small/items"].set()
        await nxt
        third = asyncio.create_task(_request(gate, "/collections/third/items", sent))
        await _settle()
        assert inner.started[-1] == "/collections/third/items"  # the long one holds no slot any more
        inner.release["/collections/third/items"].set()
        inner.release["/collections/big/items"].set()
        await asyncio.gather(long, third)
        after = asyncio.create_task(_request(gate, "/collections/after/items", sent))
        await _settle()
        assert inner.started[-1] == "/collections/after/items"  # and its late finish gave back nothing twice
        inner.release["/collections/after/items"].set()
        await after
        assert gate._free._value == 1

    asyncio.run(scenario())


def test_bulk_slots_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAFESTATS_BULK_SLOTS", raising=False)
    assert admission.bulk_slots() == 1
    monkeypatch.setenv("SAFESTATS_BULK_SLOTS", "5")
    assert admission.bulk_slots() == 5
    monkeypatch.setenv("SAFESTATS_BULK_SLOTS", "0")
    assert admission.bulk_slots() == 1
    monkeypatch.setenv("SAFESTATS_BULK_SLOTS", "many")
    with pytest.raises(ValueError, match="SAFESTATS_BULK_SLOTS"):
        admission.bulk_slots()


@pytest.fixture(scope="module")
def one_slot(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("gate")
    path = str(Path(tmp) / "gate.sqlite")
    shutil.copy(demo_db, path)
    srv = start_server(path, tmp, env={"SAFESTATS_BULK_SLOTS": "1"})
    yield srv
    srv.stop()


def test_a_real_store_answers_everything_fired_at_once(one_slot: Server) -> None:
    api = one_slot.session("mopac.analyst")
    asks = [("items", {"limit": "1000"}), ("items", {"limit": "500", "hour": "20"}),
            ("aggregates", {"by": "hex"}), ("aggregates", {"by": "ward"}),
            ("items", {"f": "fgb", "datetime": "2025-03-01/2025-03-28"}),
            *[("count", f) for f in ({}, {"hour": "20"}, {"dow": "6,7"}, {"area": "borough:E09000033"})]]

    def ask(kind: str, prm: dict[str, str]) -> tuple[int, bytes]:
        r = requests.get(f"{api.url}/collections/mps_crime/{kind}", params=prm, headers=api.headers, timeout=120)
        return r.status_code, r.content

    alone = [ask(k, p) for k, p in asks]
    with concurrent.futures.ThreadPoolExecutor(len(asks) * 2) as pool:
        together = list(pool.map(lambda kp: ask(*kp), asks * 2))
    for (status, body), (s1, b1), (s2, b2) in zip(alone, together[:len(asks)], together[len(asks):]):
        assert status == s1 == s2 == 200
        if b'"timeStamp"' not in body:  # GeoJSON pages carry the time they were made
            assert body == b1 == b2
    assert b'"numberMatched"' in alone[-1][1]
