"""What intake reads (an email and who sent it) and what it understood (a :class:`Reading`).

These are the fixed interface between the parser and its callers (the mail pipeline and the
Outlook add-in): fields may be added, none renamed.
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator

from domain.models import DomainModel, UtcDatetime


class Mailbox(DomainModel):
    """An email address with its display name; the address is stored trimmed and lower-cased."""

    address: str
    name: str = ""

    @field_validator("address", mode="before")
    @classmethod
    def _normalise_address(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("name", mode="before")
    @classmethod
    def _one_line_name(cls, value: Any) -> Any:
        return " ".join(value.split()) if isinstance(value, str) else value

    @property
    def domain(self) -> str:
        """The part after the last ``@`` (empty when there is none)."""
        return self.address.rpartition("@")[2] if "@" in self.address else ""

    @property
    def first_name(self) -> str:
        """The first word of the display name, or the address's local part."""
        if self.name:
            return self.name.split()[0]
        return self.address.partition("@")[0]


class InboundEmail(DomainModel):
    """One message as Graph returns it, reduced to what intake reads."""

    message_id: str
    internet_message_id: str = ""
    conversation_id: str = ""
    subject: str = ""
    body: str = ""
    body_is_html: bool = False
    sender: Mailbox
    to: list[Mailbox] = Field(default_factory=list)
    cc: list[Mailbox] = Field(default_factory=list)
    sent_at: UtcDatetime
    headers: dict[str, str] = Field(default_factory=dict)
    has_attachments: bool = False

    @field_validator("headers", mode="before")
    @classmethod
    def _lower_case_header_names(cls, value: Any) -> Any:
        # Header names are case-insensitive (RFC 5322); rules look them up lower-cased.
        if isinstance(value, dict):
            return {str(name).strip().lower(): text for name, text in value.items()}
        return value


