"""The page's routes: ``/`` and ``/web/...``, server-rendered with Jinja2 (autoescaped).

None of these routes asks for a token: the sandbox is a local tool for people trying Accord
out, and the page only reads and changes the sandbox's own fake tenant. The Graph surface
under ``/v1.0`` keeps its authentication.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from sandbox.http import state_of
from sandbox.mailbox import MESSAGES, Mailboxes
from sandbox.state import SandboxState
from sandbox.web import calendar_view, views
from sandbox.web.safe_mail import IFRAME_SANDBOX

router = APIRouter(tags=["web"], include_in_schema=False)
State = Annotated[SandboxState, Depends(state_of)]

_STATIC = Path(__file__).parent / "static"
_STATIC_FILES = {"sandbox.css": "text/css", "sandbox.js": "text/javascript"}
# The page's own policy. An iframe's srcdoc document inherits it, so it must allow what a
# shown e-mail may use (inline styles, data: images); each e-mail adds a stricter policy.
_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; "
    "base-uri 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_VIEWS = ("inbox", "sentitems", "calendar")


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("sandbox.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _templates().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=_HEADERS)


def _not_found(what: str) -> HTMLResponse:
    return _render("not_found.html", status_code=404, what=what)


def _common(state: SandboxState, viewer: views.Person, tab: str, live_url: str) -> dict[str, Any]:
    return {
        "viewer": viewer,
        "people": views.people(state),
        "status": views.status(state),
        "tab": tab,
        "live_url": live_url,
        "version": views.version(state),
        "iframe_sandbox": IFRAME_SANDBOX,
    }


def _viewer(state: SandboxState, user_key: str) -> views.Person | None:
    user = state.directory.find_user(user_key)
    return None if user is None else views.person(state, user)


def _mail_page(
    state: SandboxState,
    viewer: views.Person,
    folder: str,
    message: dict[str, Any] | None,
    *,
    problem: str | None = None,
) -> HTMLResponse:
    selected = None if message is None else str(message["id"])
    live_url = f"/web/users/{viewer.id}/live?view={folder}"
    if selected:
        live_url += f"&selected={selected}"
    return _render(
        "mail.html",
        status_code=200 if problem is None else 400,
        **_common(state, viewer, folder, live_url),
        problem=problem,
        folder_name=views.FOLDERS[folder],
        rows=views.message_rows(state, viewer, folder, selected),
        message=None if message is None else views.message_view(message, viewer),
        invitation=None if message is None else calendar_view.invitation(state, viewer, message),
    )


@router.get("/", response_class=HTMLResponse)
async def home(state: State) -> Response:
    """Open the first person's inbox (the demo tenant's manager)."""
    users = state.directory.all_users()
    if not users:
        return _not_found("This tenant has no users.")
    return _mail_page(state, views.person(state, users[0]), "inbox", None)


@router.get("/web/static/{name}")
async def static_file(name: str) -> Response:
    """Serve the page's stylesheet and script (nothing else, and nothing from outside)."""
    media_type = _STATIC_FILES.get(name)
    if media_type is None:
        return _not_found("No such file.")
    return FileResponse(
        _STATIC / name, media_type=media_type, headers={"Cache-Control": "no-cache"}
    )


@router.get("/web/users/{user_key}")
async def user_home(user_key: str, state: State) -> Response:
    """Send a person's address to their inbox."""
    viewer = _viewer(state, user_key)
    if viewer is None:
        return _not_found(f"There is no user {user_key!r} in this tenant.")
    return RedirectResponse(f"/web/users/{viewer.id}/mail", status_code=303)


@router.get("/web/users/{user_key}/mail", response_class=HTMLResponse)
async def mail_folder(user_key: str, state: State, folder: str = "inbox") -> Response:
    """Show a person's Inbox or Sent Items."""
    viewer = _viewer(state, user_key)
    if viewer is None:
        return _not_found(f"There is no user {user_key!r} in this tenant.")
    if folder not in views.FOLDERS:
        return _not_found(f"There is no folder {folder!r} here; try the Inbox or Sent Items.")
    return _mail_page(state, viewer, folder, None)


