"""The Outlook add-in's pre-fill: what Office.js tells about an email, read into commitments.

The task pane sends what Outlook gives it about the open or composed item
(:class:`AddinItem`); :func:`prefill` reads it with the same parser as mail intake and answers
the fields to show (:class:`AddinPrefill`): one draft per owner, due dates in the manager's
zone, and what is missing or ambiguous, in words. Nothing here starts anything: the manager
corrects the fields and the pane creates each commitment through ``POST /commitments``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from domain.intake import parse_due, read_email, visible_text
from domain.intake.models import (
    Ignored,
    InboundEmail,
    Mailbox,
    Missing,
    Reading,
    SenderContext,
)
from domain.timezones import resolve_zone

# The API refuses larger request bodies (api_max_body_bytes); the pane trims to fit.
MAX_BODY_CHARACTERS = 64 * 1024
MAX_RECIPIENTS = 500
# Outlook's own prefixes (and common translations): a title is the ask, not "RE: FW:".
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|tr|rv)\s*(\[\d+\])?\s*:\s*)+", re.I)
_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# Placeholder: Office.js gives no Graph id for the item, and the parser only carries it along.
_ADDIN_MESSAGE_ID = "outlook-add-in"
_DUE_CODES = frozenset({Missing.DUE_DATE, Missing.DUE_IN_PAST, Missing.DUE_AMBIGUOUS})

_IGNORED_NOTES = {
    Ignored.AUTO_REPLY: "This looks like an automatic reply, so nothing was read from it.",
    Ignored.BULK: "This looks like a newsletter or list mail, so nothing was read from it.",
    Ignored.OWN_MAIL: "This is a message from Accord itself, so nothing was read from it.",
    Ignored.OUTSIDE_TENANT: "This came from outside your organisation, so nothing was read "
    "from it.",
    Ignored.NOT_A_REQUEST: "This doesn't read like a request; fill in what you expect.",
    Ignored.TOO_LARGE: "This message is too long to read; fill in what you expect.",
}


class MailAddress(BaseModel):
    """An address as Office.js gives it (``emailAddress`` and ``displayName``)."""

    model_config = ConfigDict(extra="forbid")

    address: str = Field(max_length=320, description="The email address.")
    name: str = Field(default="", max_length=256, description="The display name.")


def _not_a_number(value: object) -> object:
    # The schema promises a date-time string; pydantic would read a number as a Unix time.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("must be a date and time with its offset, not a number")
    return value


class AddinItem(BaseModel):
    """What the task pane knows about the open (read) or composed email."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "mode": "read",
                    "subject": "Q1 budget",
                    "body": "Hi Sam, could you draft the Q1 budget by Friday?",
                    "body_type": "text",
                    "sender": {"address": "maya.chen@northwind.example", "name": "Maya Chen"},
                    "to": [{"address": "sam.okafor@northwind.example", "name": "Sam Okafor"}],
                    "sent_at": "2026-11-30T09:12:00Z",
                    "time_zone": "Europe/London",
                }
            ]
        },
    )

    mode: Literal["read", "compose"] = Field(
        description="`read`: an opened email; `compose`: one being written."
    )
    subject: str = Field(default="", max_length=2000)
    body: str = Field(default="", max_length=MAX_BODY_CHARACTERS)
    body_type: Literal["text", "html"] = "text"
    sender: MailAddress | None = Field(
        default=None, description="Who sent it (read mode); unset when composing."
    )
    to: list[MailAddress] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    cc: list[MailAddress] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    sent_at: Annotated[AwareDatetime, BeforeValidator(_not_a_number)] | None = Field(
        default=None,
        description="When it was sent (read mode); unset when composing, meaning now.",
    )
    time_zone: str = Field(
        default="",
        max_length=100,
        description="The manager's time zone, IANA or Windows name (Office.js's "
        "`userProfile.timeZone`); empty: UTC.",
    )


