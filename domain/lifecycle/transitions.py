"""Which status may follow which: the lifecycle's map, and the one it replaced.

Agreeing a revision makes a commitment active again from wherever it was open and agreed
(missed, awaiting its owner's return, in conversation), and keeps an active one active.
:data:`LEGACY_TRANSITIONS` is the map before that: runs that started under it replay with it.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.models import CommitmentStatus

CLOSED = frozenset({CommitmentStatus.DONE, CommitmentStatus.RELEASED})
OPEN = frozenset(status for status in CommitmentStatus if status not in CLOSED)
NOT_YET_AGREED = frozenset({CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.CLARIFYING})
"""The expectation is still being agreed: the manager revises it directly."""

# Work can be finished, or the request withdrawn, from any open status.
LEGACY_TRANSITIONS: Mapping[CommitmentStatus, frozenset[CommitmentStatus]] = {
    CommitmentStatus.AWAITING_ACCEPTANCE: frozenset(
        {CommitmentStatus.ACTIVE, CommitmentStatus.CLARIFYING, *CLOSED}
    ),
    CommitmentStatus.CLARIFYING: frozenset(
        {CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.ACTIVE, *CLOSED}
    ),
    CommitmentStatus.ACTIVE: frozenset(
        {
            CommitmentStatus.MISSED,
            CommitmentStatus.AWAITING_RETURN,
            CommitmentStatus.IN_CONVERSATION,
            *CLOSED,
        }
    ),
    CommitmentStatus.MISSED: frozenset({CommitmentStatus.IN_CONVERSATION, *CLOSED}),
    CommitmentStatus.AWAITING_RETURN: frozenset(
        {CommitmentStatus.MISSED, CommitmentStatus.IN_CONVERSATION, *CLOSED}
    ),
    CommitmentStatus.IN_CONVERSATION: frozenset({CommitmentStatus.ACTIVE, *CLOSED}),
    CommitmentStatus.DONE: frozenset(),
    CommitmentStatus.RELEASED: frozenset(),
}

ALLOWED_TRANSITIONS: Mapping[CommitmentStatus, frozenset[CommitmentStatus]] = {
    **LEGACY_TRANSITIONS,
    # An agreed revision is a new plan: the commitment is active again.
    CommitmentStatus.MISSED: LEGACY_TRANSITIONS[CommitmentStatus.MISSED]
    | {CommitmentStatus.ACTIVE},
    CommitmentStatus.AWAITING_RETURN: LEGACY_TRANSITIONS[CommitmentStatus.AWAITING_RETURN]
    | {CommitmentStatus.ACTIVE},
}
"""The lifecycle: which status may follow which. Done and released are final."""


def can_transition(
    current: CommitmentStatus,
    target: CommitmentStatus,
    transitions: Mapping[CommitmentStatus, frozenset[CommitmentStatus]] = ALLOWED_TRANSITIONS,
) -> bool:
    """Tell whether the lifecycle allows moving from ``current`` to ``target``.

    Args:
        current: the commitment's status now.
        target: the status it would move to.
        transitions: the map to read (the current one unless a legacy run is replayed).

    Returns:
        True when the move is part of the lifecycle.
    """
    return target in transitions[current]
