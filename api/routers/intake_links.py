"""The manager's one-click answers to an intake confirmation: Confirm, Correct, Cancel.

The links are ordinary action links (``/a/{token}``, see :mod:`api.routers.actions`, which
hands these three actions here). Confirm and Cancel behave like every link: ``GET`` shows
what will happen and one button (nothing presses it for the manager), ``POST`` applies it
once. Correct shows a form with what Accord read; the form posts to ``/a/{token}/correct``,
and the corrected version is confirmed.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import structlog
from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from api.dependencies import ClockDep, LinksDep, TemporalDep
from api.pages import render_page
from domain.action_links import ActionClaims, InvalidActionLink, LinkAction, LinkKeyRing
from domain.models import TITLE_MAX_LENGTH
from domain.timezones import resolve_zone
from workflows.commitment.client import ActionRejectedError, CommitmentUnavailableError
from workflows.intake.client import IntakeNotFoundError, apply_intake_update, read_intake_view
from workflows.intake.contracts import (
    IntakeCorrection,
    IntakeDecision,
    IntakeTrack,
    IntakeUpdates,
    IntakeView,
    ProposedCommitment,
    SeenEmail,
)

INTAKE_LINK_ACTIONS = frozenset(
    {
        LinkAction.CONFIRM_INTAKE,
        LinkAction.CORRECT_INTAKE,
        LinkAction.CANCEL_INTAKE,
        LinkAction.TRACK_INTAKE,
    }
)
# Outlook's reply and forward prefixes (and common translations): a title is not "RE: FW:".
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|tr|rv)\s*(\[\d+\])?\s*:\s*)+", re.I)
CRITERIA_MAX_LENGTH = 2000

log = structlog.get_logger("accord.api.intake_links")
router = APIRouter(prefix="/a", tags=["action links"], include_in_schema=False)

_HEADINGS = {
    LinkAction.CONFIRM_INTAKE: ("Confirm and share now:", "Confirm and share"),
    LinkAction.CANCEL_INTAKE: ("Cancel, and send nothing about:", "Cancel it"),
}
_THANKS = {
    LinkAction.CONFIRM_INTAKE: (
        "Thanks — confirmed.",
        "Accord is sharing it with its owner now, at a moment that suits them.",
    ),
    LinkAction.CANCEL_INTAKE: ("Cancelled — nothing will be sent.", "Its owner won't hear of it."),
    LinkAction.CORRECT_INTAKE: (
        "Thanks — corrected and confirmed.",
        "Accord is sharing the corrected version with its owner now.",
    ),
    LinkAction.TRACK_INTAKE: (
        "Thanks — Accord is tracking it.",
        "Accord is sharing it with its owner now, at a moment that suits them.",
    ),
}


def _problem(status: int, heading: str, line: str, hint: str | None = None) -> HTMLResponse:
    return render_page(
        "link_problem.html", status, heading=heading, title=None, lines=[line], hint=hint
    )


def _not_found() -> HTMLResponse:
    return _problem(404, "We couldn't find this commitment", "It may have been removed.")


def _unavailable() -> HTMLResponse:
    return _problem(
        503,
        "Accord can't record this right now",
        "Something on our side is taking a break.",
        "Please try the link again in a few minutes.",
    )


def _proposal(view: IntakeView, commitment_id: str) -> ProposedCommitment | None:
    return next((p for p in view.proposals if p.commitment_id == commitment_id), None)


async def _read_proposal(
    temporal: TemporalDep, commitment_id: str
) -> tuple[IntakeView, ProposedCommitment] | HTMLResponse:
    """The intake and the link's proposal in it, or the page saying why there is none."""
    try:
        view = await read_intake_view(temporal, commitment_id)
    except IntakeNotFoundError:
        return _not_found()
    except CommitmentUnavailableError:
        return _unavailable()
    proposal = _proposal(view, commitment_id)
    if proposal is None:
        return _not_found()
    return view, proposal


