"""``refresh_history``: long-lived workflows continue as new on request, at a safe point.

On the session's dev server (the time-skipping server intermittently refuses a
continue-as-new); the end-to-end key rotation is in tests/accord/test_key_rotation.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msgraph.generated.models.automatic_replies_setting import AutomaticRepliesSetting
from msgraph.generated.models.automatic_replies_status import AutomaticRepliesStatus
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.users.item.messages.item.reply.reply_post_request_body import (
    ReplyPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.intake.activities import IntakeActivities
from activities.intake.questions import IntakeMailActivities
from activities.intake.subscriptions import SubscriptionActivities
from activities.messaging.activities import MessagingActivities
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from domain.models import Actor, CommitmentStatus, Person
from domain.working_time import AutomaticReplies
from sandbox.server import SandboxServer
from sandbox.subscriptions import SubscriptionService
from tests.support.changed_shapes import SleepsThenContinues, WaitsThenContinuesWithMemo
from tests.support.digests import StandIns, round_the_clock, worker_for
from tests.support.intake import (
    ASK_WITHOUT_DATE,
    INTAKE_ID_KEY,
    copied_email,
    in_agent_inbox,
    intake,
    thread_handle,
    view_of,
)
from tests.support.lifecycle import (
    LINK_KEY,
    PUBLIC_URL,
    SandboxClockInterceptor,
    lifecycle_worker,
    spec_for,
    start_commitment,
    work_round_the_clock,
)
from tests.support.mailboxes import from_agent, newest, received_at
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from tests.support.webhooks import Receiver
from worker import activity_methods
from workflows.commitment.contracts import CommitmentInput, CommitmentView
from workflows.commitment.state import CommitmentState
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.digest.contracts import DIGEST_WORKFLOW, DigestOutcome, DigestResult, DigestRun
from workflows.digest.workflow import HOLD_LIMIT
from workflows.intake.contracts import (
    WATCH_VIEW_QUERY,
    DraftStatus,
    IntakeDecision,
    IntakeStatus,
    IntakeUpdates,
    IntakeView,
    WatchConfig,
    WatchInput,
    WatchMode,
    WatchView,
    watch_workflow_id,
)
from workflows.intake.mailbox_watch import MailboxWatchWorkflow
from workflows.intake.message import MessageIntakeWorkflow
from workflows.intake.workflow import IntakeWorkflow
from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
AWAY_FOR = timedelta(seconds=3)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Answers the subscription's validation handshake."""
    with Receiver() as server:
        yield server


async def _away_until(graph: GraphServiceClient, address: str, end: datetime) -> None:
    def graph_time(when: datetime) -> DateTimeTimeZone:
        return DateTimeTimeZone(
            date_time=when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"
        )

    await graph.users.by_user_id(address).mailbox_settings.patch(
        MailboxSettings(
            automatic_replies_setting=AutomaticRepliesSetting(
                status=AutomaticRepliesStatus.Scheduled,
                scheduled_start_date_time=graph_time(end - timedelta(days=1)),
                scheduled_end_date_time=graph_time(end),
            )
        )
    )


async def _closed_as(handle: WorkflowHandle[Any, Any]) -> Any:
    described = await handle.describe()
    return described if described.status is not WorkflowExecutionStatus.RUNNING else None


