"""The client's side of support: promise it (and start the promise's own commitment), move a date.

A promise of support is two steps, both safe to repeat: the owner's commitment records the
promise (the ``promise_support`` update, decided by the core: only its manager, only while
open), then the promise's own commitment starts (``kind`` support, owned by the manager, for
the owner). The promise's id is derived from the owner's commitment and the action's id, so
a retried request or a second press of a link names the same promise and starts nothing new.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from temporalio.client import Client

from domain.support import CommitmentKind, suggested_new_due, support_spec
from workflows.commitment.client import apply_update, read_view, start_commitment
from workflows.commitment.contracts import (
    CommitmentInput,
    CommitmentView,
    PromiseSupport,
    ProposeRevision,
    Updates,
)

# Fixed forever: a promise's id must be the same for every retry of the same action.
_SUPPORT_NAMESPACE = uuid.UUID("0b7e6c52-93f1-4c38-8f0e-5a1d0c5e0a17")
MOVE_DATE_REASON = "The support I was counting on has not come yet."
NOT_POSSIBLE_REASON = "The support I asked for is not possible, so I need more time."


def support_id_for(commitment_id: str, action_id: str | None) -> str:
    """Return the id of the commitment carrying a promise of support.

    Args:
        commitment_id: the owner's commitment.
        action_id: the promise's action id (a link's id, a scoped idempotency key); None for
            a request without one, which gets a fresh id.

    Returns:
        A UUID, the same for the same commitment and action.
    """
    if action_id is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_SUPPORT_NAMESPACE, f"{commitment_id}\n{action_id}"))


async def promise_support(
    client: Client,
    commitment_id: str,
    *,
    actor: str,
    what: str,
    due: datetime,
    action_id: str | None,
    now: datetime,
    task_queue: str,
) -> CommitmentView:
    """Record a promise of support on the owner's commitment and start the promise's own.

    Args:
        client: the Temporal client.
        commitment_id: the owner's commitment.
        actor: who promises (the core accepts only the commitment's manager).
        what: what is promised.
        due: by when.
        action_id: the action's id (see :func:`support_id_for`).
        now: the current instant (the promise's ``created_at``).
        task_queue: the commitments' task queue.

    Returns:
        The owner's commitment's view after the promise.

    Raises:
        ActionRejectedError: when the core refuses it (not the manager, closed, a past date).
    """
    support_id = support_id_for(commitment_id, action_id)
    view = await apply_update(
        client,
        commitment_id,
        Updates.PROMISE_SUPPORT,
        PromiseSupport(actor=actor, action_id=action_id, support_id=support_id, what=what, due=due),
        update_id=action_id,
    )
    await start_commitment(
        client,
        CommitmentInput(
            commitment_id=support_id,
            spec=support_spec(view.spec, what, due),
            created_at=now,
            kind=CommitmentKind.SUPPORT,
            supports=commitment_id,
        ),
        task_queue,
    )
    return view


async def propose_later_date(
    client: Client, commitment_id: str, *, actor: str, action_id: str, now: datetime
) -> CommitmentView:
    """Propose a later date on an owner's commitment after support did not come.

    ``commitment_id`` may be the promise of support itself (its link goes to the person it
    was for): the proposal is then made on the commitment it supports, moved by as long as
    the support is late. On an owner's commitment (support not possible) it moves a week.

    Args:
        client: the Temporal client.
        commitment_id: the promise of support, or the owner's commitment.
        actor: who proposes (the core accepts the owner or the manager of the target).
        action_id: the link's id: a second press proposes nothing new.
        now: the current instant.

    Returns:
        The view of the commitment the proposal was made on.

    Raises:
        ActionRejectedError: when the core refuses it.
    """
    view = await read_view(client, commitment_id)
    support_due: datetime | None = None
    reason = NOT_POSSIBLE_REASON
    if view.kind is CommitmentKind.SUPPORT and view.supports is not None:
        support_due, reason = view.spec.due, MOVE_DATE_REASON
        commitment_id = view.supports
        view = await read_view(client, commitment_id)
    new_due = suggested_new_due(view.spec.due, support_due, now)
    return await apply_update(
        client,
        commitment_id,
        Updates.PROPOSE_REVISION,
        ProposeRevision(actor=actor, action_id=action_id, new_due=new_due, reason=reason),
        update_id=action_id,
    )
