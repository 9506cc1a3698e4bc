"""The Outlook add-in's task pane, used in headless Chromium as a manager would use it.

Office.js is replaced by ``tests/api/addin/office_stub.js``, served at Office.js's own URL so
that the page's Content-Security-Policy is exercised as in Outlook. Behind the page runs the
real API on a real port, with sign-in checked against the sandbox's keys, the real worker on
Temporal's dev server, and the sandbox as the directory. Set ``ADDIN_SCREENSHOT`` to a path to
save the screenshot shown in docs/addin.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn
from msgraph.graph_service_client import GraphServiceClient
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Page,
    Route,
    ViewportSize,
    async_playwright,
    expect,
)
from temporalio.testing import WorkflowEnvironment

from accord.keys.secrets import link_key_ring
from accord.settings import AccordSettings
from accord.wiring.api import build_app
from api.auth import TokenValidator
from integrations.entra.keys import OpenIdSigningKeys, metadata_url
from integrations.graph.people import GraphOrgChart, GraphPeopleDirectory
from sandbox.server import SandboxServer, free_port
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.browser import launch_chromium
from tests.support.people import AGENT, MANAGER, PRIYA, SAM
from tests.support.polling import eventually
from worker import build_worker

pytestmark = pytest.mark.browser

OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
STUB = Path(__file__).parent / "addin" / "office_stub.js"
AUDIENCE = "api://accord"
LONDON = ZoneInfo("Europe/London")
# Outlook's task pane is 320 pixels wide at its narrowest.
PANE: ViewportSize = {"width": 320, "height": 1000}
# A new workflow answers its first query within seconds; the dev server's first one is slower.
CREATING = 20_000


@dataclass
class Accord:
    url: str
    token: str

    async def commitment(self, commitment_id: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.get(
                f"/commitments/{commitment_id}", headers={"Authorization": f"Bearer {self.token}"}
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


async def user_token(sandbox: SandboxServer, upn: str) -> str:
    """What OfficeRuntime.auth.getAccessToken gives: a delegated token for Accord's API."""
    assert sandbox.state is not None
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{sandbox.url}/{sandbox.state.tenant.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "password",
                "client_id": DEMO_CLIENT_ID,
                "username": upn,
                "password": "test-only-password",
                "scope": f"{AUDIENCE}/access_as_user",
            },
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
async def accord(
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    dev_server: WorkflowEnvironment,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[Accord]:
    """The API on a real port, its worker on the dev server, the sandbox as Microsoft 365."""
    assert sandbox.state is not None
    tenant_id = sandbox.state.tenant.tenant_id
    port = free_port()
    settings = AccordSettings(
        data_dir=tmp_path / "accord",
        public_url=f"http://127.0.0.1:{port}",
        temporal_task_queue=task_queue,
        agent_mailbox=AGENT,
        auth_audience=AUDIENCE,
        worker_graceful_shutdown_seconds=0,
    )
    validator = TokenValidator(
        OpenIdSigningKeys(metadata_url(f"{sandbox.url}/{tenant_id}")),
        audience=AUDIENCE,
        tenant_id=tenant_id,
    )
    app = build_app(
        settings=settings,
        temporal=dev_server.client,
        links=link_key_ring(settings),
        directory=GraphPeopleDirectory(graph),
        org=GraphOrgChart(graph),
        validator=validator,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off"
        )
    )
    worker = await build_worker(settings, dev_server.client, graph)
    async with worker:
        serving = asyncio.create_task(server.serve())
        try:
            await eventually(lambda: server.started, timeout=15)
            yield Accord(url=settings.public_url, token=await user_token(sandbox, MANAGER))
        finally:
            server.should_exit = True
            await serving


@dataclass
class Pane:
    page: Page
    office: dict[str, Any]
    problems: list[str]

    async def office_calls(self) -> list[str]:
        calls: list[str] = await self.page.evaluate("window.__officeStub.calls")
        return calls

    def draft(self, index: int) -> Any:
        return self.page.locator("fieldset.draft").nth(index)


