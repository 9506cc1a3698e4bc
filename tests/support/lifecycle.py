"""The commitment lifecycle in tests: the real workflow and activities against a live sandbox.

Time-skipping moves Temporal's clock in jumps; an interceptor moves the sandbox's clock to
each activity's scheduled time, so received times, out-of-office and getSchedule agree with
the workflow's view of time.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    Worker,
)

from accord.wiring.workflow_runner import workflow_runner
from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from activities.messaging.teams import TeamsChannel
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from domain.contact_timing import common_reachable_periods
from domain.models import CommitmentSpec, Person
from domain.working_time import PersonSchedule
from sandbox.server import SandboxServer
from tests.support.people import AGENT, MANAGER, SAM
from workflows.commitment.contracts import CommitmentInput, CommitmentView, workflow_id_for
from workflows.commitment.workflow import CommitmentWorkflow

LINK_KEY = b"test-only-link-key-of-at-least-32-bytes!"
PUBLIC_URL = "http://accord.test"

SAM_OWNER = Person(email=SAM, display_name="Sam Okafor")
"""Sam, the owner most lifecycle tests set an expectation."""
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""In ``datetime.weekday()``'s order."""


def sandbox_messaging(
    graph: GraphServiceClient, sandbox: SandboxServer, *, teams: TeamsChannel | None = None
) -> MessagingActivities:
    """Accord's messaging activities as every test wires them to the sandbox.

    Args:
        graph: the Graph client bound to the sandbox.
        sandbox: the running sandbox, whose clock the messages are stamped with.
        teams: the Teams channel, for tests that reach people there too.

    Returns:
        Messaging that sends as the agent, with the tests' link key and public URL.
    """
    assert sandbox.state is not None
    return MessagingActivities(
        graph,
        sender_mailbox=AGENT,
        links=LinkKeyRing([LINK_KEY]),
        public_url=PUBLIC_URL,
        clock=sandbox.state.clock.now,
        teams=teams,
    )


class _FollowTemporalTime(ActivityInboundInterceptor):
    def __init__(self, next_interceptor: ActivityInboundInterceptor, sandbox: SandboxServer):
        super().__init__(next_interceptor)
        self._sandbox = sandbox

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        assert self._sandbox.state is not None
        info = activity.info()
        # A local activity's scheduled time is the worker's wall clock, not the server's
        # skipped time; it touches no Graph either, so it leaves the sandbox's clock alone.
        if not info.is_local:
            self._sandbox.state.clock.set(info.current_attempt_scheduled_time)
        return await super().execute_activity(input)


class SandboxClockInterceptor(Interceptor):
    """Moves the sandbox's clock to Temporal's before each activity."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self._sandbox = sandbox

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        """Wrap the activity inbound interceptor."""
        return _FollowTemporalTime(next, self._sandbox)


@asynccontextmanager
async def lifecycle_worker(
    client: Client, task_queue: str, sandbox: SandboxServer, graph: GraphServiceClient
) -> AsyncIterator[Worker]:
    """Run the commitment workflow with real activities bound to the sandbox."""
    assert sandbox.state is not None
    clock = sandbox.state.clock.now
    directory = DirectoryActivities(graph)
    messaging = sandbox_messaging(graph, sandbox)
    calendar = CalendarActivities(graph, clock=clock)
    # Sends stay on the workflow's queue here: one worker, one sending mailbox.
    routing = SendRouting(task_queue, [AGENT], enabled=False)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[CommitmentWorkflow],
        activities=[
            directory.get_person_schedule,
            messaging.send_message,
            calendar.find_meeting_slot,
            calendar.schedule_meeting,
            calendar.get_meeting_response,
            calendar.cancel_meeting,
            routing.send_queue,
        ],
        workflow_runner=workflow_runner(),  # the worker's own
        interceptors=[SandboxClockInterceptor(sandbox)],
    )
    async with worker:
        yield worker


@dataclass(frozen=True)
class Lifecycle:
    """A running :func:`lifecycle_worker` on a time-skipping server: start commitments on it."""

    env: WorkflowEnvironment
    task_queue: str
    now: datetime
    """The server's time just before the worker started: every commitment's ``created_at``."""
    started: list[WorkflowHandle[CommitmentWorkflow, CommitmentView]] = field(default_factory=list)
    """The commitments started through :meth:`start`, in order."""

    @property
    def client(self) -> Client:
        """The server's client."""
        return self.env.client

    async def start(
        self, spec: CommitmentSpec, **options: Any
    ) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
        """Start a commitment on the worker's task queue (see :func:`start_commitment`)."""
        handle = await start_commitment(self.client, self.task_queue, spec, self.now, **options)
        self.started.append(handle)
        return handle

    async def end_what_is_left(self) -> None:
        """Terminate the commitments still running (a test that failed half-way left them).

        Time skipping is server-wide: a run left waiting would have its timers fired by every
        later skip of the module's server, with no worker left to take them.
        """
        for handle in self.started:
            if (await handle.describe()).status is WorkflowExecutionStatus.RUNNING:
                await handle.terminate(reason="the test ended before the commitment did")


def next_time_of_week(after: datetime, weekday_and_time: str) -> datetime:
    """The first instant after ``after`` at a weekday and UTC time, such as ``Fri 21:30``.

    Args:
        after: where to start, timezone-aware.
        weekday_and_time: an English weekday's three letters and a 24-hour UTC time.

    Returns:
        The instant, in UTC.
    """
    weekday, _, clock = weekday_and_time.partition(" ")
    if weekday.lower() not in _WEEKDAYS:
        raise ValueError(f"not a weekday's three letters: {weekday!r}")
    at = datetime.strptime(clock, "%H:%M").time()
    day = after.astimezone(UTC).date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=UTC)
        if _WEEKDAYS[candidate.weekday()] == weekday.lower() and candidate > after:
            return candidate
        day += timedelta(days=1)


