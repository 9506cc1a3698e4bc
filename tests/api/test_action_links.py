"""``/a/{token}``: GET only shows, POST applies once, and bad links change nothing."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright
from temporalio.client import Client

from api.dependencies import get_links
from domain.action_links import LinkAction, LinkKeyRing
from tests.support.api import NOW, FakeClock, create_commitment, link, text_of
from tests.support.api_tokens import FakeEntra
from tests.support.browser import launch_chromium
from tests.support.link_browser import open_like_a_scanner, served
from tests.support.people import MANAGER, SAM
from workflows.commitment.contracts import workflow_id_for


async def view(http: httpx.AsyncClient, commitment_id: str) -> dict[str, object]:
    response = await http.get(f"/commitments/{commitment_id}")
    assert response.status_code == 200
    result: dict[str, object] = response.json()
    return result


async def test_get_shows_what_will_happen_and_changes_nothing(
    http: httpx.AsyncClient, links: LinkKeyRing, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    before = await view(http, commitment_id)

    page = await http.get(link(links, commitment_id, LinkAction.CHECK_IN_ON_TRACK))

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Record: on track for “Publish the onboarding guide”" in text_of(page)
    assert "Nothing is recorded until you press the button." in text_of(page)
    # One real button in a plain form, and no script that could press it for anyone.
    assert '<form id="act" method="post">' in page.text
    assert page.text.count("<button") == 1
    assert '<button type="submit">Record as on track</button>' in page.text
    assert "<script" not in page.text
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert await view(http, commitment_id) == before


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


@pytest.mark.browser
async def test_a_browser_running_scripts_changes_nothing_until_the_button_is_pressed(
    app: FastAPI, http: httpx.AsyncClient, links: LinkKeyRing, temporal: Client, browser: Browser
) -> None:
    # Mail scanners (Safe Links detonation and its peers) open links in real browsers.
    commitment_id = await create_commitment(http)
    before = await view(http, commitment_id)
    url = link(links, commitment_id, LinkAction.ACCEPT)
    handle = temporal.get_workflow_handle(workflow_id_for(commitment_id))
    link_id = links.verify(url.removeprefix("/a/"), NOW).link_id

    async with served(app) as base:
        page = await open_like_a_scanner(browser, base + url)
        try:
            assert await view(http, commitment_id) == before
            assert before["status"] == "awaiting_acceptance"
            assert "Nothing is recorded until you press the button." in await page.inner_text(
                "main"
            )
            button = page.get_by_role("button")
            assert await button.count() == 1

            await button.click()
            await page.wait_for_load_state("networkidle")

            assert "Thanks — you've accepted it." in await page.inner_text("main")
        finally:
            await page.context.close()

    assert (await view(http, commitment_id))["status"] == "active"
    applied = await handle.query("action_ids", result_type=list[str | None])
    assert applied.count(link_id) == 1


async def test_post_applies_once_however_often_it_is_sent(
    http: httpx.AsyncClient, links: LinkKeyRing, temporal: Client, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    url = link(links, commitment_id, LinkAction.CHECK_IN_ON_TRACK)

    first = await http.post(url)
    second = await http.post(url)

    assert first.status_code == second.status_code == 200
    assert "Thanks — recorded as on track." in text_of(first)
    assert "Anything you'd like Maya Chen to know?" in text_of(first)
    check_ins = (await view(http, commitment_id))["check_ins"]
    assert isinstance(check_ins, list)
    assert [entry["answer"] for entry in check_ins] == ["on_track"]
    handle = temporal.get_workflow_handle(workflow_id_for(commitment_id))
    applied = await handle.query("action_ids", result_type=list[str | None])
    token = url.removeprefix("/a/")
    claims = links.verify(token, NOW)
    assert applied == [None, claims.link_id]


async def test_a_note_follows_a_check_in_once(
    http: httpx.AsyncClient, links: LinkKeyRing, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    url = link(links, commitment_id, LinkAction.CHECK_IN_AT_RISK)
    await http.post(url)

    noted = await http.post(url, data={"note": "Legal review is slow."})
    again = await http.post(url, data={"note": "Legal review is slow."})

    assert noted.status_code == again.status_code == 200
    assert "Your note is recorded too." in text_of(noted)
    check_ins = (await view(http, commitment_id))["check_ins"]
    assert isinstance(check_ins, list)
    assert [entry["note"] for entry in check_ins] == [None, "Legal review is slow."]


@pytest.mark.parametrize(
    ("action", "status", "thanks"),
    [
        (LinkAction.ACCEPT, "active", "Thanks — you've accepted it."),
        (LinkAction.TALK, "clarifying", "Thanks — you've asked to talk it through."),
    ],
)
async def test_links_map_to_their_updates(
    http: httpx.AsyncClient, links: LinkKeyRing, action: LinkAction, status: str, thanks: str
) -> None:
    commitment_id = await create_commitment(http)

    page = await http.post(link(links, commitment_id, action))

    assert page.status_code == 200
    assert thanks in text_of(page)
    assert "Anything you'd like" not in page.text
    assert (await view(http, commitment_id))["status"] == status


async def test_the_page_escapes_commitment_text(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    commitment_id = await create_commitment(http, title="<script>alert(1)</script> & co")

    page = await http.get(link(links, commitment_id, LinkAction.ACCEPT))

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page.text


async def test_a_link_to_a_commitment_that_moved_on_changes_nothing(
    http: httpx.AsyncClient, links: LinkKeyRing, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    before = await view(http, commitment_id)

    page = await http.post(link(links, commitment_id, LinkAction.ACCEPT))

    assert page.status_code == 409
    words = text_of(page)
    assert "This has moved on since the email was sent" in words
    assert "This commitment is active now, so nothing was changed." in words
    assert "Nothing was changed." in words
    assert "“Publish the onboarding guide”" in words
    assert await view(http, commitment_id) == before


async def test_a_link_from_someone_else_is_refused_by_the_commitment(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    commitment_id = await create_commitment(http)

    page = await http.post(link(links, commitment_id, LinkAction.ACCEPT, person=MANAGER))

    assert page.status_code == 409
    assert "Only the commitment's owner can do this." in text_of(page)


async def test_a_link_to_a_missing_commitment_is_404(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    url = link(links, "gone-for-good", LinkAction.ACCEPT)

    shown = await http.get(url)
    applied = await http.post(url)

    assert shown.status_code == applied.status_code == 404
    assert "We couldn't find this commitment" in text_of(applied)


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_forged_link_is_400(
    http: httpx.AsyncClient, links: LinkKeyRing, method: str
) -> None:
    commitment_id = await create_commitment(http)
    before = await view(http, commitment_id)
    forger = LinkKeyRing([secrets.token_bytes(32)])

    page = await http.request(method, link(forger, commitment_id, LinkAction.ACCEPT))

    assert page.status_code == 400
    assert "This link is not valid" in text_of(page)
    assert "Nothing was changed." in text_of(page)
    assert await view(http, commitment_id) == before


@pytest.mark.parametrize("token", ["not-a-token", "a.b.c", "%00", "x" * 5000])
async def test_malformed_links_are_400(http: httpx.AsyncClient, token: str) -> None:
    page = await http.post(f"/a/{token}")

    assert page.status_code == 400
    assert "This link is not valid" in text_of(page)


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_expired_link_is_410(
    http: httpx.AsyncClient, links: LinkKeyRing, clock: FakeClock, method: str
) -> None:
    commitment_id = await create_commitment(http)
    url = link(links, commitment_id, LinkAction.ACCEPT, expires_in=timedelta(days=1))
    before = await view(http, commitment_id)
    clock.advance(timedelta(days=2))

    page = await http.request(method, url)

    assert page.status_code == 410
    assert "This link has expired" in text_of(page)
    assert await view(http, commitment_id) == before


async def test_links_survive_key_rotation_until_the_old_key_is_dropped(
    http: httpx.AsyncClient, app: FastAPI, link_key: bytes
) -> None:
    commitment_id = await create_commitment(http)
    new_key = secrets.token_bytes(32)
    old_link = link(LinkKeyRing([link_key]), commitment_id, LinkAction.ACCEPT)
    app.dependency_overrides[get_links] = lambda: LinkKeyRing([new_key, link_key])
    assert (await http.get(old_link)).status_code == 200

    app.dependency_overrides[get_links] = lambda: LinkKeyRing([new_key])
    page = await http.post(old_link)

    assert page.status_code == 400
    assert "This link is not valid" in text_of(page)
    assert (await view(http, commitment_id))["status"] == "awaiting_acceptance"


def with_commitment_id(token: str, commitment_id: str) -> str:
    """The same token and signature, its payload pointing at another commitment."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cid"] = commitment_id
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


async def test_a_link_cannot_be_pointed_at_another_commitment(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    mine = await create_commitment(http)
    other = await create_commitment(http)
    token = link(links, mine, LinkAction.ACCEPT).removeprefix("/a/")

    page = await http.post(f"/a/{with_commitment_id(token, other)}")

    assert page.status_code == 400
    assert (await view(http, other))["status"] == "awaiting_acceptance"
    assert (await view(http, mine))["status"] == "awaiting_acceptance"