@router.get("/web/users/{user_key}/mail/{message_id}", response_class=HTMLResponse)
async def open_message(user_key: str, message_id: str, state: State) -> Response:
    """Open a message, marking it read as Outlook does when a person opens it."""
    viewer = _viewer(state, user_key)
    if viewer is None:
        return _not_found(f"There is no user {user_key!r} in this tenant.")
    message = state.store.get(MESSAGES, viewer.id, message_id)
    if message is None:
        return _not_found("This message does not exist (any more) in this mailbox.")
    if not message.get("isRead"):
        message = Mailboxes(state).update(viewer.id, message, {"isRead": True})
        viewer = views.person(state, state.directory.user(viewer.id))
    folder = views.message_view(message, viewer).folder
    return _mail_page(state, viewer, folder, message)


@router.post("/web/users/{user_key}/mail/{message_id}/respond")
async def respond(
    user_key: str,
    message_id: str,
    response: Annotated[str, Form()],
    state: State,
    comment: Annotated[str, Form()] = "",
) -> Response:
    """Answer an invitation (accept, tentatively accept or decline) as its attendee."""
    viewer = _viewer(state, user_key)
    if viewer is None:
        return _not_found(f"There is no user {user_key!r} in this tenant.")
    message = state.store.get(MESSAGES, viewer.id, message_id)
    if message is None:
        return _not_found("This message does not exist (any more) in this mailbox.")
    problem = calendar_view.respond(state, viewer, message, response, comment)
    if problem is not None:
        folder = views.message_view(message, viewer).folder
        return _mail_page(state, viewer, folder, message, problem=problem)
    return RedirectResponse(f"/web/users/{viewer.id}/mail/{message_id}", status_code=303)


def _week(week: str | None) -> date | None:
    if not week:
        return None
    try:
        return date.fromisoformat(week)
    except ValueError:
        return None


@router.get("/web/users/{user_key}/calendar", response_class=HTMLResponse)
async def calendar(user_key: str, state: State, week: str | None = None) -> Response:
    """Show a week of a person's calendar in their time zone."""
    return _calendar_page(state, user_key, week, None)


@router.get("/web/users/{user_key}/calendar/{event_id}", response_class=HTMLResponse)
async def calendar_event(
    user_key: str, event_id: str, state: State, week: str | None = None
) -> Response:
    """Show a week of a person's calendar with one event's details beside it."""
    return _calendar_page(state, user_key, week, event_id)


def _calendar_page(
    state: SandboxState, user_key: str, week: str | None, event_id: str | None
) -> Response:
    viewer = _viewer(state, user_key)
    if viewer is None:
        return _not_found(f"There is no user {user_key!r} in this tenant.")
    detail = None
    start = _week(week)
    if event_id is not None:
        detail = calendar_view.event_detail(state, viewer, event_id)
        if detail is None:
            return _not_found("This event does not exist (any more) in this calendar.")
        start = start or detail.day
    view = calendar_view.week_view(state, viewer, start, selected=event_id)
    live_url = f"/web/users/{viewer.id}/live?view=calendar&week={view.monday.isoformat()}"
    if event_id:
        live_url += f"&selected={event_id}"
    return _render(
        "calendar.html",
        **_common(state, viewer, "calendar", live_url),
        week=view,
        detail=detail,
    )


@router.get("/web/users/{user_key}/live")
async def live(
    user_key: str,
    state: State,
    view: str = "inbox",
    selected: str | None = None,
    week: str | None = None,
    since: str | None = None,
) -> Response:
    """Return the page's changing regions as HTML fragments, unless nothing changed."""
    viewer = _viewer(state, user_key)
    if viewer is None or view not in _VIEWS:
        return JSONResponse({"error": "unknown user or view"}, status_code=404)
    current = views.version(state)
    if since == current:
        return JSONResponse({"version": current, "regions": {}}, headers=_HEADERS)
    templates = _templates()
    context = _common(state, viewer, view, "")
    regions = {
        "live-people": templates.get_template("_people.html").render(**context),
        "live-status": templates.get_template("_status.html").render(**context),
        "live-tabs": templates.get_template("_tabs.html").render(**context),
    }
    if view == "calendar":
        context["week"] = calendar_view.week_view(state, viewer, _week(week), selected=selected)
        regions["live-week"] = templates.get_template("_week.html").render(**context)
    else:
        context["rows"] = views.message_rows(state, viewer, view, selected)
        regions["live-list"] = templates.get_template("_message_list.html").render(**context)
    return JSONResponse({"version": current, "regions": regions}, headers=_HEADERS)
