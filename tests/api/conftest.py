"""The API wired to the session's time-skipping Temporal server and a stub workflow."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from accord.settings import AccordSettings
from api.app import create_app
from domain.action_links import LinkKeyRing
from domain.models import Person
from tests.api.stub_workflow import StubCommitmentWorkflow
from tests.api.tokens import FakeEntra
from tests.conftest import ADMIN, ELENA, JUN, MANAGER, OMAR, PRIYA, SAM, add_search_attributes

PUBLIC_URL = "https://accord.test"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass
class FakeDirectory:
    people: dict[str, Person] = field(
        default_factory=lambda: {
            person.email: person
            for person in (
                Person(email=MANAGER, display_name="Maya Chen"),
                Person(email=SAM, display_name="Sam Okafor"),
                Person(email=PRIYA, display_name="Priya Raman"),
                Person(email=OMAR, display_name="Omar Haddad"),
                Person(email=ELENA, display_name="Elena Rossi"),
                Person(email=JUN, display_name="Jun Park"),
                Person(email=ADMIN, display_name="Ines Alvarez"),
            )
        }
    )
    # Two teams: Maya manages Sam and Priya, Omar manages Elena and Jun.
    managers: dict[str, str] = field(
        default_factory=lambda: {SAM: MANAGER, PRIYA: MANAGER, ELENA: OMAR, JUN: OMAR}
    )

    async def find(self, email: str) -> Person | None:
        return self.people.get(email)

    async def manager_of(self, email: str) -> str | None:
        return self.managers.get(email)

    async def reports_of(self, email: str) -> list[str]:
        return [person for person, manager in self.managers.items() if manager == email]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal(temporal_env: WorkflowEnvironment) -> Client:
    """The session's test server, knowing Accord's search attributes (the API sets them)."""
    return await add_search_attributes(temporal_env.client)


@pytest.fixture
async def stub_worker(temporal: Client, task_queue: str) -> AsyncIterator[Worker]:
    # Unsandboxed: the stub is test code, and the sandbox would re-import the test package.
    async with Worker(
        temporal,
        task_queue=task_queue,
        workflows=[StubCommitmentWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ) as worker:
        yield worker


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def link_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def links(link_key: bytes) -> LinkKeyRing:
    return LinkKeyRing([link_key])


@pytest.fixture
def settings(task_queue: str) -> AccordSettings:
    return AccordSettings(public_url=PUBLIC_URL, temporal_task_queue=task_queue)


@pytest.fixture(scope="session")
def entra() -> FakeEntra:
    """Signs the tests' access tokens (one key per session: RSA keys are slow to make)."""
    return FakeEntra()


def build_app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    entra: FakeEntra,
) -> FastAPI:
    """The API on ``temporal`` with the fake directory (also the org chart) and clock."""
    directory = FakeDirectory()
    return create_app(
        settings=settings,
        temporal=temporal,
        links=links,
        directory=directory,
        clock=clock,
        org=directory,
        validator=entra.validator(),
    )


@pytest.fixture
def app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    stub_worker: Worker,
    entra: FakeEntra,
) -> FastAPI:
    return build_app(settings, temporal, links, clock, entra)


@pytest.fixture
async def http(app: FastAPI, entra: FakeEntra) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as Maya, the demo manager (pass other `headers` to act as others)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC_URL, headers=entra.headers(MANAGER)
    ) as client:
        yield client
