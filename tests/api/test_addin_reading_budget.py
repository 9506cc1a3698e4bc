"""The add-in's reading runs in a worker process with a time budget (issue 15, item 3).

Past the budget the caller hears a 422 problem that names it, the reading is stopped (a
thread could not be), and ``/healthz`` answers all along. A real hostile prefill, read in
the same pool, stays well inside the budget.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from api.addin_prefill import MAX_BODY_CHARACTERS
from api.reading import install_reading
from integrations.reading_pool import ReadingPool
from tests.support.api import NOW, PROBLEM_JSON, FakeClock, app_without_temporal
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER, SAM
from tests.support.slow_reading import SpinningReading

BUDGET = timedelta(seconds=1)
HEALTH_SECONDS = 0.5
HEADER = "Hi Sam, could you draft the Q1 budget by Friday?\n\nFrom: Maya <maya@x.example>\nTo: "


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pool() -> AsyncIterator[ReadingPool]:
    """One pool for the module (one process: the tests read one email at a time)."""
    reading = ReadingPool(
        budget=BUDGET, processes=1, preload=("api.addin_prefill", "tests.support.slow_reading")
    )
    await reading.start()  # as the API's root does before it serves
    yield reading
    await reading.close()


@pytest.fixture
def reading(pool: ReadingPool) -> SpinningReading:
    """The pool, where ``prefill`` spins unless a test turns it real."""
    return SpinningReading(pool, frozenset({"prefill"}))


@pytest.fixture
def app(entra: FakeEntra, clock: FakeClock, reading: SpinningReading) -> FastAPI:
    """The API without Temporal (the add-in's routes never reach it), reading in the pool."""
    app = app_without_temporal(entra, clock)
    install_reading(app, reading)
    return app


def _item(body: str) -> dict[str, Any]:
    return {
        "mode": "read",
        "subject": "Q1 budget",
        "body": body,
        "body_type": "text",
        "sender": {"address": MANAGER, "name": "Maya Chen"},
        "to": [{"address": SAM, "name": "Sam Okafor"}],
        "sent_at": (NOW - timedelta(hours=1)).isoformat(),
        "time_zone": "Europe/London",
    }


async def _prefill_while_checking_health(
    http: httpx.AsyncClient, item: dict[str, Any]
) -> tuple[httpx.Response, list[float]]:
    prefill = asyncio.create_task(http.post("/addin/prefill", json=item))
    await asyncio.sleep(0)
    waits: list[float] = []
    while not prefill.done() or not waits:
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        health = await http.get("/healthz", headers={"Authorization": ""})
        waits.append(time.perf_counter() - start)
        assert health.status_code == 200
    return await prefill, waits


async def test_a_hostile_prefill_reads_in_the_pool_within_its_budget(
    http: httpx.AsyncClient, reading: SpinningReading
) -> None:
    reading.slow = frozenset()
    room = MAX_BODY_CHARACTERS - len(HEADER) - 2048
    # The quoted To line that made the old address pattern quadratic: one "@" at the end.
    body = HEADER + "a" * (room // 2) + "@" + "b" * (room // 2 - 1)

    response, waits = await _prefill_while_checking_health(http, _item(body))

    assert response.status_code == 200, response.text
    assert response.json()["drafts"][0]["owner"]["address"] == SAM
    assert max(waits) < HEALTH_SECONDS, waits


async def test_a_reading_past_its_budget_is_a_422_and_health_answers_throughout(
    http: httpx.AsyncClient,
) -> None:
    start = time.perf_counter()
    response, waits = await _prefill_while_checking_health(http, _item("Hi Sam, by Friday?"))
    took = time.perf_counter() - start

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"].endswith("/problems/reading-over-time-limit")
    assert "took too long to read" in problem["title"]
    assert "Hi Sam" not in response.text  # never echoes what was sent
    assert took < BUDGET.total_seconds() + 1.5, took
    assert max(waits) < HEALTH_SECONDS, waits
