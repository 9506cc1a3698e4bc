"""``/commitments``: create a commitment, read it, and act on it.

Until sign-in arrives (a later issue), the acting person is named in each action's body and
believed; the workflow still checks that they are the commitment's owner or manager.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from api.commitment_workflows import (
    CommitmentUnavailableError,
    apply_update,
    read_view,
    start_commitment,
)
from api.dependencies import ClockDep, DirectoryDep, SettingsDep, TemporalDep
from api.problems import (
    PROBLEM_RESPONSES,
    FieldError,
    ProblemError,
    field_errors,
    problem_doc,
)
from api.schemas import (
    COMMITMENT_ID_PATTERN,
    ActorRequest,
    CheckInRequest,
    CommitmentCreate,
    CommitmentPublic,
    CompleteRequest,
    ExpectationChangeRequest,
    LetsTalkRequest,
    ReleaseRequest,
    RevisionRequest,
)
from domain.models import CommitmentSpec
from workflows.contracts import CommitmentInput, Updates

# Fixed forever: commitment ids derived from idempotency keys must stay the same across
# releases, or a retried request would create a second commitment.
_IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d4c1e-2b0a-4f4e-9a57-acc0acc0acc0")
# After starting, the new workflow gets this long to answer its first query.
FIRST_VIEW_TIMEOUT = timedelta(seconds=5)

CommitmentIdPath = Annotated[
    str, Path(pattern=COMMITMENT_ID_PATTERN, description="The commitment's id.")
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        description="Makes a retried request safe: the same key gives the same result once.",
    ),
]

_NOT_FOUND = problem_doc(404, "There is no commitment with this id.")
_UNAVAILABLE = problem_doc(503, "Accord cannot reach its workflows right now; nothing changed.")
_REJECTED = problem_doc(409, "The commitment refused the action; `detail` says why.")
_ACTION_RESPONSES = {**PROBLEM_RESPONSES, **_NOT_FOUND, **_REJECTED, **_UNAVAILABLE}

router = APIRouter(prefix="/commitments", tags=["commitments"])


def _commitment_id(body: CommitmentCreate, idempotency_key: str | None) -> str:
    if body.commitment_id:
        return body.commitment_id
    if idempotency_key:
        # Scoped by manager, so two managers' clients picking the same key don't collide.
        return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{body.manager}\n{idempotency_key}"))
    return str(uuid.uuid4())


def _field(name: str, message: str, kind: str) -> FieldError:
    return FieldError(field=name, location="body", message=message, type=kind)


def _require_future(field: str, value: datetime | None, now: datetime) -> None:
    if value is not None and value <= now:
        raise field_errors(_field(field, "must be in the future", "due_in_past"))


@router.post(
    "",
    status_code=201,
    responses={
        **PROBLEM_RESPONSES,
        **problem_doc(409, "Another commitment already has this id (or idempotency key)."),
        **_UNAVAILABLE,
    },
)
async def create_commitment(
    body: CommitmentCreate,
    response: Response,
    settings: SettingsDep,
    temporal: TemporalDep,
    directory: DirectoryDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """Set an expectation: start a commitment and ask its owner to accept it.

    Creating the same commitment twice (same `commitment_id`, or same `Idempotency-Key`
    from the same manager) yields one commitment.
    """
    now = clock()
    errors = []
    if body.due <= now:
        errors.append(_field("due", "must be in the future", "due_in_past"))
    owner, manager = await asyncio.gather(directory.find(body.owner), directory.find(body.manager))
    errors += [
        _field(role, "is not a person in the directory", "unknown_person")
        for role, person in (("owner", owner), ("manager", manager))
        if person is None
    ]
    if errors or owner is None or manager is None:
        raise field_errors(*errors)
    spec = CommitmentSpec(
        title=body.title,
        description=body.description,
        success_criteria=body.success_criteria,
        owner=owner,
        manager=manager,
        due=body.due,
        cadence=body.cadence,
        support=body.support,
    )
    start = CommitmentInput(
        commitment_id=_commitment_id(body, idempotency_key), spec=spec, created_at=now
    )
    await start_commitment(temporal, start, settings.temporal_task_queue)
    try:
        view = await read_view(temporal, start.commitment_id, wait=FIRST_VIEW_TIMEOUT)
    except CommitmentUnavailableError:
        public = CommitmentPublic.submitted(start)
    else:
        if view.spec != spec:
            raise ProblemError(
                409,
                "commitment-exists",
                "Another commitment has this id",
                "A commitment with this id (or idempotency key) exists with different "
                "details; nothing was changed.",
            )
        public = CommitmentPublic.from_view(view)
    response.headers["Location"] = (
        f"{settings.public_url.rstrip('/')}/commitments/{start.commitment_id}"
    )
    return public


@router.get("/{commitment_id}", responses={**PROBLEM_RESPONSES, **_NOT_FOUND, **_UNAVAILABLE})
async def get_commitment(
    commitment_id: CommitmentIdPath, temporal: TemporalDep
) -> CommitmentPublic:
    """Read a commitment: the expectation, where it stands, and its history."""
    return CommitmentPublic.from_view(await read_view(temporal, commitment_id))


async def _act(
    temporal: TemporalDep,
    commitment_id: str,
    update: str,
    request: ActorRequest,
    idempotency_key: str | None,
) -> CommitmentPublic:
    action_id = None
    if idempotency_key:
        action_id = str(
            uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{commitment_id}\n{update}\n{idempotency_key}")
        )
    view = await apply_update(
        temporal, commitment_id, update, request.to_input(action_id), update_id=action_id
    )
    return CommitmentPublic.from_view(view)


@router.post("/{commitment_id}/accept", responses=_ACTION_RESPONSES)
async def accept(
    commitment_id: CommitmentIdPath,
    body: ActorRequest,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner accepts the expectation (`actor` names them until sign-in arrives)."""
    return await _act(temporal, commitment_id, Updates.ACCEPT, body, idempotency_key)


