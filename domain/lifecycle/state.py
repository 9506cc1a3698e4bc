"""A commitment's state: one object, which the lifecycle's core reads and returns changed.

The core (:func:`domain.lifecycle.decide`) never changes the state it is given: it returns a
changed copy. The workflow holds one :class:`CommitmentState`, applies each copy to it in
place (:meth:`CommitmentState.replace_with`) and carries it across continue-as-new as the
input's ``progress``. Fields are only ever added (with defaults), so a payload written by an
older version still reads.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from domain.messages.kinds import MessageKind
from domain.models import (
    Actor,
    CheckIn,
    CommitmentSpec,
    CommitmentStatus,
    CompactModel,
    HistoryEntry,
    Revision,
    RevisionProposal,
    TimeSlot,
    UtcDatetime,
    record_as_json,
)
from domain.support import CommitmentKind, SupportPromise, SupportRequest


class MeetingRecord(CompactModel):
    """A 1:1 Accord put on both calendars."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose: str
    slot: TimeSlot
    event_id: str
    transaction_id: str
    declined_slots: list[TimeSlot] = Field(default_factory=list)


class CommitmentState(CompactModel):
    """Everything a commitment has become: the workflow's state and continue-as-new payload."""

    model_config = ConfigDict(extra="forbid")

    status: CommitmentStatus = CommitmentStatus.AWAITING_ACCEPTANCE
    spec: CommitmentSpec
    history: list[HistoryEntry] = Field(default_factory=list)
    check_ins: list[CheckIn] = Field(default_factory=list)
    revisions: list[Revision] = Field(default_factory=list)
    pending_revision: RevisionProposal | None = None
    meeting: MeetingRecord | None = None
    reminders_sent: int = 0
    last_check_in_due: UtcDatetime | None = None
    message_sequence: int = 0
    completed_at: UtcDatetime | None = None
    applied_action_ids: list[str] = Field(
        default_factory=list, description="Kept sorted: the ids of the actions already applied."
    )
    after_deadline: bool = Field(
        default=False,
        description="The conversation under way follows a missed deadline (not an early one).",
    )
    check_in_ids: dict[str, int] = Field(
        default_factory=dict,
        description="The action id each check-in was recorded under, with its place in "
        "``check_ins``: a note joins the check-in of its own link, never another.",
    )
    answered_prompt: int | None = Field(
        default=None,
        description="The sequence number of the latest check-in message answered through its "
        "link: a link of that message or an older one is already answered.",
    )
    kind: CommitmentKind = Field(
        default=CommitmentKind.COMMITMENT,
        description="An owner's commitment, or a manager's promise of support (domain.support).",
    )
    supports: str | None = Field(
        default=None, description="A support commitment: the id of the commitment it supports."
    )
    support: list[SupportPromise] = Field(
        default_factory=list, description="The manager's promises of support to this commitment."
    )
    support_requests: list[SupportRequest] = Field(
        default_factory=list, description="The owner's requests for support, with the answers."
    )

    def record(
        self, at: datetime, actor: Actor, kind: str, detail: str, action_id: str | None = None
    ) -> None:
        """Add an entry to the history; the action's id, if any, is remembered as applied."""
        self.history.append(HistoryEntry(at=at, actor=actor, kind=kind, detail=detail))
        self.mark_applied(action_id)

    def mark_applied(self, action_id: str | None) -> None:
        """Remember an action id as applied: a second use of it changes nothing."""
        if action_id and not self.has_applied(action_id):
            bisect.insort(self.applied_action_ids, action_id)

    def has_applied(self, action_id: str | None) -> bool:
        """Whether an action with this id was applied already (a second use changes nothing)."""
        return action_id is not None and action_id in self.applied_action_ids

    def draft(self) -> CommitmentState:
        """Return a copy to change: its lists are new, the (immutable) records in them shared."""
        return self.model_copy(
            update={
                "history": list(self.history),
                "check_ins": list(self.check_ins),
                "revisions": list(self.revisions),
                "applied_action_ids": list(self.applied_action_ids),
                "check_in_ids": dict(self.check_in_ids),
                "support": list(self.support),
                "support_requests": list(self.support_requests),
            }
        )

    def replace_with(self, other: CommitmentState) -> None:
        """Take on every field of ``other``, in place (others hold a reference to this one)."""
        for name in type(self).model_fields:
            setattr(self, name, getattr(other, name))

    @property
    def is_support(self) -> bool:
        """Whether this is a manager's promise of support (run the other way up)."""
        return self.kind is CommitmentKind.SUPPORT

    def activated_at(self) -> datetime | None:
        """When the expectation (or its latest revision) was last agreed, if ever."""
        for entry in reversed(self.history):
            if entry.kind in ("accepted", "revision_agreed"):
                return entry.at
        return None

    def last_sent_at(self, kind: MessageKind) -> datetime | None:
        """When a message of this kind was last sent, if ever."""
        for entry in reversed(self.history):
            if entry.kind == f"sent:{kind.value}":
                return entry.at
        return None

    def meetings_planned(self) -> int:
        """How many 1:1s were put on the calendars so far."""
        return sum(1 for entry in self.history if entry.kind == "meeting_scheduled")

    def last_check_in(self) -> dict[str, Any] | None:
        """The latest check-in, as messages carry it."""
        return record_as_json(self.check_ins[-1]) if self.check_ins else None
