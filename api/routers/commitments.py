"""``/commitments``: create, list and read commitments, and act on them.

Every route needs a signed-in person (:data:`api.auth.PrincipalDep`), who is also the one
acting: the workflow still checks that they are the commitment's owner or manager. People see
their own commitments, those they manage, those of anyone below them in the directory, or (as
admins) all; a commitment they may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Annotated

import structlog
from fastapi import APIRouter, Body, Header, Path, Query, Response
from pydantic import AwareDatetime

from api.auth import (
    AUTH_RESPONSES,
    Access,
    AccessDep,
    may_act,
    may_set_expectation,
    not_allowed,
)
from api.dependencies import ClockDep, ConfigDep, DirectoryDep, TemporalDep
from api.page_tokens import InvalidPageTokenError, decode_page_token, encode_page_token
from api.problems import (
    PROBLEM_RESPONSES,
    FieldError,
    ProblemError,
    field_errors,
    problem_doc,
)
from api.schemas import (
    COMMITMENT_ID_PATTERN,
    ActionRequest,
    CheckInRequest,
    CommitmentCreate,
    CommitmentPage,
    CommitmentPublic,
    CommitmentSummary,
    CompleteRequest,
    Email,
    ExpectationChangeRequest,
    LetsTalkRequest,
    ReleaseRequest,
    RevisionRequest,
    SupportAnswerBody,
    SupportPromiseRequest,
    SupportRequestBody,
)
from domain.models import CommitmentSpec, CommitmentStatus
from integrations.graph.people import everyone_below
from workflows.commitment.client import (
    CommitmentFilter,
    CommitmentNotFoundError,
    CommitmentUnavailableError,
    apply_update,
    list_commitments,
    list_query,
    read_view,
    start_commitment,
)
from workflows.commitment.contracts import CommitmentInput, CommitmentView, Updates
from workflows.commitment.support import promise_support

log = structlog.get_logger("accord.api.commitments")

# Fixed forever: commitment ids derived from idempotency keys must stay the same across
# releases, or a retried request would create a second commitment.
_IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d4c1e-2b0a-4f4e-9a57-acc0acc0acc0")
# Prefixed to the caller's object id in create ids: a namespace of its own, apart from the
# action ids (commitment id + update + key) derived under the same UUID namespace.
_CREATE_SCOPE = "create"
# After starting, the new workflow gets this long to answer its first query.
FIRST_VIEW_TIMEOUT = timedelta(seconds=5)

OptionalBody = Annotated[ActionRequest | None, Body(description="Nothing to add: `{}` or none.")]
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

_NOT_FOUND = problem_doc(404, "There is no commitment with this id that you may see.")
_UNAVAILABLE = problem_doc(503, "Accord cannot reach its workflows right now; nothing changed.")
_REJECTED = problem_doc(409, "The commitment refused the action; `detail` says why.")
_ACTION_RESPONSES = {**PROBLEM_RESPONSES, **_NOT_FOUND, **_REJECTED, **_UNAVAILABLE}

router = APIRouter(
    prefix="/commitments",
    tags=["commitments"],
    responses={
        **AUTH_RESPONSES,
        **problem_doc(400, "The body cannot be read as JSON."),
        **problem_doc(413, "The body is larger than the API accepts."),
    },
)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def commitment_id_for_create(caller_object_id: str, idempotency_key: str | None) -> str:
    """Return the id of a commitment being created: the server's, never the client's.

    An ``Idempotency-Key`` is only ever scoped to the caller (their Entra object id): the
    same caller retrying gets the same commitment, and the same key from anyone else names
    a different one, so no one can aim a create at an id someone else uses.

    Args:
        caller_object_id: the signed-in person's ``oid``.
        idempotency_key: the request's ``Idempotency-Key``, if any.

    Returns:
        A UUID: derived from the caller and the key, or random without a key.
    """
    if idempotency_key:
        return str(
            uuid.uuid5(
                _IDEMPOTENCY_NAMESPACE, f"{_CREATE_SCOPE}\n{caller_object_id}\n{idempotency_key}"
            )
        )
    return str(uuid.uuid4())


async def _may_see(access: Access, view: CommitmentView) -> bool:
    principal = access.principal
    if principal.email in {view.spec.owner.email.lower(), view.spec.manager.email.lower()}:
        return True
    return await access.can_view_person(view.spec.owner.email)


async def _visible_view(
    temporal: TemporalDep, access: Access, commitment_id: str
) -> CommitmentView:
    view = await read_view(temporal, commitment_id)
    if not await _may_see(access, view):
        # The same answer as for a commitment that does not exist: nothing is revealed.
        raise CommitmentNotFoundError(commitment_id)
    return view


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
        **problem_doc(409, "You used this `Idempotency-Key` for a different commitment."),
        **_UNAVAILABLE,
    },
)
async def create_commitment(
    body: CommitmentCreate,
    response: Response,
    config: ConfigDep,
    temporal: TemporalDep,
    directory: DirectoryDep,
    clock: ClockDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """Set an expectation: start a commitment and ask its owner to accept it.

    The signed-in person is the manager (an admin may name another one). Accord makes the
    commitment's id. Sending the same `Idempotency-Key` again yields the one commitment; the
    key is yours alone, so someone else's same key makes a different commitment.
    """
    principal = access.principal
    manager_email = body.manager or principal.email
    if manager_email != principal.email and not principal.is_admin:
        raise ProblemError(
            403,
            "forbidden",
            "Not allowed",
            "You can set expectations as their manager only: leave `manager` out or name yourself.",
        )
    now = clock()
    errors = []
    if body.owner == manager_email:
        errors.append(_field("owner", "must be someone other than the manager", "same_person"))
    if body.due <= now:
        errors.append(_field("due", "must be in the future", "due_in_past"))
    if body.support_due is not None and body.support is None:
        errors.append(_field("support_due", "needs `support`: what is promised", "no_support"))
    elif body.support_due is not None and body.support_due <= now:
        errors.append(_field("support_due", "must be in the future", "due_in_past"))
    owner, manager = await asyncio.gather(directory.find(body.owner), directory.find(manager_email))
    errors += [
        _field(role, "is not a person in the directory", "unknown_person")
        for role, person in (("owner", owner), ("manager", manager))
        if person is None
    ]
    if errors or owner is None or manager is None:
        raise field_errors(*errors)
    # The one policy (domain/authorization.py): only someone above the owner, or an admin.
    decision = await may_set_expectation(
        principal, owner.email, access.org, config.authorization, access.memberships
    )
    if not decision.allowed:
        log.info("expectation_refused", reason=decision.reason.value)
        raise ProblemError(
            403,
            "not-allowed-to-set-expectation",
            "You can't set this person an expectation",
            decision.explanation,
        )
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
        commitment_id=commitment_id_for_create(principal.object_id, idempotency_key),
        spec=spec,
        created_at=now,
        run_events=config.run_events,
    )
    await start_commitment(temporal, start, config.task_queue)
    try:
        view: CommitmentView | None = await read_view(
            temporal, start.commitment_id, wait=FIRST_VIEW_TIMEOUT
        )
    except CommitmentUnavailableError:
        view = None
    if view is not None and view.spec != spec:
        raise ProblemError(
            409,
            "commitment-exists",
            "This idempotency key was used before",
            "You already created a commitment with this `Idempotency-Key` and different "
            "details; nothing was changed.",
        )
    if body.support_due is not None and body.support is not None:
        # The manager's promise becomes a commitment of theirs, for the owner (domain/support.py).
        view = await promise_support(
            temporal,
            start.commitment_id,
            actor=manager.email,
            what=body.support,
            due=body.support_due,
            action_id=f"{start.commitment_id}:support-at-creation",
            now=now,
            task_queue=config.task_queue,
        )
    if view is None:
        public = CommitmentPublic.submitted(start)
    else:
        public = CommitmentPublic.from_view(view, await _support_status(temporal, view))
    response.headers["Location"] = (
        f"{config.public_url.rstrip('/')}/commitments/{start.commitment_id}"
    )
    return public


@router.get(
    "",
    responses={
        **PROBLEM_RESPONSES,
        **_UNAVAILABLE,
    },
)
async def list_all(
    temporal: TemporalDep,
    access: AccessDep,
    owner: Annotated[Email | None, Query(description="Only this owner's.")] = None,
    manager: Annotated[Email | None, Query(description="Only this manager's.")] = None,
    status: Annotated[CommitmentStatus | None, Query(description="Only in this state.")] = None,
    due_after: Annotated[
        AwareDatetime | None, Query(description="Due at or after (with an offset).")
    ] = None,
    due_before: Annotated[
        AwareDatetime | None, Query(description="Due before (with an offset).")
    ] = None,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    page_token: Annotated[
        str | None,
        Query(min_length=1, max_length=4096, description="`next_page_token` of the previous page."),
    ] = None,
) -> CommitmentPage:
    """List the commitments you may see, newest first, filtered and a page at a time.

    Lists come from Temporal's visibility, which trails changes by a moment: a commitment
    created or changed a second ago may not show (or show its old status) yet.
    """
    principal = access.principal
    # Admins see everything; anyone else what they own, manage, or is owned below them.
    visible_owners: tuple[str, ...] | None = None
    visible_manager: str | None = None
    if not principal.is_admin:
        reports = await everyone_below(access.org, principal.email)
        visible_owners, visible_manager = (principal.email, *reports), principal.email
    query = list_query(
        CommitmentFilter(
            owner=owner,
            manager=manager,
            status=status,
            due_after=due_after,
            due_before=due_before,
            visible_owners=visible_owners,
            visible_manager=visible_manager,
        )
    )
    temporal_token = None
    if page_token is not None:
        try:
            temporal_token = decode_page_token(query, page_token)
        except InvalidPageTokenError:
            raise field_errors(
                FieldError(
                    field="page_token",
                    location="query",
                    message="is not a page token of this list (keep the same filters)",
                    type="invalid_page_token",
                )
            ) from None
    rows, next_token = await list_commitments(
        temporal, query, page_size=page_size, page_token=temporal_token
    )
    return CommitmentPage(
        items=[
            CommitmentSummary(
                commitment_id=row.commitment_id,
                title=row.title,
                status=row.status,
                owner=row.owner,
                manager=row.manager,
                due=row.due,
                created_at=row.started_at,
            )
            for row in rows
        ],
        next_page_token=encode_page_token(query, next_token) if next_token else None,
    )


@router.get("/{commitment_id}", responses={**PROBLEM_RESPONSES, **_NOT_FOUND, **_UNAVAILABLE})
async def get_commitment(
    commitment_id: CommitmentIdPath, temporal: TemporalDep, access: AccessDep
) -> CommitmentPublic:
    """Read a commitment: the expectation, where it stands, its revisions and history.

    `support_commitments` lists what the manager promised the owner for it, each with the
    status of its own commitment.
    """
    view = await _visible_view(temporal, access, commitment_id)
    return CommitmentPublic.from_view(view, await _support_status(temporal, view))


async def _support_status(
    temporal: TemporalDep, view: CommitmentView
) -> dict[str, CommitmentStatus]:
    async def status_of(support_id: str) -> tuple[str, CommitmentStatus | None]:
        try:
            return support_id, (await read_view(temporal, support_id)).status
        except (CommitmentNotFoundError, CommitmentUnavailableError):
            return support_id, None

    found = await asyncio.gather(*(status_of(promise.support_id) for promise in view.support))
    return {support_id: status for support_id, status in found if status is not None}


def _action_id(
    access: Access, commitment_id: str, update: str, idempotency_key: str | None
) -> str | None:
    if not idempotency_key:
        return None
    # Scoped to the caller too: the owner's and the manager's clients may pick the same
    # key, and one person's request must never be taken for the other's retry.
    scope = f"{commitment_id}\n{update}\n{access.principal.object_id}"
    return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{scope}\n{idempotency_key}"))


def _authorize(access: Access, view: CommitmentView, update: str) -> None:
    """Ask the one policy (domain/authorization.py) before any update is sent: else 403."""
    decision = may_act(
        access.principal, update, owner=view.spec.owner.email, manager=view.spec.manager.email
    )
    if not decision.allowed:
        log.info("action_refused", update=update, reason=decision.reason.value)
        raise not_allowed(decision)


async def _act(
    temporal: TemporalDep,
    access: Access,
    commitment_id: str,
    update: str,
    request: ActionRequest | None,
    idempotency_key: str | None,
) -> CommitmentPublic:
    _authorize(access, await _visible_view(temporal, access, commitment_id), update)
    action_id = _action_id(access, commitment_id, update, idempotency_key)
    arg = (request or ActionRequest()).to_input(access.principal.email, action_id)
    view = await apply_update(temporal, commitment_id, update, arg, update_id=action_id)
    return CommitmentPublic.from_view(view)


@router.post("/{commitment_id}/accept", responses=_ACTION_RESPONSES)
async def accept(
    commitment_id: CommitmentIdPath,
    temporal: TemporalDep,
    access: AccessDep,
    body: OptionalBody = None,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner accepts the expectation."""
    return await _act(temporal, access, commitment_id, Updates.ACCEPT, body, idempotency_key)


