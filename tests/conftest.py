"""Fixtures every test folder may use: the sandbox and Graph, Temporal, and the API on it.

Helpers and constants live in tests/support; this file declares fixtures and hooks only.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import hypothesis
import pytest
import pytest_asyncio
from fastapi import FastAPI
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from accord.settings import AccordSettings
from domain.action_links import LinkKeyRing
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.api import PUBLIC_URL, FakeClock, build_app
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER, SAM
from tests.support.sandbox import (
    round_the_clock_tenant,
    stop_in_background,
    wait_for_background_stops,
)
from tests.support.stub_workflow import StubCommitmentWorkflow
from tests.support.teams import TeamsStack, teams_stack
from tests.support.temporal import add_search_attributes, local_dev_server, time_skipping_server


def pytest_configure(config: pytest.Config) -> None:
    """Choose hypothesis's profile, and one run per commitment, before any test module loads.

    The fuzz tests (hypothesis, and schemathesis on top of it) draw the same inputs on every
    run, so a run fails only for a change in the code: ACCORD_HYPOTHESIS_PROFILE=explore draws
    new inputs, many more of them, and keeps failures in .hypothesis/ to replay.
    """
    hypothesis.settings.register_profile("repeatable", derandomize=True, database=None)
    hypothesis.settings.register_profile("explore", max_examples=1000)
    hypothesis.settings.load_profile(os.environ.get("ACCORD_HYPOTHESIS_PROFILE", "repeatable"))
    # Temporal's time-skipping test server does not continue a run as new atomically (an
    # update or query that meets the hand-over can hang), so the commitments tests start keep
    # one run unless a test asks for short runs: tests/workflows/test_short_runs.py and the
    # fault drills do, on the dev server.
    os.environ.setdefault("ACCORD_COMMITMENT_RUN_EVENTS", "off")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests on Temporal's real dev server ``processes``, as ./dev test-fast skips them.

    The dev server is a real Temporal (a process of the session's own); the time-skipping test
    server, Temporal's harness for workflow tests, is what the quick loop keeps.
    """
    for item in items:
        if "dev_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.processes)


# --- The sandbox and Graph -------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def sandboxes_stopped_at_the_end() -> Iterator[None]:
    """The sandbox fixtures stop their servers in the background: wait for the last ones."""
    yield
    wait_for_background_stops()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox with the demo tenant, served over real HTTP on a free port."""
    server = SandboxServer(tmp_path / "sandbox").start()
    yield server
    stop_in_background(server)


@pytest.fixture
def reachable_sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox where everyone is reachable at any hour (no waiting for mornings)."""
    server = SandboxServer(tmp_path / "sandbox", tenant=round_the_clock_tenant()).start()
    yield server
    stop_in_background(server)


@pytest.fixture
async def graph_credential(sandbox: SandboxServer) -> AsyncIterator[SandboxClientCredential]:
    """A client-credentials credential against the sandbox's token endpoint."""
    assert sandbox.state is not None
    async with SandboxClientCredential(
        sandbox.url, sandbox.state.tenant.tenant_id, DEMO_CLIENT_ID, "test-only-client-secret"
    ) as credential:
        yield credential


@pytest.fixture
def graph(sandbox: SandboxServer, graph_credential: SandboxClientCredential) -> GraphServiceClient:
    """The real msgraph-sdk client pointed at the sandbox."""
    return build_graph_client(GraphConnection(sandbox.graph_url, graph_credential))


# --- Temporal --------------------------------------------------------------------------------
# Session-scoped async fixtures run on pytest-asyncio's session loop
# (asyncio_default_*_loop_scope = "session"), the loop every test runs on too.


@pytest.fixture(scope="session")
def payload_key() -> bytes:
    """The payload encryption key of this test session (pass it to `accord` subprocesses)."""
    return secrets.token_bytes(32)


@pytest.fixture(scope="session")
def data_converter(payload_key: bytes) -> DataConverter:
    """Accord's encrypting pydantic data converter, with the session's key."""
    return build_data_converter(EncryptionCodec(PayloadKeyRing([payload_key])))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """One time-skipping Temporal test server for the whole session."""
    async with time_skipping_server(data_converter) as env:
        yield env


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server with Accord's search attributes, started on first use."""
    async with local_dev_server(data_converter) as env:
        yield env


@pytest.fixture
def task_queue() -> str:
    """A task queue of this test's own, so workers of other tests never take its tasks."""
    return f"test-{uuid.uuid4()}"


@pytest.fixture
async def teams(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> AsyncIterator[TeamsStack]:
    """The API with the bot, registered with the sandbox's Bot Connector; Sam installed it."""
    async with teams_stack(temporal_env.client, task_queue, sandbox, graph) as stack:
        await stack.install(SAM)
        yield stack


# --- The API on the session's time-skipping server, with a stub workflow -------------------
# Here rather than in tests/api because the fuzz tests (tests/fuzz) drive the same API.


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal(temporal_env: WorkflowEnvironment) -> Client:
    """The session's test server, knowing Accord's search attributes (the API sets them)."""
    return await add_search_attributes(temporal_env.client)


@pytest.fixture
async def stub_worker(temporal: Client, task_queue: str) -> AsyncIterator[Worker]:
    """The stub commitment workflow on this test's task queue."""
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
    """The API's clock, moved by hand."""
    return FakeClock()


@pytest.fixture
def link_key() -> bytes:
    """The action links' signing key."""
    return secrets.token_bytes(32)


@pytest.fixture
def links(link_key: bytes) -> LinkKeyRing:
    """The action links' key ring."""
    return LinkKeyRing([link_key])


@pytest.fixture
def settings(task_queue: str) -> AccordSettings:
    """The API's settings: this test's task queue."""
    return AccordSettings(public_url=PUBLIC_URL, temporal_task_queue=task_queue)


@pytest.fixture(scope="session")
def entra() -> FakeEntra:
    """Signs the tests' access tokens (one key per session: RSA keys are slow to make)."""
    return FakeEntra()


@pytest.fixture
def app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    stub_worker: Worker,
    entra: FakeEntra,
) -> FastAPI:
    """The API on the session's time-skipping server, with the stub workflow running."""
    return build_app(settings, temporal, links, clock, entra)


@pytest.fixture
async def http(app: FastAPI, entra: FakeEntra) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as Maya, the demo manager (pass other `headers` to act as others)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC_URL, headers=entra.headers(MANAGER)
    ) as client:
        yield client