async def test_histories_written_before_the_change_replay_on_the_changed_code(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    client = dev_server.client
    async with Worker(client, task_queue=task_queue, workflows=[SleepsThenContinues]):
        handle = await client.start_workflow(
            SleepsThenContinues.run, False, id=task_queue, task_queue=task_queue, memo={"t": "x"}
        )
        await client.get_workflow_handle(handle.id).result()
    replayer = Replayer(
        workflows=[WaitsThenContinuesWithMemo], data_converter=client.data_converter
    )
    first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
    for run in (first, client.get_workflow_handle(handle.id)):
        result = await replayer.replay_workflow(
            await run.fetch_history(), raise_on_replay_failure=False
        )
        assert result.replay_failure is None


async def test_a_message_waiting_for_its_reader_is_delivered_once_before_the_refresh(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # Sam is away for a few seconds more, so the expectation waits in its courier when the
    # refresh is asked for: the hand-over waits for it instead of dropping or repeating it.
    await work_round_the_clock(graph, SAM)
    client = dev_server.client
    async with lifecycle_worker(client, task_queue, sandbox, graph):
        now = await dev_server.get_current_time()
        back = now + AWAY_FOR
        await _away_until(graph, SAM, back)
        handle = await start_commitment(
            client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=9)), now
        )
        await handle.signal(REFRESH_SIGNAL, RefreshRequest(reason="test"))
        first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
        closed = await eventually(lambda: _closed_as(first))
        assert closed.status is WorkflowExecutionStatus.CONTINUED_AS_NEW
        # Graph keeps the absence's end to the second.
        assert closed.close_time >= back.replace(microsecond=0), "the hand-over waited"
        (expectation,) = from_agent(sandbox, SAM)
        assert received_at(expectation) >= back.replace(microsecond=0)
        assert received_at(expectation) <= closed.close_time

        latest = client.get_workflow_handle_for(CommitmentWorkflow.run, handle.id)
        view = await latest.query(CommitmentWorkflow.view)
        assert view.status is CommitmentStatus.AWAITING_ACCEPTANCE
        assert [(entry.actor, entry.kind) for entry in view.history] == [
            (Actor.MANAGER, "expectation_set"),
            (Actor.SYSTEM, "sent:expectation"),
        ]
        # A request to the new run is one more hand-over, never a second message.
        second_run = (await latest.describe()).run_id
        await latest.signal(REFRESH_SIGNAL, RefreshRequest())
        second = client.get_workflow_handle(handle.id, run_id=second_run)
        assert (await eventually(lambda: _closed_as(second))).status is (
            WorkflowExecutionStatus.CONTINUED_AS_NEW
        )
        view = await latest.query(CommitmentWorkflow.view)
        assert view.status is CommitmentStatus.AWAITING_ACCEPTANCE and len(view.history) == 2
        await latest.terminate("test over")
    assert len(from_agent(sandbox, SAM)) == 1


async def test_the_watch_continues_as_new_on_request_and_keeps_its_subscription(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    receiver: Receiver,
) -> None:
    client = dev_server.client
    config = WatchConfig(
        mailbox=AGENT,
        mode=WatchMode.AGENT_INBOX,
        notification_url=f"{receiver.url}/notify",
        lifecycle_url=f"{receiver.url}/lifecycle",
        client_state="test-client-state",
        lifetime=timedelta(hours=3),
        task_queue=task_queue,
    )
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[MailboxWatchWorkflow],
        activities=activity_methods(SubscriptionActivities(graph, client, task_queue=task_queue)),
        interceptors=[SandboxClockInterceptor(sandbox)],
    ):
        handle = await client.start_workflow(
            MailboxWatchWorkflow.run,
            WatchInput(config=config),
            id=watch_workflow_id(AGENT, WatchMode.AGENT_INBOX, task_queue),
            task_queue=task_queue,
        )

        async def subscribed() -> WatchView | None:
            view: WatchView = await handle.query(WATCH_VIEW_QUERY, result_type=WatchView)
            return view if view.subscription_id and view.catch_ups else None

        before = await eventually(subscribed)
        assert before is not None
        await handle.signal(REFRESH_SIGNAL, RefreshRequest())
        first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
        closed = await eventually(lambda: _closed_as(first))
        assert closed.status is WorkflowExecutionStatus.CONTINUED_AS_NEW
        after = await eventually(subscribed)
        assert after is not None
        assert after.subscription_id == before.subscription_id
        assert sandbox.state is not None
        live = SubscriptionService.of(sandbox.state).live()
        assert [subscription["id"] for subscription in live] == [before.subscription_id]
        await client.get_workflow_handle(handle.id).terminate("test over")