OpenPane = Callable[..., Awaitable[Pane]]


@pytest.fixture
async def open_pane(browser: Browser, accord: Accord) -> AsyncIterator[OpenPane]:
    contexts = []

    async def open_with(office: dict[str, Any], *, pane_script: str | None = None) -> Pane:
        context = await browser.new_context(base_url=accord.url, viewport=PANE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        script = f"window.__officeStub = {json.dumps(office)};\n{STUB.read_text()}"

        async def office_js(route: Route) -> None:
            await route.fulfill(status=200, content_type="text/javascript", body=script)

        async def elsewhere(route: Route) -> None:
            # Nothing but Accord and Office.js: the pane must not reach anywhere else.
            problems.append(f"unexpected request: {route.request.url}")
            await route.abort()

        problems: list[str] = []
        await context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/).*"), elsewhere)
        await context.route(OFFICE_JS, office_js)
        if pane_script is not None:

            async def replaced(route: Route) -> None:
                await route.fulfill(status=200, content_type="text/javascript", body=pane_script)

            await context.route(re.compile(r".*/addin/taskpane\.js$"), replaced)
        page = await context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            # Chromium logs every 4xx answer; the page shows those on purpose.
            expected = message.text.startswith("Failed to load resource: the server responded")
            if message.type == "error" and not expected:
                problems.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        await page.goto("/addin/taskpane.html")
        return Pane(page=page, office=office, problems=problems)

    yield open_with
    for context in contexts:
        await context.close()


def manager_profile() -> dict[str, str]:
    # Classic Outlook reports Windows zone names; Accord shows dates in the IANA zone.
    return {
        "emailAddress": "Maya.Chen@northwind.example",
        "displayName": "Maya Chen",
        "timeZone": "GMT Standard Time",
    }


