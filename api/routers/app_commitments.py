"""``/app/team``, ``/app/mine``, ``/app/commitments``: the web app's lists, stories, actions.

Every action goes through the REST routes' own functions (:mod:`api.routers.commitments`),
so the same authorization, checks and workflow updates apply as for the API, the action links
and the cards. Each form carries the version of the commitment its page showed: if people
have moved it on since, the page says so and changes nothing. Each form also carries a
one-time value used as the ``Idempotency-Key``, so a double press applies once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import structlog
from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError

from api.dependencies import ClockDep, ConfigDep, DirectoryDep, TemporalDep
from api.problems import ProblemError
from api.routers import commitments as rest
from api.schemas import (
    COMMITMENT_ID_PATTERN,
    ActionRequest,
    CheckInRequest,
    CommitmentCreate,
    CompleteRequest,
    LetsTalkRequest,
    ReleaseRequest,
    RevisionRequest,
    SupportAnswerBody,
    SupportPromiseRequest,
    SupportRequestBody,
)
from api.webapp.guard import FormViewer, PageViewer, Viewer
from api.webapp.lists import (
    InvalidPageTokenError,
    list_page,
    schedule_of,
    team_filter,
    visible_view,
    zone_of,
)
from api.webapp.render import render_app_page
from api.webapp.views import (
    ANSWER_WORDS,
    STATUS_WORDS,
    Group,
    actions_for,
    first_name,
    last_check_in_answer,
    meeting_words,
    next_step,
    pending_words,
    promise_lines,
    request_lines,
    revision_words,
    sections,
    story_events,
    version_of,
    when,
)
from domain.models import Person
from domain.support import CommitmentKind
from integrations.graph.people import everyone_below
from workflows.commitment.client import (
    ActionRejectedError,
    CommitmentFilter,
    CommitmentNotFoundError,
    CommitmentUnavailableError,
    read_view,
)
from workflows.commitment.contracts import CommitmentView

log = structlog.get_logger("accord.api.app")

router = APIRouter(prefix="/app", include_in_schema=False)

CommitmentId = Annotated[str, Path(pattern=COMMITMENT_ID_PATTERN)]
Text = Annotated[str, Form(max_length=2000)]
PageToken = Annotated[str | None, Query(max_length=4096)]

UNAVAILABLE = (
    "Accord can't reach its commitments right now. Nothing was changed; "
    "please try again in a moment."
)
NOTICES = {
    "created": "Sent: the owner will be asked to accept it.",
    "accept": "Thanks: you've accepted it.",
    "lets-talk": "Thanks: your manager will hear that you'd like to talk it through.",
    "check-in": "Thanks: your check-in is recorded.",
    "revise": "Your proposed change is sent for agreement.",
    "agree-revision": "The change is agreed.",
    "conversation": "Accord will look for a time for the two of you to talk.",
    "done": "Marked done. Well done.",
    "release": "Released. Thank you for letting them know.",
    "ask-support": "Sent: your manager will hear what would help.",
    "promise-support": "Promised: Accord will remind you kindly before the date.",
    "answer-support": "Thanks: your answer is sent.",
}
_FIELD_WORDS = {
    "owner": "Owner",
    "due": "Agreed date",
    "new_due": "New date",
    "title": "What is expected",
    "success_criteria": "What done looks like",
    "answer": "Check-in",
    "what": "What you'll do",
}
_ERROR_WORDS = {
    "unknown_person": "isn't someone we can find in the directory; please check the address",
    "due_in_past": "needs to be in the future",
    "same_person": "needs to be someone other than you",
}


class FormProblemError(Exception):
    """A form's own check failed; ``lines`` say what to fix."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(*lines)
        self.lines = lines


def _nonce() -> str:
    return str(uuid.uuid4())


def _problem_lines(exc: ProblemError) -> list[str]:
    return [
        f"{_FIELD_WORDS.get(error.field, error.field)} "
        f"{_ERROR_WORDS.get(error.type, error.message)}."
        for error in exc.problem.errors or ()
    ]