async def test_a_thread_continues_as_new_while_waiting_and_while_remembering(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    client = dev_server.client
    assert sandbox.state is not None
    messaging = MessagingActivities(
        graph,
        sender_mailbox=AGENT,
        links=LinkKeyRing([LINK_KEY]),
        public_url=PUBLIC_URL,
        clock=sandbox.state.clock.now,
    )
    intake_activities = IntakeActivities(
        graph,
        client,
        agent_mailbox=AGENT,
        tenant_domains=["northwind.example"],
        category="Accord",
        task_queue=task_queue,
        grace_window=timedelta(minutes=15),
        id_key=INTAKE_ID_KEY,
        max_body_chars=200_000,
    )
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[MessageIntakeWorkflow, IntakeWorkflow],
        activities=activity_methods(
            DirectoryActivities(graph),
            messaging,
            CalendarActivities(graph, clock=sandbox.state.clock.now),
            intake_activities,
            IntakeMailActivities(graph, messaging, agent_mailbox=AGENT),
            SendRouting(task_queue, [AGENT], enabled=False),
        ),
        interceptors=[SandboxClockInterceptor(sandbox)],
    ):
        email = await copied_email(sandbox, graph, body=ASK_WITHOUT_DATE)
        await intake(client, task_queue, in_agent_inbox(email["id"]))
        thread = thread_handle(client, email)
        [question] = await eventually(lambda: from_agent(sandbox, MANAGER))
        waiting = await view_of(thread)
        assert waiting.status is IntakeStatus.WAITING_FOR_MANAGER

        # Waiting for the manager's answer: the new run waits on, knowing what it asked.
        await _refresh_and_wait(client, thread)
        assert await view_of(thread) == waiting

        await (
            graph.users.by_user_id(MANAGER)
            .messages.by_message_id(question["id"])
            .reply.post(ReplyPostRequestBody(comment="Friday 3pm please"))
        )
        await intake(client, task_queue, in_agent_inbox(newest(sandbox, AGENT)["id"]))

        async def confirming() -> IntakeView | None:
            view = await view_of(thread)
            return view if view.status is IntakeStatus.CONFIRMING else None

        confirmed = await eventually(confirming)
        assert confirmed is not None
        [proposal] = confirmed.proposals
        view = await thread.execute_update(
            IntakeUpdates.CANCEL,
            IntakeDecision(actor=MANAGER, commitment_id=proposal.commitment_id),
            result_type=IntakeView,
        )
        assert view.proposals[0].status is DraftStatus.CANCELLED

        async def done() -> IntakeView | None:
            view = await view_of(thread)
            return view if view.status is IntakeStatus.DONE else None

        finished = await eventually(done)
        # Remembering the finished thread: the new run still turns the thread's mail away.
        await _refresh_and_wait(client, thread)
        assert await view_of(thread) == finished
        assert (await thread.describe()).status is WorkflowExecutionStatus.RUNNING
        await thread.terminate("test over")
    # One question and one confirmation, whatever the hand-overs.
    assert [m["subject"].split(":")[0] for m in from_agent(sandbox, MANAGER)] == [
        "RE",
        "Please check",
    ]
    assert from_agent(sandbox, SAM) == []


async def _refresh_and_wait(client: Any, handle: WorkflowHandle[Any, Any]) -> None:
    run_id = (await handle.describe()).run_id
    await handle.signal(REFRESH_SIGNAL, RefreshRequest())
    old = client.get_workflow_handle(handle.id, run_id=run_id)
    closed = await eventually(lambda: _closed_as(old))
    assert closed.status is WorkflowExecutionStatus.CONTINUED_AS_NEW


