"""The digest workflows on the time-skipping server, with stand-in activities.

The stand-ins record what the workflow asked for, and when (on the server's skipped clock), so
the rules can be checked without Graph: one digest per manager per week, delivered inside the
manager's working hours, held while they are away and skipped when the hold runs too long.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import pytest
from pydantic import ValidationError
from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.contracts import ScheduleLookup
from domain.digest import DigestItem, Standing, TeamDigest
from domain.models import Person
from domain.reliability import iso_week_label, week_start
from domain.timezones import resolve_zone
from domain.working_time import (
    WEEKDAYS,
    AutomaticReplies,
    PersonSchedule,
    WorkingHours,
    is_reachable,
)
from workflows.digest import DigestTriggerWorkflow, DigestWorkflow
from workflows.digest_contracts import (
    DIGEST_WORKFLOW,
    DigestDelivery,
    DigestOutcome,
    DigestRequest,
    DigestResult,
    DigestRun,
    DigestSent,
    DigestTrigger,
    digest_id_for,
    idempotency_key_for,
)

MAYA = Person(email="maya@example.com", display_name="Maya Chen")
SAM = Person(email="sam@example.com", display_name="Sam Okafor")
ZONE = "Europe/London"


def office_hours(**replies: object) -> PersonSchedule:
    return PersonSchedule(
        time_zone=ZONE,
        working_hours=WorkingHours(
            days_of_week=WEEKDAYS[:5], start_time=time(9), end_time=time(17), time_zone=ZONE
        ),
        automatic_replies=AutomaticReplies.model_validate(replies),
    )


def round_the_clock() -> PersonSchedule:
    return PersonSchedule(
        time_zone=ZONE,
        working_hours=WorkingHours(
            days_of_week=WEEKDAYS, start_time=time(0), end_time=time(0), time_zone=ZONE
        ),
    )


@dataclass
class StandIns:
    """Activities with the real names that answer from fields and record their calls."""

    schedule: PersonSchedule
    has_news: bool = True
    already_sent: bool = False
    gathered_at: list[datetime] = field(default_factory=list)
    sent: list[DigestDelivery] = field(default_factory=list)
    schedule_reads: int = 0

    @activity.defn(name="get_person_schedule")
    async def get_person_schedule(self, lookup: ScheduleLookup) -> PersonSchedule:
        self.schedule_reads += 1
        return self.schedule

    @activity.defn(name="gather_digest")
    async def gather_digest(self, request: DigestRequest) -> TeamDigest:
        self.gathered_at.append(request.now)
        items = (
            [
                DigestItem(
                    commitment_id="c1",
                    title="Draft the Q1 budget",
                    owner=SAM,
                    due=request.now + timedelta(days=3),
                    standing=Standing.ON_TRACK,
                )
            ]
            if self.has_news
            else []
        )
        return TeamDigest(
            manager=MAYA,
            time_zone=request.time_zone,
            week=iso_week_label(week_start(request.now, resolve_zone(ZONE))),
            generated_at=request.now,
            on_track=items,
        )

    @activity.defn(name="send_digest")
    async def send_digest(self, delivery: DigestDelivery) -> DigestSent:
        self.sent.append(delivery)
        return DigestSent(
            idempotency_key=delivery.idempotency_key,
            recipient=delivery.digest.manager.email,
            already_sent=self.already_sent or len(self.sent) > 1,
        )


def worker_for(env: WorkflowEnvironment, stand_ins: StandIns, task_queue: str) -> Worker:
    return Worker(
        env.client,
        task_queue=task_queue,
        workflows=[DigestTriggerWorkflow, DigestWorkflow],
        activities=[stand_ins.get_person_schedule, stand_ins.gather_digest, stand_ins.send_digest],
    )


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


def test_a_digest_names_its_iso_week() -> None:
    with pytest.raises(ValidationError):
        DigestRun(manager=MAYA.email, time_zone=ZONE, week="last week")
