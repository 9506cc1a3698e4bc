"""How the rest of Accord talks to commitment workflows: start, view, update, list.

Temporal's errors become three of Accord's own, which the JSON API and the action-link pages
each present in their own way. Lists come from visibility (search attributes and the memo,
no query to any workflow); :mod:`workflows.commitment.facts` reads many commitments' views
at once, for digests and reliability figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from pydantic import BaseModel
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowExecution,
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

from domain.attention import attention_of
from domain.models import CommitmentStatus
from domain.support import CommitmentKind
from workflows import visibility
from workflows.commitment.contracts import (
    ATTENTION_KEY,
    DUE_KEY,
    MANAGER_KEY,
    OWNER_KEY,
    STATUS_KEY,
    VIEW_QUERY,
    WORKFLOW_ID_PREFIX,
    WORKFLOW_NAME,
    CommitmentInput,
    CommitmentView,
    workflow_id_for,
)

QUERY_TIMEOUT = timedelta(seconds=10)
UPDATE_TIMEOUT = timedelta(seconds=30)
INVALID_ACTION = "InvalidAction"
# The memo key of the title as set at creation, for lists (memos are encrypted like payloads).
TITLE_MEMO = "title"

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
        Owner, manager, status (awaiting acceptance; a promise of support: active), due
        date and what it needs (waiting for an answer; a promise of support: under way).
    """
    return TypedSearchAttributes(
        [
            SearchAttributePair(OWNER_KEY, start.spec.owner.email),
            SearchAttributePair(MANAGER_KEY, start.spec.manager.email),
            SearchAttributePair(STATUS_KEY, _first_status(start).value),
            SearchAttributePair(DUE_KEY, start.spec.due),
            SearchAttributePair(ATTENTION_KEY, attention_of(_first_status(start), None).value),
        ]
    )


def _first_status(start: CommitmentInput) -> CommitmentStatus:
    # A promise of support is agreed by the one who makes it (domain/support.py).
    if start.kind is CommitmentKind.SUPPORT:
        return CommitmentStatus.ACTIVE
    return CommitmentStatus.AWAITING_ACCEPTANCE


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
                memo={TITLE_MEMO: start.spec.title},
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
        update: the update's name (see ``workflows.commitment.contracts.Updates``).
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


@dataclass(frozen=True)
class CommitmentFilter:
    """What a list asks for; ``visible_owners``/``visible_manager`` scope it to a person.

    ``None`` for a field means "any". A non-admin's list is limited to commitments whose
    owner is one of ``visible_owners`` or whose manager is ``visible_manager``.
    """

    owner: str | None = None
    manager: str | None = None
    status: CommitmentStatus | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    visible_owners: tuple[str, ...] | None = None
    visible_manager: str | None = None


@dataclass(frozen=True)
class CommitmentRow:
    """One commitment as visibility knows it (no query to the workflow needed)."""

    commitment_id: str
    owner: str
    manager: str
    status: CommitmentStatus
    due: datetime
    title: str | None
    started_at: datetime | None


def list_query(wanted: CommitmentFilter) -> str:
    """Return the Temporal visibility query for a list.

    Args:
        wanted: the filters and the caller's scope.

    Returns:
        The query (a ``WHERE`` clause in Temporal's list filter language).
    """
    clauses = [visibility.workflow_type(WORKFLOW_NAME), visibility.is_set(OWNER_KEY.name)]
    if wanted.owner is not None:
        clauses.append(visibility.equals(OWNER_KEY.name, wanted.owner))
    if wanted.manager is not None:
        clauses.append(visibility.equals(MANAGER_KEY.name, wanted.manager))
    if wanted.status is not None:
        clauses.append(visibility.equals(STATUS_KEY.name, wanted.status.value))
    if wanted.due_after is not None:
        clauses.append(visibility.compare(DUE_KEY.name, ">=", wanted.due_after))
    if wanted.due_before is not None:
        clauses.append(visibility.compare(DUE_KEY.name, "<", wanted.due_before))
    scope = []
    if wanted.visible_owners:
        scope.append(visibility.one_of(OWNER_KEY.name, wanted.visible_owners))
    if wanted.visible_manager is not None:
        scope.append(visibility.equals(MANAGER_KEY.name, wanted.visible_manager))
    if wanted.visible_owners is not None or wanted.visible_manager is not None:
        clauses.append(visibility.any_of(*scope))
    return visibility.all_of(*clauses)


def open_commitments_query(*, involving: str | None = None) -> str:
    """Return the visibility query for the commitments still running.

    Args:
        involving: only those this person owns or manages; unset: everyone's.

    Returns:
        The query.
    """
    clauses = [visibility.workflow_type(WORKFLOW_NAME), visibility.running()]
    if involving is not None:
        clauses.append(
            visibility.any_of(
                visibility.equals(OWNER_KEY.name, involving),
                visibility.equals(MANAGER_KEY.name, involving),
            )
        )
    return visibility.all_of(*clauses)


async def list_commitments(
    client: Client, query: str, *, page_size: int, page_token: bytes | None
) -> tuple[list[CommitmentRow], bytes | None]:
    """Read one page of commitments from Temporal's visibility.

    Visibility is eventually consistent: a commitment created a moment ago, or a status that
    just changed, may show a second later.

    Args:
        client: the Temporal client.
        query: from :func:`list_query`.
        page_size: at most this many rows.
        page_token: Temporal's token for the page after the previous one; ``None``: the first.

    Returns:
        The rows and Temporal's token for the next page (``None`` after the last).

    Raises:
        CommitmentUnavailableError: when Temporal cannot answer.
    """
    listing = client.list_workflows(
        query, page_size=page_size, next_page_token=page_token, rpc_timeout=QUERY_TIMEOUT
    )
    try:
        with _temporal_errors("*"):
            await listing.fetch_next_page(page_size=page_size)
    except CommitmentNotFoundError as exc:
        raise CommitmentUnavailableError from exc
    rows = []
    for execution in listing.current_page or []:
        row = await _row(execution)
        if row is not None:
            rows.append(row)
    return rows, listing.next_page_token


async def _row(execution: WorkflowExecution) -> CommitmentRow | None:
    attributes = execution.typed_search_attributes
    owner, manager = attributes.get(OWNER_KEY), attributes.get(MANAGER_KEY)
    status, due = attributes.get(STATUS_KEY), attributes.get(DUE_KEY)
    if owner is None or manager is None or status is None or due is None:
        return None
    try:
        memo = await execution.memo()
    except Exception:  # a memo that cannot be read costs the title only, not the row
        log.warning("memo_unreadable", workflow_id=execution.id)
        memo = {}
    title = memo.get(TITLE_MEMO)
    try:
        commitment_status = CommitmentStatus(status)
    except ValueError:
        return None
    return CommitmentRow(
        commitment_id=execution.id.removeprefix(WORKFLOW_ID_PREFIX),
        owner=owner,
        manager=manager,
        status=commitment_status,
        due=due,
        title=title if isinstance(title, str) else None,
        started_at=execution.start_time,
    )
