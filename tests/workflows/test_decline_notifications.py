"""A declined 1:1 is seen within a minute through change notifications, not two hours later.

The whole chain, on the time-skipping server against the sandbox: the booking registers the
meeting with the watch on Maya's calendar, which subscribes to her events; Sam declines; the
sandbox notifies the API's webhook over HTTP, the webhook checks the clientState and signals
the watch, the watch signals the commitment, which reads the answer and books the next slot,
cancelling the declined one on Maya's calendar.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest_asyncio
import uvicorn
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import (
    DeclinePostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import AccordSettings
from accord.wiring.calendar_watch import calendar_watch_config
from accord.wiring.workflow_runner import workflow_runner
from activities.calendar.activities import CalendarActivities
from activities.calendar.watch import CalendarWatchActivities, MeetingWatch
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from domain.models import Person
from sandbox.server import SandboxServer, free_port
from sandbox.subscriptions import SubscriptionService
from tests.support.api import FakeClock, build_app
from tests.support.api_tokens import FakeEntra
from tests.support.lifecycle import LINK_KEY, Lifecycle, SandboxClockInterceptor, act, spec_for
from tests.support.mailboxes import events_of
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from worker import activity_methods
from workflows.calendar.client import watch_meeting
from workflows.calendar.contracts import WatchedMeeting, decline_watch_id
from workflows.calendar.decline_watch import DeclineWatchWorkflow
from workflows.commitment.contracts import CommitmentView, LetsTalk, Release
from workflows.commitment.state import MeetingRecord
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
NEW_YORK = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class Accord(Lifecycle):
    """The lifecycle, with where its API listens."""

    public_url: str = ""


@pytest_asyncio.fixture(loop_scope="session")
async def accord(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> AsyncIterator[Accord]:
    """The API's webhooks on a real port, and a worker whose bookings are watched."""
    assert sandbox.state is not None
    client = temporal_env.client
    port = free_port()
    settings = AccordSettings(public_url=f"http://127.0.0.1:{port}", temporal_task_queue=task_queue)
    links = LinkKeyRing([LINK_KEY])
    app = build_app(settings, client, links, FakeClock(), FakeEntra())
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: server.started)
    config = calendar_watch_config(settings, links)
    assert config is not None
    clock = sandbox.state.clock.now
    messaging = MessagingActivities(
        graph, sender_mailbox=AGENT, links=links, public_url=settings.public_url, clock=clock
    )
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[CommitmentWorkflow, DeclineWatchWorkflow],
        activities=[
            DirectoryActivities(graph).get_person_schedule,
            messaging.send_message,
            SendRouting(task_queue, [AGENT], enabled=False).send_queue,
            *activity_methods(
                CalendarActivities(graph, clock=clock, watch=MeetingWatch(client, config)),
                CalendarWatchActivities(graph),
            ),
        ],
        workflow_runner=workflow_runner(),
        interceptors=[SandboxClockInterceptor(sandbox)],
    )
    now = await temporal_env.get_current_time()
    try:
        async with worker:
            yield Accord(temporal_env, task_queue, now, public_url=settings.public_url)
            # Its timers would walk every later skip of this module's server.
            with contextlib.suppress(RPCError):
                await client.get_workflow_handle(decline_watch_id(MANAGER, task_queue)).terminate()
    finally:
        server.should_exit = True
        await serving


def _subscriptions(sandbox: SandboxServer) -> list[dict[str, Any]]:
    assert sandbox.state is not None
    return SubscriptionService.of(sandbox.state).live()


async def _meeting(handle: Any, other_than: str | None = None) -> MeetingRecord | None:
    view: CommitmentView = await handle.query(CommitmentWorkflow.view)
    meeting = view.meeting
    return None if meeting is None or meeting.event_id == other_than else meeting


