"""What the mail intake pipeline exchanges: watches, messages, threads and the manager's say.

Three workflows carry an email to a commitment (see ``docs/intake.md``, "The pipeline"):

- ``MailboxWatchWorkflow`` (id :func:`watch_workflow_id`) owns one Graph subscription;
- ``MessageIntakeWorkflow`` (id :func:`message_workflow_id`) reads one message once;
- ``IntakeWorkflow`` (id :func:`thread_workflow_id`) owns one conversation: it asks the
  manager for what is missing, confirms what it understood, waits the grace window and
  starts the commitments. One per conversation, so a thread never starts a second one.

The ids are derived from what Graph says, so a duplicate delivery or a retried start finds
the workflow already there. A conversation's key (and so the ids of its workflow and its
commitments) is a MAC under a secret key, not a plain hash: anyone holding a copy of the
email knows its conversation id, and must not be able to compute the ids. This module holds
no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.intake.models import DueParse, InboundEmail, Mailbox, Reading
from domain.models import TITLE_MAX_LENGTH, CommitmentSpec, OptionalText, UtcDatetime

WATCH_WORKFLOW = "MailboxWatchWorkflow"
MESSAGE_WORKFLOW = "MessageIntakeWorkflow"
THREAD_WORKFLOW = "IntakeWorkflow"
MESSAGE_SIGNAL = "message"
LIFECYCLE_SIGNAL = "lifecycle"
INTAKE_VIEW_QUERY = "intake_view"
WATCH_VIEW_QUERY = "watch_view"

_COMMITMENT_ID = re.compile(r"^mail-(?P<thread>[0-9a-f]{32})-(?P<index>\d{1,3})$")


def _digest(*parts: str) -> str:
    # Graph ids are long and full of characters Temporal ids tolerate but people misread.
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


class WatchMode(StrEnum):
    """What a watched mailbox is watched for."""

    AGENT_INBOX = "agent_inbox"
    """New messages in Accord's own inbox (the manager copied the agent)."""
    FLAGS = "flags"
    """Messages an opted-in manager flags with a due date and the intake category."""


def watch_workflow_id(mailbox: str, mode: WatchMode, task_queue: str) -> str:
    """Return the fixed workflow id of the watch on one mailbox, for one deployment.

    The task queue is part of it so that two deployments (or test runs) sharing a Temporal
    namespace each keep their own watch.
    """
    return f"mailbox-watch-{task_queue}-{mode.value}-{mailbox.strip().lower()}"


def message_workflow_id(mailbox: str, message_id: str, change_key: str = "") -> str:
    """Return the id of the workflow that reads one message (one version of it, for flags).

    The same message delivered twice (a webhook retry, a catch-up after a gap) maps to the
    same id, so it is read once. Flag intake reacts to updates, so there the version
    (``changeKey``) is part of the id: flagging a message read earlier is a new version.
    """
    return f"intake-message-{_digest(mailbox.strip().lower(), message_id, change_key)}"