def common_hour(
    at: datetime, schedules: list[PersonSchedule], room: timedelta = timedelta(hours=1)
) -> datetime:
    """The first instant from ``at`` on when everyone is reachable for ``room`` at least.

    A test that acts "when both people are at work" waits for this, not for the first common
    instant (:func:`domain.contact_timing.common_reachable_at`): that can be a minute before
    one of them stops for the day.

    Args:
        at: where to start looking, timezone-aware.
        schedules: everyone's schedules, at least one.
        room: how long everyone must stay reachable.

    Returns:
        The instant, in UTC.
    """
    for start, end in common_reachable_periods(at, schedules):
        if end - max(start, at) >= room:
            return max(start, at)
    raise AssertionError(f"no common {room} in the next working days from {at}")


def spec_for(owner: Person, due: datetime, **changes: Any) -> CommitmentSpec:
    """A realistic commitment from Maya to ``owner``."""
    fields: dict[str, Any] = {
        "title": "Draft the Q1 budget",
        "description": "The budget for the platform team, for the planning review.",
        "success_criteria": "A reviewed spreadsheet shared with finance.",
        "owner": owner,
        "manager": Person(email=MANAGER, display_name="Maya Chen"),
        "due": due,
        "support": "Time with finance on Tuesday.",
    }
    fields.update(changes)
    return CommitmentSpec.model_validate(fields)


async def start_commitment(
    client: Client,
    task_queue: str,
    spec: CommitmentSpec,
    created_at: datetime,
    **options: Any,
) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
    """Start a commitment workflow with a fresh id."""
    commitment_id = options.pop("commitment_id", uuid.uuid4().hex[:12])
    return await client.start_workflow(
        CommitmentWorkflow.run,
        CommitmentInput(
            commitment_id=commitment_id,
            spec=spec,
            created_at=created_at,
            grace_period=options.pop("grace_period", timedelta(hours=4)),
            **options,
        ),
        id=workflow_id_for(commitment_id),
        task_queue=task_queue,
    )


def commitment_input(commitment_id: str) -> CommitmentInput:
    """A commitment from Maya to Sam, created now and due in two weeks."""
    now = datetime.now(UTC)
    spec = CommitmentSpec(
        title="Draft the Q1 budget",
        description="The platform team's budget for the planning review.",
        success_criteria="A reviewed spreadsheet shared with finance.",
        owner=SAM_OWNER,
        manager=Person(email=MANAGER, display_name="Maya Chen"),
        due=now + timedelta(days=14),
    )
    return CommitmentInput(commitment_id=commitment_id, spec=spec, created_at=now)


async def act(handle: WorkflowHandle[Any, Any], update: Any, argument: Any) -> CommitmentView:
    """Run a typed update and return the view it answers with."""
    view = await handle.execute_update(update, argument, result_type=CommitmentView)
    assert isinstance(view, CommitmentView)
    return view


async def both_round_the_clock(env: WorkflowEnvironment, graph: GraphServiceClient) -> datetime:
    """Make Sam and Maya work round the clock (no message waits for a morning).

    Returns:
        The server's time now, to start a commitment from.
    """
    await work_round_the_clock(graph, SAM)
    await work_round_the_clock(graph, MANAGER)
    return await env.get_current_time()


async def work_round_the_clock(graph: GraphServiceClient, address: str) -> None:
    """Make someone work every day round the clock, so messages to them go out at once."""
    await graph.users.by_user_id(address).mailbox_settings.patch(
        MailboxSettings(
            working_hours=WorkingHours(
                days_of_week=list(DayOfWeek),
                start_time=time(0, 0),
                end_time=time(23, 59),
                time_zone=TimeZoneBase(name="UTC"),
            )
        )
    )


_WORKFLOW_TASK_EVENTS = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    }
)


async def start_for_sam(
    client: Client, task_queue: str, now: datetime, *, due_in: timedelta, **options: Any
) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
    """Start a commitment from Maya to Sam, created ``now`` and due ``due_in`` later.

    Args:
        client: the Temporal client.
        task_queue: the lifecycle worker's queue.
        now: the creation time (the server's clock, on a dev server).
        due_in: how long until the deadline.
        **options: further fields of ``CommitmentInput`` (``run_events``, ...).
    """
    return await start_commitment(
        client, task_queue, spec_for(SAM_OWNER, now + due_in), now, **options
    )


def first_run(
    client: Client, handle: WorkflowHandle[Any, Any]
) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
    """The handle of the commitment's first run (``handle`` follows its latest)."""
    return client.get_workflow_handle_for(
        CommitmentWorkflow.run, handle.id, run_id=handle.first_execution_run_id
    )


async def continued(handle: WorkflowHandle[Any, Any]) -> bool | None:
    """True once the run continued as new; None before (for ``eventually``)."""
    status = (await handle.describe()).status
    return True if status is WorkflowExecutionStatus.CONTINUED_AS_NEW else None


async def asleep_past(handle: WorkflowHandle[Any, Any], length: int) -> int | None:
    """The run's history length once it waits with nothing in flight past ``length``; else None.

    Asleep: running, no activity pending, and its last workflow task completed (a timer it
    started may follow), so whatever the run decides at that wait (continuing as new included)
    is already in its history.
    """
    described = await handle.describe()
    events = (await handle.fetch_history()).events
    last_task = next(
        (event for event in reversed(events) if event.event_type in _WORKFLOW_TASK_EVENTS), None
    )
    asleep = (
        described.status is WorkflowExecutionStatus.RUNNING
        and not described.raw_description.pending_activities
        and last_task is not None
        and last_task.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    )
    return len(events) if asleep and len(events) > length else None
