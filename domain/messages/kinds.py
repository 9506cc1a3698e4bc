"""Accord's messages: every kind, and the typed context each one is rendered from.

Each kind has one template (``templates/<kind>.jinja``, rendered by
``domain/messages/rendering.py``) that sets the subject and the words. Action links arrive
ready-made (signed elsewhere); they must be http(s) URLs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, model_validator

from domain.digest import TeamDigest
from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentSpec,
    DomainModel,
    OptionalText,
    Person,
    Revision,
    RevisionProposal,
    TimeSlot,
    UtcDatetime,
)
from domain.timezones import ZoneName, resolve_zone


class MessageKind(StrEnum):
    """Every message Accord sends about commitments; the value names the template."""

    EXPECTATION = "expectation"
    EXPECTATION_REMINDER = "expectation_reminder"
    CLARIFICATION_INVITE = "clarification_invite"
    EXPECTATION_REVISED = "expectation_revised"
    CHECK_IN = "check_in"
    MANAGER_HEADS_UP = "manager_heads_up"
    DEADLINE_PASSED_OWNER = "deadline_passed_owner"
    CONVERSATION_AGENDA = "conversation_agenda"
    COACHING_NOTE = "coaching_note"
    REVISION_PROPOSED = "revision_proposed"
    REVISION_AGREED = "revision_agreed"
    DONE_THANKS = "done_thanks"
    DONE_NOTICE = "done_notice"
    RELEASED = "released"
    ABSENCE_NOTICE = "absence_notice"
    TEAMS_FALLBACK = "teams_fallback"
    MEETING_OUTSIDE_HOURS = "meeting_outside_hours"
    WRITTEN_CONVERSATION = "written_conversation"
    INTAKE_CONFIRMATION = "intake_confirmation"
    DIGEST = "digest"
    SUPPORT_PROMISED = "support_promised"
    SUPPORT_REQUEST = "support_request"
    SUPPORT_DECLINED = "support_declined"
    SUPPORT_REMINDER = "support_reminder"
    SUPPORT_SLIPPED = "support_slipped"
    SUPPORT_KEPT = "support_kept"
    SUPPORT_ENDED = "support_ended"


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"https", "http"} or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"an action link must be an http(s) URL, got {value!r}")
    return value


ActionUrl = Annotated[str, AfterValidator(_web_url)]


class MessageContext(DomainModel):
    """What every message knows: the commitment, who reads it, and the zone they read in.

    ``recipient_time_zone`` (IANA or Windows name) is the reader's zone; for a calendar
    invitation, whose body both people read, give the owner's.
    """

    kind: ClassVar[MessageKind]
    recipients: ClassVar[frozenset[Actor]] = frozenset({Actor.OWNER})

    commitment: CommitmentSpec
    recipient_time_zone: ZoneName
    recipient_role: Actor = Actor.OWNER

    @model_validator(mode="after")
    def _addressed_to_a_fitting_reader(self) -> Self:
        if self.recipient_role not in self.recipients:
            allowed = ", ".join(sorted(self.recipients))
            raise ValueError(f"{self.kind} goes to {allowed}, not {self.recipient_role}")
        return self

    @property
    def recipient(self) -> Person:
        """The person reading the message."""
        return self.commitment.person(self.recipient_role)

    @property
    def zone(self) -> ZoneInfo:
        """The reader's zone."""
        return resolve_zone(self.recipient_time_zone)

    def template_variables(self) -> dict[str, Any]:
        """Return the names the templates see: the fields, plus people, zone and ``message``."""
        variables = {name: getattr(self, name) for name in type(self).model_fields}
        variables.update(
            message=self,
            owner=self.commitment.owner,
            manager=self.commitment.manager,
            recipient=self.recipient,
            zone=self.zone,
        )
        return variables


class _ToManager(MessageContext):
    recipients: ClassVar[frozenset[Actor]] = frozenset({Actor.MANAGER})
    recipient_role: Actor = Actor.MANAGER


class _ToEitherPerson(MessageContext):
    recipients: ClassVar[frozenset[Actor]] = frozenset({Actor.OWNER, Actor.MANAGER})


