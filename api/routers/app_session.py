"""``/app/session``, ``/app/signout`` and ``/app/signin``: the web app's session.

The sign-in page (its template ``app/signin.html`` and script) gets an Entra access token for
Accord's API (MSAL.js in a browser, Teams SSO in the tab) and posts it here; the answer sets
the session cookie the pages and forms use. The token is checked exactly as a bearer token of
the REST API is (:class:`api.auth.TokenValidator`).
"""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from api.app_signin import signin_page
from api.auth import AuthenticationError, get_auth
from api.problems import PROBLEM_RESPONSES, problem_doc
from api.webapp.guard import FormViewer, safe_next, wall_clock
from api.webapp.render import render_app_page
from api.webapp.session import (
    clear_session_cookie,
    issue_session,
    session_secrets,
    set_session_cookie,
    token_expiry,
)

log = structlog.get_logger("accord.api.app")

# Out of the OpenAPI document: these serve the web app's own pages (docs/app.md), not clients.
router = APIRouter(prefix="/app", include_in_schema=False)


class SessionRequest(BaseModel):
    """An access token for Accord's API, to be turned into the web app's session."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=16, max_length=16_384, description="The Entra access token.")


@router.post(
    "/session",
    status_code=204,
    response_class=Response,
    responses={
        **PROBLEM_RESPONSES,
        **problem_doc(401, "The token is missing, expired or not for Accord."),
    },
)
async def start_session(body: SessionRequest, request: Request) -> Response:
    """Check an access token and answer with the session cookie (ending with the token)."""
    try:
        principal = await get_auth(request).validator.validate(body.token)
    except AuthenticationError as exc:
        # The reason only: never the token, which is a credential.
        log.info("app_session_refused", reason=exc.reason)
        raise
    now = wall_clock()
    value, ends = issue_session(
        principal, expires_at=token_expiry(body.token), now=now, secrets_=session_secrets(request)
    )
    response = Response(status_code=204)
    set_session_cookie(response, request, value, ends, now)
    return response


@router.post("/signout", include_in_schema=False)
async def sign_out(request: Request, _viewer: FormViewer) -> Response:
    """End the session and go to the sign-in page."""
    response = RedirectResponse("/app/signin?signedout=1", status_code=303)
    clear_session_cookie(response, request)
    return response


@router.get("/signin", response_class=HTMLResponse, include_in_schema=False)
async def sign_in(
    request: Request,
    next: Annotated[str | None, Query(max_length=2048)] = None,
) -> HTMLResponse:
    """The sign-in page: it gets a token and posts it to ``/app/session``, then goes on."""
    config = request.app.state.accord.config
    signin = signin_page(config.app_signin, config.public_url)
    return render_app_page(
        request,
        "app/signin.html",
        # Its script asks Entra ID (or the sandbox playing it) for the token.
        connect=signin.connect,
        next=safe_next(next),
        viewer=None,
        signin=signin,
    )
