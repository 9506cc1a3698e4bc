"""``/app/session``: a checked token becomes a cookie; pages and forms need one."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from api.auth import Principal
from api.webapp.session import SESSION_COOKIE, issue_session
from domain.action_links import LinkKeyRing
from tests.support.api import create_commitment
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import hidden_fields, sign_in, words
from tests.support.people import MANAGER, SAM


async def test_a_valid_token_makes_a_secure_cross_site_cookie_ending_with_the_token(
    web: httpx.AsyncClient, entra: FakeEntra
) -> None:
    exp = int(time.time()) + 600
    response = await web.post("/app/session", json={"token": entra.token(SAM, exp=exp)})

    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=none", "Path=/app", "Partitioned"):
        assert flag.lower() in cookie.lower(), flag
    max_age = int(cookie.lower().split("max-age=")[1].split(";")[0])
    assert 0 < max_age <= 600


async def test_over_plain_http_the_cookie_is_lax(app: FastAPI, entra: FakeEntra) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.post("/app/session", json={"token": entra.token(SAM)})
    cookie = response.headers["set-cookie"].lower()
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    assert "partitioned" not in cookie


async def test_a_bad_token_makes_no_session(web: httpx.AsyncClient, entra: FakeEntra) -> None:
    expired = entra.token(SAM, exp=int(time.time()) - 3600)
    for token in (expired, "x" * 40):
        response = await web.post("/app/session", json={"token": token})
        assert response.status_code == 401
        assert "set-cookie" not in response.headers


async def test_pages_without_a_session_send_people_to_sign_in_and_back(
    web: httpx.AsyncClient,
) -> None:
    response = await web.get("/app/team?page=abc")
    assert response.status_code == 303
    assert response.headers["location"] == "/app/signin?next=/app/team%3Fpage%3Dabc"

    signin = await web.get("/app/signin", params={"next": "https://elsewhere.example/"})
    assert signin.status_code == 200
    assert 'href="/app"' in signin.text  # never back to another site


async def test_an_expired_session_changes_nothing_and_says_so(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra, links: LinkKeyRing
) -> None:
    commitment_id = await create_commitment(http)
    await sign_in(web, entra, SAM)
    story = await web.get(f"/app/commitments/{commitment_id}")
    fields = hidden_fields(story.text, f"/app/commitments/{commitment_id}/accept")
    now = datetime.now(UTC)
    principal = Principal(object_id="o", email=SAM, display_name="Sam Okafor", tenant_id="t")
    ended, _ = issue_session(
        principal,
        expires_at=now - timedelta(seconds=1),
        now=now - timedelta(hours=1),
        secrets_=links.derived_secrets("app-session"),
    )
    web.cookies.set(SESSION_COOKIE, ended, domain="accord.test", path="/app")

    response = await web.post(f"/app/commitments/{commitment_id}/accept", data=fields)

    assert response.status_code == 401
    assert "Your session has ended; sign in again" in words(response.text)
    assert (await http.get(f"/commitments/{commitment_id}")).json()["status"] == (
        "awaiting_acceptance"
    )


async def test_a_form_without_this_sessions_csrf_token_changes_nothing(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http)
    await sign_in(web, entra, SAM)
    story = await web.get(f"/app/commitments/{commitment_id}")
    fields = hidden_fields(story.text, f"/app/commitments/{commitment_id}/accept")
    await sign_in(web, entra, SAM)  # a new session: the old page's token is not its own

    for csrf in (fields["csrf"], "", None):
        data = (
            {**fields, "csrf": csrf}
            if csrf is not None
            else {k: v for k, v in fields.items() if k != "csrf"}
        )
        response = await web.post(f"/app/commitments/{commitment_id}/accept", data=data)
        assert response.status_code == 401
        assert "Nothing was changed" in words(response.text)
    assert (await http.get(f"/commitments/{commitment_id}")).json()["status"] == (
        "awaiting_acceptance"
    )


async def test_signing_out_ends_the_session(web: httpx.AsyncClient, entra: FakeEntra) -> None:
    await sign_in(web, entra, MANAGER)
    page = await web.get("/app/commitments/new")
    assert page.status_code == 200
    csrf = hidden_fields(page.text, "/app/signout")["csrf"]

    response = await web.post("/app/signout", data={"csrf": csrf})

    assert response.status_code == 303
    # Only a partitioned removal reaches the partitioned cookie inside Teams' frame.
    assert "partitioned" in response.headers["set-cookie"].lower()
    assert (await web.get("/app/commitments/new")).status_code == 303


async def test_teams_theme_hint_is_kept_for_the_pages_that_follow(
    web: httpx.AsyncClient, entra: FakeEntra
) -> None:
    await sign_in(web, entra, MANAGER)
    hinted = await web.get("/app/commitments/new", params={"theme": "contrast"})
    assert '<html lang="en" data-theme="contrast">' in hinted.text
    following = await web.get("/app/commitments/new")
    assert '<html lang="en" data-theme="contrast">' in following.text
    ignored = await web.get("/app/commitments/new", params={"theme": "<b>"})
    assert "<b>" not in ignored.text