def _validation_lines(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        name = str(error["loc"][-1]) if error["loc"] else "form"
        lines.append(f"{_FIELD_WORDS.get(name, name)}: {error['msg']}.")
    return lines


def _local(value: str, zone: ZoneInfo) -> datetime | None:
    """Read a ``datetime-local`` field as a time in the reader's zone; ``None`` if empty."""
    if not value.strip():
        return None
    return datetime.fromisoformat(value.strip()).replace(tzinfo=zone)


@router.get("")
async def home(viewer: PageViewer, request: Request) -> Response:
    """Managers land on their team, everyone else on their own commitments."""
    reports = await viewer.access.org.reports_of(viewer.email)
    target = "/app/team" if reports or viewer.session.principal.is_admin else "/app/mine"
    return RedirectResponse(target, status_code=303)


async def _list(
    request: Request,
    viewer: Viewer,
    temporal: TemporalDep,
    directory: DirectoryDep,
    clock: ClockDep,
    *,
    wanted: CommitmentFilter,
    page: str | None,
    nav: str,
    heading: str,
    empty: str,
    headings: dict[Group, str] | None = None,
) -> Response:
    zone, zone_name = await zone_of(request, viewer.email)
    problem = None
    groups: list[Any] = []
    next_page = None
    try:
        result = await list_page(
            temporal, directory, wanted, page=page, zone=zone, now=clock(), viewer=viewer.email
        )
    except InvalidPageTokenError:
        # A token from another list (or an old link): start this list from its beginning.
        return RedirectResponse(f"/app/{nav}", status_code=303)
    except CommitmentUnavailableError:
        problem = UNAVAILABLE
    else:
        groups, next_page = sections(result.cards, headings), result.next_page
    return render_app_page(
        request,
        "app/list.html",
        status_code=503 if problem else 200,
        viewer=viewer,
        nav=nav,
        heading=heading,
        empty=empty,
        zone=zone_name,
        sections=groups,
        next_page=next_page,
        show_owner=nav == "team",
        notice=None,
        problem=problem,
        problems=[],
    )


@router.get("/team")
async def team(
    request: Request,
    viewer: PageViewer,
    temporal: TemporalDep,
    directory: DirectoryDep,
    clock: ClockDep,
    page: PageToken = None,
) -> Response:
    """The commitments of everyone below the person, by what needs attention first."""
    return await _list(
        request,
        viewer,
        temporal,
        directory,
        clock,
        wanted=await team_filter(viewer.access),
        page=page,
        nav="team",
        heading="My team",
        empty="Nothing to show yet: commitments you set, or your team's, will appear here.",
    )


@router.get("/mine")
async def mine(
    request: Request,
    viewer: PageViewer,
    temporal: TemporalDep,
    directory: DirectoryDep,
    clock: ClockDep,
    page: PageToken = None,
) -> Response:
    """The person's own commitments, what was asked of them first."""
    return await _list(
        request,
        viewer,
        temporal,
        directory,
        clock,
        wanted=CommitmentFilter(owner=viewer.email),
        page=page,
        nav="mine",
        heading="My commitments",
        empty="Nothing asked of you right now.",
        headings={Group.WAITING: "Asked of you: waiting for your answer"},
    )


async def _people(viewer: Viewer, directory: DirectoryDep) -> list[Person]:
    """The people the form suggests: everyone below the person, as the directory names them."""
    try:
        emails = await everyone_below(viewer.access.org, viewer.email, limit=200)
    except Exception:  # suggestions are a help only; the field still takes any address
        log.info("app_people_unavailable")
        return []
    found = [await directory.find(email) for email in emails]
    return sorted((person for person in found if person), key=lambda person: person.display_name)


def _blank_form() -> dict[str, str]:
    return {"owner": "", "title": "", "success_criteria": "", "due": "", "support": ""}


@router.get("/commitments/new")
async def new_commitment(request: Request, viewer: PageViewer, directory: DirectoryDep) -> Response:
    """The form that sets someone an expectation."""
    _zone, zone_name = await zone_of(request, viewer.email)
    return render_app_page(
        request,
        "app/new.html",
        viewer=viewer,
        nav="new",
        zone=zone_name,
        nonce=_nonce(),
        form=_blank_form(),
        people=await _people(viewer, directory),
        notice=None,
        problem=None,
        problems=[],
    )


@router.post("/commitments")
async def create(
    request: Request,
    viewer: FormViewer,
    config: ConfigDep,
    temporal: TemporalDep,
    directory: DirectoryDep,
    clock: ClockDep,
    owner: Annotated[str, Form(max_length=320)] = "",
    title: Annotated[str, Form(max_length=400)] = "",
    success_criteria: Text = "",
    due: Annotated[str, Form(max_length=40)] = "",
    support: Text = "",
    nonce: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Set an expectation through ``POST /commitments``'s own checks and workflow start."""
    zone, zone_name = await zone_of(request, viewer.email)
    form = {
        "owner": owner,
        "title": title,
        "success_criteria": success_criteria,
        "due": due,
        "support": support,
    }
    problems: list[str] = []
    try:
        body = CommitmentCreate(
            owner=owner.strip().lower(),
            title=title,
            success_criteria=success_criteria,
            due=_local(due, zone),
            support=support or None,
        )
        public = await rest.create_commitment(
            body,
            Response(),
            config,
            temporal,
            directory,
            clock,
            viewer.access,
            idempotency_key=nonce or None,
        )
    except ValidationError as exc:
        problems = _validation_lines(exc)
    except ValueError:
        problems = ["Agreed date: please give a date and time."]
    except ProblemError as exc:
        problems = _problem_lines(exc) or [exc.problem.detail or exc.problem.title]
    except CommitmentUnavailableError:
        problems = [UNAVAILABLE]
    else:
        return RedirectResponse(
            f"/app/commitments/{public.commitment_id}?notice=created", status_code=303
        )
    return render_app_page(
        request,
        "app/new.html",
        status_code=422,
        viewer=viewer,
        nav="new",
        zone=zone_name,
        nonce=nonce or _nonce(),
        form=form,
        people=await _people(viewer, directory),
        notice=None,
        problem="Nothing was sent yet. Please check:",
        problems=problems,
    )


async def _promises(temporal: TemporalDep, view: CommitmentView) -> dict[str, CommitmentView]:
    """Read the promises of support made to a commitment (one that can't be read is left out)."""

    async def one(support_id: str) -> CommitmentView | None:
        try:
            return await read_view(temporal, support_id)
        except (CommitmentNotFoundError, CommitmentUnavailableError):
            return None

    found = await asyncio.gather(*(one(promise.support_id) for promise in view.support))
    return {item.commitment_id: item for item in found if item is not None}


async def _supported_title(temporal: TemporalDep, view: CommitmentView) -> str | None:
    """The title of the work a promise of support is for, when it can be read."""
    if view.kind is not CommitmentKind.SUPPORT or view.supports is None:
        return None
    try:
        return (await read_view(temporal, view.supports)).spec.title
    except (CommitmentNotFoundError, CommitmentUnavailableError):
        return None


async def _story(
    request: Request,
    viewer: Viewer,
    view: CommitmentView,
    temporal: TemporalDep,
    *,
    zone: ZoneInfo,
    zone_name: str,
    now: datetime,
    status_code: int = 200,
    notice: str | None = None,
    problem: str | None = None,
    problems: list[str] | None = None,
) -> HTMLResponse:
    answer = last_check_in_answer(view)
    return render_app_page(
        request,
        "app/story.html",
        status_code=status_code,
        viewer=viewer,
        nav="",
        view=view,
        zone=zone_name,
        version=version_of(view),
        nonce=_nonce(),
        status_words=STATUS_WORDS[view.status],
        last_answer=ANSWER_WORDS[answer] if answer else None,
        next_step=next_step(
            view,
            viewer=viewer.email,
            zone=zone,
            now=now,
            owner_schedule=await schedule_of(request, view.spec.owner.email),
        ),
        past_due=view.spec.due <= now and not view.status.is_closed,
        due=when(view.spec.due, zone),
        actions=actions_for(view, viewer.email),
        answers=[
            (item.value, words) for item, words in ANSWER_WORDS.items() if item.value != "done"
        ],
        pending_words=pending_words(view, zone),
        owner_first=first_name(view.spec.owner.display_name),
        events=story_events(view, zone),
        check_ins=[
            {"at": when(item.at, zone), "answer": ANSWER_WORDS[item.answer], "note": item.note}
            for item in view.check_ins
        ],
        revisions=revision_words(view, zone),
        meeting=meeting_words(view, zone),
        promises=promise_lines(view, await _promises(temporal, view), zone, now),
        requests=request_lines(view, zone),
        is_support=view.kind is CommitmentKind.SUPPORT,
        supported_title=await _supported_title(temporal, view),
        manager_first=first_name(view.spec.manager.display_name),
        notice=notice,
        problem=problem,
        problems=problems or [],
    )


def _not_found(request: Request, viewer: Viewer) -> HTMLResponse:
    return render_app_page(
        request,
        "app/missing.html",
        status_code=404,
        viewer=viewer,
        nav="",
    )


@router.get("/commitments/{commitment_id}")
async def story(
    commitment_id: CommitmentId,
    request: Request,
    viewer: PageViewer,
    temporal: TemporalDep,
    clock: ClockDep,
    notice: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """One commitment's story, and what the person can do about it."""
    try:
        view = await visible_view(temporal, viewer.access, commitment_id)
    except CommitmentNotFoundError:
        return _not_found(request, viewer)
    zone, zone_name = await zone_of(request, viewer.email)
    return await _story(
        request,
        viewer,
        view,
        temporal,
        zone=zone,
        zone_name=zone_name,
        now=clock(),
        notice=NOTICES.get(notice or ""),
    )


async def _act(
    request: Request,
    viewer: Viewer,
    temporal: TemporalDep,
    clock: ClockDep,
    commitment_id: str,
    name: str,
    act: Callable[[ZoneInfo], Awaitable[Any]],
) -> Response:
    form = await request.form()
    try:
        view = await visible_view(temporal, viewer.access, commitment_id)
    except CommitmentNotFoundError:
        return _not_found(request, viewer)
    except CommitmentUnavailableError:
        return _unavailable(request, viewer)
    zone, zone_name = await zone_of(request, viewer.email)
    if form.get("version") != version_of(view):
        log.info("app_stale_form", commitment_id=commitment_id, action=name)
        return await _story(
            request,
            viewer,
            view,
            temporal,
            zone=zone,
            zone_name=zone_name,
            now=clock(),
            status_code=409,
            problem=(
                "This commitment changed since you opened the page, so nothing was changed. "
                f"Here it is as it stands now ({STATUS_WORDS[view.status].lower()}); "
                "please look again before you act."
            ),
        )
    problems: list[str] = []
    problem = "Nothing was changed."
    try:
        await act(zone)
    except ValidationError as exc:
        problems = _validation_lines(exc)
        problem = "Nothing was changed. Please check:"
    except FormProblemError as exc:
        problems = exc.lines
        problem = "Nothing was changed. Please check:"
    except ValueError:
        problems = ["Please give a date and time."]
        problem = "Nothing was changed. Please check:"
    except ProblemError as exc:
        problems = _problem_lines(exc)
        problem = (
            "Nothing was changed. Please check:" if problems else (exc.problem.detail or problem)
        )
    except ActionRejectedError as exc:
        problem = exc.reason
    except CommitmentNotFoundError:
        return _not_found(request, viewer)
    except CommitmentUnavailableError:
        return _unavailable(request, viewer)
    else:
        return RedirectResponse(f"/app/commitments/{commitment_id}?notice={name}", status_code=303)
    return await _story(
        request,
        viewer,
        await visible_view(temporal, viewer.access, commitment_id),
        temporal,
        zone=zone,
        zone_name=zone_name,
        now=clock(),
        status_code=422 if problems else 409,
        problem=problem,
        problems=problems,
    )


def _unavailable(request: Request, viewer: Viewer) -> HTMLResponse:
    return render_app_page(
        request,
        "app/unavailable.html",
        status_code=503,
        viewer=viewer,
        nav="",
        message=UNAVAILABLE,
    )


def _key(form_nonce: Any) -> str | None:
    return form_nonce if isinstance(form_nonce, str) and form_nonce else None


def _body(model: type[BaseModel], **fields: Any) -> Any:
    """Build a request model from form fields, leaving blank ones unset."""
    return model(**{name: value for name, value in fields.items() if value not in ("", None)})


@router.post("/commitments/{commitment_id}/{action}")
async def act(
    commitment_id: CommitmentId,
    action: Annotated[str, Path(max_length=20)],
    request: Request,
    viewer: FormViewer,
    config: ConfigDep,
    temporal: TemporalDep,
    clock: ClockDep,
) -> Response:
    """Apply one action through the REST route that does the same."""
    form = await request.form()
    text = {name: str(value) for name, value in form.items() if isinstance(value, str)}
    key = _key(text.get("nonce"))
    access = viewer.access

    async def apply(zone: ZoneInfo) -> Any:
        match action:
            case "accept":
                return await rest.accept(commitment_id, temporal, access, ActionRequest(), key)
            case "lets-talk":
                body = _body(LetsTalkRequest, question=text.get("question"))
                return await rest.lets_talk(commitment_id, body, temporal, access, key)
            case "check-in":
                body = _body(CheckInRequest, answer=text.get("answer"), note=text.get("note"))
                return await rest.check_in(commitment_id, body, temporal, access, key)
            case "revise":
                body = _body(
                    RevisionRequest,
                    new_due=_local(text.get("new_due", ""), zone),
                    new_scope=text.get("new_scope"),
                    reason=text.get("reason"),
                )
                return await rest.propose_revision(
                    commitment_id, body, temporal, clock, access, key
                )
            case "agree-revision":
                return await rest.accept_revision(
                    commitment_id, temporal, access, ActionRequest(), key
                )
            case "conversation":
                return await rest.request_conversation(
                    commitment_id, temporal, access, ActionRequest(), key
                )
            case "done":
                body = _body(CompleteRequest, note=text.get("note"))
                return await rest.complete(commitment_id, body, temporal, access, key)
            case "release":
                body = _body(ReleaseRequest, reason=text.get("reason"))
                return await rest.release(commitment_id, body, temporal, access, key)
            case "ask-support":
                body = _body(SupportRequestBody, note=text.get("note"))
                return await rest.request_support(commitment_id, body, temporal, access, key)
            case "promise-support":
                return await _promise_support(zone)
            case "answer-support":
                body = _body(
                    SupportAnswerBody, answer=text.get("answer"), reason=text.get("reason")
                )
                return await rest.answer_support_request(commitment_id, body, temporal, access, key)
        raise CommitmentNotFoundError(commitment_id)

    async def _promise_support(zone: ZoneInfo) -> Any:
        due = _local(text.get("due", ""), zone)
        if due is None:
            raise FormProblemError(["By when: please give a date and time."])
        body = _body(SupportPromiseRequest, what=text.get("what"), due=due)
        try:
            return await rest.promise_support_route(
                commitment_id, body, temporal, config, clock, access, key
            )
        except ProblemError as exc:
            lines = [
                f"By when {_ERROR_WORDS.get(error.type, error.message)}."
                for error in exc.problem.errors or ()
                if error.field == "due"
            ]
            if not lines:
                raise
            raise FormProblemError(lines) from exc

    return await _act(request, viewer, temporal, clock, commitment_id, action, apply)
