"""Who is using the web app: the session's person on every page, and the checks on forms.

A page asked for without a session redirects to sign-in (and back afterwards); a form posted
after the session ended changes nothing and says so. Every form carries the session's CSRF
token; one without it (or with another session's) is refused the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, cast
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import Access, get_org_chart
from api.webapp.render import render_app_page
from api.webapp.session import (
    SESSION_COOKIE,
    AppSession,
    SessionEndedError,
    csrf_matches,
    csrf_token,
    read_session,
    session_secrets,
)

SESSION_ENDED = "Your session has ended; sign in again. Nothing was changed."
_FORM_REFUSED = "This form has expired; please open the page again. Nothing was changed."


class SignInRequiredError(Exception):
    """A page was asked for without a session: send the person to sign in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class FormRefusedError(Exception):
    """A form was posted without a session or with another session's CSRF token."""

    def __init__(self, message: str, next_path: str) -> None:
        super().__init__(message)
        self.message = message
        self.next_path = next_path


def wall_clock() -> datetime:
    """Return the current instant: sessions follow tokens, which follow real time."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Viewer:
    """The signed-in person of a page, with what authorization and forms need."""

    session: AppSession
    access: Access
    csrf: str

    @property
    def email(self) -> str:
        """The person's email address."""
        return self.session.principal.email


def _current(request: Request) -> AppSession:
    return read_session(
        request.cookies.get(SESSION_COOKIE), now=wall_clock(), secrets_=session_secrets(request)
    )


def _path_of(request: Request) -> str:
    path = request.url.path
    return f"{path}?{request.url.query}" if request.url.query else path


def _viewer(request: Request, session: AppSession) -> Viewer:
    return Viewer(
        session=session,
        access=Access(session.principal, get_org_chart(request)),
        csrf=csrf_token(session, session_secrets(request)),
    )


def page_viewer(request: Request) -> Viewer:
    """Return the page's signed-in person, or send them to sign in.

    Raises:
        SignInRequiredError: when there is no live session.
    """
    try:
        return _viewer(request, _current(request))
    except SessionEndedError:
        raise SignInRequiredError(_path_of(request)) from None


async def form_viewer(request: Request) -> Viewer:
    """Return the signed-in person posting a form, after checking its CSRF token.

    Raises:
        FormRefusedError: when the session ended or the token is not this session's.
    """
    back = request.headers.get("referer", "")
    next_path = _path_of(request)
    if back.startswith(str(request.base_url)):
        next_path = "/" + back.removeprefix(str(request.base_url))
    try:
        session = _current(request)
    except SessionEndedError:
        raise FormRefusedError(SESSION_ENDED, next_path) from None
    form = await request.form()
    token = form.get("csrf")
    if not csrf_matches(
        session, token if isinstance(token, str) else None, session_secrets(request)
    ):
        raise FormRefusedError(_FORM_REFUSED, next_path)
    return _viewer(request, session)


PageViewer = Annotated[Viewer, Depends(page_viewer)]
FormViewer = Annotated[Viewer, Depends(form_viewer)]


def safe_next(value: str | None) -> str:
    """Return where to go after sign-in: a path of the app only, never another site.

    Args:
        value: the ``next`` parameter.

    Returns:
        The path, or ``/app``.
    """
    if value and value.startswith("/app") and not value.startswith("//") and "\\" not in value:
        return value
    return "/app"


def signin_url(next_path: str) -> str:
    """Return the sign-in page's URL that comes back to ``next_path``."""
    return f"/app/signin?next={quote(safe_next(next_path), safe='/')}"


async def _on_sign_in_required(_request: Request, exc: Exception) -> Response:
    # Registered for this exception type only.
    next_path = cast(SignInRequiredError, exc).next_path
    return RedirectResponse(signin_url(next_path), status_code=303)


async def _on_form_refused(request: Request, exc: Exception) -> Response:
    # Registered for this exception type only.
    refused = cast(FormRefusedError, exc)
    return render_app_page(
        request,
        "app/ended.html",
        status_code=401,
        viewer=None,
        message=refused.message,
        signin=signin_url(refused.next_path),
    )


def install_app_guard(app: FastAPI) -> None:
    """Make the app's pages redirect to sign-in, and its forms refuse kindly.

    Args:
        app: the application.
    """
    app.add_exception_handler(SignInRequiredError, _on_sign_in_required)
    app.add_exception_handler(FormRefusedError, _on_form_refused)
