"""``/a/{token}``: one click in an email does one thing, once.

``GET`` never changes anything, because mail security scanners open links before people do,
some in a real browser that runs scripts: it shows what will happen and one button, and
nothing on the page presses it (no script). Only the person's press sends the ``POST``, which
verifies the link again and applies it as a Temporal update whose id is the link's
id, so a double click or a reload is applied once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, assert_never

import structlog
from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse

from api.dependencies import ClockDep, LinksDep, TemporalDep
from api.pages import render_page
from api.routers import intake_links
from api.schemas import NOTE_MAX_LENGTH
from domain.action_links import ActionClaims, InvalidActionLink, LinkAction
from workflows.commitment.client import (
    ActionRejectedError,
    CommitmentNotFoundError,
    CommitmentUnavailableError,
    apply_update,
    read_view,
)
from workflows.commitment.contracts import (
    ActorAction,
    CheckInAnswerInput,
    CommitmentView,
    Complete,
    LetsTalk,
    Updates,
    note_action_id,
)

log = structlog.get_logger("accord.api.links")
router = APIRouter(prefix="/a", tags=["action links"], include_in_schema=False)


@dataclass(frozen=True)
class _Copy:
    """What the pages say for one kind of link."""

    confirm: str
    button: str
    thanks: str
    follow_up: str = ""


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
        case (
            LinkAction.CONFIRM_INTAKE
            | LinkAction.CORRECT_INTAKE
            | LinkAction.CANCEL_INTAKE
            | LinkAction.TRACK_INTAKE
        ):
            # Handled before any commitment is looked up (api/routers/intake_links.py).
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


def _done_page(claims: ActionClaims, view: CommitmentView, *, note_recorded: bool) -> HTMLResponse:
    copy = _COPY[claims.action]
    return render_page(
        "link_done.html",
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
    )


@router.post("/{token}", response_class=HTMLResponse)
async def apply_link(
    token: str,
    links: LinksDep,
    temporal: TemporalDep,
    clock: ClockDep,
    note: Annotated[str | None, Form(max_length=NOTE_MAX_LENGTH)] = None,
) -> HTMLResponse:
    """Apply the link once, as its person, and thank them."""
    try:
        claims = links.verify(token, clock())
    except InvalidActionLink as exc:
        return _invalid_link_page(exc)
    if claims.action in intake_links.INTAKE_LINK_ACTIONS:
        return await intake_links.apply_link(token, claims, temporal)
    # Only check-ins take a note; a blank one is no note at all.
    note = (note or "").strip() or None
    if claims.action.check_in_answer is None:
        note = None
    update, arg = _update_for(claims, note)
    try:
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
    return _done_page(claims, view, note_recorded=note is not None)


def link_update(claims: ActionClaims) -> tuple[str, ActorAction]:
    """Return the update an action (from a link or a Teams card) performs, and its input.

    Teams cards carry the same signed claims as links, so both channels apply the same
    update with the same authorization and the same idempotency (the link's id).

    Args:
        claims: the verified claims.

    Returns:
        The update's name and its input, acting as the claims' person.
    """
    return _update_for(claims, None)


def link_thanks(action: LinkAction) -> tuple[str, str]:
    """Return what is said once an action is recorded: the thanks and a follow-up line."""
    copy = _COPY[action]
    return copy.thanks, copy.follow_up
