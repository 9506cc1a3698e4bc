"""Fixtures of the sign-in tests: the API on a real port signing in at the sandbox; Chromium."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import AccordSettings
from accord.wiring.api import build_app
from api.auth import TokenValidator
from domain.action_links import LinkKeyRing
from integrations.entra.keys import OpenIdSigningKeys, metadata_url
from sandbox.server import SandboxServer, free_port
from tests.support.api import FakeClock, FakeDirectory
from tests.support.browser import launch_chromium
from tests.support.polling import eventually


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, one per module."""
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


@pytest.fixture
async def accord_url(
    sandbox: SandboxServer,
    dev_server: WorkflowEnvironment,
    dev_worker: Worker,
    task_queue: str,
    links: LinkKeyRing,
    clock: FakeClock,
) -> AsyncIterator[str]:
    """The API on a real port, its sign-in at the sandbox (as ``./dev up`` sets it up).

    Tokens are checked against the sandbox's published keys, the directory is the demo
    people's, and commitments are the stub workflow's on the dev server.
    """
    assert sandbox.state is not None
    port = free_port()
    settings = AccordSettings(
        public_url=f"http://127.0.0.1:{port}",
        temporal_task_queue=task_queue,
        sandbox_host="127.0.0.1",
        sandbox_port=sandbox.port,
    )
    tenant_id = sandbox.state.tenant.tenant_id
    directory = FakeDirectory()
    app = build_app(
        settings=settings,
        temporal=dev_server.client,
        links=links,
        directory=directory,
        org=directory,
        clock=clock,
        validator=TokenValidator(
            OpenIdSigningKeys(metadata_url(f"{sandbox.url}/{tenant_id}")),
            audience=settings.auth_audience,
            tenant_id=tenant_id,
        ),
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off"
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started, timeout=15)
        yield settings.public_url
    finally:
        server.should_exit = True
        await serving
