"""The digest in tests: stand-in activities and schedules, commitment views, digests received.

The stand-ins record what the digest workflow asked for, and when (on the server's clock);
``ViewOnlyCommitment`` answers the commitment workflow's view query, for gathering.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.digest.contracts import DigestDelivery, DigestRequest, DigestSent
from activities.directory.contracts import ScheduleLookup
from activities.sending.activities import SendRouting
from domain.digest import DigestItem, Standing, TeamDigest
from domain.models import CommitmentSpec, CommitmentStatus, Person
from domain.reliability import iso_week_label, week_start
from domain.timezones import resolve_zone
from domain.working_time import WEEKDAYS, AutomaticReplies, PersonSchedule, WorkingHours
from sandbox.directory import folder_id_for
from sandbox.server import SandboxServer
from sandbox.tenant import user_id_for
from tests.support.people import AGENT
from workflows.commitment.contracts import (
    MANAGER_KEY,
    OWNER_KEY,
    STATUS_KEY,
    VIEW_QUERY,
    WORKFLOW_NAME,
    CommitmentView,
)
from workflows.digest.workflow import DigestTriggerWorkflow, DigestWorkflow

MAYA = Person(email="maya@example.com", display_name="Maya Chen")
SAM = Person(email="sam@example.com", display_name="Sam Okafor")
ZONE = "Europe/London"


def office_hours(**replies: object) -> PersonSchedule:
    """Weekdays nine to five in London; ``replies`` are the automatic replies' fields."""
    return PersonSchedule(
        time_zone=ZONE,
        working_hours=WorkingHours(
            days_of_week=WEEKDAYS[:5], start_time=time(9), end_time=time(17), time_zone=ZONE
        ),
        automatic_replies=AutomaticReplies.model_validate(replies),
    )


def round_the_clock() -> PersonSchedule:
    """Every day, every hour, in London."""
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
    """The digest workflows with the stand-in activities (not started yet)."""
    return Worker(
        env.client,
        task_queue=task_queue,
        workflows=[DigestTriggerWorkflow, DigestWorkflow],
        activities=[
            stand_ins.get_person_schedule,
            stand_ins.gather_digest,
            stand_ins.send_digest,
            SendRouting(task_queue, [AGENT], enabled=False).send_queue,
        ],
    )


@workflow.defn(name=WORKFLOW_NAME)
class ViewOnlyCommitment:
    """Answers the ``view`` query with the view it was started with, until cancelled."""

    @workflow.init
    def __init__(self, view: CommitmentView) -> None:
        self._view = view

    @workflow.run
    async def run(self, view: CommitmentView) -> None:
        await workflow.wait_condition(lambda: self._view.status.is_closed)

    @workflow.query(name=VIEW_QUERY)
    def view(self) -> CommitmentView:
        return self._view


async def start_view(
    client: Client, task_queue: str, view: CommitmentView, *, with_status: bool = True
) -> WorkflowHandle[Any, Any]:
    """Start a :class:`ViewOnlyCommitment` with ``view``, findable by owner and manager.

    With ``with_status``, its status is a search attribute too (as the real workflow keeps it).
    """
    pairs: list[SearchAttributePair[Any]] = [
        SearchAttributePair(OWNER_KEY, view.spec.owner.email),
        SearchAttributePair(MANAGER_KEY, view.spec.manager.email),
    ]
    if with_status:
        pairs.append(SearchAttributePair(STATUS_KEY, view.status.value))
    return await client.start_workflow(
        WORKFLOW_NAME,
        view,
        id=f"commitment-{view.commitment_id}",
        task_queue=task_queue,
        search_attributes=TypedSearchAttributes(pairs),
    )


def a_view(
    manager: Person, owner: Person, status: CommitmentStatus, **changes: Any
) -> CommitmentView:
    now = datetime.now(UTC)
    spec = CommitmentSpec(
        title=f"Work for {owner.display_name}",
        success_criteria="Shared with the team",
        owner=owner,
        manager=manager,
        due=now + timedelta(days=3),
    )
    fields: dict[str, Any] = {
        "commitment_id": str(uuid.uuid4()),
        "status": status,
        "spec": spec,
        "created_at": now - timedelta(days=10),
        "history": [],
        "check_ins": [],
        "revisions": [],
        "pending_revision": None,
        "meeting": None,
        "completed_at": None,
    }
    fields.update(changes)
    return CommitmentView(**fields)


def inbox_of(sandbox: SandboxServer, address: str) -> list[dict[str, Any]]:
    """The digests in a person's inbox."""
    assert sandbox.state is not None
    user = user_id_for(address)
    return [
        message
        for message in sandbox.state.store.list("messages", user)
        if message.get("subject", "").startswith("Your team this week")
        and message["parentFolderId"] == folder_id_for(user, "inbox")
    ]


@asynccontextmanager
async def workers_with_send_queue(
    env: WorkflowEnvironment, stand_ins: StandIns, task_queue: str
) -> AsyncIterator[None]:
    """The digest workflows, with only the agent mailbox's send-queue worker able to send."""
    routing = SendRouting(task_queue, [AGENT], enabled=True)
    main = Worker(
        env.client,
        task_queue=task_queue,
        workflows=[DigestTriggerWorkflow, DigestWorkflow],
        activities=[stand_ins.get_person_schedule, stand_ins.gather_digest, routing.send_queue],
    )
    [queue] = routing.queues().values()
    async with main, Worker(env.client, task_queue=queue, activities=[stand_ins.send_digest]):
        yield
