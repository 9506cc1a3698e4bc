"""The manager's one click on the offer of a regular 1:1: book the weekly series.

The link is an ordinary action link (``/a/{token}``, see :mod:`api.routers.actions`, which
hands this action here); its claims name the offer's workflow where others name a
commitment. ``GET`` shows what will happen and one button (nothing presses it); ``POST``
applies the offer workflow's ``book`` update under the link's id, which books the series
once, inside both people's hours. A second press says it is booked already.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from fastapi.responses import HTMLResponse
from temporalio.client import Client, RPCTimeoutOrCancelledError
from temporalio.service import RPCError

from api.pages import render_page
from domain.action_links import ActionClaims, LinkAction
from domain.models import TimeSlot
from domain.timezones import resolve_zone
from workflows.agenda.client import OfferClosedError, OfferNotFoundError, book_offer, read_offer
from workflows.agenda.contracts import Booking, BookOneOnOne, OfferState

ONE_ON_ONE_LINK_ACTIONS = frozenset({LinkAction.BOOK_ONE_ON_ONE})
log = structlog.get_logger("accord.api.one_on_one_links")


def _problem(status: int, heading: str, line: str, hint: str | None = None) -> HTMLResponse:
    return render_page(
        "link_problem.html", status, heading=heading, title=None, lines=[line], hint=hint
    )


def _not_found() -> HTMLResponse:
    return _problem(404, "We couldn't find this offer", "It may have ended some time ago.")


def _unavailable() -> HTMLResponse:
    return _problem(
        503,
        "Accord can't book this right now",
        "Something on our side is taking a break.",
        "Please try the link again in a few minutes.",
    )


def _when(slot: TimeSlot, zone_name: str) -> str:
    start = slot.start.astimezone(resolve_zone(zone_name))
    return (
        f"every {start:%A} at {start:%H:%M} ({zone_name}), "
        f"the first on {start:%A} {start.day} {start:%B}"
    )


def _at(at: datetime, zone_name: str) -> str:
    local = at.astimezone(resolve_zone(zone_name))
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _booked_page(state: OfferState, booking: Booking) -> HTMLResponse:
    zone = state.manager_time_zone or "UTC"
    report = state.report.display_name
    title = f"1:1 {state.manager.display_name} / {report}"
    if booking.no_slot or booking.slot is None:
        return _problem(
            409,
            "No time free for you both was found",
            f"Nothing was booked. Your calendars have no half hour free for you and {report} "
            "inside both your working hours in the next two weeks.",
            "Next quarter Accord will look again, or you can invite them yourself.",
        )
    when = _when(booking.slot, zone)
    if booking.already_booked:
        thanks, follow_up = "It's booked already.", f"Your weekly 1:1 with {report}: {when}."
    elif booking.event_id is None:
        at = _at(booking.not_before, zone) if booking.not_before else "soon"
        thanks = "Thanks, it will be booked."
        follow_up = (
            f"Accord will put it in both calendars on {at}, when you can both be reached: {when}."
        )
    elif booking.moved:
        thanks = "Thanks, it's booked, at a new time."
        follow_up = (
            f"The time offered had been taken since, so Accord booked the next time free for "
            f"you both: {when}. {report} has the invitation."
        )
    else:
        thanks = "Thanks, it's booked."
        follow_up = f"{when[0].upper()}{when[1:]}. {report} has the invitation."
    return render_page(
        "link_done.html",
        thanks=thanks,
        follow_up=follow_up,
        title=title,
        offer_note=False,
        note_recorded=False,
    )


async def confirm_page(claims: ActionClaims, temporal: Client) -> HTMLResponse:
    """``GET /a/{token}``: say what the press will book; nothing is booked yet."""
    try:
        state = await read_offer(temporal, claims.commitment_id)
    except OfferNotFoundError:
        return _not_found()
    except (RPCError, RPCTimeoutOrCancelledError):
        return _unavailable()
    if state.booking is not None and state.booking.event_id is not None:
        return _booked_page(state, state.booking.model_copy(update={"already_booked": True}))
    if state.slot is None or state.manager_time_zone is None:
        return _not_found()
    when = _when(state.slot, state.manager_time_zone)
    return render_page(
        "link_confirm.html",
        heading=f"Book a weekly 1:1 with {state.report.display_name}, {when}",
        button="Book it, every week",
        title=None,
    )


async def apply_link(claims: ActionClaims, temporal: Client) -> HTMLResponse:
    """``POST /a/{token}``: book the series once (a second press finds it booked)."""
    try:
        state = await read_offer(temporal, claims.commitment_id)
        if state.booking is not None and state.booking.event_id is not None:
            booking = state.booking.model_copy(update={"already_booked": True})
        else:
            booking = await book_offer(
                temporal,
                claims.commitment_id,
                BookOneOnOne(actor=claims.person, action_id=claims.link_id),
            )
    except OfferNotFoundError:
        return _not_found()
    except OfferClosedError as exc:
        return _problem(
            409,
            "This offer has moved on",
            exc.reason,
            "Accord offers again next quarter if there is still no regular 1:1.",
        )
    except (RPCError, RPCTimeoutOrCancelledError):
        return _unavailable()
    log.info(
        "one_on_one_link_applied",
        link_id=claims.link_id,
        booked=booking.event_id is not None,
        moved=booking.moved,
    )
    return _booked_page(state, booking)
