"""``/a/{token}``: one click in an email does one thing, once.

``GET`` never changes anything, because mail security scanners open links before people do,
some in a real browser that runs scripts: it shows what will happen and one button, and
nothing on the page presses it (no script). Only the person's press sends the ``POST``, which
verifies the link again and applies it as a Temporal update whose id is the link's
id, so a double click or a reload is applied once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any, assert_never

import structlog
from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from temporalio.client import Client

from api.dependencies import ClockDep, ConfigDep, LinksDep, TemporalDep
from api.pages import render_page
from api.routers import intake_links, one_on_one_links
from api.schemas import NOTE_MAX_LENGTH
from domain.action_links import ActionClaims, InvalidActionLink, LinkAction
from domain.support import SupportAnswer
from workflows.commitment.client import (
    ActionRejectedError,
    CommitmentNotFoundError,
    CommitmentUnavailableError,
    apply_update,
    read_view,
)
from workflows.commitment.contracts import (
    ActorAction,
    AnswerSupportRequest,
    CheckInAnswerInput,
    CommitmentView,
    Complete,
    LetsTalk,
    ProposeRevision,
    RequestSupport,
    Updates,
    note_action_id,
)
from workflows.commitment.support import promise_support, propose_later_date

log = structlog.get_logger("accord.api.links")
SUPPORT_DATE_SUGGESTION = timedelta(days=2)
"""A promise's date, prefilled: two days on (the manager changes it to what is true)."""
_NOTE_ACTIONS = frozenset({LinkAction.REQUEST_SUPPORT, LinkAction.SUPPORT_NOT_POSSIBLE})
router = APIRouter(prefix="/a", tags=["action links"], include_in_schema=False)


@dataclass(frozen=True)
class _Copy:
    """What the pages say for one kind of link."""

    confirm: str
    button: str
    thanks: str
    follow_up: str = ""
    fields: tuple[dict[str, Any], ...] = field(default=())
    """Form fields the confirm page asks for (support's note, reason, what and date)."""


_COPY: dict[LinkAction, _Copy] = {
    LinkAction.ACCEPT: _Copy("Accept", "Accept", "Thanks — you've accepted it."),
    LinkAction.TALK: _Copy(
        "Ask to talk through",
        "Ask to talk it through",
        "Thanks — you've asked to talk it through.",
        "Accord will help the two of you find a moment before anything is agreed.",
    ),
    LinkAction.CHECK_IN_ON_TRACK: _Copy(
        "Record: on track for", "Record as on track", "Thanks — recorded as on track."
    ),
    LinkAction.CHECK_IN_AT_RISK: _Copy(
        "Record: at risk for",
        "Record as at risk",
        "Thanks — recorded as at risk.",
        "Saying so early is exactly what helps.",
    ),
    LinkAction.CHECK_IN_BLOCKED: _Copy(
        "Record: blocked on",
        "Record as blocked",
        "Thanks — recorded as blocked.",
        "Saying so is the first step to getting unblocked.",
    ),
    LinkAction.DONE: _Copy("Mark as done:", "Mark as done", "Thanks — marked as done. Well done!"),
    LinkAction.ACCEPT_REVISION: _Copy(
        "Agree to the proposed change to", "Agree to the change", "Thanks — the change is agreed."
    ),
    LinkAction.REQUEST_CONVERSATION: _Copy(
        "Ask for a conversation about",
        "Ask for a conversation",
        "Thanks — you've asked for a conversation.",
        "Accord will find a time that suits you both.",
    ),
    LinkAction.REQUEST_SUPPORT: _Copy(
        "Ask what would help with",
        "Ask for support",
        "Thanks — your request for support is on its way.",
        "Your manager can answer in one click, and you'll hear back from Accord.",
        fields=({"name": "note", "label": "What would help? (optional)", "kind": "textarea"},),
    ),
    LinkAction.PROMISE_SUPPORT: _Copy(
        "Promise support for",
        "Promise this support",
        "Thanks — your promise of support is recorded.",
        "Accord will remind you kindly a day before it's due, inside your working hours.",
        fields=(
            {"name": "what", "label": "What you'll do", "kind": "text", "required": True},
            {"name": "by", "label": "By", "kind": "date", "required": True},
        ),
    ),
    LinkAction.SUPPORT_TALK: _Copy(
        "Offer a conversation about",
        "Let's talk",
        "Thanks — you've offered a conversation.",
        "Accord will find a time that suits you both.",
    ),
    LinkAction.SUPPORT_NOT_POSSIBLE: _Copy(
        "Say the support isn't possible for",
        "Send my answer",
        "Thanks — your answer is on its way.",
        "Accord will offer them a new date, so they aren't left carrying it alone.",
        fields=({"name": "note", "label": "Here's why (they'll read it)", "kind": "textarea"},),
    ),
    LinkAction.MOVE_MY_DATE: _Copy(
        "Propose a later date for",
        "Propose a later date",
        "Thanks — your new date is proposed.",
        "Your manager can agree to it in one click.",
    ),
    LinkAction.WRITTEN_ANSWER: _Copy(
        "Talk it through in writing:",
        "Send my answer",
        "Thanks — your answer is on its way.",
        "Your manager reads it in their working hours and can agree your date in one click.",
        fields=(
            {"name": "in_the_way", "label": "What got in the way?", "kind": "textarea"},
            {"name": "would_help", "label": "What would help?", "kind": "textarea"},
            {
                "name": "proposed",
                "label": "A date that feels realistic",
                "kind": "date",
                "required": True,
            },
        ),
    ),
}


