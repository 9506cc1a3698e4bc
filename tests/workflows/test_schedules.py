"""The interval schedules the worker makes at start: created once, whoever asks again."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio.client import ScheduleActionStartWorkflow
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from accord.wiring.agenda_worker import start_agenda_sweep
from workflows.agenda.client import sweep_schedule
from workflows.agenda.contracts import SWEEP_SCHEDULE_ID, SWEEP_WORKFLOW
from workflows.digest.client import enrolment_schedule
from workflows.schedules import ensure_schedule, interval_schedule, remove_schedule


async def test_a_schedule_is_created_once_and_a_second_start_changes_nothing(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    schedule_id = f"schedule-test-{uuid.uuid4().hex[:8]}"
    schedule = interval_schedule(
        "NoSuchWorkflow",
        schedule_id,
        task_queue,
        every=timedelta(days=1),
        timeout=timedelta(minutes=5),
        catchup_window=timedelta(hours=1),
    )
    client = dev_server.client
    try:
        assert await ensure_schedule(client, schedule_id, schedule)
        assert not await ensure_schedule(client, schedule_id, schedule)
        described = await client.get_schedule_handle(schedule_id).describe()
        assert described.schedule.spec.intervals[0].every == timedelta(days=1)
    finally:
        await client.get_schedule_handle(schedule_id).delete()


def test_the_digest_enrolment_and_the_agenda_sweep_run_on_the_workers_queue() -> None:
    sweep = sweep_schedule("accord-commitments")
    for schedule in (sweep, enrolment_schedule("accord-commitments")):
        assert isinstance(schedule.action, ScheduleActionStartWorkflow)
        assert schedule.action.task_queue == "accord-commitments"
    assert isinstance(sweep.action, ScheduleActionStartWorkflow)
    assert sweep.action.workflow == SWEEP_WORKFLOW


async def test_with_agendas_off_the_worker_removes_the_daily_sweep(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    settings = AccordSettings(temporal_task_queue=task_queue)
    client = dev_server.client
    sweep = client.get_schedule_handle(SWEEP_SCHEDULE_ID)
    await start_agenda_sweep(settings, client)
    assert (await sweep.describe()).id == SWEEP_SCHEDULE_ID
    await start_agenda_sweep(settings.model_copy(update={"agenda_enabled": False}), client)
    with pytest.raises(RPCError):
        await sweep.describe()
    # Off again changes nothing: there is nothing left to remove.
    assert not await remove_schedule(client, SWEEP_SCHEDULE_ID)
