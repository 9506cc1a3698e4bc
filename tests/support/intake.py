"""Intake in tests: a manager's request by email, and starting its reading as the webhook does."""

from __future__ import annotations

from typing import Any

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle

from sandbox.server import SandboxServer
from tests.support.mailboxes import mailbox, newest, send_as
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from workflows.intake.client import start_message_intake
from workflows.intake.contracts import (
    INTAKE_VIEW_QUERY,
    ChangeNotice,
    IntakeView,
    WatchMode,
    message_workflow_id,
    thread_key,
    thread_workflow_id,
)

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


async def copied_email(
    sandbox: SandboxServer, graph: GraphServiceClient, body: str = ASK, to: str = SAM
) -> dict[str, Any]:
    """Maya asks ``to`` for something by email, copying Accord; returns Accord's copy."""
    await send_as(graph, MANAGER, to=[to], cc=[AGENT], subject="Q1 budget", body=body)
    return newest(sandbox, AGENT)
