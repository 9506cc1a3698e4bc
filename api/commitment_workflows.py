"""How the API talks to commitment workflows: start, read the view, apply an update.

Temporal's errors become three of Accord's own, which the JSON API and the action-link pages
each present in their own way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import structlog
from pydantic import BaseModel
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.models import CommitmentStatus
from workflows.contracts import (
    DUE_KEY,
    MANAGER_KEY,
    OWNER_KEY,
    STATUS_KEY,
    VIEW_QUERY,
    WORKFLOW_NAME,
    CommitmentInput,
    CommitmentView,
    workflow_id_for,
)

QUERY_TIMEOUT = timedelta(seconds=10)
UPDATE_TIMEOUT = timedelta(seconds=30)
INVALID_ACTION = "InvalidAction"

log = structlog.get_logger("accord.api.workflows")


class CommitmentNotFoundError(Exception):
    """No commitment has this id."""

    def __init__(self, commitment_id: str) -> None:
        super().__init__(f"no commitment with id {commitment_id}")
        self.commitment_id = commitment_id


class ActionRejectedError(Exception):
    """The commitment refused the action; ``reason`` is meant for the person who acted."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CommitmentUnavailableError(Exception):
    """Temporal or the workers could not answer in time; nothing is known to have changed."""


def initial_search_attributes(start: CommitmentInput) -> TypedSearchAttributes:
    """Return the search attributes a new commitment is indexed by.

    Args:
        start: the workflow's input.

    Returns:
        Owner, manager, status (awaiting acceptance) and due date.
    """
    return TypedSearchAttributes(
        [
            SearchAttributePair(OWNER_KEY, start.spec.owner.email),
            SearchAttributePair(MANAGER_KEY, start.spec.manager.email),
            SearchAttributePair(STATUS_KEY, CommitmentStatus.AWAITING_ACCEPTANCE.value),
            SearchAttributePair(DUE_KEY, start.spec.due),
        ]
    )


@contextmanager
def _temporal_errors(commitment_id: str) -> Iterator[None]:
    try:
        yield
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise CommitmentNotFoundError(commitment_id) from None
        log.warning("temporal_call_failed", commitment_id=commitment_id, status=exc.status)
        raise CommitmentUnavailableError from exc
    except RPCTimeoutOrCancelledError as exc:
        log.warning("temporal_call_timed_out", commitment_id=commitment_id)
        raise CommitmentUnavailableError from exc


async def start_commitment(client: Client, start: CommitmentInput, task_queue: str) -> None:
    """Start the commitment's workflow, or do nothing if it already exists.

    A running workflow with the id is reused and a closed one is not started again, so
    creating the same commitment twice yields one workflow.

    Args:
        client: the Temporal client.
        start: the workflow's input.
        task_queue: where the workers listen.

    Raises:
        CommitmentUnavailableError: when Temporal cannot be reached.
    """
    workflow_id = workflow_id_for(start.commitment_id)
    try:
        with _temporal_errors(start.commitment_id):
            await client.start_workflow(
                WORKFLOW_NAME,
                start,
                id=workflow_id,
                task_queue=task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=initial_search_attributes(start),
            )
    except WorkflowAlreadyStartedError:
        # Only a closed workflow gets here (a running one is reused): the commitment existed
        # and ended, which is what a repeated create of it should find.
        log.info("commitment_exists", commitment_id=start.commitment_id)
        return
    log.info("commitment_started", commitment_id=start.commitment_id, workflow_id=workflow_id)


async def read_view(
    client: Client, commitment_id: str, *, wait: timedelta | None = None
) -> CommitmentView:
    """Ask the commitment's workflow for its view.

    Args:
        client: the Temporal client.
        commitment_id: which commitment.
        wait: how long to wait for an answer; unset: ``QUERY_TIMEOUT``.

    Returns:
        The view.

    Raises:
        CommitmentNotFoundError: when there is no such commitment.
        CommitmentUnavailableError: when the workflow cannot answer in time.
    """
    handle = client.get_workflow_handle(workflow_id_for(commitment_id))
    try:
        with _temporal_errors(commitment_id):
            view: CommitmentView = await handle.query(
                VIEW_QUERY, result_type=CommitmentView, rpc_timeout=wait or QUERY_TIMEOUT
            )
    except WorkflowQueryFailedError as exc:
        log.warning("view_query_failed", commitment_id=commitment_id)
        raise CommitmentUnavailableError from exc
    return view


async def apply_update(
    client: Client,
    commitment_id: str,
    update: str,
    arg: BaseModel,
    *,
    update_id: str | None = None,
) -> CommitmentView:
    """Execute one of the commitment's updates and return its view afterwards.

    Args:
        client: the Temporal client.
        commitment_id: which commitment.
        update: the update's name (see ``workflows.contracts.Updates``).
        arg: the update's input.
        update_id: Temporal's update id; the same id twice is applied once.

    Returns:
        The view after the change.

    Raises:
        CommitmentNotFoundError: when there is no such commitment.
        ActionRejectedError: when the commitment refuses the action (its message says why).
        CommitmentUnavailableError: when the workflow cannot answer in time.
    """
    handle = client.get_workflow_handle(workflow_id_for(commitment_id))
    try:
        with _temporal_errors(commitment_id):
            view: CommitmentView = await handle.execute_update(
                update, arg, id=update_id, result_type=CommitmentView, rpc_timeout=UPDATE_TIMEOUT
            )
    except WorkflowUpdateFailedError as exc:
        cause: Any = exc.cause
        if isinstance(cause, ApplicationError) and cause.type == INVALID_ACTION:
            log.info("action_rejected", commitment_id=commitment_id, update=update)
            raise ActionRejectedError(cause.message) from None
        log.error(
            "action_failed",
            commitment_id=commitment_id,
            update=update,
            cause_type=getattr(cause, "type", type(cause).__name__),
        )
        raise
    except CommitmentNotFoundError:
        await _raise_if_closed(client, commitment_id)
        raise
    log.info("action_applied", commitment_id=commitment_id, update=update, update_id=update_id)
    return view


async def _raise_if_closed(client: Client, commitment_id: str) -> None:
    # Temporal answers "not found" to an update on a workflow that has finished; a commitment
    # that ended is not missing, it has moved on.
    handle = client.get_workflow_handle(workflow_id_for(commitment_id))
    try:
        with _temporal_errors(commitment_id):
            await handle.describe()
    except CommitmentNotFoundError:
        return
    log.info("action_on_ended_commitment", commitment_id=commitment_id)
    raise ActionRejectedError("This commitment has already ended, so nothing was changed.")
