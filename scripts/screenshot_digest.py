"""Take the screenshot of a weekly digest in the sandbox's mailbox (``docs/digest.png``).

Starts a sandbox with the demo tenant in a temporary directory, builds Maya's digest from
eight weeks of her team's commitments (the same :func:`domain.digest.build_digest` the
worker uses), sends it through the real Graph SDK exactly as the ``send_digest`` activity
does (HTML body, chart as an inline attachment), opens it in headless Chromium (Debian's
``chromium``), waits for the chart to load and saves the page.

    ./dev python scripts/screenshot_digest.py [--out docs/digest.png]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from playwright.async_api import async_playwright

from activities.digest.activities import digest_message, render_digest
from activities.digest.charts import weekly_chart
from domain.digest import build_digest
from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentStatus,
    HistoryEntry,
    Person,
    Revision,
)
from domain.reliability import CommitmentFacts
from domain.support import CommitmentKind, SupportRequest
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.browser import launch_chromium

DOMAIN = "northwind.example"
ACCORD = f"accord@{DOMAIN}"
MAYA = Person(email=f"maya.chen@{DOMAIN}", display_name="Maya Chen")
SAM = Person(email=f"sam.okafor@{DOMAIN}", display_name="Sam Okafor")
PRIYA = Person(email=f"priya.raman@{DOMAIN}", display_name="Priya Raman")
LUKAS = Person(email=f"lukas.weber@{DOMAIN}", display_name="Lukas Weber")
ZONE = "Europe/London"


def _facts(
    number: int,
    title: str,
    owner: Person,
    status: CommitmentStatus,
    due: datetime,
    *,
    events: tuple[tuple[str, datetime], ...] = (),
    check_ins: tuple[tuple[CheckInAnswer, datetime], ...] = (),
    revisions: tuple[Revision, ...] = (),
) -> CommitmentFacts:
    done = next((at for kind, at in events if kind.startswith("done")), None)
    return CommitmentFacts(
        commitment_id=f"demo-{number}",
        title=title,
        owner=owner,
        manager=MAYA,
        status=status,
        due=due,
        created_at=due - timedelta(weeks=3),
        completed_at=done,
        history=[HistoryEntry(at=at, actor=Actor.SYSTEM, kind=kind) for kind, at in events],
        check_ins=[CheckIn(at=at, answer=answer) for answer, at in check_ins],
        revisions=list(revisions),
    )


def team(now: datetime) -> list[CommitmentFacts]:
    """Eight weeks of Maya's team: mostly on time, a dip three weeks ago, one blocker now."""
    week = timedelta(weeks=1)
    history: list[CommitmentFacts] = []
    for n in range(1, 8):
        due = now - week * n - timedelta(days=1)
        # Three and four weeks ago two dates passed; the work was finished a few days later.
        events = (
            (("deadline_passed", due), ("done_late", due + timedelta(days=3)))
            if n in (3, 4)
            else (("done_on_time", due - timedelta(hours=4)),)
        )
        owner = (SAM, PRIYA, LUKAS)[n % 3]
        history.append(
            _facts(n, f"Weekly report {n}", owner, CommitmentStatus.DONE, due, events=events)
        )
    revision = Revision(
        old_due=now + timedelta(days=1),
        new_due=now + timedelta(days=8),
        old_scope="All regions",
        new_scope="All regions except APAC",
        reason="The APAC numbers arrive next month",
        proposed_by=Actor.OWNER,
        accepted_by=Actor.MANAGER,
        at=now - timedelta(days=2),
    )
    current = [
        _facts(
            20,
            "Draft the Q1 budget",
            SAM,
            CommitmentStatus.ACTIVE,
            now + timedelta(days=3),
            check_ins=((CheckInAnswer.BLOCKED, now - timedelta(days=1)),),
        ).model_copy(
            update={
                "support_requests": [
                    SupportRequest(
                        at=now - timedelta(days=1), note="Half an hour with finance this week"
                    )
                ]
            }
        ),
        _facts(
            21,
            "Quarterly revenue report",
            PRIYA,
            CommitmentStatus.ACTIVE,
            now + timedelta(days=8),
            revisions=(revision,),
        ),
        _facts(22, "Onboarding guide", PRIYA, CommitmentStatus.ACTIVE, now + timedelta(days=10)),
        _facts(
            23,
            "API rate-limit runbook",
            LUKAS,
            CommitmentStatus.DONE,
            now - timedelta(days=1),
            events=(("done_on_time", now - timedelta(days=2)),),
        ),
    ]
    return history + current + promises(now)


def promises(now: datetime) -> list[CommitmentFacts]:
    """What Maya promised her team: one kept, one kept a day late, one open."""
    kept_at, late_at = now - timedelta(days=4), now - timedelta(days=1)
    made = [
        ("Intro to the finance lead", SAM, CommitmentStatus.DONE, now - timedelta(days=3), kept_at),
        (
            "Access to the billing data",
            PRIYA,
            CommitmentStatus.DONE,
            now - timedelta(days=2),
            late_at,
        ),
        ("Review the runbook draft", LUKAS, CommitmentStatus.ACTIVE, now + timedelta(days=2), None),
    ]
    return [
        CommitmentFacts(
            commitment_id=f"demo-support-{n}",
            title=title,
            owner=MAYA,
            manager=person,
            kind=CommitmentKind.SUPPORT,
            status=status,
            due=due,
            created_at=due - timedelta(days=5),
            completed_at=done,
        )
        for n, (title, person, status, due, done) in enumerate(made)
    ]


async def take(out: Path) -> None:
    """Send a digest in a fresh sandbox and save the screenshot to ``out``."""
    with tempfile.TemporaryDirectory() as data, SandboxServer(Path(data) / "sandbox") as server:
        assert server.state is not None  # noqa: S101 - the server is running
        # The digest's default moment: Monday 09:00 in Maya's zone (London).
        today = server.state.clock.now().astimezone(ZoneInfo(ZONE))
        monday = today.date() + timedelta(days=7 - today.weekday())
        now = datetime.combine(monday, time(9), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
        server.state.clock.set(now)
        digest = build_digest(MAYA, team(now), now=now, time_zone=ZONE)
        chart = weekly_chart(digest.weeks)
        message = digest_message("digest:screenshot", MAYA, render_digest(digest, chart), chart)
        async with SandboxClientCredential(
            server.url, server.state.tenant.tenant_id, DEMO_CLIENT_ID, "screenshot-secret"
        ) as credential:
            graph = build_graph_client(GraphConnection(server.graph_url, credential))
            await graph.users.by_user_id(ACCORD).send_mail.post(
                SendMailPostRequestBody(message=message, save_to_sent_items=True)
            )
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            page = await browser.new_page(
                base_url=server.url, viewport={"width": 1280, "height": 2000}
            )
            await page.goto(f"/web/users/{MAYA.email}/mail")
            await page.locator(".messages a", has_text="Your team this week").click()
            image = page.frame_locator("iframe.body-frame").locator("img")
            await image.wait_for()
            loaded = await image.evaluate("image => image.complete && image.naturalWidth > 0")
            if not loaded:
                raise RuntimeError("the chart did not load in the sandbox page")
            out.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(out))
            await browser.close()


def main() -> None:
    """Parse the arguments and take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/digest.png"))
    asyncio.run(take(parser.parse_args().out))


if __name__ == "__main__":
    main()
