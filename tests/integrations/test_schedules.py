"""Managers' digest schedules on the dev server: idempotent, the manager's choice kept, firing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import time

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, ScheduleActionExecutionStartWorkflow
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.digest.activities import DigestEnrolmentActivities
from activities.digest.contracts import DigestEnrolment
from domain.digest import DigestTiming
from domain.models import CommitmentStatus, Person
from tests.support.digests import (
    StandIns,
    ViewOnlyCommitment,
    a_view,
    round_the_clock,
    start_view,
    worker_for,
)
from tests.support.people import MANAGER, SAM
from tests.support.polling import eventually
from workflows.digest.client import (
    ensure_digest_schedule,
    read_digest_schedule,
)
from workflows.digest.contracts import schedule_id_for

MONDAY_NINE = DigestTiming()
THURSDAY_TWO = DigestTiming(day="thursday", at=time(14))


async def delete_schedule(client: Client, manager: str) -> None:
    await client.get_schedule_handle(schedule_id_for(manager)).delete()


async def test_a_schedule_is_created_once_and_keeps_the_managers_choice(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    client = dev_server.client
    manager = f"maya-{uuid.uuid4().hex[:8]}@example.com"
    assert await read_digest_schedule(client, manager) is None
    created = await ensure_digest_schedule(
        client,
        manager,
        timing=MONDAY_NINE,
        time_zone="GMT Standard Time",
        enabled=True,
        task_queue=task_queue,
        replace=False,
    )
    assert created.time_zone == "Europe/London"
    # The manager moves it to Thursday afternoon and turns it off.
    await ensure_digest_schedule(
        client,
        manager,
        timing=THURSDAY_TWO,
        time_zone="Europe/London",
        enabled=False,
        task_queue=task_queue,
        replace=True,
    )
    # Enrolment later asks for the default again: the manager's choice wins.
    kept = await ensure_digest_schedule(
        client,
        manager,
        timing=MONDAY_NINE,
        time_zone="Europe/London",
        enabled=True,
        task_queue=task_queue,
        replace=False,
    )
    read = await read_digest_schedule(client, manager)
    assert kept == read
    assert read is not None
    assert (read.timing, read.enabled, read.time_zone) == (THURSDAY_TWO, False, "Europe/London")
    description = await client.get_schedule_handle(schedule_id_for(manager)).describe()
    assert description.schedule.state.paused
    await delete_schedule(client, manager)


async def test_a_firing_schedule_sends_the_weeks_digest(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    client = dev_server.client
    manager = f"maya-{uuid.uuid4().hex[:8]}@example.com"
    await ensure_digest_schedule(
        client,
        manager,
        timing=MONDAY_NINE,
        time_zone="Europe/London",
        enabled=True,
        task_queue=task_queue,
        replace=False,
    )
    stand_ins = StandIns(round_the_clock())
    handle = client.get_schedule_handle(schedule_id_for(manager))
    async with worker_for(dev_server, stand_ins, task_queue):
        await handle.trigger()
        await eventually(lambda: len(stand_ins.sent) == 1)
        # Fired again the same week: still one digest.
        await handle.trigger()
        await eventually(_two_actions(client, manager))
    assert len(stand_ins.sent) == 1
    await delete_schedule(client, manager)


def _two_actions(client: Client, manager: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        description = await client.get_schedule_handle(schedule_id_for(manager)).describe()
        recent = description.info.recent_actions
        if len(recent) < 2:
            return False
        for action in recent:
            started = action.action
            assert isinstance(started, ScheduleActionExecutionStartWorkflow)
            await client.get_workflow_handle(started.workflow_id).result()
        return True

    return check


async def test_enrolment_gives_a_manager_with_a_commitment_a_default_schedule(
    dev_server: WorkflowEnvironment, task_queue: str, graph: GraphServiceClient
) -> None:
    client = dev_server.client
    if await read_digest_schedule(client, MANAGER) is not None:
        await delete_schedule(client, MANAGER)
    maya = Person(email=MANAGER, display_name="Maya Chen")
    view = a_view(maya, Person(email=SAM, display_name="Sam Okafor"), CommitmentStatus.ACTIVE)
    enrolment = DigestEnrolmentActivities(client, graph, task_queue=task_queue)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[ViewOnlyCommitment],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = await start_view(client, task_queue, view, with_status=False)

        async def enrolled() -> bool:
            await ActivityEnvironment().run(enrolment.enrol_digest_managers, DigestEnrolment())
            return await read_digest_schedule(client, MANAGER) is not None

        await eventually(enrolled)
        await handle.terminate()
    schedule = await read_digest_schedule(client, MANAGER)
    assert schedule is not None
    assert schedule.enabled
    assert schedule.timing == MONDAY_NINE
    assert schedule.time_zone == "Europe/London"
    await delete_schedule(client, MANAGER)
