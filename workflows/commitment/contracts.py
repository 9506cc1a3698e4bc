"""What the outside world exchanges with a commitment workflow: its input, updates and views.

The API, the action links and (later) the Teams bot all speak to a commitment through these
models, so a person's action means the same thing whatever channel it came through.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from temporalio.common import SearchAttributeKey

# Named here too, where links and tests look for what a note's action id is.
from domain.lifecycle.checking_in import NOTE_SUFFIX as NOTE_SUFFIX
from domain.lifecycle.checking_in import note_action_id as note_action_id
from domain.models import (
    CheckIn,
    CheckInAnswer,
    CommitmentSpec,
    CommitmentStatus,
    CompactModel,
    HistoryEntry,
    OptionalText,
    Revision,
    RevisionProposal,
    UtcDatetime,
)
from domain.support import CommitmentKind, SupportAnswer, SupportPromise, SupportRequest
from workflows.commitment.state import CommitmentState, MeetingRecord

TASK_QUEUE = "accord-commitments"
MIN_RUN_EVENTS = 20
"""The shortest run length allowed: a new run starts with about 15 events, so a run always
gets some way before it starts again (and a run hands over for its length only once something
has happened to it, so one whose start passes it never hands over to one doing the same)."""
WORKFLOW_ID_PREFIX = "commitment-"


def workflow_id_for(commitment_id: str) -> str:
    """Return the workflow id of a commitment (one workflow per commitment id)."""
    return f"{WORKFLOW_ID_PREFIX}{commitment_id}"


class _Input(CompactModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CommitmentInput(_Input):
    """Starts (or continues) a commitment workflow."""

    commitment_id: str = Field(min_length=1, max_length=100)
    spec: CommitmentSpec
    created_at: UtcDatetime
    grace_period: timedelta = timedelta(hours=4)
    progress: CommitmentState | None = Field(
        default=None, description="Set when a run continues as new: the state to go on from."
    )
    kind: CommitmentKind = Field(
        default=CommitmentKind.COMMITMENT,
        description="``support``: a manager's promise of support, agreed as it starts.",
    )
    supports: str | None = Field(
        default=None,
        max_length=100,
        description="A promise of support: the id of the commitment it supports.",
    )
    continue_as_new_after_events: int | None = Field(
        default=None,
        description="Continue as new past this many history events; unset: when the server "
        "suggests it. Small values exercise continue-as-new in tests.",
    )
    run_events: int | None = Field(
        default=None,
        ge=MIN_RUN_EVENTS,
        description="Start a new run at the first wait with nothing in flight once this run's "
        "history passes this many events and something (an action, a timer, a signal) has "
        "happened to it: a worker's memory for a cached run grows with the "
        "events it has replayed. Unset: one run, until the server suggests a new one. The API "
        "and mail intake set it from ``ACCORD_COMMITMENT_RUN_EVENTS``.",
    )


class ActorAction(_Input):
    """A person's action with no further details (accept, request a conversation)."""

    actor: str = Field(min_length=3, description="The acting person's email address.")
    action_id: str | None = Field(
        default=None, description="Set by action links; a second use of one id changes nothing."
    )


class LetsTalk(ActorAction):
    """The owner wants to talk the expectation through before accepting."""

    question: OptionalText = None


class ReviseExpectation(ActorAction):
    """The manager changes the expectation while it is being clarified."""

    title: str | None = None
    description: str | None = None
    success_criteria: str | None = None
    due: datetime | None = None
    support: OptionalText = None
    reason: OptionalText = None


class CheckInAnswerInput(ActorAction):
    """The owner's answer to a check-in."""

    answer: CheckInAnswer
    note: OptionalText = None


class Complete(ActorAction):
    """The owner reports the work done."""

    note: OptionalText = None


class ProposeRevision(ActorAction):
    """Either person proposes a new date or scope."""

    new_due: datetime | None = None
    new_scope: OptionalText = None
    reason: OptionalText = None


class Release(ActorAction):
    """The manager releases the owner from the commitment."""

    reason: OptionalText = None


class PromiseSupport(ActorAction):
    """The manager promises support by a date, carried by the commitment ``support_id``."""

    support_id: str = Field(min_length=1, max_length=100)
    what: str = Field(min_length=1, max_length=2000)
    due: datetime


