"""Fixtures of the API tests beyond the shared ones (tests/conftest.py): lists and the digest.

Listing needs the real dev server (the time-skipping server cannot list by search
attributes); the digest's routes run on stand-ins for mailboxes, schedules and facts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from accord.settings import AccordSettings
from api.digest_services import install_digest
from domain.action_links import LinkKeyRing
from tests.support.api import (
    PUBLIC_URL,
    FakeClock,
    FakeFacts,
    FakeMailboxes,
    FakeSchedules,
    build_app,
    sams_commitment,
)
from tests.support.api_tokens import FakeEntra
from tests.support.stub_workflow import StubCommitmentWorkflow, end_stubs


@pytest.fixture
async def dev_worker(dev_server: WorkflowEnvironment, task_queue: str) -> AsyncIterator[Worker]:
    """The stub workflow on the dev server; its runs are ended afterwards."""
    async with Worker(
        dev_server.client,
        task_queue=task_queue,
        workflows=[StubCommitmentWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ) as worker:
        yield worker
        await end_stubs(dev_server.client, task_queue)


@pytest.fixture
def list_app(
    settings: AccordSettings,
    dev_server: WorkflowEnvironment,
    links: LinkKeyRing,
    clock: FakeClock,
    entra: FakeEntra,
    dev_worker: Worker,
) -> FastAPI:
    """The API on the dev server, which can list commitments."""
    return build_app(settings, dev_server.client, links, clock, entra)


@pytest.fixture
async def list_api(list_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of :func:`list_app` with no one signed in (pass ``headers``)."""
    transport = httpx.ASGITransport(app=list_app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        yield client


@pytest.fixture
def schedules() -> FakeSchedules:
    """The digest schedules saved so far."""
    return FakeSchedules()


@pytest.fixture
def digest_app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    entra: FakeEntra,
    schedules: FakeSchedules,
) -> FastAPI:
    """The API with the digest's routes on stand-ins; Sam has one finished commitment."""
    app = build_app(settings, temporal, links, clock, entra)
    install_digest(
        app, mailboxes=FakeMailboxes(), schedules=schedules, facts=FakeFacts([sams_commitment()])
    )
    return app
