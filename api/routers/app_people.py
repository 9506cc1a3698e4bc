"""``/app/me`` and ``/app/people/{email}``: a person's reliability trend and their settings.

The trend is the one ``GET /people/{email}/reliability`` shows, through that route's own
function, so it stays private to the person, their manager and admins (anyone else finds
nothing), "What you promised your team" included exactly where that route shows it. The
digest settings go through ``/people/me/digest``'s functions the same way; where messages go
and the 1:1 agenda copy are saved in the person's own workflow.
"""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.dependencies import ClockDep, ConfigDep, DirectoryDep
from api.digest_services import DigestServices
from api.problems import ProblemError
from api.routers import digest as digest_routes
from api.routers import reliability as reliability_routes
from api.routers.agenda_copy import PeopleDep, PeopleStore, get_people_store
from api.schemas import Email
from api.webapp.guard import FormViewer, PageViewer, Viewer
from api.webapp.render import render_app_page
from domain.preferences import Channel
from domain.reliability import DEFAULT_WEEKS, Trend
from domain.working_time import WEEKDAYS
from integrations.graph.people import DirectoryUnavailableError
from workflows.person.client import PreferenceRejectedError

log = structlog.get_logger("accord.api.app")

router = APIRouter(prefix="/app", include_in_schema=False)

TREND_WORDS = {
    Trend.IMPROVING: "Meeting more agreed dates lately",
    Trend.STEADY: "Steady",
    Trend.DIPPING: "A few more dates moving lately: a conversation may help",
    Trend.NOT_ENOUGH_HISTORY: "Not enough history yet to see a trend",
}
_NOT_SET_UP = "Trends and the digest aren't set up on this server yet."
CHANNEL_WORDS = {
    Channel.EMAIL: "Email",
    Channel.TEAMS: "Teams",
    Channel.BOTH: "Email and Teams",
}


def _services(request: Request) -> DigestServices | None:
    services: DigestServices | None = getattr(request.app.state, "accord_digest", None)
    return services


async def _page(
    request: Request,
    viewer: Viewer,
    directory: DirectoryDep,
    clock: ClockDep,
    config: ConfigDep,
    email: str,
    people: PeopleStore | None = None,
    *,
    status_code: int = 200,
    notice: str | None = None,
    problems: list[str] | None = None,
) -> Response:
    services = _services(request)
    own = email == viewer.email
    heading = "My trend and settings" if own else "Trend"
    context: dict[str, Any] = {
        "viewer": viewer,
        "nav": "me" if own else "",
        "heading": heading,
        "notice": notice,
        "problem": "Nothing was changed. Please check:" if problems else None,
        "problems": problems or [],
        "weeks": [],
        "trend_words": _NOT_SET_UP,
        "rate": None,
        "open_count": 0,
        "whose": "you" if own else email,
        "their_manager": "your manager" if own else "their manager",
        "digest": None,
        "days": WEEKDAYS,
        "channel": None,
        "channels": list(CHANNEL_WORDS.items()),
        "promised": None,
        "agenda_copy": None,
    }
    if own and people is not None:
        try:
            record = await people.get(email)
        except Exception:  # the choice is shown when it can be read; the page still helps
            log.info("app_channel_unreadable")
        else:
            context["channel"] = record.channel.value if record.channel else ""
            # Only someone with a manager has a regular 1:1 with one.
            if await viewer.access.org.manager_of(email):
                context["agenda_copy"] = record.agenda_copy
    if services is None:
        return render_app_page(request, "app/me.html", status_code=status_code, **context)
    try:
        history = await reliability_routes.read_reliability(
            email, viewer.access, services, directory, clock, config, DEFAULT_WEEKS
        )
    except ProblemError as exc:
        if exc.problem.status in (403, 404):
            return render_app_page(
                request, "app/missing.html", status_code=404, viewer=viewer, nav=""
            )
        raise
    except DirectoryUnavailableError:
        context["trend_words"] = "Your trend can't be read right now; please try again soon."
    else:
        context["heading"] = heading if own else f"{history.person.display_name}: trend"
        context["weeks"] = history.weeks
        context["trend_words"] = TREND_WORDS[history.trend]
        context["rate"] = (
            f"{history.on_time_rate:.0%}" if history.on_time_rate is not None else None
        )
        context["open_count"] = history.open_commitments
        # Present only where the reliability route allows it: the person (and their manager
        # when the organisation turns that on).
        figures = promised_figures(history.promised)
        if figures is not None and (
            any(figures[name] for name in ("kept", "kept_late", "open"))
            or await viewer.access.org.reports_of(email)
        ):
            context["promised"] = figures
    if own and await viewer.access.org.reports_of(viewer.email):
        try:
            context["digest"] = await digest_routes.read_digest_settings(
                viewer.session.principal, services, clock
            )
        except DirectoryUnavailableError:
            log.info("app_digest_unavailable")
    return render_app_page(request, "app/me.html", status_code=status_code, **context)