class DraftPrefill(BaseModel):
    """The fields of one commitment to show, for one owner; empty strings when unknown."""

    owner: MailAddress
    title: str
    description: str
    success_criteria: str
    due: datetime | None = Field(description="The due instant, in the manager's zone.")
    due_local: str = Field(
        description="The same, as `YYYY-MM-DDTHH:MM` wall time for an `datetime-local` input."
    )
    due_text: str = Field(description="The words the due date was read from.")


class MissingField(BaseModel):
    """Something the manager needs to fill in or check, with the field it concerns."""

    code: str = Field(description="`owner`, `due_date`, `due_in_past`, `due_ambiguous`, ...")
    field: str = Field(description="The form field: `owner`, `title`, `due`, ...")
    message: str = Field(description="What to do, in plain words.")


class AddinPrefill(BaseModel):
    """What the task pane shows: one draft per owner and what is missing."""

    manager: MailAddress
    time_zone: str = Field(description="The IANA zone the due dates are shown in.")
    drafts: list[DraftPrefill] = Field(description="One per owner; at least one.")
    missing: list[MissingField]
    notes: list[str]
    ignored: str | None = Field(description="Why intake would leave this email alone, if so.")
    agent_mailbox: str = Field(description="Accord's address, for copying it on an email.")


def _zone(name: str) -> tuple[ZoneInfo, str]:
    """The manager's zone, or UTC with a note: an odd name from Outlook must not stop the pane."""
    if not name.strip():
        return ZoneInfo("UTC"), "Outlook didn't say your time zone, so times are in UTC."
    try:
        return resolve_zone(name), ""
    except ValueError:
        return ZoneInfo("UTC"), "Outlook gave a time zone Accord doesn't know, so times are in UTC."


def _title_fallback(subject: str) -> str:
    return " ".join(_REPLY_PREFIX.sub("", subject).split())[:200]


def _mailbox(address: MailAddress) -> Mailbox:
    return Mailbox(address=address.address, name=address.name)


def _public(mailbox: Mailbox) -> MailAddress:
    return MailAddress(address=mailbox.address, name=mailbox.name)


def _owners(reading: Reading, email: InboundEmail, me: Mailbox) -> list[Mailbox]:
    owners = [owner for owner in reading.owners if owner.address != me.address]
    if not owners:
        owners = [draft.owner for draft in reading.drafts if draft.owner.address != me.address]
    if not owners and email.sender.address != me.address:
        # An email someone else sent the manager ("I'll have it to you by Friday"): the
        # person who wrote is the likeliest owner.
        owners = [email.sender]
    return owners


def _missing(code: Missing, due_text: str) -> MissingField:
    quoted = f"“{due_text}”" if due_text else "The date in the message"
    messages = {
        Missing.OWNER: ("owner", "Who is this for? Enter their email address."),
        Missing.DUE_DATE: ("due", "No due date in the message: choose one."),
        Missing.DUE_IN_PAST: ("due", f"{quoted} has already passed: choose a new date."),
        Missing.DUE_AMBIGUOUS: (
            "due",
            f"{quoted} could mean more than one date: check the one filled in.",
        ),
        Missing.TITLE: ("title", "Write a short title for what you expect."),
    }
    field, message = messages[code]
    return MissingField(code=code.value, field=field, message=message)