def _update_for(claims: ActionClaims, note: str | None) -> tuple[str, ActorAction]:
    """Return the update a link performs and its input, acting as the link's person.

    A note arrives after the check-in it belongs to, so it travels under an id of its own;
    the link's own id would make Temporal treat it as the check-in again.
    """
    who = {
        "actor": claims.person,
        "action_id": note_action_id(claims.link_id) if note is not None else claims.link_id,
    }
    match claims.action:
        case (
            LinkAction.CHECK_IN_ON_TRACK | LinkAction.CHECK_IN_AT_RISK | LinkAction.CHECK_IN_BLOCKED
        ):
            answer = claims.action.check_in_answer
            assert answer is not None  # noqa: S101 - every check-in link carries an answer
            return Updates.CHECK_IN, CheckInAnswerInput(**who, answer=answer, note=note)
        case LinkAction.ACCEPT:
            return Updates.ACCEPT, ActorAction(**who)
        case LinkAction.TALK:
            return Updates.LETS_TALK, LetsTalk(**who)
        case LinkAction.DONE:
            return Updates.COMPLETE, Complete(**who)
        case LinkAction.ACCEPT_REVISION:
            return Updates.ACCEPT_REVISION, ActorAction(**who)
        case LinkAction.REQUEST_CONVERSATION:
            return Updates.REQUEST_CONVERSATION, ActorAction(**who)
        case LinkAction.REQUEST_SUPPORT:
            # The note is part of the request (asked on the same page), not a later addition.
            who["action_id"] = claims.link_id
            return Updates.REQUEST_SUPPORT, RequestSupport(**who, note=note)
        case LinkAction.SUPPORT_TALK:
            return Updates.ANSWER_SUPPORT_REQUEST, AnswerSupportRequest(
                **who, answer=SupportAnswer.TALK
            )
        case LinkAction.SUPPORT_NOT_POSSIBLE:
            who["action_id"] = claims.link_id
            return Updates.ANSWER_SUPPORT_REQUEST, AnswerSupportRequest(
                **who, answer=SupportAnswer.NOT_POSSIBLE, reason=note
            )
        case LinkAction.PROMISE_SUPPORT | LinkAction.MOVE_MY_DATE | LinkAction.WRITTEN_ANSWER:
            # More than one step: apply_link does them (workflows/commitment/support.py).
            raise ValueError(f"{claims.action} is not a single update")
        case (
            LinkAction.CONFIRM_INTAKE
            | LinkAction.CORRECT_INTAKE
            | LinkAction.CANCEL_INTAKE
            | LinkAction.TRACK_INTAKE
        ):
            # Handled before any commitment is looked up (api/routers/intake_links.py).
            raise ValueError(f"{claims.action} is not an action on a commitment")
        case LinkAction.BOOK_ONE_ON_ONE:
            # The offer of a 1:1 (api/routers/one_on_one_links.py).
            raise ValueError(f"{claims.action} is not an action on a commitment")
    assert_never(claims.action)


