"""Support the other way up: what a manager promises their report, and what a report asks for.

A manager's promise of support ("I'll get you access to the finance data by Tuesday") is a
commitment of the manager's, run by the same lifecycle as any other: its ``owner`` is the
manager who promised, its ``manager`` the person the support is for, and it names the
commitment it supports. The owner's commitment keeps the promises made to it
(:class:`SupportPromise`) and the owner's requests for help (:class:`SupportRequest`).

A report never sets their manager an expectation: asking for support is the only way up,
and only the manager turns it into a promise (docs/decisions.md, "Support runs the same
lifecycle the other way").
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import StrEnum

from domain.models import (
    TITLE_MAX_LENGTH,
    CommitmentSpec,
    DomainModel,
    OneLine,
    OptionalText,
    Person,
    UtcDatetime,
)


class CommitmentKind(StrEnum):
    """What a commitment is: an owner's work, or a manager's promise of support to them."""

    COMMITMENT = "commitment"
    SUPPORT = "support"


class SupportAnswer(StrEnum):
    """How a manager answered a request for support."""

    PROMISED = "promised"
    """"I'll do it by …": a support commitment was made."""
    TALK = "talk"
    """"Let's talk": a conversation is offered."""
    NOT_POSSIBLE = "not_possible"
    """"Not possible, here's why": the owner is offered a new date."""


class SupportPromise(DomainModel):
    """A promise of support made to an owner's commitment, and the commitment that carries it."""

    support_id: str
    what: OneLine
    due: UtcDatetime
    at: UtcDatetime


class SupportRequest(DomainModel):
    """The owner asked what would help; ``answer`` once the manager has answered."""

    at: UtcDatetime
    note: OptionalText = None
    answer: SupportAnswer | None = None
    answered_at: UtcDatetime | None = None
    reason: OptionalText = None
    support_id: str | None = None


SLIP_ALLOWANCE_MIN = timedelta(days=2)
"""The least an owner's date moves when support came late: time to use the help."""
NOT_POSSIBLE_ALLOWANCE = timedelta(days=7)
"""What an owner's date moves by when the support they asked for is not possible."""


def support_spec(owner_spec: CommitmentSpec, what: str, due: datetime) -> CommitmentSpec:
    """Return the spec of a manager's promise of support to the owner of ``owner_spec``.

    Args:
        owner_spec: the owner's commitment that the support is for.
        what: what the manager promised, in their words.
        due: when they promised it by.

    Returns:
        A spec owned by the manager, for the owner (the spec's ``manager``).
    """
    title = " ".join(what.split())
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
    return CommitmentSpec(
        title=title,
        description=f"Support for “{owner_spec.title}”.",
        success_criteria=f"{owner_spec.owner.display_name} has it: {title}",
        owner=owner_spec.manager,
        manager=owner_spec.owner,
        due=due,
    )


def promiser_of(spec: CommitmentSpec) -> Person:
    """Return who promised a support commitment (its owner)."""
    return spec.owner


def suggested_new_due(owner_due: datetime, support_due: datetime | None, now: datetime) -> datetime:
    """Return the date an owner is offered when the support they counted on did not come.

    When a promise of support slipped, the owner's date moves by as long as the support is
    late (whole days), and at least :data:`SLIP_ALLOWANCE_MIN`; when the support was not
    possible, by :data:`NOT_POSSIBLE_ALLOWANCE`. The date never lands before ``now`` plus
    that allowance either: an owner whose own date has passed gets time from today.

    Args:
        owner_due: the owner's due date now.
        support_due: when the support was promised for, or None when it was not possible.
        now: the current instant.

    Returns:
        The proposed new due date.
    """
    if support_due is None:
        allowance = NOT_POSSIBLE_ALLOWANCE
    else:
        late_days = math.ceil(max((now - support_due).total_seconds(), 0.0) / 86400)
        allowance = max(timedelta(days=late_days), SLIP_ALLOWANCE_MIN)
    return max(owner_due, now) + allowance


REMINDER_LEAD = timedelta(days=1)
"""A promise of support is recalled to its maker a day before it is due."""


def support_reminder_times(promised_at: datetime, due: datetime) -> list[datetime]:
    """Return when the one who promised support is reminded: once, a day before it is due.

    A promise due within the day is not recalled before it is due: it was just made.

    Args:
        promised_at: when the support was promised.
        due: when it is due.

    Returns:
        The reminder's nominal time (the courier waits for working hours), or none.
    """
    at = due - REMINDER_LEAD
    return [at] if at > promised_at else []
