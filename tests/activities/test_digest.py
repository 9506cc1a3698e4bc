"""The digest's activities: figures from commitment views, and the mail with its inline chart."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from msgraph.graph_service_client import GraphServiceClient
from playwright.async_api import async_playwright, expect
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.digest.activities import CHART_CONTENT_ID, DigestActivities
from activities.digest.contracts import DigestDelivery, DigestRequest
from activities.messaging.activities import MessagingActivities
from domain.digest import DigestItem, Standing, TeamDigest
from domain.models import (
    Actor,
    CommitmentStatus,
    HistoryEntry,
    Person,
)
from domain.reliability import WeekFigures
from sandbox.server import SandboxServer
from sandbox.web.views import message_view, person
from tests.support.browser import launch_chromium
from tests.support.digests import ViewOnlyCommitment, a_view, inbox_of, start_view
from tests.support.people import MANAGER, SAM
from tests.support.polling import eventually

MAYA = Person(email=MANAGER, display_name="Maya Chen")
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def a_digest(manager: Person = MAYA) -> TeamDigest:
    now = datetime.now(UTC)
    return TeamDigest(
        manager=manager,
        time_zone="Europe/London",
        week="2026-W48",
        generated_at=now,
        at_risk=[
            DigestItem(
                commitment_id="c1",
                title="Draft the Q1 budget",
                owner=SAM_PERSON,
                due=now + timedelta(days=2),
                standing=Standing.AT_RISK,
            )
        ],
        weeks=[
            WeekFigures(
                week_start=date(2026, 11, 2) + timedelta(weeks=i), on_time=i % 3, slips=i % 2
            )
            for i in range(4)
        ],
    )


@pytest.fixture
def digest_activities(
    dev_server: WorkflowEnvironment, graph: GraphServiceClient, messaging: MessagingActivities
) -> DigestActivities:
    return DigestActivities(dev_server.client, graph, messaging)


async def test_the_digest_reaches_the_manager_once_with_its_chart_inline(
    digest_activities: DigestActivities, sandbox: SandboxServer
) -> None:
    delivery = DigestDelivery(idempotency_key=f"digest:{MANAGER}:2026-W48", digest=a_digest())
    env = ActivityEnvironment()
    first = await env.run(digest_activities.send_digest, delivery)
    second = await env.run(digest_activities.send_digest, delivery)
    assert (first.already_sent, second.already_sent) == (False, True)
    (message,) = inbox_of(sandbox, MANAGER)
    (attachment,) = message["attachments"]
    assert attachment["@odata.type"] == "#microsoft.graph.fileAttachment"
    assert attachment["isInline"] is True
    assert attachment["contentId"] == CHART_CONTENT_ID
    assert attachment["contentType"] == "image/png"
    assert base64.b64decode(attachment["contentBytes"]).startswith(PNG_SIGNATURE)
    html = message["body"]["content"]
    assert f'src="cid:{CHART_CONTENT_ID}"' in html
    assert re.search(r'alt="On-time rate and slips per week[^"]+"', html)
    assert "Draft the Q1 budget" in html
    # The sandbox's page shows the picture in place of the cid: reference.
    assert sandbox.state is not None
    viewer = person(sandbox.state, sandbox.state.directory.user(MANAGER))
    shown = message_view(message, viewer)
    assert "data:image/png;base64," in shown.srcdoc
    assert f"cid:{CHART_CONTENT_ID}" not in shown.srcdoc
    assert not inbox_of(sandbox, SAM)


@pytest.mark.browser
async def test_the_chart_renders_on_the_sandbox_page(
    digest_activities: DigestActivities, sandbox: SandboxServer
) -> None:
    delivery = DigestDelivery(idempotency_key=f"digest:{MANAGER}:2026-W49", digest=a_digest())
    await ActivityEnvironment().run(digest_activities.send_digest, delivery)
    (message,) = inbox_of(sandbox, MANAGER)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            page = await browser.new_page(base_url=sandbox.url)
            await page.goto(f"/web/users/{MANAGER}/mail/{message['id']}")
            chart = page.frame_locator("iframe.body-frame").locator("img")
            await expect(chart).to_be_visible()
            width = await chart.evaluate("image => image.complete && image.naturalWidth")
        finally:
            await browser.close()
    assert width == 600


# --- gathering, on the dev server (visibility by search attribute) ---------------------------


@pytest.fixture
async def views_worker(dev_server: WorkflowEnvironment, task_queue: str) -> AsyncIterator[Worker]:
    async with Worker(
        dev_server.client,
        task_queue=task_queue,
        workflows=[ViewOnlyCommitment],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ) as worker:
        yield worker


async def test_gathering_reads_only_the_managers_own_reports(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    views_worker: Worker,
    digest_activities: DigestActivities,
) -> None:
    suffix = uuid.uuid4().hex[:8]
    maya = Person(email=f"maya-{suffix}@example.com", display_name="Maya Chen")
    omar = Person(email=f"omar-{suffix}@example.com", display_name="Omar Haddad")
    sam = Person(email=f"sam-{suffix}@example.com", display_name="Sam Okafor")
    elena = Person(email=f"elena-{suffix}@example.com", display_name="Elena Rossi")
    now = datetime.now(UTC)
    slipped = HistoryEntry(at=now - timedelta(hours=2), actor=Actor.SYSTEM, kind="deadline_passed")
    views = [
        a_view(maya, sam, CommitmentStatus.ACTIVE),
        a_view(maya, sam, CommitmentStatus.MISSED, history=[slipped]),
        a_view(omar, elena, CommitmentStatus.ACTIVE),
    ]
    for view in views:
        await start_view(dev_server.client, task_queue, view)
    activities = digest_activities
    request = DigestRequest(manager=maya.email, time_zone="Europe/London", now=now)

    async def gathered() -> TeamDigest | None:
        digest = await ActivityEnvironment().run(activities.gather_digest, request)
        return digest if len(digest.on_track) + len(digest.missed) == 2 else None

    digest = await eventually(gathered)
    assert digest is not None
    assert digest.manager == maya
    assert [item.owner for item in digest.on_track + digest.missed] == [sam, sam]
    assert [support.person for support in digest.support] == [sam]
    assert sum(week.slips for week in digest.weeks) == 1
    assert not digest.at_risk
    for view in views:
        await dev_server.client.get_workflow_handle(f"commitment-{view.commitment_id}").terminate()
