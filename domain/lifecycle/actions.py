"""What can happen to a commitment: a person's action, or an event Accord notices.

Actions are plain records. ``action_id`` (set by links, cards and ``Idempotency-Key``) makes
an action apply at most once; the actor is passed beside the action, not inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.models import CheckInAnswer
from domain.support import SupportAnswer


@dataclass(frozen=True)
class Accept:
    """The owner accepts the expectation."""

    action_id: str | None = None


@dataclass(frozen=True)
class LetsTalk:
    """The owner wants to talk: about the expectation, or about how it is going."""

    action_id: str | None = None


@dataclass(frozen=True)
class ReviseExpectation:
    """The manager changes the expectation while it is still being agreed."""

    title: str | None = None
    description: str | None = None
    success_criteria: str | None = None
    due: datetime | None = None
    support: str | None = None
    reason: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class AnswerCheckIn:
    """The owner answers a check-in; a note may follow under ``<link id>:note``."""

    answer: CheckInAnswer
    note: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class Complete:
    """The owner reports the work done."""

    note: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class ProposeRevision:
    """Either person proposes a new due date or scope."""

    new_due: datetime | None = None
    new_scope: str | None = None
    reason: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class AcceptRevision:
    """The other person agrees to the proposed revision."""

    action_id: str | None = None


@dataclass(frozen=True)
class RequestConversation:
    """The manager offers an early conversation: support before the deadline."""

    action_id: str | None = None


@dataclass(frozen=True)
class Release:
    """The manager releases the owner from the commitment."""

    reason: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class PromiseSupport:
    """The manager promises support by a date; ``support_id`` names the commitment carrying it."""

    support_id: str
    what: str
    due: datetime
    action_id: str | None = None


@dataclass(frozen=True)
class RequestSupport:
    """The owner asks their manager what would help (the only way up: never an expectation)."""

    note: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class AnswerSupportRequest:
    """The manager answers the latest request: "Let's talk", or "Not possible, here's why".

    A promise ("I'll do it by …") is :class:`PromiseSupport`, which answers the request too.
    """

    answer: SupportAnswer
    reason: str | None = None
    action_id: str | None = None


@dataclass(frozen=True)
class DeadlineReached:
    """Accord noticed the deadline (with its grace) pass; the owner may be away then."""

    owner_away: bool = False
    back_on: datetime | None = None


@dataclass(frozen=True)
class OwnerReturned:
    """The owner, away when the deadline passed, is reachable again."""


@dataclass(frozen=True)
class SupportedWorkEnded:
    """The commitment a promise of support was for has ended (done or released)."""

    title: str
    done: bool


@dataclass(frozen=True)
class PlanConversation:
    """After a miss, Accord moves on to planning the supportive conversation."""


PersonAction = (
    Accept
    | LetsTalk
    | ReviseExpectation
    | AnswerCheckIn
    | Complete
    | ProposeRevision
    | AcceptRevision
    | RequestConversation
    | Release
    | PromiseSupport
    | RequestSupport
    | AnswerSupportRequest
)
SystemEvent = DeadlineReached | OwnerReturned | PlanConversation | SupportedWorkEnded
Action = PersonAction | SystemEvent
