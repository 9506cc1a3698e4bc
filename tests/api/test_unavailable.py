"""When no worker answers: creating still works, reads and actions say "try again"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client

from accord.settings import AccordSettings
from api.dependencies import get_directory
from api.routers import commitments
from domain.action_links import LinkAction, LinkKeyRing
from domain.models import Person
from integrations.graph.people import DirectoryUnavailableError
from tests.support.api import (
    PROBLEM_JSON,
    PUBLIC_URL,
    FakeClock,
    build_app,
    commitment,
    link,
    text_of,
)
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER
from workflows.commitment import client as commitment_workflows

SHORT = timedelta(milliseconds=300)


class UnreachableDirectory:
    async def find(self, email: str) -> Person | None:
        raise DirectoryUnavailableError("the directory could not be asked")


@pytest.fixture
def idle_app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    entra: FakeEntra,
    monkeypatch: pytest.MonkeyPatch,
) -> FastAPI:
    """The API on a task queue no worker polls, with short waits."""
    monkeypatch.setattr(commitments, "FIRST_VIEW_TIMEOUT", SHORT)
    monkeypatch.setattr(commitment_workflows, "QUERY_TIMEOUT", SHORT)
    monkeypatch.setattr(commitment_workflows, "UPDATE_TIMEOUT", SHORT)
    return build_app(settings, temporal, links, clock, entra)


@pytest.fixture
async def idle_http(idle_app: FastAPI, entra: FakeEntra) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=idle_app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC_URL, headers=entra.headers(MANAGER)
    ) as client:
        yield client


async def test_create_answers_what_was_submitted(idle_http: httpx.AsyncClient) -> None:
    response = await idle_http.post("/commitments", json=commitment())

    assert response.status_code == 201, response.text
    assert response.json()["status"] == "awaiting_acceptance"
    assert response.json()["history"] == []
    commitment_id = response.json()["commitment_id"]
    assert response.headers["location"].endswith(f"/commitments/{commitment_id}")


async def test_reads_and_actions_are_503(idle_http: httpx.AsyncClient, links: LinkKeyRing) -> None:
    created = await idle_http.post("/commitments", json=commitment())
    commitment_id = created.json()["commitment_id"]

    read = await idle_http.get(f"/commitments/{commitment_id}")
    acted = await idle_http.post(f"/commitments/{commitment_id}/release", json={})
    page = await idle_http.post(link(links, commitment_id, LinkAction.ACCEPT))

    for response in (read, acted):
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"] == "/problems/unavailable"
        assert response.headers["retry-after"]
    assert page.status_code == 503
    assert "Accord can't record this right now" in text_of(page)


async def test_an_unreachable_directory_is_503(
    idle_app: FastAPI, idle_http: httpx.AsyncClient
) -> None:
    idle_app.dependency_overrides[get_directory] = UnreachableDirectory

    response = await idle_http.post("/commitments", json=commitment())

    assert response.status_code == 503
    assert response.json()["type"] == "/problems/unavailable"
