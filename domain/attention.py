"""What a commitment needs from the people around it: the one rule for lists and the index.

The web app's lists show commitments by what needs attention first, and the commitment
workflow indexes the same value in Temporal's visibility (``AccordAttention``) so a list can
read the groups in that order, page after page. Both use :func:`attention_of`, so the index
and the page never disagree about where a commitment belongs.
"""

from __future__ import annotations

from enum import StrEnum

from domain.models import CheckInAnswer, CommitmentStatus


class Attention(StrEnum):
    """The sections of a list, in the order a manager wants to see them."""

    NEEDS_A_HAND = "needs_a_hand"
    WAITING = "waiting"
    TALKING = "talking"
    UNDER_WAY = "under_way"
    DONE = "done"


ATTENTION_ORDER: tuple[Attention, ...] = tuple(Attention)
"""The groups, most in need of attention first (the enum's order)."""

_NEEDS_A_HAND_ANSWERS = frozenset({CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED})
_WAITING = frozenset({CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.CLARIFYING})
_TALKING = frozenset(
    {
        CommitmentStatus.MISSED,
        CommitmentStatus.AWAITING_RETURN,
        CommitmentStatus.IN_CONVERSATION,
    }
)


def attention_of(status: CommitmentStatus, answer: CheckInAnswer | None) -> Attention:
    """Return the group a commitment belongs in.

    Args:
        status: where it stands.
        answer: its latest check-in answer, if any.

    Returns:
        The group: blocked or at risk (while active) first, then waiting for an answer,
        past the date or in conversation, under way, done.
    """
    if status is CommitmentStatus.ACTIVE and answer in _NEEDS_A_HAND_ANSWERS:
        return Attention.NEEDS_A_HAND
    if status in _WAITING:
        return Attention.WAITING
    if status in _TALKING:
        return Attention.TALKING
    if status is CommitmentStatus.DONE:
        return Attention.DONE
    return Attention.UNDER_WAY


def statuses_placed_in(attention: Attention) -> frozenset[CommitmentStatus]:
    """Return the statuses that place a commitment in ``attention`` when no answer is known.

    A list reads a commitment that has no indexed attention (it started before the index)
    by its status alone: every status is placed in exactly one group, so none is left out.
    An active one goes under way there; its card still shows it blocked or at risk.

    Args:
        attention: the group.

    Returns:
        The statuses.
    """
    return frozenset(
        status for status in CommitmentStatus if attention_of(status, None) is attention
    )
