"""What the intake workflows exchange with the intake activities: subscriptions and messages.

The watch's activities keep a Graph subscription alive and catch up with a folder's delta;
a message's and a conversation's activities read the message, hand it to its conversation,
ask the manager, look people up and start the commitments. Workflows import this module
through ``workflow.unsafe.imports_passed_through()``; it holds no I/O.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.intake.models import DueParse, Mailbox, Reading
from domain.models import CommitmentSpec, Person, UtcDatetime
from workflows.intake.contracts import ChangeNotice, ThreadMessage, WatchConfig

CREATE_MAIL_SUBSCRIPTION = "create_mail_subscription"
"""Create a watch's subscription: :class:`SubscriptionRequest` to :class:`SubscriptionInfo`."""
RENEW_MAIL_SUBSCRIPTION = "renew_mail_subscription"
"""Extend a subscription: :class:`SubscriptionRenewal` to :class:`SubscriptionInfo`."""
CATCH_UP_MAILBOX = "catch_up_mailbox"
"""Read a folder's delta: :class:`CatchUpRequest` to :class:`CatchUpResult`."""
READ_INBOUND_MESSAGE = "read_inbound_message"
"""Fetch and read one message: :class:`InboundLookup` to ``InboundRead``."""
DELIVER_TO_THREAD = "deliver_to_thread"
"""Hand a message to its conversation: :class:`ThreadDelivery` to :class:`DeliveryOutcome`."""
COMPLETE_INTAKE_READING = "complete_intake_reading"
"""Complete a reading with the manager's answer: :class:`CompletionRequest` to ``Reading``."""
RESOLVE_INTAKE_DRAFTS = "resolve_intake_drafts"
"""Look a reading's people up: :class:`DraftsRequest` to :class:`ResolvedDrafts`."""
ASK_MANAGER = "ask_manager"
"""Ask the manager, in the thread, for what is missing: :class:`QuestionRequest`."""
REPLY_REFUSAL = "reply_intake_refusal"
"""Tell a sender, in the thread, that they may not set this expectation: :class:`RefusalRequest`."""
REPLY_NO_REQUEST = "reply_intake_no_request"
"""Tell a sender whose mail asked nothing what Accord saw, with "Track this":
:class:`NoRequestReply`."""
START_INTAKE_COMMITMENT = "start_intake_commitment"
"""Start a confirmed commitment's workflow: :class:`CommitmentStartRequest`."""


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ----- activities of the watch ----------------------------------------------------------


class SubscriptionRequest(_Contract):
    """Create a subscription for a watch."""

    config: WatchConfig
    expires_at: UtcDatetime


class SubscriptionRenewal(_Contract):
    """Extend (or reauthorize and extend) a subscription."""

    subscription_id: str
    expires_at: UtcDatetime
    reauthorize: bool = False


class SubscriptionInfo(_Contract):
    """A subscription Graph holds, or ``found=False`` when Graph no longer knows it."""

    found: bool = True
    subscription_id: str = ""
    expires_at: UtcDatetime | None = None


class CatchUpRequest(_Contract):
    """Read what changed in one folder since ``delta_link`` (or since ``since``)."""

    config: WatchConfig
    folder: str
    delta_link: str | None = None
    since: UtcDatetime


class CatchUpResult(_Contract):
    """The messages found (already handed to intake) and where the next round starts."""

    delta_link: str
    dispatched: int


# ----- activities of a message and a thread ---------------------------------------------


class InboundLookup(_Contract):
    """Fetch one message and read it."""

    notice: ChangeNotice


class ThreadDelivery(_Contract):
    """Hand a message to its conversation: start the thread for a request, signal otherwise."""

    message: ThreadMessage
    start_if_absent: bool


class DeliveryOutcome(StrEnum):
    """What became of a :class:`ThreadDelivery`."""

    DELIVERED = "delivered"
    NO_THREAD = "no_thread"
    THREAD_CLOSED = "thread_closed"


class DraftsRequest(_Contract):
    """Turn a complete reading into commitment specs: people looked up in the directory."""

    reading: Reading
    manager: str
    sent_at: UtcDatetime | None = None
    """When the email was sent: a due date too soon after it needs the manager's word."""


NOT_ALLOWED_PROBLEM = "sender_not_above_owner"
"""The :class:`ResolvedDrafts` problem when the sender may not set the owner an expectation."""


class ResolvedDrafts(_Contract):
    """The specs, or why the reading cannot become commitments.

    The problem is a person not found, or :data:`NOT_ALLOWED_PROBLEM` (who may ask whom:
    domain/authorization.py).
    """

    specs: list[CommitmentSpec] = Field(default_factory=list)
    problem: str | None = None
    refused_owner: Person | None = None
    """With :data:`NOT_ALLOWED_PROBLEM`: whom the sender may not ask."""
    owner_manager: Person | None = None
    """With :data:`NOT_ALLOWED_PROBLEM`: that owner's manager, who can (when there is one)."""
    needs_manager_confirmation: list[bool] = Field(default_factory=list)
    """Per spec: due under two working hours after sending, or before the owner's next
    working morning, so only the manager's own confirmation starts it."""


class CompletionRequest(_Contract):
    """Complete a reading that lacked its due date with the manager's answer."""

    reading: Reading
    due: DueParse


class QuestionRequest(_Contract):
    """Ask the manager, in the thread, for what is missing (exactly once per key)."""

    idempotency_key: str = Field(min_length=8, max_length=200)
    mailbox: str
    reply_to_message_id: str | None
    manager: str
    manager_time_zone: str
    subject: str
    reading: Reading


class RefusalRequest(_Contract):
    """Tell the sender, in the thread, who can set this expectation (exactly once per key)."""

    idempotency_key: str = Field(min_length=8, max_length=200)
    mailbox: str
    reply_to_message_id: str | None
    sender: str
    sender_name: str = ""
    sender_time_zone: str
    subject: str
    owner: Person
    owner_manager: Person | None = None


class NoRequestReply(_Contract):
    """Tell the sender what Accord saw in a mail that asked nothing (exactly once per key)."""

    idempotency_key: str = Field(min_length=8, max_length=200)
    mailbox: str
    reply_to_message_id: str | None
    sender: str
    sender_name: str = ""
    sender_time_zone: str
    subject: str
    people: list[Mailbox] = Field(default_factory=list)
    noticed_due: UtcDatetime | None = None
    track_commitment_id: str
    """The id the "Track this" link names (the conversation's first commitment)."""
    could_not_read: bool = False
    """Reading ran past its time budget: say so, rather than that nothing was asked."""


class CommitmentStartRequest(_Contract):
    """Start the commitment's workflow the way the API does."""

    commitment_id: str
    spec: CommitmentSpec
    created_at: UtcDatetime
