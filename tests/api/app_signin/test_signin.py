"""Signing in to the web app: MSAL.js in a browser and Teams single sign-on in the tab.

Both against the sandbox as Entra ID and as Teams, in headless Chromium, with the real API
on a real port checking the sandbox-signed tokens against its published keys. Requests
anywhere but this machine are refused, so nothing may come from a CDN.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, BrowserContext, Frame, Page, Route
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from sandbox.server import SandboxServer
from sandbox.tenant import user_id_for
from tests.support.api import NOW
from tests.support.app_journey import (
    accept_as_owner,
    check_in_at_risk,
    create_as_manager,
    local_input,
    mark_done,
    offer_conversation,
    propose_new_date,
)
from tests.support.people import MANAGER, SAM

pytestmark = pytest.mark.browser
ZONE = "UTC"


async def local_only(browser: Browser) -> tuple[BrowserContext, list[str]]:
    """A browser context that reaches this machine only; returns the refused URLs too."""
    context = await browser.new_context()
    refused: list[str] = []

    async def elsewhere(route: Route) -> None:
        refused.append(route.request.url)
        await route.abort()

    await context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/).*"), elsewhere)
    return context, refused


async def test_in_a_browser_msal_signs_in_at_the_sandbox_and_opens_the_page_asked_for(
    browser: Browser, accord_url: str, sandbox: SandboxServer
) -> None:
    context, refused = await local_only(browser)
    try:
        page = await context.new_page()
        await page.goto(f"{accord_url}/app/team")
        # MSAL.js sent the browser to the sandbox's sign-in page (PKCE, a code, a redirect).
        await page.get_by_role("heading", name="Sign in to the sandbox").wait_for()
        assert page.url.startswith(f"{sandbox.url}/")
        assert "code_challenge_method=S256" in page.url
        await page.get_by_label(re.compile("Maya Chen")).check()
        await page.get_by_role("button", name="Sign in").click()
        # Back at Accord: the code redeemed, the token traded for the session, the page shown.
        await page.wait_for_url(f"{accord_url}/app/team", timeout=15_000)
        await page.get_by_role("heading", level=1).wait_for()
        assert "Sign in" not in await page.title()

        # Signing out ends the session and does not sign in again by itself.
        await page.get_by_role("button", name="Sign out").click()
        await page.get_by_text("You have signed out.").wait_for()
        await page.get_by_role("button", name="Sign in with your work account").click()
        # Silently this time (MSAL.js's cache), back to the app's home (a manager's: the team).
        await page.wait_for_url(re.compile(re.escape(accord_url) + r"/app(/team)?$"))
        assert not await page.get_by_text("We could not sign you in").count()
    finally:
        await context.close()
    # The CDN's valid-origins list of Teams' SDK is never even asked for outside Teams.
    assert refused == []


async def test_in_the_sandboxs_teams_frame_the_tab_signs_in_by_sso_and_shows_the_team(
    browser: Browser, accord_url: str, sandbox: SandboxServer
) -> None:
    context, refused = await local_only(browser)
    tab = quote(f"{accord_url}/app/team?host=teams", safe="")
    try:
        page = await context.new_page()
        await page.goto(f"{sandbox.url}/web/users/{user_id_for(MANAGER)}/teams/tab?app={tab}")
        frame = page.frame_locator("#teams-tab")
        await frame.get_by_role("heading", level=1, name=re.compile("team", re.I)).wait_for(
            timeout=15_000
        )
        log = page.locator("#teams-log")
        await log.get_by_text(f"authentication.getAuthToken: signed in as {MANAGER}").wait_for()
        assert "initialize: answered" in await log.inner_text()
    finally:
        await context.close()
    # Teams' SDK asks a CDN for its list of hosts; the page's CSP and this test refuse it.
    assert all("127.0.0.1" not in url for url in refused)


async def test_the_tab_signs_in_though_teams_own_script_arrives_late(
    browser: Browser, accord_url: str, sandbox: SandboxServer
) -> None:
    # Teams listens before it loads a tab: the tab's first message must never be lost, however
    # slowly the host's own script arrives.
    context, _refused = await local_only(browser)

    async def slowly(route: Route) -> None:
        await asyncio.sleep(2)
        await route.continue_()

    await context.route(f"{sandbox.url}/web/teams/host.js", slowly)
    try:
        page = await context.new_page()
        tab = await _teams_frame(page, sandbox, accord_url, MANAGER, "/app/team")
        await tab.get_by_role("heading", level=1, name=re.compile("team", re.I)).wait_for()
    finally:
        await context.close()


async def _teams_frame(
    page: Page, sandbox: SandboxServer, accord_url: str, person: str, path: str
) -> Frame:
    """Open ``path`` as ``person``'s tab in the sandbox's Teams view; return it once signed in."""
    tab = quote(f"{accord_url}{path}?host=teams&theme=dark", safe="")
    await page.goto(f"{sandbox.url}/web/users/{user_id_for(person)}/teams/tab?app={tab}&theme=dark")
    # The iframe's own frame, whatever it shows: the sign-in page first, then the page asked for.
    frame = await (await page.locator("#teams-tab").element_handle()).content_frame()
    assert frame is not None
    # Signed in by SSO, the tab opens the page asked for (not the sign-in page naming it).
    try:
        await frame.wait_for_url(re.compile(re.escape(accord_url + path) + r"\b"))
    except PlaywrightTimeoutError as exc:
        shown = await frame.locator("body").inner_text()
        told = await page.locator("#teams-log").inner_text()
        raise AssertionError(
            f"{person}'s tab stayed at {frame.url}, showing {shown!r}; Teams' log: {told!r}"
        ) from exc
    return frame


async def test_the_journey_from_expectation_to_done_runs_inside_the_teams_frames(
    browser: Browser, accord_url: str, sandbox: SandboxServer
) -> None:
    # One browser each, as two people on two machines (a shared cookie jar would share one
    # session).
    maya_context, _refused = await local_only(browser)
    sam_context, _refused = await local_only(browser)
    try:
        maya = await _teams_frame(
            await maya_context.new_page(), sandbox, accord_url, MANAGER, "/app/team"
        )
        await maya.get_by_role("heading", level=1, name=re.compile("team", re.I)).wait_for()
        path = await create_as_manager(
            maya,
            accord_url,
            owner=SAM,
            title="Write up the Teams tab pilot",
            due=local_input(NOW + timedelta(days=10), ZONE),
        )
        # Teams' theme reached the app (the context's theme, kept by the app's cookie).
        assert await maya.locator("html").get_attribute("data-theme") == "dark"

        sam = await _teams_frame(
            await sam_context.new_page(), sandbox, accord_url, SAM, "/app/mine"
        )
        await accept_as_owner(sam, accord_url, path)
        await check_in_at_risk(sam, accord_url, path, "Waiting on legal's review.")
        await offer_conversation(maya, accord_url, path)
        await propose_new_date(sam, accord_url, path, local_input(NOW + timedelta(days=17), ZONE))
        await mark_done(sam, accord_url, path)
        assert "Done" in await sam.locator(".standing").inner_text()
    finally:
        await maya_context.close()
        await sam_context.close()
