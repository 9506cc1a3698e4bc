"""The journeys on the real commitment workflow: its worker's activities on the sandbox.

The session's time-skipping server runs the workflow (it cannot list by search attributes, so
these journeys go from story page to story page; the lists are covered in test_browser.py on
the dev server). Each step is what a person does in the page, through Chromium.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from msgraph.graph_service_client import GraphServiceClient
from playwright.async_api import Browser, async_playwright
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from domain.action_links import LinkKeyRing
from sandbox.server import SandboxServer
from tests.support.api import FakeClock, build_app
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import (
    browser_session,
    check_accessible,
    local_input,
    whole_journey,
)
from tests.support.browser import launch_chromium
from tests.support.lifecycle import lifecycle_worker
from tests.support.link_browser import served
from tests.support.people import MANAGER, SAM

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


@pytest.fixture
async def real_app(
    temporal_env: WorkflowEnvironment,
    temporal: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    links: LinkKeyRing,
    entra: FakeEntra,
) -> AsyncIterator[tuple[FastAPI, FakeClock]]:
    """The API and a real worker on the session's server, the API's clock on the server's."""
    clock = FakeClock(await temporal_env.get_current_time())
    settings = AccordSettings(public_url="http://127.0.0.1", temporal_task_queue=task_queue)
    async with lifecycle_worker(temporal, task_queue, sandbox, graph):
        yield build_app(settings, temporal, links, clock, entra), clock


async def test_create_accept_at_risk_conversation_revise_done_on_the_real_workflow(
    browser: Browser, real_app: tuple[FastAPI, FakeClock], entra: FakeEntra
) -> None:
    app, clock = real_app
    maya_context = await browser.new_context()
    sam_context = await browser.new_context()
    try:
        async with served(app) as base:
            await browser_session(maya_context, base, entra.token(MANAGER))
            await browser_session(sam_context, base, entra.token(SAM))
            maya, sam = await maya_context.new_page(), await sam_context.new_page()

            path = await whole_journey(
                maya,
                sam,
                base,
                owner_email=SAM,
                due=local_input(clock.now + timedelta(days=10)),
                new_due=local_input(clock.now + timedelta(days=17)),
            )
            assert "Done" in await sam.locator(".standing").inner_text()
            await check_accessible(sam)
            await maya.goto(base + path)
            story = await maya.locator("main").inner_text()
            assert "Sam proposed moving the date" in story
            assert "Maya agreed" in story
            assert "At risk: “Waiting on legal's review.”" in story
            await check_accessible(maya)
    finally:
        await maya_context.close()
        await sam_context.close()