def _invalid_link_page(exc: InvalidActionLink) -> HTMLResponse:
    # The key ring tells expiry apart only by its message; expiry deserves its own page.
    if "expired" in exc.reason.lower():
        log.info("action_link_expired")
        return render_page(
            "link_problem.html",
            410,
            heading="This link has expired",
            title=None,
            lines=["Links in Accord's emails stop working after a while, to keep them safe."],
            hint="A newer email from Accord will have a fresh link.",
        )
    log.info("action_link_invalid")
    return render_page(
        "link_problem.html",
        400,
        heading="This link is not valid",
        title=None,
        lines=["It may have been cut short or changed when it was copied."],
        hint="Try the button in the email itself, or use the most recent email from Accord.",
    )


def _not_found_page() -> HTMLResponse:
    return render_page(
        "link_problem.html",
        404,
        heading="We couldn't find this commitment",
        title=None,
        lines=["It may have been removed since this email was sent."],
        hint=None,
    )


def _unavailable_page() -> HTMLResponse:
    return render_page(
        "link_problem.html",
        503,
        heading="Accord can't record this right now",
        title=None,
        lines=["Something on our side is taking a break."],
        hint="Please try the link again in a few minutes.",
    )


async def _title_of(temporal: TemporalDep, commitment_id: str) -> str | None:
    try:
        view = await read_view(temporal, commitment_id)
    except (CommitmentNotFoundError, CommitmentUnavailableError):
        return None
    return view.spec.title


async def _rejected_page(
    temporal: TemporalDep, claims: ActionClaims, exc: ActionRejectedError
) -> HTMLResponse:
    return render_page(
        "link_problem.html",
        409,
        heading="This has moved on since the email was sent",
        title=await _title_of(temporal, claims.commitment_id),
        lines=[exc.reason],
        hint="The latest email from Accord has the links that fit where things stand now.",
    )


def _done_page(
    claims: ActionClaims,
    view: CommitmentView,
    *,
    note_recorded: bool,
    support_url: str | None = None,
) -> HTMLResponse:
    copy = _COPY[claims.action]
    return render_page(
        "link_done.html",
        support_url=support_url,
        thanks=copy.thanks,
        follow_up=copy.follow_up,
        title=view.spec.title,
        manager_name=view.spec.manager.display_name,
        offer_note=claims.action.check_in_answer is not None,
        note_recorded=note_recorded,
        note_max_length=NOTE_MAX_LENGTH,
    )


