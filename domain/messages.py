"""Accord's messages: one typed context per kind, rendered from ``domain/templates``.

Every kind has a plain-text template (``<kind>.txt``, which also sets the subject) and an HTML
one (``<kind>.html``, autoescaped). Times appear in the recipient's zone, with the zone named.
Action links arrive ready-made (signed elsewhere); they must be http(s) URLs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape
from pydantic import AfterValidator, model_validator

from domain.digest import TeamDigest
from domain.formatting import describe_date, describe_instant, describe_interval, describe_slot
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
    """Every message Accord sends; the value names the templates."""

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
    INTAKE_CONFIRMATION = "intake_confirmation"
    DIGEST = "digest"


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"https", "http"} or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"an action link must be an http(s) URL, got {value!r}")
    return value


ActionUrl = Annotated[str, AfterValidator(_web_url)]


class RenderedMessage(DomainModel):
    """A message ready to send: a one-line subject, an HTML body and a plain-text body."""

    subject: str
    html: str
    text: str


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
    talk_url: ActionUrl

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
    confirm_url: ActionUrl
    correct_url: ActionUrl
    cancel_url: ActionUrl


class TeamsFallbackContext(_ToManager):
    """Tells the manager, once per commitment, that Teams could not reach the owner."""

    kind: ClassVar[MessageKind] = MessageKind.TEAMS_FALLBACK


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
        IntakeConfirmationContext,
        DigestContext,
    )
}
"""The context type each kind of message is rendered from."""

_ANSWER_LABELS = {
    CheckInAnswer.ON_TRACK: "on track",
    CheckInAnswer.AT_RISK: "at risk",
    CheckInAnswer.BLOCKED: "blocked",
    CheckInAnswer.DONE: "done",
}
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def render_message(kind: MessageKind, context: MessageContext | DigestContext) -> RenderedMessage:
    """Render one message from its templates.

    Args:
        kind: which message.
        context: the matching context, e.g. :class:`ExpectationContext` for ``expectation``
            (see :data:`CONTEXT_TYPES`).

    Returns:
        The subject, HTML body and plain-text body.

    Raises:
        TypeError: when the context does not belong to the kind.
    """
    expected = CONTEXT_TYPES[kind]
    if type(context) is not expected:
        raise TypeError(
            f"{kind} is rendered from {expected.__name__}, not {type(context).__name__}"
        )
    environment = _environment()
    variables = context.template_variables()
    text_module = environment.get_template(f"{kind}.txt").make_module(variables)
    # Subjects are one line in every mail client; templates may wrap them for readability.
    subject = " ".join(str(vars(text_module)["subject"]).split())
    html = environment.get_template(f"{kind}.html").render(variables, subject=subject)
    return RenderedMessage(subject=subject, html=_tidy(html), text=_tidy(str(text_module)))


def render_templates(name: str, variables: Mapping[str, Any]) -> RenderedMessage:
    """Render a pair of templates (``<name>.txt`` with its subject, ``<name>.html``).

    For messages that are not about one commitment (e.g. intake's question to a manager
    whose email lacked something); they get the same filters and layout.

    Args:
        name: the templates' common name.
        variables: what the templates see; ``zone`` must be the reader's ``ZoneInfo``.

    Returns:
        The subject, HTML body and plain-text body.
    """
    environment = _environment()
    text_module = environment.get_template(f"{name}.txt").make_module(dict(variables))
    subject = " ".join(str(vars(text_module)["subject"]).split())
    html = environment.get_template(f"{name}.html").render(dict(variables), subject=subject)
    return RenderedMessage(subject=subject, html=_tidy(html), text=_tidy(str(text_module)))


def preload_templates() -> None:
    """Load and compile every template now, e.g. when a worker starts.

    Rendering reads template files on first use; Temporal's workflow sandbox forbids file
    access, so preload outside it before rendering inside a workflow. Activities need not.
    """
    environment = _environment()
    for name in environment.list_templates(extensions=["html", "txt"]):
        environment.get_template(name)


def _tidy(body: str) -> str:
    body = _TRAILING_SPACE.sub("\n", body)
    return _BLANK_LINES.sub("\n\n", body).strip() + "\n"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=True
        ),
        undefined=StrictUndefined,
        # Templates ship with the package; not re-checking them keeps rendering free of I/O.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        when=_when,
        day=_day,
        slot=_slot,
        every=describe_interval,
        answer_label=_ANSWER_LABELS.__getitem__,
        lines_html=_lines_html,
    )
    return environment


@pass_context
def _when(context: Context, at: datetime) -> str:
    return describe_instant(at, context["zone"])


@pass_context
def _day(context: Context, at: datetime) -> str:
    return describe_date(at, context["zone"])


@pass_context
def _slot(context: Context, slot: TimeSlot) -> str:
    return describe_slot(slot, context["zone"])


def _lines_html(text: str) -> Markup:
    """Keep the reader's line breaks in HTML, escaping each line."""
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())
