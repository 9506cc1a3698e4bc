"""The Graph-backed people directory, against the sandbox through the real SDK."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from msgraph.graph_service_client import GraphServiceClient

from api.dependencies import get_directory
from api.people import DirectoryUnavailableError, GraphPeopleDirectory
from domain.models import Person
from sandbox.server import SandboxServer
from tests.api.test_commitments import commitment, field_errors
from tests.conftest import MANAGER, SAM


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