def london(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def read_item(sent_at: datetime, weekday: str) -> dict[str, Any]:
    """Maya's email to Sam and Priya, opened from her Sent Items."""
    return {
        "subject": "Onboarding guide: your review",
        "bodyHtml": (
            '<html><head><style>p{margin:0}</style></head><body><div dir="ltr">'
            "<p>Hi Sam and Priya,</p><p>&nbsp;</p>"
            f"<p>Could you each review the onboarding guide by {weekday} 3pm? Success is "
            "comments from each of you in the shared doc, so that I can publish it for the "
            "spring hires.</p><p>&nbsp;</p><p>Thanks,<br>Maya</p>"
            '<div class="signature"><p>Maya Chen | Head of Platform | Northwind</p>'
            '<img src="https://tracker.remote.example/pixel.gif" width="1" height="1"></div>'
            "</div></body></html>"
        ),
        "to": [
            {"address": SAM, "name": "Sam Okafor"},
            {"address": PRIYA, "name": "Priya Raman"},
        ],
        "cc": [],
        "from": {"address": MANAGER, "name": "Maya Chen"},
        "dateTimeCreated": sent_at.isoformat().replace("+00:00", "Z"),
        "internetMessageId": f"<onboarding-{sent_at.timestamp():.0f}@northwind.example>",
    }


async def created_ids(pane: Pane) -> list[str]:
    sections = pane.page.locator("section.created")
    return [
        identifier
        for index in range(await sections.count())
        if (identifier := await sections.nth(index).get_attribute("data-commitment-id"))
    ]


async def test_a_manager_turns_an_open_email_into_one_commitment_per_person(
    open_pane: OpenPane, accord: Accord
) -> None:
    sent_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    wednesday_or_so = sent_at.astimezone(LONDON) + timedelta(days=3)
    weekday = wednesday_or_so.strftime("%A")
    due = wednesday_or_so.replace(hour=15, minute=0, second=0)
    office = {
        "mode": "read",
        "user": manager_profile(),
        "token": accord.token,
        "item": read_item(sent_at, weekday),
    }
    pane = await open_pane(office)
    page = pane.page

    # Pre-filled: one card per To recipient, due in Maya's zone, from the words in the email.
    await expect(page.get_by_role("status")).to_contain_text("one for each person")
    sam, priya = pane.draft(0), pane.draft(1)
    await expect(page.locator("fieldset.draft")).to_have_count(2)
    await expect(sam.get_by_role("checkbox", name="Create for Sam Okafor")).to_be_checked()
    await expect(priya.get_by_role("checkbox", name="Create for Priya Raman")).to_be_checked()
    await expect(sam.get_by_label("Owner's email")).to_have_value(SAM)
    await expect(priya.get_by_label("Owner's email")).to_have_value(PRIYA)
    await expect(sam.get_by_label("What you expect")).to_have_value(re.compile("onboarding guide"))
    await expect(sam.get_by_label("Due")).to_have_value(london(due))
    await expect(sam.get_by_text(f"read from “by {weekday} 3pm”")).to_be_visible()
    await expect(sam.get_by_text("Europe/London")).to_be_visible()
    await expect(sam.get_by_label("What done looks like")).to_have_value(
        re.compile("comments from each of you", re.IGNORECASE)
    )
    assert "getAccessToken" in " ".join(await pane.office_calls())

    # Maya corrects Sam's title, and mistypes Priya's address.
    await sam.get_by_label("What you expect").fill("Review the onboarding guide for the hires")
    await priya.get_by_label("Owner's email").fill("priya.raman@northwind.example.com")
    await expect(priya.get_by_role("checkbox")).to_have_accessible_name(
        "Create for priya.raman@northwind.example.com"
    )
    await page.get_by_role("button", name="Create", exact=True).click()

    # Sam's is created; the API's 422 for Priya's owner is shown next to that field, focused.
    created = page.locator("section.created")
    await expect(created).to_have_count(1, timeout=CREATING)
    await expect(created).to_contain_text("Created: Review the onboarding guide for the hires")
    await expect(created).to_contain_text("For Sam Okafor")
    priya = page.locator("fieldset.draft").first  # Sam's card became the note above it
    owner = priya.get_by_label("Owner's email")
    await expect(owner).to_have_attribute("aria-invalid", "true")
    await expect(owner).to_be_focused()
    error = priya.locator('[data-error="owner"]')
    await expect(error).to_have_text(
        "Accord can't find this person in your organisation. Check the address."
    )
    await expect(owner).to_have_accessible_description(re.compile("can't find this person"))
    await expect(page.get_by_role("status")).to_contain_text("1 created")
    # Everything fits Outlook's narrowest pane: nothing scrolls sideways.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PANE["width"]
    screenshot = os.environ.get("ADDIN_SCREENSHOT")
    if screenshot:
        await page.screenshot(path=screenshot, full_page=True)

    [sam_id] = await created_ids(pane)
    commitment = await accord.commitment(sam_id)
    assert commitment["title"] == "Review the onboarding guide for the hires"
    assert commitment["owner"]["email"] == SAM
    assert commitment["manager"]["email"] == MANAGER
    assert commitment["status"] == "awaiting_acceptance"
    assert datetime.fromisoformat(commitment["due"]) == due
    assert "comments from each of you" in commitment["success_criteria"].lower()

    # Corrected, Priya's is created too.
    await owner.fill(PRIYA)
    await page.get_by_role("button", name="Create", exact=True).click()
    await expect(created).to_have_count(2, timeout=CREATING)
    await expect(page.get_by_role("status")).to_have_text("All done: the commitments are created.")
    await expect(page.get_by_role("button", name="Create", exact=True)).to_be_hidden()
    first_ids = await created_ids(pane)
    assert (await accord.commitment(first_ids[1]))["owner"]["email"] == PRIYA

    # Re-opening the same email and creating again changes nothing: the same two commitments.
    await page.reload()
    await expect(page.locator("fieldset.draft")).to_have_count(2)
    await (
        pane.draft(0)
        .get_by_label("What you expect")
        .fill("Review the onboarding guide for the hires")
    )
    await page.get_by_role("button", name="Create", exact=True).click()
    await expect(created).to_have_count(2, timeout=CREATING)
    assert await created_ids(pane) == first_ids
    assert pane.problems == []


async def test_a_manager_creates_a_commitment_while_writing_the_email(
    open_pane: OpenPane, accord: Accord
) -> None:
    office = {
        "mode": "compose",
        "user": manager_profile(),
        "token": accord.token,
        "item": {
            "subject": "Q1 budget",
            "bodyHtml": "<p>Hi Sam,</p><p>Could you draft the Q1 budget for the planning "
            "review? Done when it's reviewed and shared with finance.</p><p>Thanks, Maya</p>",
            "to": [{"address": SAM, "name": "Sam Okafor"}],
            "cc": [{"address": PRIYA, "name": "Priya Raman"}],
        },
    }
    pane = await open_pane(office)
    page = pane.page
    card = pane.draft(0)

    # No date in the email: the pane says so next to the due field, and focuses it.
    await expect(page.get_by_role("status")).to_have_text(
        "Check the highlighted fields, then create."
    )
    await expect(page.locator("fieldset.draft")).to_have_count(1)
    await expect(card.get_by_label("Owner's email")).to_have_value(SAM)
    await expect(card.get_by_label("What you expect")).to_have_value(
        "Draft the Q1 budget for the planning review"
    )
    due = card.get_by_label("Due")
    await expect(due).to_have_value("")
    await expect(due).to_be_focused()
    await expect(due).to_have_accessible_description(re.compile("No due date in the message"))

    # Creating without one is stopped right there, without asking Accord.
    await page.get_by_role("button", name="Create", exact=True).click()
    await expect(card.locator('[data-error="due"]')).to_have_text("Choose a due date and time.")
    await expect(due).to_be_focused()

    # Next July, in British Summer Time: the pane must find +01:00 on its own.
    deadline = datetime(datetime.now(LONDON).year + 1, 7, 1, 17, 30, tzinfo=LONDON)
    await due.fill(london(deadline))

    # Priya should do it too: another card, with the first one's text.
    await page.get_by_role("button", name="Add another person").click()
    second = pane.draft(1)
    await expect(second.get_by_label("Owner's email")).to_be_focused()
    await expect(second.get_by_label("Due")).to_have_value(london(deadline))
    await second.get_by_label("Owner's email").fill(PRIYA)

    # An impatient double click sends each commitment once.
    creates: list[str] = []
    page.on(
        "request",
        lambda request: (
            creates.append(request.url)
            if request.method == "POST" and request.url.endswith("/commitments")
            else None
        ),
    )
    await page.get_by_role("button", name="Create", exact=True).dblclick()
    created = page.locator("section.created")
    await expect(created).to_have_count(2, timeout=CREATING)
    await expect(created.first).to_contain_text(
        "Created: Draft the Q1 budget for the planning review"
    )
    await expect(created.first).to_be_focused()
    assert len(creates) == 2

    sam_id, priya_id = await created_ids(pane)
    commitment = await accord.commitment(sam_id)
    # The wall time Maya chose, in her zone, with its offset.
    assert datetime.fromisoformat(commitment["due"]) == deadline
    assert deadline.utcoffset() == timedelta(hours=1)
    assert commitment["owner"]["email"] == SAM
    assert (await accord.commitment(priya_id))["owner"]["email"] == PRIYA
    # The item keeps its own key, so re-opening the draft creates nothing new.
    calls = await pane.office_calls()
    assert "customProperties.set:accordItemKey" in calls
    assert "customProperties.saveAsync" in calls
    assert "to.getAsync" in calls
    assert "body.getAsync:html" in calls
    assert pane.problems == []


async def test_a_pinned_pane_follows_the_manager_to_the_next_email(
    open_pane: OpenPane, accord: Accord
) -> None:
    sent_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    pane = await open_pane(
        {
            "mode": "read",
            "user": manager_profile(),
            "token": accord.token,
            "item": read_item(sent_at, "Friday"),
        }
    )
    page = pane.page
    await expect(page.locator("fieldset.draft")).to_have_count(2)
    assert "addHandlerAsync:olkItemSelectedChanged" in await pane.office_calls()

    next_email = {
        "subject": "Vendor contract",
        "bodyText": "Hi Priya, please send the signed vendor contract to legal by Thursday. "
        "Done when legal confirms they have it.",
        "to": [{"address": PRIYA, "name": "Priya Raman"}],
        "from": {"address": MANAGER, "name": "Maya Chen"},
        "dateTimeCreated": sent_at.isoformat().replace("+00:00", "Z"),
        "internetMessageId": "<vendor-contract@northwind.example>",
    }
    await page.evaluate("source => window.__officeStub.selectItem(source)", next_email)

    await expect(page.locator("fieldset.draft")).to_have_count(1)
    card = pane.draft(0)
    await expect(card.get_by_label("Owner's email")).to_have_value(PRIYA)
    await expect(card.get_by_label("What you expect")).to_have_value(re.compile("vendor contract"))
    assert pane.problems == []


async def test_a_token_refused_by_accord_is_asked_for_again_once(
    open_pane: OpenPane, accord: Accord
) -> None:
    sent_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    pane = await open_pane(
        {
            "mode": "read",
            "user": manager_profile(),
            "tokens": ["an-expired-token"],
            "token": accord.token,
            "item": read_item(sent_at, "Friday"),
        }
    )

    await expect(pane.page.locator("fieldset.draft")).to_have_count(2)
    calls = await pane.office_calls()
    assert len([call for call in calls if call.startswith("getAccessToken")]) == 2
    assert pane.problems == []


@pytest.mark.parametrize(
    ("office", "expected"),
    [
        ({"identityApi": False}, "This version of Outlook can't sign you in to Accord from here."),
        ({"tokenError": {"code": 13001, "message": "Not signed in"}}, "not signed in"),
        ({"tokenError": {"code": 13007, "message": "Office couldn't get a token"}}, "13007"),
    ],
)
async def test_without_single_sign_on_the_pane_explains_the_other_way_in(
    open_pane: OpenPane, office: dict[str, Any], expected: str
) -> None:
    pane = await open_pane(
        {
            "mode": "read",
            "user": manager_profile(),
            "item": read_item(datetime.now(UTC), "Friday"),
            **office,
        }
    )

    notice = pane.page.get_by_role("alert")
    await expect(notice).to_contain_text(expected)
    await expect(notice).to_contain_text(f"copy {AGENT} on the email")
    await expect(notice).to_contain_text("Nothing was created.")
    await expect(pane.page.locator("form")).to_be_hidden()
    assert pane.problems == []


async def test_outside_outlook_the_page_says_where_to_open_it(open_pane: OpenPane) -> None:
    pane = await open_pane({"host": "Excel", "mode": "read", "item": {}})

    await expect(pane.page.get_by_role("alert")).to_have_text(
        "Open this page from Outlook: choose Create commitment on an email."
    )


async def test_where_the_pane_cannot_run_it_says_so_and_offers_the_other_way_in(
    open_pane: OpenPane,
) -> None:
    # What an old web view (Internet Explorer's) makes of today's JavaScript: a syntax error.
    pane = await open_pane(
        {"mode": "read", "user": manager_profile(), "item": {}}, pane_script="(async () => {"
    )

    notice = pane.page.get_by_role("alert")
    await expect(notice).to_contain_text("too old for Accord's pane")
    await expect(notice).to_contain_text(f"copy {AGENT} on the email")
    await expect(pane.page.get_by_role("status")).to_have_text("")