@router.api_route("/{token}", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def confirm_link(
    token: str, links: LinksDep, temporal: TemporalDep, clock: ClockDep
) -> HTMLResponse:
    """Show what the link will do and one button; only a press applies it."""
    try:
        claims = links.verify(token, clock())
    except InvalidActionLink as exc:
        return _invalid_link_page(exc)
    if claims.action in intake_links.INTAKE_LINK_ACTIONS:
        return await intake_links.confirm_page(token, claims, temporal)
    if claims.action in one_on_one_links.ONE_ON_ONE_LINK_ACTIONS:
        return await one_on_one_links.confirm_page(claims, temporal)
    try:
        view = await read_view(temporal, claims.commitment_id)
    except CommitmentNotFoundError:
        return _not_found_page()
    except CommitmentUnavailableError:
        view = None
    copy = _COPY[claims.action]
    return render_page(
        "link_confirm.html",
        heading=copy.confirm,
        button=copy.button,
        title=view.spec.title if view else None,
        fields=_prefilled(copy.fields, view, clock()),
        note_max_length=NOTE_MAX_LENGTH,
    )


def _prefilled(
    fields: tuple[dict[str, Any], ...], view: CommitmentView | None, now: datetime
) -> list[dict[str, Any]]:
    """The confirm page's fields, a promise prefilled with what was asked and a date."""
    asked = None
    if view is not None:
        waiting = [request for request in view.support_requests if request.answer is None]
        asked = waiting[-1].note if waiting else None
    values = {"what": asked or "", "by": (now + SUPPORT_DATE_SUGGESTION).date().isoformat()}
    return [{**spec, "value": values.get(spec["name"], "")} for spec in fields]


@router.post("/{token}", response_class=HTMLResponse)
async def apply_link(
    token: str,
    links: LinksDep,
    temporal: TemporalDep,
    clock: ClockDep,
    config: ConfigDep,
    note: Annotated[str | None, Form(max_length=NOTE_MAX_LENGTH)] = None,
    what: Annotated[str | None, Form(max_length=NOTE_MAX_LENGTH)] = None,
    by: Annotated[str | None, Form(max_length=32)] = None,
    in_the_way: Annotated[str | None, Form(max_length=NOTE_MAX_LENGTH)] = None,
    would_help: Annotated[str | None, Form(max_length=NOTE_MAX_LENGTH)] = None,
    proposed: Annotated[str | None, Form(max_length=32)] = None,
) -> HTMLResponse:
    """Apply the link once, as its person, and thank them."""
    now = clock()
    try:
        claims = links.verify(token, now)
    except InvalidActionLink as exc:
        return _invalid_link_page(exc)
    if claims.action in intake_links.INTAKE_LINK_ACTIONS:
        return await intake_links.apply_link(token, claims, temporal)
    if claims.action in one_on_one_links.ONE_ON_ONE_LINK_ACTIONS:
        return await one_on_one_links.apply_link(claims, temporal)
    # Check-ins and support's answers take a note; a blank one is no note at all.
    note = (note or "").strip() or None
    if claims.action.check_in_answer is None and claims.action not in _NOTE_ACTIONS:
        note = None
    try:
        if claims.action is LinkAction.PROMISE_SUPPORT:
            try:
                view = await apply_promise(
                    temporal, claims, what=what, by=by, now=now, task_queue=config.task_queue
                )
            except PromiseFormError as exc:
                return _missing_page(exc.message)
        elif claims.action is LinkAction.WRITTEN_ANSWER:
            answer = await _written_answer(
                temporal, claims, in_the_way, would_help, _promised_date(proposed), now
            )
            if answer is None:
                return _missing_page("Please give a date that feels realistic, after today.")
            view = answer
        elif claims.action is LinkAction.MOVE_MY_DATE:
            view = await propose_later_date(
                temporal,
                claims.commitment_id,
                actor=claims.person,
                action_id=claims.link_id,
                now=now,
            )
        else:
            update, arg = _update_for(claims, note)
            view = await apply_update(
                temporal, claims.commitment_id, update, arg, update_id=arg.action_id
            )
    except CommitmentNotFoundError:
        return _not_found_page()
    except CommitmentUnavailableError:
        return _unavailable_page()
    except ActionRejectedError as exc:
        return await _rejected_page(temporal, claims, exc)
    log.info(
        "action_link_applied",
        commitment_id=claims.commitment_id,
        link_id=claims.link_id,
        action=claims.action.value,
    )
    return _done_page(
        claims, view, note_recorded=note is not None, support_url=_ask_url(claims, links)
    )


def _ask_url(claims: ActionClaims, links: LinksDep) -> str | None:
    """After an at-risk or blocked answer: a link of the owner's own to ask what would help."""
    if claims.action not in (LinkAction.CHECK_IN_AT_RISK, LinkAction.CHECK_IN_BLOCKED):
        return None
    ask = claims.model_copy(
        update={"action": LinkAction.REQUEST_SUPPORT, "link_id": f"{claims.link_id}:support"}
    )
    return f"/a/{links.sign(ask)}"


async def _written_answer(
    temporal: TemporalDep,
    claims: ActionClaims,
    in_the_way: str | None,
    would_help: str | None,
    proposed: date | None,
    now: datetime,
) -> CommitmentView | None:
    """Apply the owner's written answer: a revision to the date they propose, with their words.

    The core decides it as any proposal (the manager hears it in their working hours and
    agrees in one click); the answers are the revision's reason, kept in its history.

    Returns:
        The view after it, or ``None`` when no usable date was given.
    """
    if proposed is None:
        return None
    view = await read_view(temporal, claims.commitment_id)
    due = datetime.combine(proposed, view.spec.due.timetz())
    if due <= now:
        return None
    parts = [
        f"{label} {text}"
        for label, text in (
            ("What got in the way:", (in_the_way or "").strip()),
            ("What would help:", (would_help or "").strip()),
        )
        if text
    ]
    change = ProposeRevision(
        actor=claims.person,
        action_id=claims.link_id,
        new_due=due,
        reason=" ".join(parts) or None,
    )
    return await apply_update(
        temporal,
        claims.commitment_id,
        Updates.PROPOSE_REVISION,
        change,
        update_id=change.action_id,
    )


class PromiseFormError(ValueError):
    """A promise's form lacks what it needs; ``message`` says what, kindly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_promise(what: str | None, by: str | None) -> tuple[str, date]:
    """Read a promise's form (the email's page or a Teams card): what, and by when.

    Args:
        what: what the manager will do, as typed.
        by: the date, ``YYYY-MM-DD`` (an HTML date input and Adaptive Cards' Input.Date both
            give this form).

    Returns:
        The text, trimmed, and the date.

    Raises:
        PromiseFormError: naming what is missing.
    """
    text = (what or "").strip()
    day = _promised_date(by)
    if not text and day is None:
        raise PromiseFormError("Please say what you'll do and give a date.")
    if not text:
        raise PromiseFormError("Please say what you'll do.")
    if day is None:
        raise PromiseFormError("Please give a date for when you'll do it.")
    return text, day


async def apply_promise(
    temporal: Client,
    claims: ActionClaims,
    *,
    what: str | None,
    by: str | None,
    now: datetime,
    task_queue: str,
) -> CommitmentView:
    """Apply a promise of support from its form, for email's page and Teams' card alike.

    The date becomes an instant at the owner's commitment's own time of day, in its zone,
    so the promise lands when the commitment's day does.

    Args:
        temporal: the Temporal client.
        claims: the verified claims of the promise's link or card.
        what: the form's "what you'll do".
        by: the form's date.
        now: the current instant.
        task_queue: the commitments' task queue.

    Returns:
        The owner's commitment's view after the promise.

    Raises:
        PromiseFormError: when something is missing or the date has passed (nothing changed).
    """
    text, day = read_promise(what, by)
    owners = await read_view(temporal, claims.commitment_id)
    due = datetime.combine(day, owners.spec.due.timetz())
    if due <= now:
        raise PromiseFormError("Please give a date that is still ahead.")
    return await promise_support(
        temporal,
        claims.commitment_id,
        actor=claims.person,
        what=text,
        due=due,
        action_id=claims.link_id,
        now=now,
        task_queue=task_queue,
    )


def _promised_date(by: str | None) -> date | None:
    try:
        return date.fromisoformat((by or "").strip())
    except ValueError:
        return None


def _missing_page(line: str) -> HTMLResponse:
    return render_page(
        "link_problem.html",
        400,
        heading="A little more is needed",
        title=None,
        lines=[line],
        hint="Go back, fill it in and press the button again; nothing was recorded yet.",
    )


def link_update(claims: ActionClaims, note: str | None = None) -> tuple[str, ActorAction]:
    """Return the update an action (from a link or a Teams card) performs, and its input.

    Teams cards carry the same signed claims as links, so both channels apply the same
    update with the same authorization and the same idempotency (the link's id).

    Args:
        claims: the verified claims.
        note: the typed note, for the actions that take one (support's reason); ignored
            otherwise, as the email's page ignores it.

    Returns:
        The update's name and its input, acting as the claims' person.
    """
    note = (note or "").strip() or None
    return _update_for(claims, note if claims.action in _NOTE_ACTIONS else None)


def link_thanks(action: LinkAction) -> tuple[str, str]:
    """Return what is said once an action is recorded: the thanks and a follow-up line."""
    copy = _COPY[action]
    return copy.thanks, copy.follow_up