async def confirm_page(token: str, claims: ActionClaims, temporal: TemporalDep) -> HTMLResponse:
    """``GET /a/{token}`` for an intake link: show what will happen (Correct, Track: a form)."""
    if claims.action is LinkAction.TRACK_INTAKE:
        return await _track_page(token, claims, temporal)
    found = await _read_proposal(temporal, claims.commitment_id)
    if isinstance(found, HTMLResponse):
        return found
    view, proposal = found
    if claims.action is LinkAction.CORRECT_INTAKE:
        return _correction_form(token, proposal, view.manager_time_zone)
    heading, button = _HEADINGS[claims.action]
    return render_page(
        "link_confirm.html", heading=heading, button=button, title=proposal.spec.title
    )


def _correction_form(
    token: str, proposal: ProposedCommitment, zone_name: str, problem: str | None = None
) -> HTMLResponse:
    zone = _zone(zone_name)
    due = proposal.spec.due.astimezone(zone)
    return render_page(
        "link_intake_correct.html",
        400 if problem else 200,
        token=token,
        title=proposal.spec.title,
        owner_name=proposal.spec.owner.display_name,
        success_criteria=proposal.spec.success_criteria,
        due_local=due.strftime("%Y-%m-%dT%H:%M"),
        zone_name=zone_name,
        problem=problem,
        title_max_length=TITLE_MAX_LENGTH,
        criteria_max_length=CRITERIA_MAX_LENGTH,
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return resolve_zone(name)
    except ValueError:
        return ZoneInfo("UTC")


async def apply_link(token: str, claims: ActionClaims, temporal: TemporalDep) -> HTMLResponse:
    """``POST /a/{token}`` for an intake link: confirm or cancel once (Correct, Track: a form)."""
    if claims.action in {LinkAction.CORRECT_INTAKE, LinkAction.TRACK_INTAKE}:
        return await confirm_page(token, claims, temporal)
    update = (
        IntakeUpdates.CONFIRM
        if claims.action is LinkAction.CONFIRM_INTAKE
        else IntakeUpdates.CANCEL
    )
    decision = IntakeDecision(
        actor=claims.person, commitment_id=claims.commitment_id, action_id=claims.link_id
    )
    return await _apply(claims, temporal, update, decision)


async def _track_page(
    token: str, claims: ActionClaims, temporal: TemporalDep, problem: str | None = None
) -> HTMLResponse:
    """The "Track this" form, filled in with what Accord saw in the email."""
    try:
        view = await read_intake_view(temporal, claims.commitment_id)
    except IntakeNotFoundError:
        return _not_found()
    except CommitmentUnavailableError:
        return _unavailable()
    if view.proposals:
        return _problem(
            409,
            "This is already being tracked",
            "Accord has already set this up from your email.",
            "Nothing was changed by this click.",
        )
    seen = view.seen_email or SeenEmail()
    zone = _zone(view.manager_time_zone)
    due = seen.noticed_due.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if seen.noticed_due else ""
    title = " ".join(_REPLY_PREFIX.sub("", seen.subject).split())[:TITLE_MAX_LENGTH]
    return render_page(
        "link_intake_track.html",
        400 if problem else 200,
        token=token,
        subject=seen.subject,
        people=seen.people,
        owner=seen.people[0].address if seen.people else "",
        title=title,
        success_criteria="",
        due_local=due,
        zone_name=view.manager_time_zone,
        problem=problem,
        title_max_length=TITLE_MAX_LENGTH,
        criteria_max_length=CRITERIA_MAX_LENGTH,
    )


def _claims_for(
    links: LinkKeyRing, token: str, now: datetime, action: LinkAction, not_this_action: str
) -> ActionClaims | HTMLResponse:
    """The link's claims when it is valid and made for ``action``; else the page saying why."""
    try:
        claims = links.verify(token, now)
    except InvalidActionLink:
        return _problem(400, "This link is not valid", "It may have been cut short or changed.")
    if claims.action is not action:
        return _problem(400, "This link is not valid", not_this_action)
    return claims


@router.post("/{token}/track", response_class=HTMLResponse)
async def submit_track(
    token: str,
    links: LinksDep,
    temporal: TemporalDep,
    clock: ClockDep,
    owner: Annotated[str, Form(max_length=320)],
    title: Annotated[str, Form(max_length=TITLE_MAX_LENGTH)],
    success_criteria: Annotated[str, Form(max_length=CRITERIA_MAX_LENGTH)],
    due: Annotated[str, Form(max_length=40)],
) -> HTMLResponse:
    """Start tracking what the sender filled in (from "Track this" under a no-request answer)."""
    claims = _claims_for(
        links, token, clock(), LinkAction.TRACK_INTAKE, "It does not track anything."
    )
    if isinstance(claims, HTMLResponse):
        return claims
    try:
        view = await read_intake_view(temporal, claims.commitment_id)
    except IntakeNotFoundError:
        return _not_found()
    except CommitmentUnavailableError:
        return _unavailable()
    try:
        due_at = datetime.fromisoformat(due.strip()).replace(tzinfo=_zone(view.manager_time_zone))
    except ValueError:
        return await _track_page(token, claims, temporal, "Please give a date and time.")
    if not (owner.strip() and title.strip() and success_criteria.strip()):
        return await _track_page(
            token, claims, temporal, "Please fill in who it's for, what is asked and done when."
        )
    # One start per distinct content: a double submit is applied once.
    fingerprint = hashlib.sha256(
        f"{owner}\n{title}\n{success_criteria}\n{due}".encode()
    ).hexdigest()[:16]
    try:
        request = IntakeTrack(
            actor=claims.person,
            commitment_id=claims.commitment_id,
            action_id=f"{claims.link_id}:{fingerprint}",
            owner=owner.strip().lower(),
            title=title.strip(),
            success_criteria=success_criteria.strip(),
            due=due_at,
        )
    except ValidationError:
        return await _track_page(token, claims, temporal, "Please check the fields.")
    return await _apply(claims, temporal, IntakeUpdates.TRACK, request)


async def _apply(
    claims: ActionClaims, temporal: TemporalDep, update: str, decision: IntakeDecision
) -> HTMLResponse:
    try:
        view = await apply_intake_update(temporal, claims.commitment_id, update, decision)
    except IntakeNotFoundError:
        return _not_found()
    except CommitmentUnavailableError:
        return _unavailable()
    except ActionRejectedError as exc:
        return _problem(
            409,
            "This has moved on since the email was sent",
            exc.reason,
            "Nothing was changed by this click.",
        )
    proposal = _proposal(view, claims.commitment_id)
    thanks, follow_up = _THANKS[claims.action]
    log.info("intake_link_applied", commitment_id=claims.commitment_id, action=claims.action)
    return render_page(
        "link_done.html",
        thanks=thanks,
        follow_up=follow_up,
        title=proposal.spec.title if proposal else "",
        manager_name="",
        offer_note=False,
        note_recorded=False,
        note_max_length=0,
    )


@router.post("/{token}/correct", response_class=HTMLResponse)
async def submit_correction(
    token: str,
    links: LinksDep,
    temporal: TemporalDep,
    clock: ClockDep,
    title: Annotated[str, Form(max_length=TITLE_MAX_LENGTH)],
    success_criteria: Annotated[str, Form(max_length=CRITERIA_MAX_LENGTH)],
    due: Annotated[str, Form(max_length=40)],
) -> HTMLResponse:
    """Apply the manager's correction (and confirm the corrected version)."""
    claims = _claims_for(
        links, token, clock(), LinkAction.CORRECT_INTAKE, "It does not correct anything."
    )
    if isinstance(claims, HTMLResponse):
        return claims
    found = await _read_proposal(temporal, claims.commitment_id)
    if isinstance(found, HTMLResponse):
        return found
    view, proposal = found
    try:
        due_at = datetime.fromisoformat(due.strip()).replace(tzinfo=_zone(view.manager_time_zone))
    except ValueError:
        return _correction_form(
            token, proposal, view.manager_time_zone, "Please give a date and time."
        )
    if not title.strip() or not success_criteria.strip():
        return _correction_form(
            token,
            proposal,
            view.manager_time_zone,
            "Please fill in both the title and what done means.",
        )
    # One correction per distinct content: a double submit is applied once.
    fingerprint = hashlib.sha256(f"{title}\n{success_criteria}\n{due}".encode()).hexdigest()[:16]
    correction = IntakeCorrection(
        actor=claims.person,
        commitment_id=claims.commitment_id,
        action_id=f"{claims.link_id}:{fingerprint}",
        title=title,
        success_criteria=success_criteria,
        due=due_at,
    )
    return await _apply(claims, temporal, IntakeUpdates.CORRECT, correction)