async def test_a_decline_is_seen_within_a_minute_and_the_next_1_1_replaces_it(
    temporal_env: WorkflowEnvironment,
    accord: Accord,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    handle = await accord.start(spec_for(SAM_PERSON, accord.now + timedelta(days=14)))
    # 10:00 in New York, 15:00 in London, Monday to Thursday: both can be reached.
    day = (accord.now + timedelta(days=1)).astimezone(NEW_YORK).date()
    while day.weekday() > 3:
        day += timedelta(days=1)
    morning = (
        (await temporal_env.get_current_time())
        .astimezone(NEW_YORK)
        .replace(
            year=day.year, month=day.month, day=day.day, hour=10, minute=0, second=0, microsecond=0
        )
    )
    await temporal_env.sleep(morning - await temporal_env.get_current_time())
    _ = await act(handle, CommitmentWorkflow.lets_talk, LetsTalk(actor=SAM, question="Which?"))
    first = await eventually(lambda: _meeting(handle))
    assert first is not None
    (subscription,) = await eventually(lambda: _subscriptions(sandbox))
    assert subscription["resource"] == f"users/{MANAGER}/events"
    assert "/graph/calendar/notifications?organizer=" in subscription["notificationUrl"]
    (sam_copy,) = [e for e in events_of(sandbox, SAM) if not e.get("isOrganizer")]

    declined_at = await temporal_env.get_current_time()
    await (
        graph.users.by_user_id(SAM)
        .events.by_event_id(sam_copy["id"])
        .decline.post(DeclinePostRequestBody(comment="At the dentist then.", send_response=True))
    )

    # No time is skipped: only the notification can bring the answer before the next look.
    second = await eventually(lambda: _meeting(handle, other_than=first.event_id), timeout=30)
    assert second is not None
    view: CommitmentView = await handle.query(CommitmentWorkflow.view)
    (seen_at,) = [entry.at for entry in view.history if entry.kind == "meeting_declined"]
    assert seen_at - declined_at < timedelta(minutes=1)
    kept = [e["id"] for e in events_of(sandbox, MANAGER) if not e.get("isCancelled")]
    assert kept == [second.event_id]
    _ = await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER))
    await handle.result()


async def test_the_webhook_answers_the_handshake_and_refuses_a_wrong_client_state(
    accord: Accord,
) -> None:
    url = f"{accord.public_url}/graph/calendar/notifications"
    item = {"clientState": "not-ours", "resourceData": {"id": "AAMk-event"}}
    async with httpx.AsyncClient() as http:
        handshake = await http.post(f"{url}?validationToken=hello", content=b"")
        refused = await http.post(f"{url}?organizer={MANAGER}", json={"value": [item]})
    assert (handshake.status_code, handshake.text) == (200, "hello")
    assert refused.status_code == 403


async def test_a_removed_subscription_is_made_again_and_a_finished_commitment_is_let_go(
    temporal_env: WorkflowEnvironment, accord: Accord, sandbox: SandboxServer
) -> None:
    assert sandbox.state is not None
    service = SubscriptionService.of(sandbox.state)
    config = calendar_watch_config(
        AccordSettings(public_url=accord.public_url, temporal_task_queue=accord.task_queue),
        LinkKeyRing([LINK_KEY]),
    )
    assert config is not None
    start = await temporal_env.get_current_time()
    # Registered for a commitment that no longer runs (it ended after booking).
    meeting = WatchedMeeting(
        event_id="AAMk-booked", commitment_id="ended-one", until=start + timedelta(days=2)
    )
    await watch_meeting(accord.client, MANAGER, config, meeting)
    (first,) = await eventually(lambda: _subscriptions(sandbox))
    # Graph removes it: the lifecycle notification reaches the webhook, and the watch
    # subscribes anew, then has every commitment read once; the ended one is let go, and
    # with nothing left to watch the subscription is deleted and the watch ends.
    service.trigger(first["id"], "subscriptionRemoved")
    handle = accord.client.get_workflow_handle(decline_watch_id(MANAGER, accord.task_queue))
    await eventually(lambda: _ended(handle))
    made = [r for r in service.queue.recent() if r.get("detail") == "notificationUrl validated"]
    assert len(made) == 2
    assert not _subscriptions(sandbox)


async def _ended(handle: Any) -> bool:
    return bool((await handle.describe()).status == WorkflowExecutionStatus.COMPLETED)


def test_the_worker_watches_only_where_graph_can_notify() -> None:
    links = LinkKeyRing([LINK_KEY])
    for url, watched in (
        ("https://accord.example.com", True),
        ("http://127.0.0.1:8000", True),
        ("http://accord.internal", False),
    ):
        config = calendar_watch_config(AccordSettings(public_url=url), links)
        assert (config is not None) is watched, url
