"""What the API accepts and returns; separate from the workflow contracts on purpose.

Create and action models validate what a client sends (and never carry server-chosen
fields); :class:`CommitmentPublic` is what the API shows of a commitment.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from domain.models import (
    MIN_CADENCE,
    CheckIn,
    CheckInAnswer,
    CommitmentStatus,
    HistoryEntry,
    Person,
    RequiredText,
    Revision,
    RevisionProposal,
    Text,
    TimeSlot,
    Title,
)
from domain.support import CommitmentKind, SupportAnswer, SupportPromise, SupportRequest
from workflows.commitment.contracts import (
    ActorAction,
    AnswerSupportRequest,
    CheckInAnswerInput,
    CommitmentInput,
    CommitmentView,
    Complete,
    LetsTalk,
    ProposeRevision,
    Release,
    RequestSupport,
    ReviseExpectation,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
COMMITMENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
NOTE_MAX_LENGTH = 2000


def _email(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    email = value.strip().lower()
    if not _EMAIL.fullmatch(email):
        raise ValueError("must be an email address")
    return email


Email = Annotated[str, BeforeValidator(_email)]
"""An email address, stored lower-cased."""


def _blank_to_none(value: Any) -> Any:
    return (value.strip() or None) if isinstance(value, str) else value


# The length limit sits on the string alone: applied to the optional type, pydantic would try
# it on an explicit null too and fail with a TypeError (a 500) instead of accepting it.
Note = Annotated[
    Annotated[str, StringConstraints(max_length=NOTE_MAX_LENGTH)] | None,
    BeforeValidator(_blank_to_none),
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CommitmentCreate(_Request):
    """A manager's expectation of a report, as the API receives it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Publish the Q3 onboarding guide",
                    "success_criteria": "The guide is on the wiki and reviewed by two leads.",
                    "owner": "sam.okafor@northwind.example",
                    "manager": "maya.chen@northwind.example",
                    "due": "2026-09-30T17:00:00+02:00",
                    "cadence": "P7D",
                }
            ]
        },
    )

    title: Title
    description: Text = ""
    success_criteria: RequiredText
    owner: Email = Field(description="The report's email address.")
    manager: Email | None = Field(
        default=None,
        description="The manager's email address: the signed-in person (only an admin may "
        "name someone else). Unset: the signed-in person.",
    )
    due: AwareDatetime = Field(
        description="ISO 8601 date-time with a UTC offset, e.g. `2026-09-30T17:00:00+02:00`."
    )
    cadence: timedelta | None = Field(
        default=None,
        description="How often to check in: ISO 8601 duration (`P7D`) or seconds; at least a "
        "day. Unset: Accord chooses from the time until the due date.",
    )
    support: Note = Field(default=None, description="What help the manager offers.")
    support_due: AwareDatetime | None = Field(
        default=None,
        description="When the manager promises the `support` by (with an offset). Set: the "
        "support becomes a commitment of the manager's, reminded and tracked like any other.",
    )

    @field_validator("cadence")
    @classmethod
    def _cadence_at_least_daily(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < MIN_CADENCE:
            raise ValueError("must be at least one day (P1D)")
        return value

    @field_validator("manager")
    @classmethod
    def _manager_is_not_owner(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value == info.data.get("owner"):
            raise ValueError("must be someone other than the owner")
        return value


class PersonPublic(BaseModel):
    """Someone taking part in a commitment."""

    email: str
    display_name: str

    @classmethod
    def of(cls, person: Person) -> Self:
        """Return the public form of a person."""
        return cls(email=person.email, display_name=person.display_name)


class MeetingPublic(BaseModel):
    """A 1:1 Accord put on both calendars."""

    purpose: str
    slot: TimeSlot


class SupportPromisePublic(BaseModel):
    """A promise of support on an owner's commitment, with its own commitment's status."""

    commitment_id: str = Field(description="The promise's own commitment.")
    what: str
    due: datetime
    promised_at: datetime
    status: CommitmentStatus | None = Field(
        default=None, description="Where the promise stands; null when it could not be read."
    )

    @classmethod
    def of(cls, promise: SupportPromise, status: CommitmentStatus | None) -> Self:
        """Return the public form of a promise and its status."""
        return cls(
            commitment_id=promise.support_id,
            what=promise.what,
            due=promise.due,
            promised_at=promise.at,
            status=status,
        )


class CommitmentPublic(BaseModel):
    """A commitment as the API shows it: the expectation, where it stands, and its story."""

    commitment_id: str
    status: CommitmentStatus
    title: str
    description: str
    success_criteria: str
    owner: PersonPublic
    manager: PersonPublic
    due: datetime
    cadence: timedelta | None
    support: str | None
    created_at: datetime
    completed_at: datetime | None
    pending_revision: RevisionProposal | None
    revisions: list[Revision]
    check_ins: list[CheckIn]
    history: list[HistoryEntry]
    meeting: MeetingPublic | None
    kind: CommitmentKind = Field(
        default=CommitmentKind.COMMITMENT,
        description="`support`: a manager's promise of support (its owner is the manager who "
        "promised, its manager the person it is for).",
    )
    supports: str | None = Field(
        default=None, description="A promise of support: the commitment it supports."
    )
    support_commitments: list[SupportPromisePublic] = Field(
        default_factory=list,
        description="What the manager promised the owner for this commitment, and where each "
        "promise stands (its own commitment's status).",
    )
    support_requests: list[SupportRequest] = Field(
        default_factory=list, description="The owner's requests for support, with the answers."
    )

    @classmethod
    def from_view(
        cls, view: CommitmentView, support_status: dict[str, CommitmentStatus] | None = None
    ) -> Self:
        """Return the public form of a workflow's view.

        Args:
            view: what the workflow's view query answered.
            support_status: the status of each promise of support, by its commitment's id.

        Returns:
            The commitment as the API shows it.
        """
        spec = view.spec
        meeting = view.meeting
        return cls(
            commitment_id=view.commitment_id,
            status=view.status,
            title=spec.title,
            description=spec.description,
            success_criteria=spec.success_criteria,
            owner=PersonPublic.of(spec.owner),
            manager=PersonPublic.of(spec.manager),
            due=spec.due,
            cadence=spec.cadence,
            support=spec.support,
            created_at=view.created_at,
            completed_at=view.completed_at,
            pending_revision=view.pending_revision,
            revisions=view.revisions,
            check_ins=view.check_ins,
            history=view.history,
            meeting=MeetingPublic(purpose=meeting.purpose, slot=meeting.slot) if meeting else None,
            kind=view.kind,
            supports=view.supports,
            support_commitments=[
                SupportPromisePublic.of(promise, (support_status or {}).get(promise.support_id))
                for promise in view.support
            ],
            support_requests=view.support_requests,
        )

    @classmethod
    def submitted(cls, start: CommitmentInput) -> Self:
        """Return what was submitted, for when the workflow cannot answer yet.

        Args:
            start: the workflow's input.

        Returns:
            The commitment as created, awaiting acceptance.
        """
        return cls.from_view(
            CommitmentView(
                commitment_id=start.commitment_id,
                status=CommitmentStatus.AWAITING_ACCEPTANCE,
                spec=start.spec,
                created_at=start.created_at,
                history=[],
                check_ins=[],
                revisions=[],
                pending_revision=None,
                meeting=None,
                completed_at=None,
            )
        )


# --- actions -----------------------------------------------------------------------------
# The acting person is the signed-in one (from the access token), never named in the body;
# each request turns into the workflow's update input, with the action id that makes a
# retried request change nothing.


class ActionRequest(_Request):
    """An action with no details: accept, accept a revision, ask for a conversation."""

    def to_input(self, actor: str, action_id: str | None) -> ActorAction:
        """Return the workflow update's input.

        Args:
            actor: the signed-in person's email address.
            action_id: identifies the request, so a retry is applied once.

        Returns:
            The update input.
        """
        return ActorAction(actor=actor, action_id=action_id)


class LetsTalkRequest(ActionRequest):
    """The owner wants to talk the expectation through before accepting."""

    question: Note = None

    def to_input(self, actor: str, action_id: str | None) -> LetsTalk:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return LetsTalk(actor=actor, action_id=action_id, question=self.question)


class CheckInRequest(ActionRequest):
    """The owner's answer to a check-in."""

    answer: CheckInAnswer
    note: Note = None

    def to_input(self, actor: str, action_id: str | None) -> CheckInAnswerInput:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return CheckInAnswerInput(
            actor=actor, action_id=action_id, answer=self.answer, note=self.note
        )


class CompleteRequest(ActionRequest):
    """The owner reports the work done."""

    note: Note = None

    def to_input(self, actor: str, action_id: str | None) -> Complete:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return Complete(actor=actor, action_id=action_id, note=self.note)


class RevisionRequest(ActionRequest):
    """Either person proposes a new due date, a new scope, or both."""

    new_due: AwareDatetime | None = None
    new_scope: Note = Field(default=None, validate_default=True)
    reason: Note = None

    @field_validator("new_scope")
    @classmethod
    def _changes_something(cls, value: str | None, info: ValidationInfo) -> str | None:
        # When new_due itself is invalid it is absent here, and its own error says so.
        if value is None and "new_due" in info.data and info.data["new_due"] is None:
            raise ValueError("give a new due date (new_due), a new scope, or both")
        return value

    def to_input(self, actor: str, action_id: str | None) -> ProposeRevision:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return ProposeRevision(
            actor=actor,
            action_id=action_id,
            new_due=self.new_due,
            new_scope=self.new_scope,
            reason=self.reason,
        )


class SupportPromiseRequest(ActionRequest):
    """The manager promises support by a date; it becomes a commitment of their own."""

    what: RequiredText = Field(max_length=NOTE_MAX_LENGTH, description="What you will do.")
    due: AwareDatetime = Field(description="By when (with an offset).")


class SupportRequestBody(ActionRequest):
    """The owner asks their manager what would help."""

    note: Note = Field(default=None, description="What would help, in the owner's words.")

    def to_input(self, actor: str, action_id: str | None) -> RequestSupport:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return RequestSupport(actor=actor, action_id=action_id, note=self.note)


class SupportAnswerBody(ActionRequest):
    """The manager answers the owner's request: `talk` or `not_possible` (with the reason).

    To promise the support, use `POST /commitments/{id}/support` instead.
    """

    answer: SupportAnswer = Field(description="`talk` or `not_possible`.")
    reason: Note = None

    def to_input(self, actor: str, action_id: str | None) -> AnswerSupportRequest:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return AnswerSupportRequest(
            actor=actor, action_id=action_id, answer=self.answer, reason=self.reason
        )


class ReleaseRequest(ActionRequest):
    """The manager releases the owner from the commitment."""

    reason: Note = None

    def to_input(self, actor: str, action_id: str | None) -> Release:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return Release(actor=actor, action_id=action_id, reason=self.reason)


class ExpectationChangeRequest(ActionRequest):
    """The manager changes the expectation while it is still being agreed."""

    title: Title | None = None
    description: Text | None = None
    success_criteria: RequiredText | None = None
    due: AwareDatetime | None = None
    support: Note = None
    reason: Note = None

    def to_input(self, actor: str, action_id: str | None) -> ReviseExpectation:
        """Return the workflow update's input (see :meth:`ActionRequest.to_input`)."""
        return ReviseExpectation(
            actor=actor,
            action_id=action_id,
            title=self.title,
            description=self.description,
            success_criteria=self.success_criteria,
            due=self.due,
            support=self.support,
            reason=self.reason,
        )


# --- lists -------------------------------------------------------------------------------


class CommitmentSummary(BaseModel):
    """One row of a list: enough to find a commitment; `GET /commitments/{id}` has the rest."""

    commitment_id: str
    title: str | None = Field(
        description="The title as first set (the commitment itself has the current one); "
        "null when it cannot be read."
    )
    status: CommitmentStatus
    owner: str = Field(description="The owner's email address.")
    manager: str = Field(description="The manager's email address.")
    due: datetime
    created_at: datetime | None


class CommitmentPage(BaseModel):
    """A page of commitments, newest first."""

    items: list[CommitmentSummary]
    next_page_token: str | None = Field(
        description="Pass as `page_token` (with the same filters) for the next page; null on "
        "the last page."
    )
