"""Intake in tests: a manager's request by email, and starting its reading as the webhook does."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.worker import Worker

from accord.wiring.workflow_runner import workflow_runner
from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.intake.activities import IntakeActivities
from activities.intake.questions import IntakeMailActivities
from activities.intake.subscriptions import SubscriptionActivities
from activities.sending.activities import SendRouting
from integrations.reading_pool import BoundedReading
from sandbox.server import SandboxServer
from tests.support.lifecycle import SandboxClockInterceptor, sandbox_messaging
from tests.support.mailboxes import mailbox, newest, send_as
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from worker import activity_methods, submitting_activities
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.intake.client import start_message_intake
from workflows.intake.contracts import (
    INTAKE_VIEW_QUERY,
    ChangeNotice,
    IntakeStatus,
    IntakeView,
    WatchMode,
    message_workflow_id,
    thread_key,
    thread_workflow_id,
)
from workflows.intake.mailbox_watch import MailboxWatchWorkflow
from workflows.intake.message import MessageIntakeWorkflow
from workflows.intake.workflow import IntakeWorkflow

# The grace window the intake tests run with (the default, 15 minutes).
INTAKE_GRACE = timedelta(minutes=15)
INTAKE_ID_KEY = b"the key intake ids are made with, in tests"
"""The secret conversation keys are a MAC under (the worker's ``intake_id_key``)."""

ASK = (
    "Hi Sam,\n\nCould you draft the Q1 budget for the platform team by Friday 3pm?\n"
    "Done when: a reviewed spreadsheet is shared with finance.\n\nThanks,\nMaya"
)
ASK_WITHOUT_DATE = (
    "Hi Sam,\n\nCould you draft the Q1 budget for the platform team?\n"
    "Done when: a reviewed spreadsheet is shared with finance.\n\nThanks,\nMaya"
)


def from_agent(sandbox: SandboxServer, address: str) -> list[dict[str, Any]]:
    """What Accord sent to a person (any kind of item, meeting messages too)."""
    return [
        message
        for message in mailbox(sandbox, address)
        if message["from"]["emailAddress"]["address"] == AGENT
    ]


async def intake(client: Client, task_queue: str, notice: ChangeNotice) -> str:
    """Start a message's reading as the webhook does, and wait for its outcome."""
    await start_message_intake(client, notice, task_queue)
    handle = client.get_workflow_handle(
        message_workflow_id(notice.mailbox, notice.message_id, notice.change_key)
    )

    # Polled rather than awaited: awaiting a result lets the test server skip time, which
    # would run the grace window (and the commitments' timers) behind the test's back.
    async def finished() -> bool:
        return (await handle.describe()).status is not WorkflowExecutionStatus.RUNNING

    await eventually(finished, timeout=30)
    result: str = await handle.result()
    return result


def in_agent_inbox(message_id: str) -> ChangeNotice:
    """The change notification for a message in Accord's own inbox."""
    return ChangeNotice(mailbox=AGENT, mode=WatchMode.AGENT_INBOX, message_id=message_id)


def thread_handle(client: Client, message: dict[str, Any]) -> WorkflowHandle[Any, Any]:
    """The intake workflow of the thread ``message`` (in Accord's inbox) belongs to."""
    key = thread_key(AGENT, message["conversationId"], message["id"], key=INTAKE_ID_KEY)
    return client.get_workflow_handle(thread_workflow_id(key))


async def view_of(handle: WorkflowHandle[Any, Any]) -> IntakeView:
    """A thread's intake view."""
    view: IntakeView = await handle.query(INTAKE_VIEW_QUERY, result_type=IntakeView)
    return view


async def view_in_status(
    handle: WorkflowHandle[Any, Any], status: IntakeStatus
) -> IntakeView | None:
    """The thread's view once it is in ``status``, else ``None`` (for polling)."""
    view = await view_of(handle)
    return view if view.status is status else None


async def copied_email(
    sandbox: SandboxServer, graph: GraphServiceClient, body: str = ASK, to: str = SAM
) -> dict[str, Any]:
    """Maya asks ``to`` for something by email, copying Accord; returns Accord's copy."""
    await send_as(graph, MANAGER, to=[to], cc=[AGENT], subject="Q1 budget", body=body)
    return newest(sandbox, AGENT)


@asynccontextmanager
async def intake_worker_on(
    temporal: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    *,
    grace_window: timedelta = INTAKE_GRACE,
    send_queues: bool = False,
    reading: BoundedReading | None = None,
) -> AsyncIterator[Worker]:
    """Commitment and intake workflows with every real activity, bound to the sandbox.

    With ``send_queues``, mail is submitted only by a second worker on Accord's mailbox's send
    queue, as in production: a send the workflow left on its own queue finds no activity.
    ``reading`` is where intake reads (unset: a thread).
    """
    assert sandbox.state is not None
    clock = sandbox.state.clock.now
    messaging = sandbox_messaging(graph, sandbox)
    mail = IntakeMailActivities(graph, messaging, agent_mailbox=AGENT)
    routing = SendRouting(task_queue, [AGENT], enabled=send_queues, agent_mailbox=AGENT)
    sends = submitting_activities(messaging, mail) if send_queues else []
    activities = activity_methods(
        DirectoryActivities(graph),
        messaging,
        CalendarActivities(graph, clock=clock),
        IntakeActivities(
            graph,
            temporal,
            agent_mailbox=AGENT,
            tenant_domains=["northwind.example"],
            category="Accord",
            task_queue=task_queue,
            grace_window=grace_window,
            id_key=INTAKE_ID_KEY,
            max_body_chars=200_000,  # the real limit (2,000,000 characters) makes a slow test
            reading=reading,
        ),
        mail,
        SubscriptionActivities(graph, temporal, task_queue=task_queue),
        routing,
    )
    worker = Worker(
        temporal,
        task_queue=task_queue,
        workflows=[CommitmentWorkflow, MessageIntakeWorkflow, IntakeWorkflow, MailboxWatchWorkflow],
        activities=[activity for activity in activities if activity not in sends],
        workflow_runner=workflow_runner(),  # the worker's own
        interceptors=[SandboxClockInterceptor(sandbox)],
    )
    async with contextlib.AsyncExitStack() as running:
        await running.enter_async_context(worker)
        for queue in routing.queues().values() if send_queues else []:
            await running.enter_async_context(Worker(temporal, task_queue=queue, activities=sends))
        yield worker
