"""The digest workflows on the time-skipping server, with stand-in activities.

The stand-ins record what the workflow asked for, and when (on the server's skipped clock), so
the rules can be checked without Graph: one digest per manager per week, delivered inside the
manager's working hours, held while they are away and skipped when the hold runs too long.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from temporalio.testing import WorkflowEnvironment

from domain.reliability import iso_week_label, week_start
from domain.timezones import resolve_zone
from domain.working_time import (
    is_reachable,
)
from tests.support.digests import (
    MAYA,
    ZONE,
    StandIns,
    office_hours,
    round_the_clock,
    worker_for,
    workers_with_send_queue,
)
from workflows.digest.contracts import (
    DIGEST_WORKFLOW,
    DigestOutcome,
    DigestResult,
    DigestRun,
    DigestTrigger,
    digest_id_for,
    idempotency_key_for,
)
from workflows.digest.workflow import DigestTriggerWorkflow


async def run_digest(
    env: WorkflowEnvironment, task_queue: str, week: str = "2026-W48"
) -> DigestOutcome:
    result: DigestOutcome = await env.client.execute_workflow(
        DIGEST_WORKFLOW,
        DigestRun(manager=MAYA.email, time_zone=ZONE, week=week),
        id=f"digest-test-{uuid.uuid4()}",
        task_queue=task_queue,
        result_type=DigestOutcome,
    )
    return result


async def test_a_reachable_manager_gets_the_digest_once_a_week(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    # On the dev server: the time-skipping server stops skipping time for good once a
    # workflow has started an abandoned child, which would stall the tests after this one.
    stand_ins = StandIns(round_the_clock())
    manager = f"maya-{uuid.uuid4().hex[:8]}@example.com"
    client = dev_server.client
    async with worker_for(dev_server, stand_ins, task_queue):
        trigger = DigestTrigger(manager=manager, time_zone=ZONE)
        first = await client.execute_workflow(
            DigestTriggerWorkflow.run, trigger, id=f"trigger-{uuid.uuid4()}", task_queue=task_queue
        )
        assert first.result is DigestResult.STARTED
        digest = client.get_workflow_handle(
            digest_id_for(manager, first.week), result_type=DigestOutcome
        )
        outcome = await digest.result()
        # The schedule firing again in the same week (its day changed, say) starts nothing.
        again = await client.execute_workflow(
            DigestTriggerWorkflow.run, trigger, id=f"trigger-{uuid.uuid4()}", task_queue=task_queue
        )
    assert first.week == iso_week_label(week_start(datetime.now(UTC), resolve_zone(ZONE)))
    assert outcome.result is DigestResult.SENT
    assert again.result is DigestResult.ALREADY_THIS_WEEK
    assert [delivery.idempotency_key for delivery in stand_ins.sent] == [
        idempotency_key_for(manager, first.week)
    ]


async def test_the_digest_waits_for_working_hours(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    stand_ins = StandIns(office_hours())
    async with worker_for(temporal_env, stand_ins, task_queue):
        outcome = await run_digest(temporal_env, task_queue)
    assert outcome.result is DigestResult.SENT
    assert len(stand_ins.sent) == 1
    (gathered,) = stand_ins.gathered_at
    assert is_reachable(gathered, stand_ins.schedule)


async def test_an_absent_manager_gets_the_digest_when_back(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    start = await temporal_env.get_current_time()
    back = start + timedelta(days=3)
    away = office_hours(
        status="scheduled", scheduled_start=start - timedelta(days=1), scheduled_end=back
    )
    stand_ins = StandIns(away)
    async with worker_for(temporal_env, stand_ins, task_queue):
        outcome = await run_digest(temporal_env, task_queue)
    assert outcome.result is DigestResult.SENT
    (gathered,) = stand_ins.gathered_at
    assert gathered >= back
    assert is_reachable(gathered, away)


async def test_a_digest_held_too_long_is_skipped(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    stand_ins = StandIns(office_hours(status="alwaysEnabled"))
    async with worker_for(temporal_env, stand_ins, task_queue):
        outcome = await run_digest(temporal_env, task_queue)
    assert outcome.result is DigestResult.SKIPPED_AWAY
    assert stand_ins.sent == []
    assert stand_ins.gathered_at == []
    # The settings were re-read while waiting: a manager who comes back early is noticed.
    assert stand_ins.schedule_reads > 2


async def test_nothing_to_report_sends_nothing(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    stand_ins = StandIns(round_the_clock(), has_news=False)
    async with worker_for(temporal_env, stand_ins, task_queue):
        outcome = await run_digest(temporal_env, task_queue)
    assert outcome.result is DigestResult.NOTHING_TO_REPORT
    assert stand_ins.sent == []


async def test_a_send_that_already_went_out_is_reported(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    stand_ins = StandIns(round_the_clock(), already_sent=True)
    async with worker_for(temporal_env, stand_ins, task_queue):
        outcome = await run_digest(temporal_env, task_queue)
    assert outcome.result is DigestResult.ALREADY_SENT


async def test_the_digest_goes_out_on_the_managers_send_queue(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    # Only the send queue's worker can send: a digest left on the workflow's queue never would.
    stand_ins = StandIns(round_the_clock())
    async with workers_with_send_queue(temporal_env, stand_ins, task_queue):
        outcome = await run_digest(temporal_env, task_queue)
    assert outcome.result is DigestResult.SENT
    assert len(stand_ins.sent) == 1


def test_a_digest_names_its_iso_week() -> None:
    with pytest.raises(ValidationError):
        DigestRun(manager=MAYA.email, time_zone=ZONE, week="last week")
