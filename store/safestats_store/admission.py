"""Bulk requests take turns; count previews never wait behind them.

A store worker is one Python process: every request it runs shares one interpreter (the GIL) and
a share of the machine's cores. A GeoJSON page, a FlatGeobuf extract, an aggregates map or a
sign-in (Argon2) costs 10-250 ms of CPU; a ``/count`` about 5 ms. When many analysts fire at once,
a count that arrives behind a dozen running bulk requests waits for all of them, and the dock's
count preview stalls for a second or more (issue 16: p95 1.1-1.5 s).

:class:`BulkGate` lets at most ``SAFESTATS_BULK_SLOTS`` (default 1) bulk requests per worker do
their work at the same time; the others wait their turn (first come, first served) before they
start. Everything else, ``/count`` included, passes straight through. A bulk request gives its
slot back as soon as its response starts (an extract already built streams without holding it),
when it fails, or after :data:`HOLD_S` seconds of work (a London-wide extract taking half a minute
must not hold up every GeoJSON page behind it; it goes on, outside the count of slots, and no one
waits longer than that for each request ahead of it). Nothing is
refused and no answer changes: under load, bulk requests queue among themselves instead of in
front of the counts; at a human pace a bulk request seldom finds its worker's slot taken.
"""
from __future__ import annotations

import asyncio
import os
import re
from typing import Any

#: GeoJSON pages and f=fgb extracts, aggregates maps, sign-in (Argon2)
BULK = re.compile(r"^(/collections/[^/]+/(items|aggregates)|/auth/login)/?$")
HOLD_S = 0.25  # a bulk request working longer than this gives its slot to the next one


def bulk_slots() -> int:
    """Bulk requests one worker runs at once (``SAFESTATS_BULK_SLOTS``, at least 1)."""
    try:
        return max(1, int(os.environ.get("SAFESTATS_BULK_SLOTS", "1")))
    except ValueError as exc:
        raise ValueError("SAFESTATS_BULK_SLOTS must be a whole number of at least 1") from exc


class BulkGate:
    """Pure ASGI middleware: bulk requests (:data:`BULK`) wait for one of ``slots`` slots."""

    def __init__(self, app: Any, slots: int, hold_s: float = HOLD_S) -> None:
        self.app = app
        self.slots = slots
        self.hold_s = hold_s
        self._free = asyncio.Semaphore(slots)  # bound to the worker's loop on first wait
        self.waiting = 0  # bulk requests waiting for a slot now (tests and diagnostics)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not BULK.match(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        self.waiting += 1
        try:
            await self._free.acquire()
        finally:
            self.waiting -= 1
        held = True

        def give_back() -> None:
            nonlocal held
            if held:
                held = False
                self._free.release()

        async def send_then_give_back(message: dict) -> None:
            if message["type"] == "http.response.start":
                give_back()  # the work is done; streaming the body holds no slot
            await send(message)

        long_one = asyncio.get_running_loop().call_later(self.hold_s, give_back)
        try:
            await self.app(scope, receive, send_then_give_back)
        finally:
            long_one.cancel()
            give_back()
