"""The whole digest chain on a dev server of its own, with real activities and the sandbox.

A manager's schedule fires; the trigger starts the week's digest; it reads the manager's
mailbox settings, finds their reports' commitments through visibility, reads each view, and
mails the digest with its chart inline to the sandbox mailbox. Firing again that week sends
nothing more. The dev server is this module's own, so commitments other tests leave behind
cannot show up in the digest.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest_asyncio
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.digest.activities import CHART_CONTENT_ID, DigestActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from domain.digest import DigestTiming
from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentStatus,
    HistoryEntry,
    Person,
)
from domain.working_time import WEEKDAYS
from sandbox.server import SandboxServer
from tests.support.digests import ViewOnlyCommitment, a_view, inbox_of, start_view
from tests.support.people import AGENT, MANAGER, PRIYA, SAM
from tests.support.polling import eventually
from tests.support.temporal import local_dev_server
from workflows.digest.client import ensure_digest_schedule
from workflows.digest.contracts import schedule_id_for
from workflows.digest.workflow import DigestTriggerWorkflow, DigestWorkflow

MAYA = Person(email=MANAGER, display_name="Maya Chen")
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
PRIYA_PERSON = Person(email=PRIYA, display_name="Priya Raman")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def own_dev_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    async with local_dev_server(data_converter) as env:
        yield env


async def works_round_the_clock(graph: GraphServiceClient, address: str) -> None:
    await graph.users.by_user_id(address).mailbox_settings.patch(
        MailboxSettings(
            working_hours=WorkingHours(
                days_of_week=[DayOfWeek(day) for day in WEEKDAYS],
                start_time=time(0, 0),
                end_time=time(0, 0),
                time_zone=TimeZoneBase(name="UTC"),
            )
        )
    )


async def test_a_scheduled_digest_reaches_the_manager_once_with_its_chart(
    own_dev_server: WorkflowEnvironment,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
) -> None:
    client = own_dev_server.client
    await works_round_the_clock(graph, MANAGER)
    now = datetime.now(UTC)
    blocked = CheckIn(at=now - timedelta(hours=3), answer=CheckInAnswer.BLOCKED)
    done_at = now - timedelta(days=1)
    views = [
        a_view(MAYA, SAM_PERSON, CommitmentStatus.ACTIVE, check_ins=[blocked]),
        a_view(
            MAYA,
            PRIYA_PERSON,
            CommitmentStatus.DONE,
            completed_at=done_at,
            history=[HistoryEntry(at=done_at, actor=Actor.OWNER, kind="done_on_time")],
        ),
    ]
    messaging = MessagingActivities(
        graph, sender_mailbox=AGENT, links=LinkKeyRing([b"k" * 32]), public_url="https://a.test"
    )
    digest = DigestActivities(client, graph, messaging)
    views_queue = f"{task_queue}-views"
    async with (
        Worker(
            client,
            task_queue=views_queue,
            workflows=[ViewOnlyCommitment],
            workflow_runner=UnsandboxedWorkflowRunner(),
        ),
        Worker(
            client,
            task_queue=task_queue,
            workflows=[DigestTriggerWorkflow, DigestWorkflow],
            activities=[
                DirectoryActivities(graph).get_person_schedule,
                digest.gather_digest,
                digest.send_digest,
                SendRouting(task_queue, [AGENT], enabled=False).send_queue,
            ],
        ),
    ):
        for view in views:
            await start_view(client, views_queue, view, with_status=False)
        await eventually(lambda: _listed(client, len(views)))
        await ensure_digest_schedule(
            client,
            MANAGER,
            timing=DigestTiming(),
            time_zone="UTC",
            enabled=True,
            task_queue=task_queue,
            replace=True,
        )
        schedule = client.get_schedule_handle(schedule_id_for(MANAGER))
        await schedule.trigger()
        (message,) = await eventually(lambda: inbox_of(sandbox, MANAGER), timeout=60)
        await schedule.trigger()
        await eventually(lambda: _fired(client, 2), timeout=60)
        # Priya's ended commitment closed at once; its view was still read (by replay).
        await client.get_workflow_handle(f"commitment-{views[0].commitment_id}").terminate()
    assert len(inbox_of(sandbox, MANAGER)) == 1
    assert message["subject"] == "Your team this week: 0 on track, 1 at risk, 1 done"
    html = message["body"]["content"]
    assert "Sam Okafor: Work for Sam Okafor" in html
    assert "said they are blocked" in html
    assert "Priya Raman: Work for Priya Raman" in html
    (chart,) = message["attachments"]
    assert (chart["contentId"], chart["isInline"]) == (CHART_CONTENT_ID, True)
    assert base64.b64decode(chart["contentBytes"]).startswith(b"\x89PNG")
    assert not inbox_of(sandbox, SAM)


async def _listed(client: Client, count: int) -> bool:
    found = [execution async for execution in client.list_workflows(f"AccordManager = '{MANAGER}'")]
    return len(found) >= count


async def _fired(client: Client, count: int) -> bool:
    description = await client.get_schedule_handle(schedule_id_for(MANAGER)).describe()
    if len(description.info.recent_actions) < count:
        return False
    triggers = [
        execution
        async for execution in client.list_workflows(
            "WorkflowType = 'DigestTriggerWorkflow' AND ExecutionStatus = 'Completed'"
        )
    ]
    return len(triggers) >= count
