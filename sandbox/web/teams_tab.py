"""The Teams tab in the sandbox: Accord's web app framed as Teams frames a personal tab.

The page hosts the app's tab (``<app>/app?host=teams``) in an iframe and plays Teams' side of
the Teams JavaScript SDK's ``postMessage`` protocol (``teams_host.js``): it answers
``initialize`` (frame context ``content``, a web client, a runtime that supports what a
personal tab uses), ``getContext`` (the person, the tenant, the theme) and
``authentication.getAuthToken`` with an access token the sandbox signs for the person shown
(``POST .../teams/sso-token``), audience the resource the manifest's ``webApplicationInfo``
would name (the sandbox's Accord API, ``api://accord``, unless ``?resource=`` says otherwise).
As Teams does, it hands tokens only to the framed app's own origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from sandbox.http import state_of
from sandbox.state import SandboxState

# The page's own helpers: one layout, one set of people and tabs for every tab.
from sandbox.web.pages import _common, _not_found, _templates, _viewer

router = APIRouter(tags=["web"], include_in_schema=False)
State = Annotated[SandboxState, Depends(state_of)]

DEFAULT_APP = "http://127.0.0.1:8000/app?host=teams"
DEFAULT_RESOURCE = "api://accord"
# Teams' own client app, which asks Entra ID for a tab's token (the token's azp).
TEAMS_CLIENT_ID = "5e3ce6c0-2b1f-4285-8d4b-75ee78787346"
THEMES = ("default", "dark", "contrast")
_HOST_SCRIPT = Path(__file__).parent / "static" / "teams_host.js"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _headers(app_origin: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; connect-src 'self'; frame-src {app_origin}; "
            "form-action 'self'; base-uri 'self'; frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


@router.get("/web/teams/host.js")
async def host_script() -> Response:
    """Serve the host side of the Teams JavaScript SDK's protocol."""
    return FileResponse(
        _HOST_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"}
    )


@router.get("/web/users/{user_key}/teams/tab", response_class=Response)
async def teams_tab(
    user_key: str,
    state: State,
    app: Annotated[str, Query(max_length=2048)] = DEFAULT_APP,
    resource: Annotated[str, Query(max_length=512)] = DEFAULT_RESOURCE,
    theme: Annotated[str, Query(max_length=16)] = "default",
) -> Response:
    """Show Accord's personal tab as this person sees it in Teams."""
    viewer = _viewer(state, user_key)
    if viewer is None:
        return _not_found(f"There is no user {user_key!r} in this tenant.")
    origin = _origin(app)
    if origin is None:
        return _not_found("The tab's address must be an http or https URL.")
    context: dict[str, Any] = {
        "locale": "en-gb",
        "theme": theme if theme in THEMES else "default",
        "entityId": "accord-home",
        "userObjectId": viewer.id,
        "userPrincipalName": viewer.email,
        "loginHint": viewer.email,
        "tid": state.tenant.tenant_id,
        "hostClientType": "web",
        "hostName": "Teams",
        "frameContext": "content",
        "appSessionId": f"sandbox-{viewer.id}",
        "userDisplayName": viewer.name,
    }
    html = (
        _templates()
        .get_template("teams_tab.html")
        .render(
            **_common(state, viewer, "teams", f"/web/users/{viewer.id}/live?view=inbox"),
            app=app,
            app_origin=origin,
            resource=resource,
            context=context,
            themes=THEMES,
        )
    )
    return HTMLResponse(html, headers=_headers(origin))


@router.post("/web/users/{user_key}/teams/sso-token")
async def sso_token(
    user_key: str,
    request: Request,
    state: State,
    resource: Annotated[str, Query(max_length=512)] = DEFAULT_RESOURCE,
) -> Response:
    """Sign the token Teams single sign-on would give the tab for this person."""
    own = f"{request.url.scheme}://{request.url.netloc}"
    # Only the sandbox's own page may ask (the browser names the page's origin).
    if request.headers.get("origin") != own:
        return JSONResponse({"error": "Only the sandbox's Teams view asks for this."}, 403)
    user = state.directory.find_user(user_key)
    upn = str((user or {}).get("userPrincipalName") or "").lower()
    seed = next((u for u in state.tenant.users if u.upn.lower() == upn), None)
    if seed is None:
        return JSONResponse({"error": f"There is no user {user_key!r} in this tenant."}, 404)
    token = state.tokens.issue_for_user(
        upn=seed.upn,
        display_name=seed.display_name,
        audience=resource,
        client_id=TEAMS_CLIENT_ID,
        roles=seed.app_roles,
    )
    return JSONResponse({"token": token}, headers={"Cache-Control": "no-store"})
