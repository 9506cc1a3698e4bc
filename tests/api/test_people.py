"""The Graph-backed people directory, against the sandbox through the real SDK."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from msgraph.graph_service_client import GraphServiceClient

from api.dependencies import get_directory
from domain.models import Person
from integrations.graph.people import (
    CachedOrgChart,
    DirectoryUnavailableError,
    GraphOrgChart,
    GraphPeopleDirectory,
    everyone_below,
)
from sandbox.server import SandboxServer
from tests.support.api import commitment, field_errors
from tests.support.people import ELENA, JUN, LUKAS, MANAGER, OMAR, PRIYA, SAM


async def test_finds_people_by_address(graph: GraphServiceClient) -> None:
    directory = GraphPeopleDirectory(graph)

    assert await directory.find(SAM) == Person(email=SAM, display_name="Sam Okafor")
    assert await directory.find("nobody@northwind.example") is None


async def test_an_unreachable_directory_is_not_a_missing_person(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    directory = GraphPeopleDirectory(graph)
    sandbox.stop()

    with pytest.raises(DirectoryUnavailableError):
        await directory.find(MANAGER)


async def test_create_checks_people_in_the_directory(
    app: FastAPI, http: httpx.AsyncClient, graph: GraphServiceClient
) -> None:
    app.dependency_overrides[get_directory] = lambda: GraphPeopleDirectory(graph)

    created = await http.post("/commitments", json=commitment())
    unknown = await http.post("/commitments", json=commitment(owner="ghost@northwind.example"))

    assert created.status_code == 201, created.text
    assert created.json()["owner"]["display_name"] == "Sam Okafor"
    assert field_errors(unknown) == {"owner": "unknown_person"}


async def test_the_org_chart_comes_from_the_directory(graph: GraphServiceClient) -> None:
    org = GraphOrgChart(graph)

    assert await org.manager_of(SAM) == MANAGER
    assert await org.manager_of(ELENA.upper()) == OMAR
    assert await org.manager_of(MANAGER) is None
    assert await org.manager_of("nobody@northwind.example") is None
    assert sorted(await org.reports_of(MANAGER)) == sorted([SAM, PRIYA, LUKAS])
    assert sorted(await org.reports_of(OMAR)) == sorted([ELENA, JUN])
    assert await org.reports_of(SAM) == []
    assert sorted(await everyone_below(org, OMAR)) == sorted([ELENA, JUN])


async def test_an_unreachable_org_chart_is_unavailable_not_empty(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    org = GraphOrgChart(graph)
    sandbox.stop()

    with pytest.raises(DirectoryUnavailableError):
        await org.manager_of(SAM)
    with pytest.raises(DirectoryUnavailableError):
        await org.reports_of(MANAGER)


async def test_the_cached_org_chart_asks_again_only_after_its_time() -> None:
    class Counting:
        def __init__(self) -> None:
            self.asked = 0

        async def manager_of(self, email: str) -> str | None:
            self.asked += 1
            return MANAGER

        async def reports_of(self, email: str) -> list[str]:
            self.asked += 1
            return [SAM]

    inner, now = Counting(), [0.0]
    org = CachedOrgChart(inner, ttl=60, monotonic=lambda: now[0])

    assert await org.manager_of(SAM) == await org.manager_of(SAM.upper()) == MANAGER
    assert await org.reports_of(MANAGER) == await org.reports_of(MANAGER) == [SAM]
    assert inner.asked == 2
    now[0] = 61
    assert await org.manager_of(SAM) == MANAGER
    assert inner.asked == 3


class _CountingOrgChart:
    """Answers every address with the same manager, and counts the questions."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def manager_of(self, email: str) -> str | None:
        self.asked.append(email)
        return MANAGER

    async def reports_of(self, email: str) -> list[str]:
        self.asked.append(email)
        return []


async def test_the_org_chart_cache_stays_bounded_on_made_up_addresses() -> None:
    # Callers choose the addresses: a flood of made-up ones must not grow memory without end.
    inner = _CountingOrgChart()
    org = CachedOrgChart(inner, ttl=3600, monotonic=lambda: 0.0)
    made_up = [f"person{n}@northwind.example" for n in range(10_000)]

    for email in made_up:
        await org.manager_of(email)
        await org.reports_of(email)
    inner.asked.clear()
    await org.manager_of(made_up[-1])
    await org.reports_of(made_up[-1])
    await org.manager_of(made_up[0])
    await org.reports_of(made_up[0])

    # The newest answers are still remembered; the oldest were let go to make room.
    assert inner.asked == [made_up[0], made_up[0]]


async def test_the_org_chart_cache_forgets_the_least_recently_used_first() -> None:
    inner = _CountingOrgChart()
    org = CachedOrgChart(inner, ttl=3600, monotonic=lambda: 0.0, max_entries=2)

    await org.manager_of(SAM)
    await org.manager_of(JUN)
    await org.manager_of(SAM)  # Sam is now the most recently used.
    await org.manager_of(PRIYA)  # Makes room by letting Jun go.
    inner.asked.clear()
    await org.manager_of(SAM)
    await org.manager_of(JUN)

    assert inner.asked == [JUN]