def prefill(
    item: AddinItem,
    *,
    manager: MailAddress,
    agent_mailbox: str,
    now: datetime,
) -> AddinPrefill:
    """Read an email as the add-in sees it into the fields to pre-fill.

    Args:
        item: what Office.js gave about the item.
        manager: the signed-in person using the add-in.
        agent_mailbox: Accord's own address (its mail is never read as a request).
        now: the current instant (the "sent" time of an email being composed).

    Returns:
        One draft per owner (a single one with an empty owner when nobody could be read),
        what is missing in words, and notes.
    """
    zone, zone_note = _zone(item.time_zone)
    me = _mailbox(manager)
    email = InboundEmail(
        message_id=_ADDIN_MESSAGE_ID,
        subject=item.subject,
        body=item.body,
        body_is_html=item.body_type == "html",
        sender=_mailbox(item.sender) if item.sender and item.mode == "read" else me,
        to=[_mailbox(address) for address in item.to],
        cc=[_mailbox(address) for address in item.cc],
        sent_at=item.sent_at if item.sent_at and item.mode == "read" else now,
    )
    context = SenderContext(
        # The sender's domain too: someone outside who promises something is still worth
        # recording; POST /commitments checks the owner against the directory.
        agent_address=agent_mailbox,
        tenant_domains=[me.domain, email.sender.domain],
        time_zone=zone.key,
    )
    reading = read_email(email, context)
    owners = _owners(reading, email, me)
    shared = _shared_fields(reading, email, item.subject, zone)
    drafts = [_draft_for(owner, reading, shared, zone) for owner in owners or [Mailbox(address="")]]
    # Intake's own notes are written for its email reply ("reply with the date"); the pane
    # says the same next to each field instead.
    notes = [_IGNORED_NOTES[reading.ignored]] if reading.ignored is not None else []
    notes += [zone_note] if zone_note else []
    return AddinPrefill(
        manager=manager,
        time_zone=zone.key,
        drafts=drafts,
        missing=_missing_fields(reading, owners, drafts, shared),
        notes=notes,
        ignored=reading.ignored.value if reading.ignored else None,
        agent_mailbox=agent_mailbox,
    )


class _Shared(BaseModel):
    """What the reading says for every owner (used when it has no complete draft for one)."""

    title: str
    description: str
    success_criteria: str
    due: datetime | None
    due_text: str


def _shared_fields(reading: Reading, email: InboundEmail, subject: str, zone: ZoneInfo) -> _Shared:
    due, due_text = reading.due, reading.due_text
    if due is None and reading.ignored is not None:
        # Intake reads nothing from mail it would ignore; the manager asked, so offer a date.
        found = parse_due(visible_text(email), sent_at=email.sent_at, time_zone=zone.key)
        if found is not None and not found.in_past:
            due, due_text = found.due, found.text
    return _Shared(
        title=reading.title or _title_fallback(subject),
        description=reading.description,
        success_criteria=reading.success_criteria,
        due=due,
        due_text=due_text,
    )


def _draft_for(owner: Mailbox, reading: Reading, shared: _Shared, zone: ZoneInfo) -> DraftPrefill:
    draft = next((each for each in reading.drafts if each.owner.address == owner.address), None)
    fields = (
        _Shared(
            title=draft.title,
            description=draft.description,
            success_criteria=draft.success_criteria,
            due=draft.due,
            due_text=draft.due_text,
        )
        if draft
        else shared
    )
    local_due = fields.due.astimezone(zone) if fields.due else None
    return DraftPrefill(
        owner=_public(owner),
        title=fields.title,
        description=fields.description,
        success_criteria=fields.success_criteria,
        due=local_due,
        due_local=local_due.strftime(_DATETIME_LOCAL) if local_due else "",
        due_text=fields.due_text,
    )


def _missing_fields(
    reading: Reading, owners: list[Mailbox], drafts: list[DraftPrefill], shared: _Shared
) -> list[MissingField]:
    codes = [code for code in reading.missing if code is not Missing.OWNER or not owners]
    if not owners and Missing.OWNER not in codes:
        codes.insert(0, Missing.OWNER)
    if not any(draft.due for draft in drafts) and not any(code in _DUE_CODES for code in codes):
        codes.append(Missing.DUE_DATE)
    if not shared.title and Missing.TITLE not in codes:
        codes.append(Missing.TITLE)
    missing = [_missing(code, shared.due_text) for code in codes]
    if not any(draft.success_criteria for draft in drafts):
        missing.append(
            MissingField(
                code="success_criteria",
                field="success_criteria",
                message="What does done look like? Describe it so everyone agrees when "
                "it's finished.",
            )
        )
    elif reading.criteria_derived or any(draft.criteria_derived for draft in reading.drafts):
        missing.append(
            MissingField(
                code="criteria_suggested",
                field="success_criteria",
                message="Suggested by Accord from the ask: change it if you meant something else.",
            )
        )
    return missing