class RequestSupport(ActorAction):
    """The owner asks their manager what would help."""

    note: OptionalText = None


class AnswerSupportRequest(ActorAction):
    """The manager answers the owner's request: let's talk, or not possible (and why)."""

    answer: SupportAnswer
    reason: OptionalText = None


class MeetingChanged(_Input):
    """Signal: the organizer's event of this commitment's 1:1 changed; read its answer again.

    It carries only the event's id: the workflow believes nothing else in it, so a forged
    one can cause no more than a read.
    """

    event_id: str = Field(min_length=1, max_length=512)


class SupportedWorkEnded(_Input):
    """Signal to a promise of support: the commitment it was for has ended."""

    commitment_id: str
    title: str
    done: bool


class CommitmentView(BaseModel):
    """The state and full history of a commitment, as queries return it."""

    model_config = ConfigDict(frozen=True)

    commitment_id: str
    status: CommitmentStatus
    spec: CommitmentSpec
    created_at: UtcDatetime
    history: list[HistoryEntry]
    check_ins: list[CheckIn]
    revisions: list[Revision]
    pending_revision: RevisionProposal | None
    meeting: MeetingRecord | None
    completed_at: UtcDatetime | None
    kind: CommitmentKind = CommitmentKind.COMMITMENT
    supports: str | None = None
    support: list[SupportPromise] = Field(default_factory=list)
    support_requests: list[SupportRequest] = Field(default_factory=list)


class Updates:
    """The names of the commitment workflow's updates, with the input model each takes.

    accept (ActorAction, owner), lets_talk (LetsTalk, owner), revise_expectation
    (ReviseExpectation, manager), check_in (CheckInAnswerInput, owner), complete (Complete,
    owner), propose_revision (ProposeRevision, either), accept_revision (ActorAction, the
    other person), request_conversation (ActorAction, manager), release (Release, manager),
    promise_support (PromiseSupport, manager), request_support (RequestSupport, owner),
    answer_support_request (AnswerSupportRequest, manager).
    Each returns the :class:`CommitmentView` after the change; a rejected update raises an
    ``ApplicationError`` of type ``InvalidAction`` whose message says why.
    """

    ACCEPT = "accept"
    LETS_TALK = "lets_talk"
    REVISE_EXPECTATION = "revise_expectation"
    CHECK_IN = "check_in"
    COMPLETE = "complete"
    PROPOSE_REVISION = "propose_revision"
    ACCEPT_REVISION = "accept_revision"
    REQUEST_CONVERSATION = "request_conversation"
    RELEASE = "release"
    PROMISE_SUPPORT = "promise_support"
    REQUEST_SUPPORT = "request_support"
    ANSWER_SUPPORT_REQUEST = "answer_support_request"


VIEW_QUERY = "view"
SUPPORTED_WORK_ENDED_SIGNAL = "supported_work_ended"
"""Sent by an owner's commitment as it ends to each promise of support made for it."""
MEETING_CHANGED_SIGNAL = "meeting_changed"
"""Sent by the watch on the organizer's calendar when the 1:1's event changed (a decline)."""
WORKFLOW_NAME = "CommitmentWorkflow"
OWNER_KEY = SearchAttributeKey.for_keyword("AccordOwner")
MANAGER_KEY = SearchAttributeKey.for_keyword("AccordManager")
STATUS_KEY = SearchAttributeKey.for_keyword("AccordStatus")
DUE_KEY = SearchAttributeKey.for_datetime("AccordDue")
ATTENTION_KEY = SearchAttributeKey.for_keyword("AccordAttention")
"""What the commitment needs (:func:`domain.attention.attention_of`), so lists read in order."""
SEARCH_ATTRIBUTE_KEYS = (OWNER_KEY, MANAGER_KEY, STATUS_KEY, DUE_KEY, ATTENTION_KEY)
"""The custom search attributes that list commitments."""
SEARCH_ATTRIBUTES = {key.name: key.indexed_value_type.name.title() for key in SEARCH_ATTRIBUTE_KEYS}
"""The same attributes as the dev server's ``--search-attribute Name=Type`` flags want them."""