class ExpectationContext(MessageContext):
    """The first message to the owner: what is asked, and Accept / Let's talk."""

    kind: ClassVar[MessageKind] = MessageKind.EXPECTATION
    accept_url: ActionUrl
    talk_url: ActionUrl


class ExpectationReminderContext(MessageContext):
    """A gentle nudge about an expectation the owner has not answered."""

    kind: ClassVar[MessageKind] = MessageKind.EXPECTATION_REMINDER
    sent_at: UtcDatetime
    accept_url: ActionUrl
    talk_url: ActionUrl


class ClarificationInviteContext(_ToEitherPerson):
    """The body of the 1:1 invitation to clarify an expectation before accepting it."""

    kind: ClassVar[MessageKind] = MessageKind.CLARIFICATION_INVITE
    owner_question: OptionalText = None


class ExpectationRevisedContext(MessageContext):
    """The expectation as changed after clarifying; ``commitment`` is the new version."""

    kind: ClassVar[MessageKind] = MessageKind.EXPECTATION_REVISED
    changes: RevisionProposal
    accept_url: ActionUrl
    talk_url: ActionUrl


class CheckInContext(MessageContext):
    """A check-in question with one link per answer; ``note`` is a line from the manager."""

    kind: ClassVar[MessageKind] = MessageKind.CHECK_IN
    on_track_url: ActionUrl
    at_risk_url: ActionUrl
    blocked_url: ActionUrl
    done_url: ActionUrl
    note: OptionalText = None
    ask_support_url: ActionUrl | None = None
    """Asks the manager what would help (the only way a request goes up)."""


class ManagerHeadsUpContext(_ToManager):
    """Tells the manager the owner flagged a risk or a blocker, and offers a conversation."""

    kind: ClassVar[MessageKind] = MessageKind.MANAGER_HEADS_UP
    answer: Literal[CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED]
    owner_note: OptionalText = None
    conversation_url: ActionUrl


class DeadlinePassedOwnerContext(MessageContext):
    """To the owner once the due date has passed without the work being done."""

    kind: ClassVar[MessageKind] = MessageKind.DEADLINE_PASSED_OWNER
    proposed_meeting: TimeSlot | None = None
    done_url: ActionUrl | None = None


class ConversationAgendaContext(_ToEitherPerson):
    """The body of the 1:1 invitation to talk a commitment through.

    ``after_deadline`` is False for an early conversation (after an at-risk or blocked
    check-in).
    """

    kind: ClassVar[MessageKind] = MessageKind.CONVERSATION_AGENDA
    after_deadline: bool = True
    last_check_in: CheckIn | None = None


class CoachingNoteContext(_ToManager):
    """Helps the manager prepare a supportive conversation."""

    kind: ClassVar[MessageKind] = MessageKind.COACHING_NOTE
    after_deadline: bool = True
    meeting: TimeSlot | None = None
    last_check_in: CheckIn | None = None


class RevisionProposedContext(_ToEitherPerson):
    """Asks one person to accept the other's proposed change."""

    kind: ClassVar[MessageKind] = MessageKind.REVISION_PROPOSED
    proposal: RevisionProposal
    accept_url: ActionUrl
    talk_url: ActionUrl | None = None
    """Unset on a promise of support, which has no conversation of its own."""

    @model_validator(mode="after")
    def _not_sent_to_the_proposer(self) -> Self:
        if self.recipient_role == self.proposal.proposed_by:
            raise ValueError("a proposal goes to the person who did not make it")
        return self

    @property
    def proposer_name(self) -> str:
        """Who proposed the change, by name (Accord, when it was the system)."""
        if self.proposal.proposed_by is Actor.SYSTEM:
            return "Accord"
        return self.commitment.person(self.proposal.proposed_by).display_name


class RevisionAgreedContext(_ToEitherPerson):
    """Confirms an agreed change; ``commitment`` is the revised version."""

    kind: ClassVar[MessageKind] = MessageKind.REVISION_AGREED
    revision: Revision