async def test_a_digest_waiting_for_its_manager_keeps_its_hold_limit_across_a_refresh(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    client = dev_server.client
    stand_ins = StandIns(round_the_clock())
    async with worker_for(dev_server, stand_ins, task_queue):
        # Maya is away for a few seconds more, so the digest is waiting when asked.
        start = await dev_server.get_current_time()
        back = start + AWAY_FOR
        away = AutomaticReplies.model_validate(
            {
                "status": "scheduled",
                "scheduled_start": start - timedelta(days=1),
                "scheduled_end": back,
            }
        )
        stand_ins.schedule = stand_ins.schedule.model_copy(update={"automatic_replies": away})
        handle = await client.start_workflow(
            DIGEST_WORKFLOW,
            DigestRun(manager="maya@example.com", time_zone="Europe/London", week="2026-W48"),
            id=f"digest-test-{task_queue}",
            task_queue=task_queue,
            result_type=DigestOutcome,
        )
        await eventually(lambda: stand_ins.schedule_reads)
        await handle.signal(REFRESH_SIGNAL, RefreshRequest())
        first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
        closed = await eventually(lambda: _closed_as(first))
        assert closed.status is WorkflowExecutionStatus.CONTINUED_AS_NEW
        latest = client.get_workflow_handle(handle.id, result_type=DigestOutcome)
        [started] = [
            event
            async for event in latest.fetch_history_events()
            if event.HasField("workflow_execution_started_event_attributes")
        ]
        attributes = started.workflow_execution_started_event_attributes
        [carried] = await client.data_converter.decode(attributes.input.payloads, [DigestRun])
        assert isinstance(carried, DigestRun)
        assert carried.hold_until is not None
        assert abs(carried.hold_until - (closed.start_time + HOLD_LIMIT)) < timedelta(seconds=2)
        outcome = await latest.result()
    # The new run waits out the absence and sends the digest, once.
    assert outcome.result is DigestResult.SENT
    assert len(stand_ins.sent) == 1
    assert stand_ins.gathered_at[0] >= back.replace(microsecond=0)


async def test_a_conversation_after_a_missed_deadline_stays_one_across_a_refresh(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # Started where a continued run would start: the deadline has just been missed.
    for address in (SAM, MANAGER):
        await work_round_the_clock(graph, address)
    client = dev_server.client
    now = await dev_server.get_current_time()
    spec = spec_for(SAM_PERSON, now + timedelta(days=9))
    progress = CommitmentState(status=CommitmentStatus.MISSED, spec=spec)
    async with lifecycle_worker(client, task_queue, sandbox, graph):
        handle = await start_commitment(client, task_queue, spec, now, progress=progress)

        async def conversation_announced() -> CommitmentView | None:
            view = await handle.query(CommitmentWorkflow.view)
            kinds = [entry.kind for entry in view.history]
            return view if "sent:coaching_note" in kinds else None

        await eventually(conversation_announced)
        await handle.signal(REFRESH_SIGNAL, RefreshRequest())
        first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
        closed = await eventually(lambda: _closed_as(first))
        assert closed.status is WorkflowExecutionStatus.CONTINUED_AS_NEW
        latest = client.get_workflow_handle(handle.id)
        [started] = [
            event
            async for event in latest.fetch_history_events()
            if event.HasField("workflow_execution_started_event_attributes")
        ]
        payloads = started.workflow_execution_started_event_attributes.input.payloads
        [carried] = await client.data_converter.decode(payloads, [CommitmentInput])
        assert isinstance(carried, CommitmentInput) and carried.progress is not None
        assert carried.progress.status is CommitmentStatus.IN_CONVERSATION
        assert carried.progress.after_deadline, "the conversation follows a missed deadline"
        assert carried.progress.meeting is not None
        await latest.terminate("test over")
    kinds = [entry.kind for entry in carried.progress.history]
    assert kinds.count("meeting_scheduled") == 1
    assert kinds.count("sent:deadline_passed_owner") == 1
