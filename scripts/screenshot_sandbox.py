"""Take the screenshot of the sandbox's web page shown in the docs (``docs/sandbox.png``).

Starts a sandbox with the demo tenant in a temporary directory, sends a few Accord-style
messages and a meeting invitation through the real Graph SDK, opens Sam's inbox in headless
Chromium (Debian's ``chromium``; no browser is downloaded) and saves a 1280x800 PNG.

    ./dev python scripts/screenshot_sandbox.py [--out docs/sandbox.png]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.location import Location
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from playwright.async_api import async_playwright

from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.browser import launch_chromium

DOMAIN = "northwind.example"
MAYA = f"maya.chen@{DOMAIN}"
SAM = f"sam.okafor@{DOMAIN}"
PRIYA = f"priya.raman@{DOMAIN}"
ACCORD = f"accord@{DOMAIN}"
NAMES = {MAYA: "Maya Chen", SAM: "Sam Okafor", PRIYA: "Priya Raman"}
# Where Accord's action links would point; the page only has to show them as links.
ACTIONS = "https://accord.northwind.example/a"

_BUTTON = (
    "display:inline-block;padding:10px 18px;margin-right:8px;border-radius:6px;"
    "text-decoration:none;font-weight:600;"
)


def _accord_mail(greeting: str, paragraphs: list[str], buttons: list[tuple[str, str]]) -> str:
    shown = "".join(f'<p style="margin:0 0 14px 0;">{text}</p>' for text in paragraphs)
    links = "".join(
        f'<a href="{ACTIONS}/{path}" style="{_BUTTON}'
        f"{'background:#2f6f8f;color:#fff;' if index == 0 else 'background:#eef2f5;color:#1f2933;'}"
        f'">{label}</a>'
        for index, (label, path) in enumerate(buttons)
    )
    return (
        '<div style="background:#f5f5f3;padding:20px;font-family:Segoe UI,Arial,sans-serif;'
        'font-size:15px;line-height:1.5;color:#242424;">'
        '<div style="max-width:560px;margin:0 auto;padding:22px;background:#fff;'
        'border-radius:8px;">'
        f'<p style="margin:0 0 14px 0;">{greeting}</p>{shown}<p style="margin:18px 0;">{links}</p>'
        '<p style="margin:18px 0 0 0;">Accord, for Maya Chen</p>'
        '<p style="margin:16px 0 0 0;font-size:12px;color:#6b6b6b;">You\'re receiving this '
        "because Maya Chen and you use Accord to keep track of what you've agreed together.</p>"
        "</div></div>"
    )


async def _send(
    graph: GraphServiceClient, sender: str, to: str, subject: str, body: str, *, html: bool
) -> None:
    message = Message(
        subject=subject,
        body=ItemBody(content_type=BodyType.Html if html else BodyType.Text, content=body),
        to_recipients=[Recipient(email_address=EmailAddress(address=to, name=NAMES[to]))],
    )
    await graph.users.by_user_id(sender).send_mail.post(
        SendMailPostRequestBody(message=message, save_to_sent_items=True)
    )


def _start_of_the_story(server: SandboxServer) -> None:
    """Set the clock to the Tuesday after next Monday, 13:20 UTC.

    The demo tenant puts Lukas's absence in the week after it was created, so on that Tuesday
    Maya (London) and Sam (New York) are at work, Priya (India) has finished and Lukas is away.
    """
    assert server.state is not None  # noqa: S101 - the server is running
    now = server.state.clock.now()
    next_monday = (now + timedelta(days=7 - now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    server.state.clock.set(next_monday + timedelta(days=1, hours=13, minutes=20))


def _later(server: SandboxServer, minutes: int) -> None:
    assert server.state is not None  # noqa: S101 - the server is running
    server.state.clock.advance(timedelta(minutes=minutes))


async def _populate(graph: GraphServiceClient, server: SandboxServer) -> None:
    assert server.state is not None  # noqa: S101 - the server is running
    _start_of_the_story(server)
    # Due on Friday of the following week, at 17:00 in Sam's zone (New York).
    due = (server.state.clock.now() + timedelta(days=10)).astimezone(ZoneInfo("America/New_York"))
    due_text = f"{due:%A} {due.day} {due:%B}, 17:00"
    await _send(
        graph,
        ACCORD,
        SAM,
        "Maya would like to agree something with you: Q3 onboarding guide",
        _accord_mail(
            "Hi Sam,",
            [
                "Maya has asked you to take this on, and would like to agree it with you first.",
                "<b>Q3 onboarding guide</b>: a first draft new starters can follow on their own, "
                f"due <b>{due_text}</b> (your time, Eastern).",
                "Does this look clear and doable? If something is unclear, or the date doesn't "
                "work alongside your other work, choose \u201cLet's talk\u201d and I'll set up a "
                "short conversation with Maya.",
            ],
            [("Accept", "accept/7f3a"), ("Let's talk", "talk/7f3a")],
        ),
        html=True,
    )
    _later(server, 17)
    await _send(
        graph,
        MAYA,
        SAM,
        "Onboarding guide: a few pointers",
        "Hi Sam,\n\nThe old wiki page is a decent start; Priya has notes from the last two "
        "starters too.\n\nNo rush on the first draft.\n\nMaya",
        html=False,
    )
    _later(server, 12)
    start = (server.state.clock.now() + timedelta(days=1)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    end = start + timedelta(minutes=30)
    await graph.users.by_user_id(MAYA).events.post(
        Event(
            subject="Sam / Maya: onboarding guide",
            body=ItemBody(
                content_type=BodyType.Text,
                content="A short conversation to agree scope and date, set up by Accord.",
            ),
            start=DateTimeTimeZone(date_time=start.strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"),
            end=DateTimeTimeZone(date_time=end.strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"),
            location=Location(display_name="Teams"),
            attendees=[
                Attendee(
                    email_address=EmailAddress(address=SAM, name="Sam Okafor"),
                    type=AttendeeType.Required,
                )
            ],
        )
    )
    _later(server, 21)
    await _send(
        graph,
        ACCORD,
        SAM,
        "Checking in: API rate-limit runbook",
        _accord_mail(
            "Hi Sam,",
            [
                "A quick check-in on the API rate-limit runbook, due next Thursday. "
                "How is it going?",
                "Nothing needs writing up: one click is enough, and \u201cNeed help\u201d "
                "lets Maya know you'd like a hand.",
            ],
            [("On track", "checkin/on-track"), ("Need help", "checkin/help")],
        ),
        html=True,
    )
    await _send(
        graph,
        ACCORD,
        PRIYA,
        "Checking in: data quality dashboard",
        _accord_mail(
            "Hi Priya,",
            ["A quick check-in on the data quality dashboard. How is it going?"],
            [("On track", "checkin/on-track")],
        ),
        html=True,
    )


async def take(out: Path) -> None:
    """Populate a fresh sandbox and save the screenshot to ``out``."""
    with tempfile.TemporaryDirectory() as data, SandboxServer(Path(data) / "sandbox") as server:
        assert server.state is not None  # noqa: S101 - the server is running
        async with SandboxClientCredential(
            server.url, server.state.tenant.tenant_id, DEMO_CLIENT_ID, "screenshot-secret"
        ) as credential:
            graph = build_graph_client(GraphConnection(server.graph_url, credential))
            await _populate(graph, server)
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            page = await browser.new_page(
                base_url=server.url, viewport={"width": 1280, "height": 800}
            )
            await page.goto("/")
            await (
                page.get_by_role("navigation", name="People")
                .get_by_role("link", name="Sam Okafor")
                .click()
            )
            await page.locator(".messages a", has_text="agree something").click()
            await (
                page.frame_locator("iframe.body-frame")
                .get_by_text("Q3 onboarding")
                .first.wait_for()
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(out))
            await browser.close()


def main() -> None:
    """Parse the arguments and take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/sandbox.png"))
    asyncio.run(take(parser.parse_args().out))


if __name__ == "__main__":
    main()
