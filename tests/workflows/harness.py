"""A worker for workflow tests: the real workflow and activities against a live sandbox.

Time-skipping moves Temporal's clock in jumps; an interceptor moves the sandbox's clock to
each activity's scheduled time, so received times, out-of-office and getSchedule agree with
the workflow's view of time.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from typing import Any

from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    Worker,
)

from activities import CalendarActivities, DirectoryActivities, MessagingActivities
from domain.action_links import LinkKeyRing
from domain.models import CommitmentSpec, Person
from sandbox.server import SandboxServer
from tests.conftest import AGENT, MANAGER
from workflows.commitment import CommitmentWorkflow
from workflows.contracts import CommitmentInput, CommitmentView, workflow_id_for

LINK_KEY = b"test-only-link-key-of-at-least-32-bytes!"
PUBLIC_URL = "http://accord.test"


class _FollowTemporalTime(ActivityInboundInterceptor):
    def __init__(self, next_interceptor: ActivityInboundInterceptor, sandbox: SandboxServer):
        super().__init__(next_interceptor)
        self._sandbox = sandbox

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        assert self._sandbox.state is not None
        self._sandbox.state.clock.set(activity.info().current_attempt_scheduled_time)
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
    messaging = MessagingActivities(
        graph,
        sender_mailbox=AGENT,
        links=LinkKeyRing([LINK_KEY]),
        public_url=PUBLIC_URL,
        clock=clock,
    )
    calendar = CalendarActivities(graph, clock=clock)
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
        ],
        interceptors=[SandboxClockInterceptor(sandbox)],
    )
    async with worker:
        yield worker


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


def mailbox(sandbox: SandboxServer, address: str, folder: str = "inbox") -> list[dict[str, Any]]:
    """Messages in one of a person's folders, oldest first."""
    from sandbox.directory import folder_id_for

    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    folder_id = folder_id_for(user_id, folder)
    messages = [
        message
        for message in sandbox.state.store.list("messages", user_id)
        if message["parentFolderId"] == folder_id
    ]
    return sorted(messages, key=lambda message: message["receivedDateTime"])


def from_agent(sandbox: SandboxServer, address: str) -> list[dict[str, Any]]:
    """What Accord has sent to a person, oldest first."""
    return [
        message
        for message in mailbox(sandbox, address)
        if message["from"]["emailAddress"]["address"] == AGENT
        and message.get("@odata.type") == "#microsoft.graph.message"
    ]


def events_of(sandbox: SandboxServer, address: str) -> list[dict[str, Any]]:
    """A person's calendar events."""
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    return sandbox.state.store.list("events", user_id)


def received_at(message: dict[str, Any]) -> datetime:
    """When a message arrived."""
    return datetime.fromisoformat(str(message["receivedDateTime"]).replace("Z", "+00:00"))


async def act(handle: WorkflowHandle[Any, Any], update: Any, argument: Any) -> CommitmentView:
    """Run a typed update and return the view it answers with."""
    view = await handle.execute_update(update, argument, result_type=CommitmentView)
    assert isinstance(view, CommitmentView)
    return view


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