class DoneThanksContext(MessageContext):
    """Thanks the owner for finishing."""

    kind: ClassVar[MessageKind] = MessageKind.DONE_THANKS
    completed_at: UtcDatetime


class DoneNoticeContext(_ToManager):
    """Tells the manager the work is done."""

    kind: ClassVar[MessageKind] = MessageKind.DONE_NOTICE
    completed_at: UtcDatetime
    owner_note: OptionalText = None


class ReleasedContext(MessageContext):
    """Tells the owner, kindly, that the commitment is no longer needed."""

    kind: ClassVar[MessageKind] = MessageKind.RELEASED
    reason: OptionalText = None


class AbsenceNoticeContext(_ToManager):
    """Tells the manager the due date fell while the owner is away; ``back_on`` if known."""

    kind: ClassVar[MessageKind] = MessageKind.ABSENCE_NOTICE
    back_on: UtcDatetime | None = None


class MeetingOutsideHoursContext(_ToEitherPerson):
    """Tells each person that their 1:1 sits outside one person's working hours.

    Their working hours never meet, so the slot is at the edge of both days; ``outside_for``
    names whose hours it falls outside, and either may ask for another time.
    """

    kind: ClassVar[MessageKind] = MessageKind.MEETING_OUTSIDE_HOURS
    meeting: TimeSlot
    outside_for: Literal[Actor.OWNER, Actor.MANAGER]

    @property
    def outside_name(self) -> str:
        """Whose hours the 1:1 falls outside, as the reader says it."""
        if self.outside_for == self.recipient_role:
            return "your"
        return f"{self.commitment.person(self.outside_for).display_name}'s"


class WrittenConversationContext(_ToEitherPerson):
    """A conversation in writing, for two people whose working hours never meet.

    To the owner: three questions (what got in the way, what would help, a date that feels
    realistic) answered with one reply, which reaches the manager. To the manager: what was
    asked, and what to do with the answer.
    """

    kind: ClassVar[MessageKind] = MessageKind.WRITTEN_CONVERSATION
    after_deadline: bool = True
    answer_url: ActionUrl | None = None
    """The owner's one-click answer: what got in the way, what would help, a date."""
    done_url: ActionUrl | None = None


_CONTENT_ID = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")


def _content_id(value: str | None) -> str | None:
    if value is not None and not _CONTENT_ID.fullmatch(value):
        raise ValueError("a content id is letters, digits, '.', '_', '@' or '-'")
    return value


class DigestContext(DomainModel):
    """A manager's weekly digest; not about one commitment, so not a :class:`MessageContext`.

    ``chart_content_id`` names the inline image attachment the HTML shows (``cid:``); the
    alt text stands in for it, and the plain text carries it instead of the picture.
    """

    kind: ClassVar[MessageKind] = MessageKind.DIGEST

    digest: TeamDigest
    recipient_time_zone: ZoneName
    chart_content_id: Annotated[str | None, AfterValidator(_content_id)] = None
    chart_alt_text: str = ""

    @property
    def recipient(self) -> Person:
        """The manager reading the digest."""
        return self.digest.manager

    @property
    def zone(self) -> ZoneInfo:
        """The reader's zone."""
        return resolve_zone(self.recipient_time_zone)

    def template_variables(self) -> dict[str, Any]:
        """Return the names the templates see: the fields, the reader, zone and ``message``."""
        variables = {name: getattr(self, name) for name in type(self).model_fields}
        variables.update(
            message=self, recipient=self.recipient, recipient_role=Actor.MANAGER, zone=self.zone
        )
        return variables


class IntakeConfirmationContext(_ToManager):
    """Tells the manager what Accord read from their email, before the owner hears of it.

    ``grace_ends_at`` is when the owner is contacted unless the manager corrects or cancels;
    ``criteria_derived`` says the success criteria were written by Accord from the ask.
    """

    kind: ClassVar[MessageKind] = MessageKind.INTAKE_CONFIRMATION
    grace_ends_at: UtcDatetime
    due_text: OptionalText = None
    criteria_derived: bool = False
    needs_manager_confirmation: bool = False
    """Due very soon: it is shared only when the manager confirms, never by the grace window."""
    confirm_url: ActionUrl
    correct_url: ActionUrl
    cancel_url: ActionUrl