def thread_key(mailbox: str, conversation_id: str, message_id: str, *, key: bytes) -> str:
    """Return the key of a conversation; without a conversation id, the message is its own.

    The agent's copy and the manager's flagged copy of one email share Exchange's
    conversation id, so both ways in lead to the same thread (and one commitment), and a
    message delivered again maps to the same thread. The key is an HMAC-SHA256 under
    ``key``: the conversation id is in every copy of the email, so a plain hash of it would
    let its recipients compute the ids of the commitments it becomes.

    Args:
        mailbox: the watched mailbox the message is in.
        conversation_id: Exchange's conversation id ("" when Graph gave none).
        message_id: the message's Graph id.
        key: the secret (``accord.keys.secrets.intake_id_key``), the same in every worker.

    Returns:
        32 hex digits.
    """
    if conversation_id:
        parts: tuple[str, ...] = ("conversation", conversation_id)
    else:
        parts = ("message", mailbox.strip().lower(), message_id)
    return hmac.new(key, "\n".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def thread_workflow_id(key: str) -> str:
    """Return the id of the workflow that owns a conversation."""
    return f"intake-thread-{key}"


def commitment_id_for(key: str, index: int) -> str:
    """Return the id of the ``index``-th commitment a conversation proposes."""
    return f"mail-{key}-{index}"


def thread_of_commitment(commitment_id: str) -> tuple[str, int] | None:
    """Return the conversation key and index of a commitment read from mail, else ``None``."""
    match = _COMMITMENT_ID.match(commitment_id)
    if match is None:
        return None
    return match.group("thread"), int(match.group("index"))


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChangeNotice(_Contract):
    """A message Graph told us about (by notification or by catch-up)."""

    mailbox: str
    mode: WatchMode
    message_id: str = Field(min_length=1, max_length=512)
    change_key: str = ""


class WatchConfig(_Contract):
    """What a watch subscribes to and how it keeps the subscription alive."""

    mailbox: str
    mode: WatchMode
    notification_url: str
    lifecycle_url: str
    client_state: str = Field(min_length=1, max_length=128)
    category: str = "Accord"
    folders: list[str] = Field(default_factory=lambda: ["inbox"])
    lifetime: timedelta = timedelta(minutes=4200)
    renew_at_fraction: float = Field(default=2 / 3, gt=0, lt=1)
    task_queue: str
    continue_as_new_after_events: int | None = None


class WatchState(_Contract):
    """What a watch remembers across continue-as-new."""

    subscription_id: str | None = None
    expires_at: UtcDatetime | None = None
    delta_links: dict[str, str] = Field(default_factory=dict)
    started_at: UtcDatetime | None = None
    catch_ups: int = 0
    dispatched: int = 0


class WatchInput(_Contract):
    """Starts (or continues) a mailbox watch."""

    config: WatchConfig
    state: WatchState = Field(default_factory=WatchState)


class LifecycleEvent(StrEnum):
    """Graph's lifecycle notifications, plus a catch-up asked for by hand."""

    REAUTHORIZATION_REQUIRED = "reauthorizationRequired"
    SUBSCRIPTION_REMOVED = "subscriptionRemoved"
    MISSED = "missed"


class LifecycleNotice(_Contract):
    """A lifecycle notification for the watch's subscription."""

    event: LifecycleEvent
    subscription_id: str


class WatchView(_Contract):
    """A watch's state, for operators and tests."""

    subscription_id: str | None
    expires_at: UtcDatetime | None
    catch_ups: int
    dispatched: int
    failures: int


# ----- a message as read, handed to its conversation -----------------------------------


class InboundRead(_Contract):
    """One message as read: the email, what intake understood, and any due date in it.

    ``skip_reason`` says why the message goes no further (ids-only logs); ``reply_due`` is
    the due date the text gives when read as a short answer ("Friday 3pm").
    """

    email: InboundEmail | None = None
    reading: Reading | None = None
    manager_time_zone: str = "UTC"
    reply_due: DueParse | None = None
    thread_key: str = ""
    skip_reason: str | None = None
    already_answered: bool = False
    """Accord has already written in this conversation (its Sent Items hold a message of
    it): a later mail there that asks nothing gets no answer."""
    groups_asked: list[str] = Field(default_factory=list)
    """Groups in To that could not be read as one person (ask the sender who owns it)."""
    read_in_time: bool = True
    """False when reading ran past its time budget: the sender hears that Accord could not
    read it (the reading then says ``not_a_request``, and nothing starts)."""


class ThreadMessage(_Contract):
    """A message handed to its conversation's workflow."""

    notice: ChangeNotice
    read: InboundRead


# ----- the thread workflow --------------------------------------------------------------


class IntakeInput(_Contract):
    """Starts (or continues) the workflow of one conversation."""

    thread_key: str
    mailbox: str
    mode: WatchMode
    grace_window: timedelta = timedelta(minutes=15)
    answer_window: timedelta = timedelta(days=14)
    memory: timedelta = Field(
        default=timedelta(days=30),
        description="How long a finished thread stays to turn away later messages in it.",
    )
    task_queue: str
    progress: IntakeProgress | None = Field(
        default=None, description="Set when a run continues as new: where the thread was."
    )


class DraftStatus(StrEnum):
    """Where one proposed commitment stands."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    STARTED = "started"


class IntakeStatus(StrEnum):
    """Where a conversation stands."""

    READING = "reading"
    WAITING_FOR_MANAGER = "waiting_for_manager"
    CONFIRMING = "confirming"
    DONE = "done"
    GAVE_UP = "gave_up"
    REFUSED = "refused"
    """The sender is not above the owner in the directory (nor may otherwise ask): nothing
    starts (docs/security.md, "Who may ask whom")."""
    NO_REQUEST = "no_request"
    """The first mail asked for nothing: the sender got what Accord saw and a "Track this"
    link. A later request in the thread, or the link's form, opens it again."""


class ProposedCommitment(_Contract):
    """One commitment the conversation proposes, before and after the grace window."""

    commitment_id: str
    spec: CommitmentSpec
    due_text: str = ""
    status: DraftStatus = DraftStatus.PROPOSED
    grace_ends_at: UtcDatetime | None = None
    needs_manager_confirmation: bool = False
    """Due so soon (under two working hours after sending, or before the owner's next
    working morning) that the grace window alone never confirms it: the manager must."""


class SeenEmail(_Contract):
    """What Accord saw in a mail that asked for nothing: the "Track this" form's prefill."""

    subject: str = ""
    people: list[Mailbox] = Field(default_factory=list)
    noticed_due: UtcDatetime | None = None
    noticed_due_text: str = ""


class IntakeProgress(_Contract):
    """Everything a conversation has become; carried across continue-as-new."""

    status: IntakeStatus
    inbox: list[ThreadMessage] = Field(default_factory=list)
    seen: list[str] = Field(default_factory=list)
    first: ThreadMessage | None = None
    manager: str | None = None
    manager_time_zone: str = "UTC"
    pending: Reading | None = None
    questions: int = 0
    proposals: list[ProposedCommitment] = Field(default_factory=list)
    applied: list[str] = Field(default_factory=list)
    answer_by: UtcDatetime | None = None
    remember_until: UtcDatetime | None = None
    seen_email: SeenEmail | None = None


IntakeInput.model_rebuild()


class IntakeView(_Contract):
    """The conversation's state, for the correction page and for tests."""

    thread_key: str
    status: IntakeStatus
    manager: str | None
    manager_time_zone: str = "UTC"
    missing: list[str]
    proposals: list[ProposedCommitment]
    messages_seen: int
    seen_email: SeenEmail | None = None


class IntakeUpdates:
    """The thread workflow's updates (the manager's one-click answers); each takes its model.

    confirm (IntakeDecision), cancel (IntakeDecision), correct (IntakeCorrection), track
    (IntakeTrack). Each
    returns the :class:`IntakeView`; a refused one raises ``InvalidAction``.
    """

    CONFIRM = "confirm_intake"
    CANCEL = "cancel_intake"
    CORRECT = "correct_intake"
    TRACK = "track_intake"
    """The sender's "Track this" form, for a mail that asked nothing (:class:`IntakeTrack`)."""


class IntakeDecision(_Contract):
    """The manager confirms or cancels one proposed commitment."""

    actor: str = Field(min_length=3)
    commitment_id: str
    action_id: str | None = None


class IntakeCorrection(IntakeDecision):
    """The manager corrects one proposed commitment before its owner hears of it."""

    title: OptionalText = None
    success_criteria: OptionalText = None
    due: UtcDatetime | None = None


class IntakeTrack(IntakeDecision):
    """The sender asks Accord to track what their mail (read as no request) was about."""

    owner: str = Field(min_length=3, max_length=320)
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    success_criteria: str = Field(min_length=1, max_length=2000)
    due: UtcDatetime