@router.post("/{commitment_id}/lets-talk", responses=_ACTION_RESPONSES)
async def lets_talk(
    commitment_id: CommitmentIdPath,
    body: LetsTalkRequest,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner asks to talk the expectation through before accepting it."""
    return await _act(temporal, commitment_id, Updates.LETS_TALK, body, idempotency_key)


@router.patch("/{commitment_id}", responses=_ACTION_RESPONSES)
async def revise_expectation(
    commitment_id: CommitmentIdPath,
    body: ExpectationChangeRequest,
    temporal: TemporalDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager changes the expectation while it is still being agreed."""
    _require_future("due", body.due, clock())
    return await _act(temporal, commitment_id, Updates.REVISE_EXPECTATION, body, idempotency_key)


@router.post("/{commitment_id}/check-ins", responses=_ACTION_RESPONSES)
async def check_in(
    commitment_id: CommitmentIdPath,
    body: CheckInRequest,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner answers a check-in: on track, at risk, blocked or done."""
    return await _act(temporal, commitment_id, Updates.CHECK_IN, body, idempotency_key)


@router.post("/{commitment_id}/complete", responses=_ACTION_RESPONSES)
async def complete(
    commitment_id: CommitmentIdPath,
    body: CompleteRequest,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner reports the work done."""
    return await _act(temporal, commitment_id, Updates.COMPLETE, body, idempotency_key)


@router.post("/{commitment_id}/revisions", responses=_ACTION_RESPONSES)
async def propose_revision(
    commitment_id: CommitmentIdPath,
    body: RevisionRequest,
    temporal: TemporalDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """Either person proposes a new due date or scope; the other one agrees to it."""
    _require_future("new_due", body.new_due, clock())
    return await _act(temporal, commitment_id, Updates.PROPOSE_REVISION, body, idempotency_key)


@router.post("/{commitment_id}/revisions/accept", responses=_ACTION_RESPONSES)
async def accept_revision(
    commitment_id: CommitmentIdPath,
    body: ActorRequest,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The other person agrees to the pending revision."""
    return await _act(temporal, commitment_id, Updates.ACCEPT_REVISION, body, idempotency_key)


@router.post("/{commitment_id}/conversations", responses=_ACTION_RESPONSES)
async def request_conversation(
    commitment_id: CommitmentIdPath,
    body: ActorRequest,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager asks for a conversation (Accord finds a time for a 1:1)."""
    return await _act(temporal, commitment_id, Updates.REQUEST_CONVERSATION, body, idempotency_key)


@router.post("/{commitment_id}/release", responses=_ACTION_RESPONSES)
async def release(
    commitment_id: CommitmentIdPath,
    body: ReleaseRequest,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager releases the owner from the commitment."""
    return await _act(temporal, commitment_id, Updates.RELEASE, body, idempotency_key)