class TeamsFallbackContext(_ToManager):
    """Tells the manager, once per commitment, that Teams could not reach the owner."""

    kind: ClassVar[MessageKind] = MessageKind.TEAMS_FALLBACK


class SupportPromisedContext(MessageContext):
    """Tells the owner what their manager promised them, and by when."""

    kind: ClassVar[MessageKind] = MessageKind.SUPPORT_PROMISED
    what: str
    support_due: UtcDatetime


class SupportRequestContext(_ToManager):
    """The owner asks what would help; the manager answers in one click, one of three ways."""

    kind: ClassVar[MessageKind] = MessageKind.SUPPORT_REQUEST
    owner_note: OptionalText = None
    promise_url: ActionUrl
    talk_url: ActionUrl
    not_possible_url: ActionUrl


class SupportDeclinedContext(MessageContext):
    """Tells the owner, kindly, that the support they asked for is not possible, and why."""

    kind: ClassVar[MessageKind] = MessageKind.SUPPORT_DECLINED
    reason: OptionalText = None
    move_date_url: ActionUrl


class SupportReminderContext(MessageContext):
    """To a manager about their own promise of support (``commitment`` is the promise).

    ``after_due``: the promised date has passed, and the person it is for has been told.
    """

    kind: ClassVar[MessageKind] = MessageKind.SUPPORT_REMINDER
    done_url: ActionUrl
    after_due: bool = False


class SupportSlippedContext(_ToManager):
    """To the person a promise of support was for: it has not come yet; their date may move.

    ``commitment`` is the promise: its owner promised it, its manager is the reader.
    """

    kind: ClassVar[MessageKind] = MessageKind.SUPPORT_SLIPPED
    move_date_url: ActionUrl


class SupportKeptContext(_ToManager):
    """To the person a promise of support was for: it is done."""

    kind: ClassVar[MessageKind] = MessageKind.SUPPORT_KEPT
    completed_at: UtcDatetime


class SupportEndedContext(MessageContext):
    """To a manager about their promise of support: the work it was for has ended."""

    kind: ClassVar[MessageKind] = MessageKind.SUPPORT_ENDED
    supported_title: str
    supported_done: bool = True


CONTEXT_TYPES: Mapping[MessageKind, type[MessageContext] | type[DigestContext]] = {
    context.kind: context
    for context in (
        ExpectationContext,
        ExpectationReminderContext,
        ClarificationInviteContext,
        ExpectationRevisedContext,
        CheckInContext,
        ManagerHeadsUpContext,
        DeadlinePassedOwnerContext,
        ConversationAgendaContext,
        CoachingNoteContext,
        RevisionProposedContext,
        RevisionAgreedContext,
        DoneThanksContext,
        DoneNoticeContext,
        ReleasedContext,
        AbsenceNoticeContext,
        TeamsFallbackContext,
        MeetingOutsideHoursContext,
        WrittenConversationContext,
        IntakeConfirmationContext,
        DigestContext,
        SupportPromisedContext,
        SupportRequestContext,
        SupportDeclinedContext,
        SupportReminderContext,
        SupportSlippedContext,
        SupportKeptContext,
        SupportEndedContext,
    )
}
"""The context type each kind of message is rendered from."""

ASKING_KINDS = frozenset(
    {
        MessageKind.EXPECTATION,
        MessageKind.EXPECTATION_REMINDER,
        MessageKind.EXPECTATION_REVISED,
        MessageKind.CHECK_IN,
        MessageKind.DEADLINE_PASSED_OWNER,
        MessageKind.REVISION_PROPOSED,
        MessageKind.MANAGER_HEADS_UP,
        MessageKind.SUPPORT_REQUEST,
        MessageKind.SUPPORT_DECLINED,
        MessageKind.SUPPORT_REMINDER,
        MessageKind.SUPPORT_SLIPPED,
    }
)
"""Kinds that ask the reader something (the others only inform)."""