@router.post("/{commitment_id}/lets-talk", responses=_ACTION_RESPONSES)
async def lets_talk(
    commitment_id: CommitmentIdPath,
    body: LetsTalkRequest,
    temporal: TemporalDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner asks to talk the expectation through before accepting it."""
    return await _act(temporal, access, commitment_id, Updates.LETS_TALK, body, idempotency_key)


@router.patch("/{commitment_id}", responses=_ACTION_RESPONSES)
async def revise_expectation(
    commitment_id: CommitmentIdPath,
    body: ExpectationChangeRequest,
    temporal: TemporalDep,
    clock: ClockDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager changes the expectation while it is still being agreed."""
    _require_future("due", body.due, clock())
    return await _act(
        temporal, access, commitment_id, Updates.REVISE_EXPECTATION, body, idempotency_key
    )


@router.post("/{commitment_id}/check-ins", responses=_ACTION_RESPONSES)
async def check_in(
    commitment_id: CommitmentIdPath,
    body: CheckInRequest,
    temporal: TemporalDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner answers a check-in: on track, at risk, blocked or done."""
    return await _act(temporal, access, commitment_id, Updates.CHECK_IN, body, idempotency_key)


@router.post("/{commitment_id}/complete", responses=_ACTION_RESPONSES)
async def complete(
    commitment_id: CommitmentIdPath,
    body: CompleteRequest,
    temporal: TemporalDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner reports the work done."""
    return await _act(temporal, access, commitment_id, Updates.COMPLETE, body, idempotency_key)


@router.post("/{commitment_id}/revisions", responses=_ACTION_RESPONSES)
async def propose_revision(
    commitment_id: CommitmentIdPath,
    body: RevisionRequest,
    temporal: TemporalDep,
    clock: ClockDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """Either person proposes a new due date or scope; the other one agrees to it."""
    _require_future("new_due", body.new_due, clock())
    return await _act(
        temporal, access, commitment_id, Updates.PROPOSE_REVISION, body, idempotency_key
    )


@router.post("/{commitment_id}/revisions/accept", responses=_ACTION_RESPONSES)
async def accept_revision(
    commitment_id: CommitmentIdPath,
    temporal: TemporalDep,
    access: AccessDep,
    body: OptionalBody = None,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The other person agrees to the pending revision."""
    return await _act(
        temporal, access, commitment_id, Updates.ACCEPT_REVISION, body, idempotency_key
    )


@router.post("/{commitment_id}/conversations", responses=_ACTION_RESPONSES)
async def request_conversation(
    commitment_id: CommitmentIdPath,
    temporal: TemporalDep,
    access: AccessDep,
    body: OptionalBody = None,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager asks for a conversation (Accord finds a time for a 1:1)."""
    return await _act(
        temporal, access, commitment_id, Updates.REQUEST_CONVERSATION, body, idempotency_key
    )


@router.post("/{commitment_id}/release", responses=_ACTION_RESPONSES)
async def release(
    commitment_id: CommitmentIdPath,
    body: ReleaseRequest,
    temporal: TemporalDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager releases the owner from the commitment."""
    return await _act(temporal, access, commitment_id, Updates.RELEASE, body, idempotency_key)


@router.post("/{commitment_id}/support", responses=_ACTION_RESPONSES)
async def promise_support_route(
    commitment_id: CommitmentIdPath,
    body: SupportPromiseRequest,
    temporal: TemporalDep,
    config: ConfigDep,
    clock: ClockDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager promises support by a date: it becomes a commitment of theirs, for the owner.

    The promise runs the same lifecycle the other way: a kind reminder inside the manager's
    working hours, and if it slips the owner is told plainly and offered a later date. It
    answers the owner's open request for support, if there is one.
    """
    now = clock()
    _require_future("due", body.due, now)
    _authorize(
        access, await _visible_view(temporal, access, commitment_id), Updates.PROMISE_SUPPORT
    )
    action_id = _action_id(access, commitment_id, Updates.PROMISE_SUPPORT, idempotency_key)
    view = await promise_support(
        temporal,
        commitment_id,
        actor=access.principal.email,
        what=body.what,
        due=body.due,
        action_id=action_id,
        now=now,
        task_queue=config.task_queue,
    )
    return CommitmentPublic.from_view(view, await _support_status(temporal, view))


@router.post("/{commitment_id}/support-requests", responses=_ACTION_RESPONSES)
async def request_support(
    commitment_id: CommitmentIdPath,
    body: SupportRequestBody,
    temporal: TemporalDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The owner asks their manager what would help (the only way up: never an expectation)."""
    return await _act(
        temporal, access, commitment_id, Updates.REQUEST_SUPPORT, body, idempotency_key
    )


@router.post("/{commitment_id}/support-requests/answer", responses=_ACTION_RESPONSES)
async def answer_support_request(
    commitment_id: CommitmentIdPath,
    body: SupportAnswerBody,
    temporal: TemporalDep,
    access: AccessDep,
    idempotency_key: IdempotencyKey = None,
) -> CommitmentPublic:
    """The manager answers the owner's request: `talk` (a conversation) or `not_possible`.

    `not_possible` tells the owner kindly, with the reason, and offers them a later date.
    """
    return await _act(
        temporal, access, commitment_id, Updates.ANSWER_SUPPORT_REQUEST, body, idempotency_key
    )
