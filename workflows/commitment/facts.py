"""The client's side for many commitments at once: find them, ask each for its view.

Beside :mod:`workflows.commitment.client` (one commitment: start, view, update; and lists),
this reads the views of a person's commitments for digests and reliability figures.
Commitments are found by their search attributes (manager or owner) among those still
running or closed since a given instant; each is then asked for its ``view`` query, which
Temporal answers for closed workflows too (within the namespace's retention).
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

import structlog
from temporalio.client import Client, RPCTimeoutOrCancelledError, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.reliability import CommitmentFacts
from workflows import visibility
from workflows.commitment.client import QUERY_TIMEOUT
from workflows.commitment.contracts import (
    MANAGER_KEY,
    OWNER_KEY,
    VIEW_QUERY,
    WORKFLOW_ID_PREFIX,
    WORKFLOW_NAME,
    CommitmentView,
)

MAX_COMMITMENTS = 500
"""At most this many commitments are read for one person (the newest first)."""
CONCURRENT_QUERIES = 8
_SIMPLE_ADDRESS = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+$")

log = structlog.get_logger("accord.integrations.commitment_views")


class CommitmentsUnavailableError(Exception):
    """Temporal could not list or read the commitments; nothing is known to be missing."""


def facts_from_view(view: CommitmentView) -> CommitmentFacts:
    """Keep what the reliability figures need from a commitment's view.

    Args:
        view: the commitment's view.

    Returns:
        Its facts.
    """
    return CommitmentFacts(
        commitment_id=view.commitment_id,
        title=view.spec.title,
        owner=view.spec.owner,
        manager=view.spec.manager,
        status=view.status,
        due=view.spec.due,
        created_at=view.created_at,
        completed_at=view.completed_at,
        history=view.history,
        check_ins=view.check_ins,
        revisions=view.revisions,
        kind=view.kind,
        support_requests=view.support_requests,
    )


def facts_query(*, since: datetime, manager: str | None = None, owner: str | None = None) -> str:
    """Build the visibility query for one person's commitments, open or closed since ``since``.

    Args:
        since: closed commitments count only if they closed at or after this instant.
        manager: the manager's address, to list their reports' commitments.
        owner: the owner's address, to list their own.

    Returns:
        The query.

    Raises:
        ValueError: when neither or both people are given, or the address is not a plain one.
    """
    if manager is not None and owner is None:
        key, email = MANAGER_KEY, manager
    elif owner is not None and manager is None:
        key, email = OWNER_KEY, owner
    else:
        raise ValueError("give either a manager or an owner")
    if not _SIMPLE_ADDRESS.fullmatch(email):
        raise ValueError("not a plain email address")
    return visibility.all_of(
        visibility.workflow_type(WORKFLOW_NAME),
        visibility.equals(key.name, email.lower()),
        visibility.any_of(
            visibility.running(), visibility.compare(visibility.CLOSE_TIME, ">=", since)
        ),
    )


def digest_facts_query(*, since: datetime, manager: str) -> str:
    """Build the query for a manager's digest: their team's commitments and their own.

    Their own include the support they promised their team ("What you promised your
    team"); :func:`domain.digest.build_digest` keeps each where it belongs.

    Args:
        since: closed commitments count only if they closed at or after this instant.
        manager: the manager's address.

    Returns:
        The query.

    Raises:
        ValueError: when the address is not a plain one.
    """
    if not _SIMPLE_ADDRESS.fullmatch(manager):
        raise ValueError("not a plain email address")
    email = manager.lower()
    return visibility.all_of(
        visibility.workflow_type(WORKFLOW_NAME),
        visibility.any_of(
            visibility.equals(MANAGER_KEY.name, email), visibility.equals(OWNER_KEY.name, email)
        ),
        visibility.any_of(
            visibility.running(), visibility.compare(visibility.CLOSE_TIME, ">=", since)
        ),
    )


async def read_commitment_facts(client: Client, query: str) -> list[CommitmentFacts]:
    """List the commitments a visibility query finds and read each one's view.

    A commitment that no longer exists (past retention) or cannot answer its query is left
    out (and logged by workflow id); only a failure to list at all is an error.

    Args:
        client: the Temporal client.
        query: a visibility query over commitment workflows (see :func:`facts_query`).

    Returns:
        The facts of each commitment found.

    Raises:
        CommitmentsUnavailableError: when Temporal cannot list or answer.
    """
    try:
        ids = [
            execution.id
            async for execution in client.list_workflows(query, limit=MAX_COMMITMENTS)
            if execution.id.startswith(WORKFLOW_ID_PREFIX)
        ]
    except RPCError as exc:
        log.warning("commitments_not_listed", status=exc.status)
        raise CommitmentsUnavailableError from exc
    gate = asyncio.Semaphore(CONCURRENT_QUERIES)

    async def read(workflow_id: str) -> CommitmentFacts | None:
        async with gate:
            handle = client.get_workflow_handle(workflow_id)
            try:
                view = await handle.query(
                    VIEW_QUERY, result_type=CommitmentView, rpc_timeout=QUERY_TIMEOUT
                )
            except RPCError as exc:
                # Past retention, or one commitment that cannot answer (its worker is down,
                # its code is broken): the others still make a digest, and the log says
                # which one was left out.
                if exc.status != RPCStatusCode.NOT_FOUND:
                    log.warning("commitment_left_out", workflow_id=workflow_id, status=exc.status)
                return None
            except (WorkflowQueryFailedError, RPCTimeoutOrCancelledError):
                log.warning("commitment_left_out", workflow_id=workflow_id)
                return None
            return facts_from_view(view)

    found = await asyncio.gather(*(read(workflow_id) for workflow_id in ids))
    return [facts for facts in found if facts is not None]
