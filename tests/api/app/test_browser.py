"""The manager's and the owner's journeys in headless Chromium, with axe-core on every page.

They run on the session's Temporal dev server (the team list comes from visibility, which the
time-skipping server cannot search) with the stub commitment workflow, through the real API
served over HTTP. Sign-in itself (MSAL.js, Teams SSO) is tested with the sign-in page; here a
token goes straight to ``/app/session`` through the browser context's own requests (the
sign-in page's own tests check it with axe-core).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from api.digest_services import install_digest
from tests.support.api import NOW, FakeFacts, FakeMailboxes, FakeSchedules, sams_commitment
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import (
    accept_as_owner,
    ask_for_support,
    browser_session,
    check_accessible,
    check_in_at_risk,
    create_as_manager,
    local_input,
    promise_support,
)
from tests.support.browser import launch_chromium
from tests.support.link_browser import served
from tests.support.people import MANAGER, SAM

pytestmark = pytest.mark.browser
ZONE = "Europe/London"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


@pytest.fixture
async def base(list_app: FastAPI) -> AsyncIterator[str]:
    install_digest(
        list_app,
        mailboxes=FakeMailboxes(),
        schedules=FakeSchedules(),
        facts=FakeFacts([sams_commitment()]),
    )
    async with served(list_app) as url:
        yield url


async def signed_in(
    browser: Browser, base: str, entra: FakeEntra, email: str, **options: object
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(**options)  # type: ignore[arg-type]  # Playwright's kwargs
    await browser_session(context, base, entra.token(email))
    return context, await context.new_page()


async def test_the_team_page_puts_what_needs_a_hand_first(
    browser: Browser, base: str, entra: FakeEntra
) -> None:
    maya_context, maya = await signed_in(browser, base, entra, MANAGER)
    sam_context, sam = await signed_in(browser, base, entra, SAM)
    try:
        await maya.goto(f"{base}/app/commitments/new")
        await check_accessible(maya)
        # A title of its own: Sam's list also holds other tests' commitments on this server.
        title = f"Publish the onboarding guide {uuid.uuid4().hex[:6]}"
        path = await create_as_manager(
            maya, base, owner=SAM, title=title, due=local_input(NOW + timedelta(days=10), ZONE)
        )
        await check_accessible(maya)

        await sam.goto(f"{base}/app/mine")
        await sam.get_by_role("link", name=title).wait_for()
        await check_accessible(sam)
        await accept_as_owner(sam, base, path)
        await check_in_at_risk(sam, base, path, "Waiting on legal's review.")
        await check_accessible(sam)

        # The team page puts what needs a hand first, with the latest answer and its note.
        await maya.goto(f"{base}/app/team")
        section = maya.get_by_role("region", name="Blocked or at risk")
        await section.get_by_text("Waiting on legal's review.").wait_for()
        await check_accessible(maya)

        # The rest of the journey runs on the real workflow (test_journey.py).
        await maya.goto(base + path)
        await check_accessible(maya)

        # The leader's side: Sam asks what would help, Maya answers with a promise.
        await ask_for_support(sam, base, path, "An hour with finance.")
        await check_accessible(sam)
        await maya.goto(base + path)
        await maya.get_by_text("Sam asked what would help.").wait_for()
        await check_accessible(maya)
        due = local_input(NOW + timedelta(days=2), ZONE)
        await promise_support(maya, base, path, "Time with finance on Tuesday", due)
        await maya.get_by_role("region", name="Support from Maya").wait_for()
        await check_accessible(maya)
        await maya.goto(f"{base}/app/mine")
        await maya.get_by_role(
            "link", name="You promised Sam: Time with finance on Tuesday"
        ).wait_for()
        await sam.goto(f"{base}/app/mine")
        await sam.get_by_text("Maya promised: Time with finance on Tuesday", exact=False).wait_for()
        await sam.goto(f"{base}/app/me")
        await sam.get_by_label("Send me a copy of the agenda", exact=False).wait_for()
        await check_accessible(sam)

        await maya.goto(f"{base}/app/me")
        await maya.get_by_role("heading", name="Weekly digest").wait_for()
        await check_accessible(maya)
    finally:
        await maya_context.close()
        await sam_context.close()


async def test_narrow_dark_and_high_contrast_pages_stay_usable(
    browser: Browser, base: str, entra: FakeEntra
) -> None:
    context, page = await signed_in(
        browser,
        base,
        entra,
        MANAGER,
        viewport={"width": 320, "height": 640},
        color_scheme="dark",
        forced_colors="active",
    )
    try:
        for path in ("/app/team?theme=contrast", "/app/commitments/new", "/app/mine"):
            await page.goto(base + path)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, path
            await check_accessible(page)
        # Keyboard alone: the first Tab reaches the skip link, which moves to the content.
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.textContent") == "Skip to the content"
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.id") == "main"
        await page.goto(f"{base}/app/commitments/00000000-0000-0000-0000-000000000000")
        await check_accessible(page)
    finally:
        await context.close()