def promised_figures(
    promised: reliability_routes.ReliabilityPublic | None,
) -> dict[str, int | str] | None:
    """Sum up the support someone promised their team: kept, kept late, open, and the trend.

    Args:
        promised: the reliability route's ``promised`` figures, when the reader may see them.

    Returns:
        The figures, or ``None`` when the reader may not see them.
    """
    if promised is None:
        return None
    done = sum(week.done for week in promised.weeks)
    return {
        "kept": promised.on_time,
        "kept_late": max(done - promised.on_time, 0),
        "open": promised.open_commitments,
        "trend": TREND_WORDS[promised.trend],
    }


@router.get("/me")
async def me(
    request: Request,
    viewer: PageViewer,
    directory: DirectoryDep,
    clock: ClockDep,
    config: ConfigDep,
    people: PeopleDep,
) -> Response:
    """The person's own trend, where their messages go and, for managers, the digest."""
    saved = "Your settings are saved." if request.query_params.get("saved") else None
    return await _page(
        request, viewer, directory, clock, config, viewer.email, people, notice=saved
    )


@router.post("/me/channel")
async def save_channel(
    request: Request,
    viewer: FormViewer,
    directory: DirectoryDep,
    clock: ClockDep,
    config: ConfigDep,
    people: PeopleDep,
    channel: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Choose where Accord's messages go, through the person's own workflow."""
    try:
        await people.set_channel(viewer.email, Channel(channel))
    except ValueError:
        problems = ["Please choose email, Teams, or both."]
    except PreferenceRejectedError as exc:
        problems = [exc.reason]
    else:
        return RedirectResponse("/app/me?saved=1", status_code=303)
    return await _page(
        request,
        viewer,
        directory,
        clock,
        config,
        viewer.email,
        people,
        status_code=422,
        problems=problems,
    )


@router.post("/me/agenda-copy")
async def save_agenda_copy(
    request: Request,
    viewer: FormViewer,
    directory: DirectoryDep,
    clock: ClockDep,
    config: ConfigDep,
    people: PeopleDep,
    wanted: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Choose whether to get a copy of the 1:1 agenda, through the person's own workflow."""
    try:
        await people.set_agenda_copy(viewer.email, wanted == "1")
    except PreferenceRejectedError as exc:
        problems = [exc.reason]
    else:
        return RedirectResponse("/app/me?saved=1", status_code=303)
    return await _page(
        request,
        viewer,
        directory,
        clock,
        config,
        viewer.email,
        people,
        status_code=422,
        problems=problems,
    )


@router.get("/people/{email}")
async def person(
    email: Annotated[Email, Path()],
    request: Request,
    viewer: PageViewer,
    directory: DirectoryDep,
    clock: ClockDep,
    config: ConfigDep,
) -> Response:
    """A report's trend, for them, their manager and admins only."""
    return await _page(request, viewer, directory, clock, config, email)


@router.post("/me/digest")
async def save_digest(
    request: Request,
    viewer: FormViewer,
    directory: DirectoryDep,
    clock: ClockDep,
    config: ConfigDep,
    enabled: Annotated[str, Form(max_length=5)] = "",
    day: Annotated[str, Form(max_length=12)] = "",
    time: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Turn the digest on or off, or move it, through ``PUT /people/me/digest``'s checks."""
    services = _services(request)
    if services is None:
        return await _page(request, viewer, directory, clock, config, viewer.email, status_code=503)
    try:
        update = digest_routes.DigestSettingsUpdate(
            enabled=enabled == "1",
            day=day or None,
            time=time or None,
        )
        await digest_routes.change_digest_settings(
            update, viewer.session.principal, services, clock
        )
    except ValidationError as exc:
        problems = [f"{error['loc'][-1]}: {error['msg']}." for error in exc.errors()]
    except ProblemError as exc:
        problems = [
            error.message[:1].upper() + error.message[1:] + "."
            for error in exc.problem.errors or ()
        ]
        problems = problems or [exc.problem.detail or exc.problem.title]
    else:
        return RedirectResponse("/app/me?saved=1", status_code=303)
    return await _page(
        request, viewer, directory, clock, config, viewer.email, status_code=422, problems=problems
    )


# ``get_people_store`` is named here too: tests replace it to keep choices in memory.
__all__ = ["get_people_store", "promised_figures", "router"]
