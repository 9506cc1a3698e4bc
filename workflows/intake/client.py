"""How change notifications reach the intake workflows: start a message's reading, or tell a watch.

Shared by the webhook (``api/routers/intake_notifications.py``) and the watch's catch-up
activity, so a message found either way maps to the same workflow id and is read once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from workflows.commitment.client import (
    INVALID_ACTION,
    QUERY_TIMEOUT,
    UPDATE_TIMEOUT,
    ActionRejectedError,
    CommitmentUnavailableError,
)
from workflows.intake.contracts import (
    INTAKE_VIEW_QUERY,
    LIFECYCLE_SIGNAL,
    MESSAGE_WORKFLOW,
    ChangeNotice,
    IntakeDecision,
    IntakeView,
    LifecycleNotice,
    WatchMode,
    message_workflow_id,
    thread_of_commitment,
    thread_workflow_id,
    watch_workflow_id,
)

# A message's reading is short; a workflow stuck longer than this is better ended and logged.
MESSAGE_RUN_TIMEOUT = timedelta(days=1)

log = structlog.get_logger("accord.api.intake")


async def start_message_intake(client: Client, notice: ChangeNotice, task_queue: str) -> bool:
    """Start the workflow that reads one message, unless it exists or ran already.

    Args:
        client: the Temporal client.
        notice: which message of which watched mailbox.
        task_queue: where the workers listen.

    Returns:
        False when the message was read already (a duplicate of a finished reading); True
        when its reading runs now (started by this call or by an earlier duplicate).

    Raises:
        temporalio.service.RPCError: when Temporal cannot be reached.
    """
    workflow_id = message_workflow_id(notice.mailbox, notice.message_id, notice.change_key)
    try:
        handle = await client.start_workflow(
            MESSAGE_WORKFLOW,
            notice,
            id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            execution_timeout=MESSAGE_RUN_TIMEOUT,
        )
    except WorkflowAlreadyStartedError:
        log.info("message_intake_duplicate", workflow_id=workflow_id)
        return False
    log.info("message_intake_started", workflow_id=handle.id, mode=notice.mode.value)
    return True


async def signal_watch(
    client: Client, mailbox: str, mode: WatchMode, notice: LifecycleNotice, task_queue: str
) -> bool:
    """Tell a mailbox's watch about a lifecycle notification.

    Args:
        client: the Temporal client.
        mailbox: the watched mailbox.
        mode: what it is watched for.
        notice: the event and subscription.
        task_queue: the deployment's task queue (part of the watch's id).

    Returns:
        False when no such watch is running (the notification is then dropped and logged).

    Raises:
        temporalio.service.RPCError: when Temporal cannot be reached.
    """
    handle = client.get_workflow_handle(watch_workflow_id(mailbox, mode, task_queue))
    try:
        await handle.signal(LIFECYCLE_SIGNAL, notice)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            log.warning("lifecycle_for_unknown_watch", lifecycle_event=notice.event.value)
            return False
        raise
    log.info("lifecycle_signalled", lifecycle_event=notice.event.value, workflow_id=handle.id)
    return True


class IntakeNotFoundError(Exception):
    """No conversation holds this commitment (or the id is not one read from mail)."""


async def read_intake_view(client: Client, commitment_id: str) -> IntakeView:
    """Ask the conversation that proposed a commitment for its view.

    Raises:
        IntakeNotFoundError: when there is no such conversation.
        CommitmentUnavailableError: when Temporal cannot answer in time.
    """
    handle = _thread_handle(client, commitment_id)
    try:
        view: IntakeView = await handle.query(
            INTAKE_VIEW_QUERY, result_type=IntakeView, rpc_timeout=QUERY_TIMEOUT
        )
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise IntakeNotFoundError(commitment_id) from None
        raise CommitmentUnavailableError from exc
    except (RPCTimeoutOrCancelledError, WorkflowQueryFailedError) as exc:
        raise CommitmentUnavailableError from exc
    return view


async def apply_intake_update(
    client: Client, commitment_id: str, update: str, arg: IntakeDecision
) -> IntakeView:
    """Run one of the conversation's updates (confirm, cancel, correct) as the manager.

    Raises:
        IntakeNotFoundError: when there is no such conversation.
        ActionRejectedError: when the conversation refuses (its message says why).
        CommitmentUnavailableError: when Temporal cannot answer in time.
    """
    handle = _thread_handle(client, commitment_id)
    try:
        view: IntakeView = await handle.execute_update(
            update, arg, id=arg.action_id, result_type=IntakeView, rpc_timeout=UPDATE_TIMEOUT
        )
    except WorkflowUpdateFailedError as exc:
        cause: Any = exc.cause
        if isinstance(cause, ApplicationError) and cause.type == INVALID_ACTION:
            raise ActionRejectedError(cause.message) from None
        raise
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise IntakeNotFoundError(commitment_id) from None
        raise CommitmentUnavailableError from exc
    except RPCTimeoutOrCancelledError as exc:
        raise CommitmentUnavailableError from exc
    log.info("intake_action_applied", commitment_id=commitment_id, update=update)
    return view


def _thread_handle(client: Client, commitment_id: str) -> WorkflowHandle[Any, Any]:
    found = thread_of_commitment(commitment_id)
    if found is None:
        raise IntakeNotFoundError(commitment_id)
    return client.get_workflow_handle(thread_workflow_id(found[0]))
