"""Take the web app's screenshots: the team view, a story, support (``docs/app-*.png``).

Starts a Temporal dev server and the API on it (with the demo people, the stand-in commitment
workflow and the tests' token signer), seeds Maya's team with commitments in each state
through the REST API, signs Maya in through ``/app/session`` and saves the pages at
1280x800 from headless Chromium (Debian's ``chromium``). For ``app-support.png`` Priya asks
for support on her blocked commitment, Maya promises it, and Priya asks again.

    ./dev python scripts/screenshot_app.py [--out docs]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.async_api import async_playwright
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from accord.settings import AccordSettings
from api.digest_services import install_digest
from domain.action_links import LinkKeyRing
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from tests.support.api import (
    FakeClock,
    FakeFacts,
    FakeMailboxes,
    FakeSchedules,
    build_app,
    commitment,
    sams_commitment,
)
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import browser_session
from tests.support.browser import launch_chromium
from tests.support.link_browser import served
from tests.support.people import MANAGER, PRIYA, SAM
from tests.support.polling import eventually
from tests.support.stub_workflow import StubCommitmentWorkflow
from tests.support.temporal import local_dev_server

# (owner, title, days until due, check-in answer or None, note, accepted)
TEAM = (
    (SAM, "Publish the onboarding guide", 9, "at_risk", "Waiting on legal's review.", True),
    (PRIYA, "Churn analysis for Q2", 12, "blocked", "Need access to the billing data.", True),
    (SAM, "Quarterly budget draft", 6, None, None, False),
    (PRIYA, "Tidy the support rota", 15, "on_track", "Draft shared with the team.", True),
    (SAM, "Vendor shortlist", 20, None, None, True),
)


async def _seed(api: httpx.AsyncClient, entra: FakeEntra, now: datetime) -> dict[str, str]:
    ids: dict[str, str] = {}
    for owner, title, days, answer, note, accepted in TEAM:
        body = commitment(
            owner=owner,
            title=title,
            due=(now + timedelta(days=days)).replace(hour=17, minute=0).isoformat(),
        )
        created = await api.post("/commitments", json=body, headers=entra.headers(MANAGER))
        created.raise_for_status()
        commitment_id = created.json()["commitment_id"]
        ids[title] = commitment_id
        owner_headers = entra.headers(owner)
        if accepted:
            await api.post(f"/commitments/{commitment_id}/accept", headers=owner_headers)
        if answer:
            await api.post(
                f"/commitments/{commitment_id}/check-ins",
                json={"answer": answer, "note": note},
                headers=owner_headers,
            )
    return ids


async def _support(api: httpx.AsyncClient, entra: FakeEntra, now: datetime, path: str) -> None:
    """Priya asks what would help; Maya promises it; later Priya asks for one more thing."""
    priya, maya = entra.headers(PRIYA), entra.headers(MANAGER)
    asked = await api.post(
        f"{path}/support-requests",
        json={"note": "Read access to the billing data would unblock me."},
        headers=priya,
    )
    asked.raise_for_status()
    due = (now + timedelta(days=2)).replace(hour=12, minute=0)
    promised = await api.post(
        f"{path}/support",
        json={"what": "Get you read access to the billing data", "due": due.isoformat()},
        headers=maya,
    )
    promised.raise_for_status()
    again = await api.post(
        f"{path}/support-requests",
        json={"note": "Half an hour with finance to check the definitions."},
        headers=priya,
    )
    again.raise_for_status()


async def take(out: Path) -> None:
    """Seed a team and save ``app-team.png``, ``app-commitment.png``, ``app-support.png``."""
    converter = build_data_converter(EncryptionCodec(PayloadKeyRing([secrets.token_bytes(32)])))
    entra = FakeEntra()
    queue = f"screenshots-{uuid.uuid4()}"
    # Real time: the workflows' clock is the dev server's, which is the machine's.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    async with local_dev_server(converter) as env:
        app = build_app(
            AccordSettings(public_url="http://127.0.0.1", temporal_task_queue=queue),
            env.client,
            LinkKeyRing([secrets.token_bytes(32)]),
            FakeClock(now),
            entra,
        )
        install_digest(
            app,
            mailboxes=FakeMailboxes(),
            schedules=FakeSchedules(),
            facts=FakeFacts([sams_commitment()]),
        )
        async with (
            Worker(
                env.client,
                task_queue=queue,
                workflows=[StubCommitmentWorkflow],
                workflow_runner=UnsandboxedWorkflowRunner(),
            ),
            served(app) as base,
            httpx.AsyncClient(base_url=base) as api,
            async_playwright() as playwright,
        ):
            ids = await _seed(api, entra, now)
            story = ids[TEAM[0][1]]
            supported = ids["Churn analysis for Q2"]
            await _support(api, entra, now, f"/commitments/{supported}")
            browser = await launch_chromium(playwright)
            context = await browser.new_context(viewport={"width": 1280, "height": 800})
            await browser_session(context, base, entra.token(MANAGER))
            page = await context.new_page()

            async def team_listed() -> bool:
                await page.goto(f"{base}/app/team")
                return (
                    await page.get_by_role("link").filter(has_text="Vendor shortlist").count() > 0
                )

            await eventually(team_listed, timeout=30)
            await page.screenshot(path=str(out / "app-team.png"))
            await page.goto(f"{base}/app/commitments/{story}")
            await page.screenshot(path=str(out / "app-commitment.png"))
            await page.goto(f"{base}/app/commitments/{supported}")
            await page.screenshot(path=str(out / "app-support.png"), full_page=True)
            await browser.close()


def main() -> None:
    """Parse the arguments and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    asyncio.run(take(parser.parse_args().out))


if __name__ == "__main__":
    main()
