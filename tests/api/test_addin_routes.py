"""``/addin``: the task pane's page and files, its manifest, and ``POST /addin/prefill``."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from accord.settings import AccordSettings
from accord.wiring.api import api_config
from api.dependencies import get_config
from api.routers.addin import OFFICE_JS_ORIGIN
from domain.action_links import LinkKeyRing
from tests.support.api import NOW, FakeClock, app_without_temporal
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER, PRIYA, SAM

PROBLEM_JSON = "application/problem+json"
CLIENT_ID = "6a1c2b3d-0000-4000-8000-00000000acc0"


@pytest.fixture
def app(entra: FakeEntra, clock: FakeClock) -> FastAPI:
    """The API without Temporal: nothing under /addin needs it."""
    return app_without_temporal(entra, clock)


def item(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "mode": "read",
        "subject": "RE: Q1 budget",
        "body": "<p>Hi Sam,</p><p>Could you draft the Q1 budget by Friday 3pm? Done when "
        "the sheet is reviewed and shared with finance.</p><p>Thanks, Maya</p>",
        "body_type": "html",
        "sender": {"address": MANAGER, "name": "Maya Chen"},
        "to": [{"address": SAM, "name": "Sam Okafor"}],
        "cc": [{"address": PRIYA, "name": "Priya Raman"}],
        "sent_at": (NOW - timedelta(hours=1)).isoformat(),
        "time_zone": "GMT Standard Time",
    }
    body.update(changes)
    return body


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str | None] = []
        self.inline_handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.sources.append(dict(attrs).get("src"))
        self.inline_handlers += [name for name, _ in attrs if name.startswith("on")]


async def test_the_task_pane_loads_scripts_only_from_accord_and_office_js(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/addin/taskpane.html", headers={"Authorization": ""})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == f"'self' {OFFICE_JS_ORIGIN}"
    assert directives["connect-src"] == "'self'"
    assert "https://outlook.office.com" in directives["frame-ancestors"]
    scripts = _Scripts()
    scripts.feed(response.text)
    assert scripts.sources == [
        f"{OFFICE_JS_ORIGIN}/lib/1/hosted/office.js",
        "taskpane.js",
        "taskpane-check.js",
    ]
    assert scripts.inline_handlers == []
    assert 'data-agent-mailbox="accord@northwind.example"' in response.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("functions.html", "text/html"),
        ("taskpane.js", "text/javascript"),
        ("taskpane-check.js", "text/javascript"),
        ("taskpane.css", "text/css"),
        ("icon-16.png", "image/png"),
        ("icon-32.png", "image/png"),
        ("icon-64.png", "image/png"),
        ("icon-80.png", "image/png"),
        ("icon-128.png", "image/png"),
    ],
)
async def test_the_pane_files_are_served_without_sign_in(
    http: httpx.AsyncClient, name: str, media_type: str
) -> None:
    response = await http.get(f"/addin/{name}", headers={"Authorization": ""})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["x-content-type-options"] == "nosniff"
    if name.endswith(".html"):
        assert (
            "script-src 'self' https://appsforoffice" in response.headers["content-security-policy"]
        )
    if name.endswith(".png"):
        size = int(name.removeprefix("icon-").removesuffix(".png"))
        assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(response.content[16:20], "big") == size


@pytest.mark.parametrize("name", ["manifest.json", "..%2Fapp.py", "office_stub.js"])
async def test_nothing_else_is_served_from_the_add_in_folder(
    http: httpx.AsyncClient, name: str
) -> None:
    response = await http.get(f"/addin/{name}")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_the_manifest_points_at_the_deployment(app: FastAPI, http: httpx.AsyncClient) -> None:
    settings = AccordSettings(
        public_url="https://accord.contoso.example/", addin_client_id=CLIENT_ID
    )
    config = api_config(settings, LinkKeyRing([b"k" * 32]))
    app.dependency_overrides[get_config] = lambda: config

    response = await http.get("/addin/manifest.xml")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert "https://accord.contoso.example/addin/taskpane.html" in response.text
    assert f"api://accord.contoso.example/{CLIENT_ID}" in response.text


@pytest.mark.parametrize(
    ("public_url", "client_id", "reason"),
    [
        ("http://127.0.0.1:8000", CLIENT_ID, "https"),
        ("https://accord.contoso.example", None, "ACCORD_ADDIN_CLIENT_ID"),
    ],
)
async def test_no_manifest_without_https_or_a_sign_in_registration(
    app: FastAPI, http: httpx.AsyncClient, public_url: str, client_id: str | None, reason: str
) -> None:
    settings = AccordSettings(public_url=public_url, addin_client_id=client_id)
    config = api_config(settings, LinkKeyRing([b"k" * 32]))
    app.dependency_overrides[get_config] = lambda: config

    response = await http.get("/addin/manifest.xml")

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM_JSON
    assert reason in response.json()["detail"]


async def test_prefill_needs_sign_in(http: httpx.AsyncClient) -> None:
    response = await http.post("/addin/prefill", json=item(), headers={"Authorization": ""})

    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_prefill_reads_an_open_email_in_the_managers_zone(http: httpx.AsyncClient) -> None:
    response = await http.post("/addin/prefill", json=item())

    assert response.status_code == 200, response.text
    prefill = response.json()
    assert prefill["manager"]["address"] == MANAGER
    assert prefill["time_zone"] == "Europe/London"
    assert prefill["missing"] == []
    assert prefill["agent_mailbox"] == "accord@northwind.example"
    [draft] = prefill["drafts"]
    assert draft["owner"] == {"address": SAM, "name": "Sam Okafor"}
    assert "Q1 budget" in draft["title"]
    assert "finance" in draft["success_criteria"]
    # NOW is Monday 2 March 2026, 09:00 UTC: "Friday 3pm" in London (GMT) is 6 March.
    assert draft["due_local"] == "2026-03-06T15:00"
    assert draft["due_text"] == "by Friday 3pm"


async def test_prefill_gives_one_draft_per_owner_and_leaves_out_the_manager(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post(
        "/addin/prefill",
        json=item(
            mode="compose",
            sender=None,
            sent_at=None,
            subject="Onboarding guide",
            body="Sam and Priya, please review the onboarding guide by Thursday. Success "
            "looks like comments from both of you in the doc.",
            body_type="text",
            to=[
                {"address": SAM, "name": "Sam Okafor"},
                {"address": PRIYA, "name": "Priya Raman"},
                {"address": MANAGER.upper(), "name": "Maya Chen"},
            ],
            cc=[],
        ),
    )

    assert response.status_code == 200, response.text
    drafts = response.json()["drafts"]
    assert [draft["owner"]["address"] for draft in drafts] == [SAM, PRIYA]
    # Composing means "sent now": Thursday after Monday 2 March, at the end of the day.
    assert {draft["due_local"] for draft in drafts} == {"2026-03-05T17:00"}


async def test_prefill_says_what_is_missing_next_to_each_field(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/addin/prefill",
        json=item(
            subject="",
            body="Could someone look into the flaky build?",
            body_type="text",
            to=[],
            cc=[],
        ),
    )

    assert response.status_code == 200, response.text
    prefill = response.json()
    missing = {entry["field"]: entry["message"] for entry in prefill["missing"]}
    assert set(missing) >= {"owner", "due", "success_criteria"}
    assert all(message.strip() for message in missing.values())
    [draft] = prefill["drafts"]
    assert draft["owner"]["address"] == ""
    assert draft["due"] is None


async def test_prefill_offers_the_sender_of_a_received_email_as_owner(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post(
        "/addin/prefill",
        json=item(
            subject="Re: Q1 budget",
            body="Hi Maya, I'll send you the budget by Thursday.",
            body_type="text",
            sender={"address": SAM, "name": "Sam Okafor"},
            to=[{"address": MANAGER, "name": "Maya Chen"}],
            cc=[],
        ),
    )

    assert response.status_code == 200, response.text
    [draft] = response.json()["drafts"]
    assert draft["owner"]["address"] == SAM
    assert draft["due_local"] == "2026-03-05T17:00"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mode": "draft"}, "mode"),
        ({"sent_at": "2026-03-02T09:00:00"}, "sent_at"),
        ({"to": [{"address": SAM, "role": "owner"}]}, "to.0.role"),
    ],
)
async def test_prefill_names_each_field_it_cannot_take(
    http: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    response = await http.post("/addin/prefill", json=item(**changes))

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", ""])
async def test_an_unknown_time_zone_shows_times_in_utc_and_says_so(
    http: httpx.AsyncClient, time_zone: str
) -> None:
    response = await http.post("/addin/prefill", json=item(time_zone=time_zone))

    assert response.status_code == 200, response.text
    prefill = response.json()
    assert prefill["time_zone"] == "UTC"
    assert [note for note in prefill["notes"] if "UTC" in note]
    assert prefill["drafts"][0]["due_local"] == "2026-03-06T15:00"


async def test_a_body_beyond_the_limit_is_refused_clearly(http: httpx.AsyncClient) -> None:
    response = await http.post("/addin/prefill", json=item(body="x" * 70_000, body_type="text"))

    assert response.status_code in {413, 422}
    assert response.headers["content-type"] == PROBLEM_JSON
