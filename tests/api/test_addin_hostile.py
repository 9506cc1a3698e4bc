"""A hostile ``POST /addin/prefill`` is read off the event loop: ``/healthz`` keeps answering.

Issue 15, item 3: a 60 KB body once held the event loop for 45 seconds, and every other
request waited behind it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from api.addin_prefill import MAX_BODY_CHARACTERS
from tests.support.api import NOW, FakeClock, app_without_temporal
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER, SAM

# Each health check must answer within this, however long the prefill takes.
HEALTH_SECONDS = 0.5
HEADER = "Hi Sam, could you draft the Q1 budget by Friday?\n\nFrom: Maya <maya@x.example>\nTo: "


@pytest.fixture
def app(entra: FakeEntra, clock: FakeClock) -> FastAPI:
    """The API without Temporal: neither route needs it."""
    return app_without_temporal(entra, clock)


async def test_health_answers_while_a_hostile_prefill_is_read(http: httpx.AsyncClient) -> None:
    # The API refuses a request over 64 KB, so the body leaves room for the other fields.
    room = MAX_BODY_CHARACTERS - len(HEADER) - 2048
    # The quoted To line that made the old address pattern quadratic: one "@" at the end.
    body = HEADER + "a" * (room // 2) + "@" + "b" * (room // 2 - 1)
    item = {
        "mode": "read",
        "subject": "Q1 budget",
        "body": body,
        "body_type": "text",
        "sender": {"address": MANAGER, "name": "Maya Chen"},
        "to": [{"address": SAM, "name": "Sam Okafor"}],
        "sent_at": (NOW - timedelta(hours=1)).isoformat(),
        "time_zone": "Europe/London",
    }
    prefill = asyncio.create_task(http.post("/addin/prefill", json=item))
    await asyncio.sleep(0)
    waits: list[float] = []
    while not prefill.done() or not waits:
        start = time.perf_counter()
        # A pause lets the prefill run; a prefill that held the loop would show up here.
        await asyncio.sleep(0.01)
        health = await http.get("/healthz", headers={"Authorization": ""})
        waits.append(time.perf_counter() - start)
        assert health.status_code == 200
    response = await asyncio.wait_for(prefill, timeout=10)

    assert response.status_code == 200, response.text
    assert max(waits) < HEALTH_SECONDS, waits
