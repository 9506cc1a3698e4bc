"""The web app in tests: signing in, reading its forms, and the people's journeys in a browser.

The journey steps take a Playwright ``Page`` or ``Frame`` (their locator methods are the
same), so the same journey runs in a browser tab and inside the sandbox's Teams frame.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import BrowserContext, Frame, Page, Route

from tests.support.api_tokens import FakeEntra

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


async def sign_in(
    client: httpx.AsyncClient, entra: FakeEntra, email: str, *, roles: tuple[str, ...] = ()
) -> httpx.Response:
    """Start a web app session for ``email`` on ``client`` (its cookie jar keeps it)."""
    client.cookies.clear()
    return await client.post("/app/session", json={"token": entra.token(email, roles=roles)})


def hidden_fields(page_html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the page's form posting to ``action``."""
    forms = re.findall(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page_html, flags=re.S)
    for target, body in forms:
        if html.unescape(target) == action:
            return {
                name: html.unescape(value)
                for name, value in re.findall(
                    r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body
                )
            }
    raise AssertionError(f"no form posting to {action}")


def words(page_html: str) -> str:
    """The page's main text, tags removed, as a person reads it."""
    main = page_html.split('<main id="main"', 1)[-1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def local_input(at: datetime, zone: str = "UTC") -> str:
    """``at`` as a ``datetime-local`` field's value in ``zone``."""
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


Surface = Page | Frame
"""A browser tab, or the frame the sandbox's Teams view shows the tab in."""


AXE_PATH = "/__tests__/axe.min.js"


async def serve_axe(context: BrowserContext) -> None:
    """Answer :data:`AXE_PATH` on every origin with axe-core, so the app's CSP (scripts from
    itself only) allows it and stays on while axe runs."""
    if not AXE_SCRIPT.is_file():
        raise AssertionError("axe-core is missing: run `npm ci` (./dev check does it)")

    async def fulfil(route: Route) -> None:
        await route.fulfill(path=AXE_SCRIPT, content_type="text/javascript")

    await context.route(f"**{AXE_PATH}", fulfil)


async def browser_session(context: BrowserContext, base: str, token: str) -> None:
    """Sign a browser context in by posting a token to ``/app/session`` through its requests.

    The context also gets axe-core (see :func:`serve_axe`).
    """
    await serve_axe(context)
    response = await context.request.post(f"{base}/app/session", data={"token": token})
    assert response.status == 204, await response.text()


async def check_accessible(page: Surface) -> None:
    """Run axe-core on the page (or frame): no WCAG 2.2 AA violation may remain."""
    await page.add_script_tag(url=AXE_PATH)
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        (item["id"], item["help"], [node["target"] for node in item["nodes"]][:3])
        for item in result["violations"]
    ]
    assert violations == [], violations


async def press(surface: Surface, button: str) -> None:
    """Press a button by its name and wait for the page that answers."""
    await surface.get_by_role("button", name=button, exact=True).click()
    await surface.locator("main").wait_for()


async def create_as_manager(
    surface: Surface, base: str, *, owner: str, title: str, due: str
) -> str:
    """Set ``owner`` an expectation from the form; return the new commitment's path."""
    await surface.goto(f"{base}/app/commitments/new")
    await surface.get_by_label("Who is it for? (their email address)").fill(owner)
    await surface.get_by_label("What is expected").fill(title)
    await surface.get_by_label("What done looks like").fill("Reviewed by two leads.")
    await surface.get_by_label("Agreed date", exact=False).fill(due)
    await press(surface, "Send the expectation")
    await surface.get_by_text("Sent: the owner will be asked to accept it.").wait_for()
    url: str = await surface.locator("main").evaluate("() => location.pathname")
    return url


async def accept_as_owner(surface: Surface, base: str, path: str) -> None:
    """The owner opens the story and accepts."""
    await surface.goto(base + path)
    await press(surface, "Accept")
    await surface.get_by_text("Thanks: you've accepted it.").wait_for()


async def check_in_at_risk(surface: Surface, base: str, path: str, note: str) -> None:
    """The owner checks in: at risk, with a note."""
    await surface.goto(base + path)
    await surface.get_by_label("At risk").check()
    await surface.get_by_label("A note (optional)").fill(note)
    await press(surface, "Check in")
    await surface.get_by_text("Thanks: your check-in is recorded.").wait_for()


async def offer_conversation(surface: Surface, base: str, path: str) -> None:
    """The manager offers a conversation."""
    await surface.goto(base + path)
    await press(surface, "Offer a conversation")
    await surface.get_by_text("Accord will look for a time").wait_for()


async def propose_new_date(surface: Surface, base: str, path: str, new_due: str) -> None:
    """The owner proposes a later date."""
    await surface.goto(base + path)
    await surface.get_by_text("Propose a new date or scope", exact=True).click()
    await surface.get_by_label("New date", exact=False).fill(new_due)
    await surface.get_by_label("Why (optional)").fill("The vendor needs another week.")
    await press(surface, "Propose the change")
    await surface.get_by_text("Your proposed change is sent for agreement.").wait_for()


async def mark_done(surface: Surface, base: str, path: str) -> None:
    """The owner marks it done."""
    await surface.goto(base + path)
    await press(surface, "Mark done")
    await surface.get_by_text("Marked done.").wait_for()


async def agree_change(surface: Surface, base: str, path: str) -> None:
    """The other person agrees to the proposed change."""
    await surface.goto(base + path)
    await press(surface, "Agree to the change")
    await surface.get_by_text("The change is agreed.").wait_for()


async def ask_for_support(surface: Surface, base: str, path: str, note: str) -> None:
    """The owner asks their manager what would help."""
    await surface.goto(base + path)
    await surface.locator("summary", has_text="for support").click()
    await surface.get_by_label("What would help? (optional)").fill(note)
    await press(surface, "Ask for support")
    await surface.get_by_text("Sent: your manager will hear what would help.").wait_for()


async def promise_support(surface: Surface, base: str, path: str, what: str, due: str) -> None:
    """The manager answers a request with a promise: what, by when (the form is open)."""
    await surface.goto(base + path)
    await surface.get_by_label("What you'll do for", exact=False).fill(what)
    await surface.get_by_label("By when", exact=False).fill(due)
    await press(surface, "Promise it")
    await surface.get_by_text("Promised: Accord will remind you kindly").wait_for()


async def whole_journey(
    manager: Surface, owner: Surface, base: str, *, owner_email: str, due: str, new_due: str
) -> str:
    """Create, accept, check in at risk, offer a conversation, revise (proposed by the owner,
    agreed by the manager) and mark done, on the real workflow; return the story's path.

    Args:
        manager: the manager's page or frame, signed in.
        owner: the owner's page or frame, signed in.
        base: where the app is served.
        owner_email: the owner's address.
        due: the agreed date, as a ``datetime-local`` value (:func:`local_input`).
        new_due: the revised date, likewise.
    """
    path = await create_as_manager(
        manager, base, owner=owner_email, title="Publish the onboarding guide", due=due
    )
    await accept_as_owner(owner, base, path)
    await check_in_at_risk(owner, base, path, "Waiting on legal's review.")
    await offer_conversation(manager, base, path)
    await propose_new_date(owner, base, path, new_due)
    await agree_change(manager, base, path)
    await mark_done(owner, base, path)
    return path
