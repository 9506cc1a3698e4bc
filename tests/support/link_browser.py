"""Action links opened in headless Chromium with scripts on, as mail scanners open them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, Page, Route

from sandbox.server import free_port
from tests.support.polling import eventually

SETTLE_SECONDS = 2.0
"""How long a page is left alone after the network goes quiet (a scanner's detonation)."""


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` on a free local port and yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off"
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started, timeout=15)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


async def open_like_a_scanner(browser: Browser, url: str) -> Page:
    """Open ``url`` with JavaScript on, wait for the network to go quiet, then a little more.

    Requests anywhere but the local server are refused, so the page cannot reach out.
    """
    context = await browser.new_context(java_script_enabled=True)

    async def elsewhere(route: Route) -> None:
        await route.abort()

    await context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/).*"), elsewhere)
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_load_state("networkidle")
    await asyncio.sleep(SETTLE_SECONDS)
    await page.wait_for_load_state("networkidle")
    return page
