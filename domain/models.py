"""Accord's core records: people, commitments, check-ins, revisions and history.

Every timestamp is timezone-aware and normalised to UTC; nothing here reads the clock, so
rules that need "now" (such as :func:`require_due_in_future`) take it as a parameter.
"""

from __future__ import annotations

import functools
import re
import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import to_jsonable_python

TITLE_MAX_LENGTH = 200
MIN_CADENCE = timedelta(days=1)
"""Check-ins more often than daily stop feeling like support and start feeling like watching."""

_EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _collapse_whitespace(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("must not be blank")
    return value


def _title_length(value: str) -> str:
    if len(value) > TITLE_MAX_LENGTH:
        raise ValueError(f"must be at most {TITLE_MAX_LENGTH} characters, not {len(value)}")
    return value


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime (naive ones are rejected), stored in UTC."""
OneLine = Annotated[str, BeforeValidator(_collapse_whitespace)]
"""Text on a single line: runs of whitespace, line breaks included, become one space."""
Text = Annotated[str, BeforeValidator(_strip)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
"""Free text where blank means absent."""
Name = Annotated[OneLine, AfterValidator(_not_blank)]
Title = Annotated[OneLine, AfterValidator(_not_blank), AfterValidator(_title_length)]
RequiredText = Annotated[Text, AfterValidator(_not_blank)]


@functools.cache
def _every_field(model_type: type[BaseModel]) -> set[str]:
    return set(model_type.model_fields)


class CompactModel(BaseModel):
    """A model whose instances given every field share one set of the fields given.

    Pydantic keeps, per instance, the set of fields given (``model_fields_set``): about 0.7
    KiB for a model of eight fields, 2.2 for twenty. A cached commitment's run keeps its
    input, state, spec and people decoded for the run's life, each given every field by the
    JSON it came from, so that set was a fifth of a followed commitment's state. Here those
    instances share their class's one set (decision 50). It never changes: a frozen model is
    never assigned to, and assigning a field adds a name the set holds already; a copy gets a
    set of its own, as pydantic copies it.
    """

    def model_post_init(self, context: Any, /) -> None:
        """Share the class's set of fields when every field was given."""
        every = _every_field(type(self))
        if self.__pydantic_fields_set__ == every:
            object.__setattr__(self, "__pydantic_fields_set__", every)


class DomainModel(CompactModel):
    """Base of Accord's records: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(StrEnum):
    """Who did something: the commitment's owner, their manager, or Accord itself."""

    OWNER = "owner"
    MANAGER = "manager"
    SYSTEM = "system"


class CommitmentStatus(StrEnum):
    """Where a commitment is in its lifecycle.

    ``awaiting_return`` covers a deadline that passed while the owner was away: nothing is
    discussed until they are back.
    """

    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    CLARIFYING = "clarifying"
    ACTIVE = "active"
    MISSED = "missed"
    AWAITING_RETURN = "awaiting_return"
    IN_CONVERSATION = "in_conversation"
    DONE = "done"
    RELEASED = "released"

    @property
    def is_closed(self) -> bool:
        """Whether the commitment has ended (done or released)."""
        return self in _CLOSED_STATUSES


_CLOSED_STATUSES = frozenset({CommitmentStatus.DONE, CommitmentStatus.RELEASED})
# Which status may follow which, and every other rule of the lifecycle, is in domain.lifecycle.


class CheckInAnswer(StrEnum):
    """The owner's answer to a check-in."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"
    DONE = "done"


class Person(DomainModel):
    """Someone Accord writes to; the email is stored lower-cased."""

    email: str
    display_name: Name

    @field_validator("email", mode="before")
    @classmethod
    def _normalise_email(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        email = value.strip().lower()
        if not _EMAIL_PATTERN.fullmatch(email):
            raise ValueError(f"not an email address: {value!r}")
        return email


class CommitmentSpec(DomainModel):
    """What a manager asks of a report: the expectation a commitment starts from.

    ``cadence`` is how often to check in; ``None`` lets :func:`domain.cadence.default_cadence`
    choose. Whether ``due`` lies in the future depends on "now", so it is checked by
    :func:`require_due_in_future`, not here.
    """

    # A title travels into mail subjects, where line breaks have no place.
    title: Title
    description: Text = ""
    success_criteria: RequiredText
    owner: Person
    manager: Person
    due: UtcDatetime
    cadence: timedelta | None = None
    support: OptionalText = None

    @field_validator("cadence")
    @classmethod
    def _cadence_not_too_frequent(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < MIN_CADENCE:
            raise ValueError(f"cadence must be at least {MIN_CADENCE}")
        return value

    @model_validator(mode="after")
    def _owner_is_not_manager(self) -> Self:
        if self.owner.email == self.manager.email:
            raise ValueError("owner and manager must be different people")
        return self

    def person(self, role: Actor) -> Person:
        """Return the owner or the manager.

        Args:
            role: ``Actor.OWNER`` or ``Actor.MANAGER``.

        Returns:
            The person holding that role in this commitment.

        Raises:
            ValueError: for ``Actor.SYSTEM``, which is not a person.
        """
        if role == Actor.OWNER:
            return self.owner
        if role == Actor.MANAGER:
            return self.manager
        raise ValueError("the system is not a person in a commitment")


def require_due_in_future(due: datetime, now: datetime) -> datetime:
    """Check that a due date lies after ``now``.

    Args:
        due: the proposed due date, timezone-aware.
        now: the current instant, timezone-aware (from the workflow's clock).

    Returns:
        ``due`` in UTC.

    Raises:
        ValueError: when either datetime is naive or ``due`` is not after ``now``.
    """
    if due.tzinfo is None or now.tzinfo is None:
        raise ValueError("due and now must be timezone-aware")
    if due <= now:
        raise ValueError("due must be in the future")
    return due.astimezone(UTC)


class TimeSlot(DomainModel):
    """A span of time, such as a meeting; ``end`` is exclusive."""

    start: UtcDatetime
    end: UtcDatetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end <= self.start:
            raise ValueError("a time slot must end after it starts")
        return self

    @property
    def length(self) -> timedelta:
        """How long the slot lasts."""
        return self.end - self.start

    def overlaps(self, other: TimeSlot) -> bool:
        """Tell whether two slots share any instant.

        Args:
            other: the slot to compare with.

        Returns:
            True when they overlap.
        """
        return self.start < other.end and other.start < self.end


class RevisionProposal(DomainModel):
    """A proposed change to a commitment's due date or scope, not yet agreed."""

    old_due: UtcDatetime
    new_due: UtcDatetime
    old_scope: Text
    new_scope: Text
    reason: Text = ""
    proposed_by: Actor
    at: UtcDatetime

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if self.old_due == self.new_due and self.old_scope == self.new_scope:
            raise ValueError("a revision must change the due date or the scope")
        return self

    @property
    def changes_due(self) -> bool:
        """Whether the due date moves."""
        return self.old_due != self.new_due

    @property
    def changes_scope(self) -> bool:
        """Whether the scope text changes."""
        return self.old_scope != self.new_scope

    def accept(self, by: Actor, at: datetime) -> Revision:
        """Record the other side's agreement.

        Args:
            by: who accepted; a person other than the proposer.
            at: when they accepted.

        Returns:
            The agreed revision.
        """
        return Revision(**self.model_dump(exclude={"at"}), accepted_by=by, at=at)


class Revision(RevisionProposal):
    """An agreed change to a commitment; ``at`` is when it was agreed."""

    accepted_by: Actor

    @model_validator(mode="after")
    def _agreed_by_the_other_person(self) -> Self:
        if self.accepted_by is Actor.SYSTEM:
            raise ValueError("a revision must be accepted by a person")
        if self.accepted_by == self.proposed_by:
            raise ValueError("a revision must be accepted by someone other than its proposer")
        return self


# A followed commitment holds dozens of check-ins and history entries in every cached run, so
# these two records are slotted dataclasses: about a third of a model's memory each (a model
# keeps a dict and a set of the fields given per instance), with the same fields, validation
# and JSON (decision 49).
_RECORD_CONFIG = ConfigDict(extra="forbid")


@dataclass(frozen=True, slots=True, config=_RECORD_CONFIG)
class CheckIn:
    """One answer the owner gave to a check-in."""

    at: UtcDatetime
    answer: CheckInAnswer
    note: OptionalText = None


@dataclass(frozen=True, slots=True, config=_RECORD_CONFIG)
class HistoryEntry:
    """One line of a commitment's history, e.g. ``kind="accepted"`` by the owner."""

    at: UtcDatetime
    actor: Actor
    # The same few kinds recur in every history: one string each, not one per entry.
    kind: Annotated[Name, AfterValidator(sys.intern)]
    detail: Text = ""


def record_as_json(record: CheckIn | HistoryEntry) -> dict[str, Any]:
    """Return a record as JSON-ready data, as a model's ``model_dump(mode="json")`` would.

    Args:
        record: a check-in or a history entry.

    Returns:
        Its fields by name, datetimes as ISO 8601 text and answers as their values.
    """
    data: dict[str, Any] = to_jsonable_python(record)
    return data
