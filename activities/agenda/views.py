"""The commitments an agenda speaks about: the report's, with this manager, and the support.

Read through visibility (the report's commitments open or closed since a date) and each
one's ``view`` query, as the digest reads its manager's. A promise of support is carried by a
commitment of the manager's (``SupportPromise.support_id``); its status says whether it was
kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import structlog
from temporalio.client import Client
from temporalio.service import RPCError

from domain.agenda import AgendaSupport, support_state
from domain.models import CommitmentStatus
from domain.reliability import CommitmentFacts
from workflows.commitment.client import (
    CommitmentNotFoundError,
    CommitmentUnavailableError,
    read_view,
)
from workflows.commitment.contracts import WORKFLOW_ID_PREFIX, CommitmentView
from workflows.commitment.facts import facts_from_view, facts_query

MAX_COMMITMENTS = 200
CONCURRENT_QUERIES = 8

log = structlog.get_logger("accord.activities.agenda")


class CommitmentsUnreadableError(Exception):
    """Temporal could not list the report's commitments."""


class AgendaViews(Protocol):
    """Where an agenda's commitments come from (Temporal; tests give their own)."""

    async def commitments_of(
        self, report: str, manager: str, since: datetime
    ) -> list[CommitmentView]:
        """Return the report's commitments with this manager, open or ended since ``since``.

        Raises:
            CommitmentsUnreadableError: when they cannot be listed right now.
        """
        ...

    async def status_of(self, commitment_id: str) -> CommitmentStatus | None:
        """Return a commitment's status, or ``None`` when it cannot be read."""
        ...


class TemporalViews:
    """:class:`AgendaViews` from Temporal: visibility, then each commitment's view."""

    def __init__(self, client: Client) -> None:
        self._client = client

    async def commitments_of(
        self, report: str, manager: str, since: datetime
    ) -> list[CommitmentView]:
        """Return the report's commitments with this manager (see :class:`AgendaViews`)."""
        try:
            query = facts_query(since=since, owner=report)
        except ValueError:
            return []
        try:
            ids = [
                execution.id.removeprefix(WORKFLOW_ID_PREFIX)
                async for execution in self._client.list_workflows(query, limit=MAX_COMMITMENTS)
                if execution.id.startswith(WORKFLOW_ID_PREFIX)
            ]
        except RPCError as exc:
            raise CommitmentsUnreadableError from exc
        gate = asyncio.Semaphore(CONCURRENT_QUERIES)

        async def read(commitment_id: str) -> CommitmentView | None:
            async with gate:
                try:
                    return await read_view(self._client, commitment_id)
                except (CommitmentNotFoundError, CommitmentUnavailableError):
                    log.warning("agenda_commitment_left_out", commitment_id=commitment_id)
                    return None

        views = await asyncio.gather(*(read(found) for found in ids))
        return [
            view
            for view in views
            if view is not None and view.spec.manager.email == manager.lower()
        ]

    async def status_of(self, commitment_id: str) -> CommitmentStatus | None:
        """Return a commitment's status (see :class:`AgendaViews`)."""
        try:
            return (await read_view(self._client, commitment_id)).status
        except (CommitmentNotFoundError, CommitmentUnavailableError):
            return None


async def agenda_inputs(
    views: AgendaViews, report: str, manager: str, since: datetime, now: datetime
) -> tuple[list[CommitmentFacts], list[AgendaSupport]]:
    """Read the report's commitments with the manager, and the support promised on them.

    Args:
        views: where the commitments come from.
        report: the report's address.
        manager: the manager's address.
        since: commitments ended before this are left out.
        now: the current instant (a promise past its date reads so).

    Returns:
        The commitments' facts and the support promised on the open ones.
    """
    found: Sequence[CommitmentView] = await views.commitments_of(report, manager, since)
    support = []
    for view in found:
        if view.status.is_closed:
            continue
        for promise in view.support:
            status = await views.status_of(promise.support_id)
            support.append(
                AgendaSupport(
                    title=view.spec.title,
                    what=promise.what,
                    due=promise.due,
                    state=support_state(promise.due, status, now),
                )
            )
    return [facts_from_view(view) for view in found], support