class SenderContext(DomainModel):
    """What intake knows about the sender's organisation and mailbox settings.

    ``time_zone`` is the sender's zone by IANA or Windows name; an unknown one makes intake
    read dates in UTC and say so in the reading's notes, rather than fail. ``agent_aliases``
    are other addresses of Accord's mailbox (such as its ``onmicrosoft.com`` address): they
    are never owners, and mail from them is Accord's own.

    ``authenticated_senders_only`` is set by mail intake: a message read from a mailbox is
    trusted only when Exchange authenticated its sender inside the organisation (see
    :func:`domain.intake.screening.sender_is_authenticated`), because a From line costs a
    spoofer nothing. The Outlook add-in leaves it off: its user is signed in, and it only
    fills in a form that the API then checks.
    """

    agent_address: str
    tenant_domains: list[str]
    agent_aliases: list[str] = Field(default_factory=list)
    authenticated_senders_only: bool = False
    time_zone: str
    working_day_end: time = time(17, 0)
    working_day_start: time = time(9, 0)
    language: str = ""
    """The sender's mailbox language (``mailboxSettings.language.locale``, e.g. ``de-DE``), a
    hint only: the text decides which language is read."""
    region: str = ""
    """The sender's country (ISO 3166 alpha-2, e.g. ``GB``), for holiday names; empty: taken
    from the mailbox language's region, then from the time zone."""
    people: list[Mailbox] = Field(default_factory=list)
    """People of the organisation the caller knows (e.g. the sender's reports): a forward sent
    to Accord alone may name its owner in its text ("Omar is taking over ...")."""
    groups: list[str] = Field(default_factory=list)
    """Addresses known to be groups or distribution lists: never owners."""
    owner_time_zones: dict[str, str] = Field(default_factory=dict)
    """Owners' zones by address, when known; a due date is checked against the owner's
    working morning (the sender's zone and working day otherwise)."""

    @field_validator("agent_address", mode="before")
    @classmethod
    def _normalise_agent(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("agent_aliases", "groups", mode="before")
    @classmethod
    def _normalise_aliases(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [item.strip().lower() if isinstance(item, str) else item for item in value]
        return value

    @property
    def agent_addresses(self) -> frozenset[str]:
        """Every address Accord's mailbox answers to (its address and its aliases)."""
        return frozenset({self.agent_address, *self.agent_aliases})

    @field_validator("tenant_domains", mode="before")
    @classmethod
    def _normalise_domains(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [item.strip().lower() if isinstance(item, str) else item for item in value]
        return value


class Draft(DomainModel):
    """One commitment Accord understood, for one owner.

    ``criteria_derived`` is true when the email named no success criteria and Accord wrote
    them from the ask; the manager confirms them before the owner hears anything.
    """

    owner: Mailbox
    title: str
    description: str = ""
    success_criteria: str
    due: UtcDatetime
    due_text: str
    criteria_derived: bool = False


class Missing(StrEnum):
    """Something essential intake could not read; the manager is asked, nothing starts."""

    OWNER = "owner"
    DUE_DATE = "due_date"
    DUE_IN_PAST = "due_in_past"
    DUE_AMBIGUOUS = "due_ambiguous"
    TITLE = "title"


class Ignored(StrEnum):
    """Why a message is left alone entirely (only the reason is logged)."""

    AUTO_REPLY = "auto_reply"
    BULK = "bulk"
    OWN_MAIL = "own_mail"
    OUTSIDE_TENANT = "outside_tenant"
    UNAUTHENTICATED_SENDER = "unauthenticated_sender"
    NOT_A_REQUEST = "not_a_request"
    TOO_LARGE = "too_large"


class DueParse(DomainModel):
    """A due date read from words.

    Attributes:
        due: the reading chosen (for an ambiguous date, the sender's locale's reading).
        text: the words it came from, e.g. ``"by Friday 3pm"``.
        ambiguous: true when the words allow more than one plausible date.
        alternatives: the other plausible readings when ambiguous.
        in_past: true when ``due`` is not after the moment the words were written.
        strength: how clearly the words set a deadline: 3 for a hard limit ("Monday at the
            latest"), 2 for a deadline word ("by", "due"), 1 for a weaker one ("for", "on",
            "if possible"), 0 for a date merely mentioned.
    """

    due: UtcDatetime
    text: str
    ambiguous: bool = False
    alternatives: list[UtcDatetime] = Field(default_factory=list)
    in_past: bool = False
    strength: int = 0
    anchor: str = ""
    """How the date was set when an event or holiday set it (e.g. "when Monday's board
    meeting starts (10:00)"), for the confirmation to state; empty otherwise."""


class Reading(DomainModel):
    """What intake understood from one email.

    Exactly one of three outcomes: ``ignored`` is set (do nothing), ``missing`` is non-empty
    (ask the manager; ``owners`` and the partial fields say what was understood), or
    ``drafts`` holds one complete commitment per owner. The partial fields (``title``,
    ``due`` and so on) are filled whenever they could be read, so that the manager's answer
    can complete the reading (see :func:`domain.intake.complete_due`).
    """

    drafts: list[Draft] = Field(default_factory=list)
    missing: list[Missing] = Field(default_factory=list)
    ignored: Ignored | None = None
    owners: list[Mailbox] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    manager: Mailbox | None = None
    title: str = ""
    description: str = ""
    success_criteria: str = ""
    criteria_derived: bool = False
    due: UtcDatetime | None = None
    due_text: str = ""
    due_anchor: str = ""
    """How an event or holiday set the due date, in words (empty: the date was written)."""
    language: str = "en"
    """The language the request was read in (``en``, ``de``, ``fr`` or ``es``)."""
    needs_manager_confirmation: bool = False
    """The due date is too close to rely on the grace window: only the manager's confirmation
    may start the commitment (see ``confirmation_reason``)."""
    confirmation_reason: str = ""
    """Why: ``under_two_working_hours`` or ``before_next_working_morning`` (empty otherwise)."""
    excluded_groups: list[Mailbox] = Field(default_factory=list)
    """To recipients that are groups or distribution lists, which are never owners."""

    @property
    def is_complete(self) -> bool:
        """Whether commitments can be proposed to the manager as they are."""
        return self.ignored is None and not self.missing and bool(self.drafts)
