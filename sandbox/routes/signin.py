"""Entra ID's sign-in page for browsers: ``/authorize`` with a person picker, and CORS on tokens.

What MSAL.js needs from an identity provider in a browser: the authorization endpoint, where
the person signs in (here: picks who they are, no password, as on ``/devicelogin``) and is
sent back to the app with a one-time code; and a token endpoint the page's script may call
from its own origin (CORS), which redeems that code with its PKCE verifier
(``sandbox.routes.identity``). The discovery document names both.
"""

from __future__ import annotations

import base64
import html
import json
import time
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sandbox.authorize import CODE_LIFETIME_SECONDS, AuthorizationCode, AuthorizationCodes
from sandbox.http import state_of
from sandbox.state import SandboxState
from sandbox.tenant import user_id_for

router = APIRouter(tags=["identity"])
State = Annotated[SandboxState, Depends(state_of)]
_PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# What the page's script sends with its token request (MSAL.js names the account it expects).
_ALLOWED_HEADERS = "Content-Type, X-AnchorMailbox, client-request-id, return-client-request-id"


def cors_headers(request: Request) -> dict[str, str]:
    """Return the CORS headers Entra ID's token endpoint answers a browser with.

    Args:
        request: the request (its ``Origin``).

    Returns:
        The headers: the caller's origin may read the answer; none for a request without one.
    """
    origin = request.headers.get("origin")
    if not origin:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": _ALLOWED_HEADERS,
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


@router.options("/{tenant}/oauth2/v2.0/token", include_in_schema=False)
async def token_preflight(tenant: str, request: Request) -> Response:
    """Answer a browser's preflight for the token endpoint."""
    return Response(status_code=204, headers=cors_headers(request))


def _page(body: str, *, form_to: str | None = None, status_code: int = 200) -> HTMLResponse:
    # Its form posts here and is sent on to the app's redirect URI: both must be allowed.
    form_action = "'self'" + (f" {form_to}" if form_to else "")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"form-action {form_action}; base-uri 'none'; frame-ancestors 'none'"
    )
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        "<title>Sign in</title></head><body style='font-family: sans-serif; margin: 2em'>"
        f"{body}</body></html>",
        status_code=status_code,
        headers={**_PAGE_HEADERS, "Content-Security-Policy": csp},
    )


def _refusal(message: str) -> HTMLResponse:
    return _page(f"<h1>Sign-in could not start</h1><p>{html.escape(message)}</p>", status_code=400)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _problem(state: SandboxState, tenant: str, client_id: str, redirect_uri: str) -> str | None:
    if tenant not in {state.tenant.tenant_id, state.tenant.domain, "organizations", "common"}:
        return f"AADSTS90002: Tenant '{tenant}' not found."
    if not any(app.client_id == client_id for app in state.tenant.apps):
        return f"AADSTS700016: Application with identifier '{client_id}' was not found."
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "AADSTS50011: the redirect URI must be an http or https address."
    return None


_FIELDS = (
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
)


@router.get("/{tenant}/oauth2/v2.0/authorize", response_class=HTMLResponse)
async def authorize(tenant: str, request: Request, state: State) -> HTMLResponse:
    """Show who may sign in: the tenant's people (a local tool: no password)."""
    asked = {name: request.query_params.get(name, "") for name in _FIELDS}
    problem = _problem(state, tenant, asked["client_id"], asked["redirect_uri"])
    if problem is None and request.query_params.get("response_type") != "code":
        problem = "AADSTS700054: response_type must be code."
    if problem is None and (
        not asked["code_challenge"] or asked["code_challenge_method"] != "S256"
    ):
        problem = "AADSTS9002325: Proof Key for Code Exchange (S256) is required."
    if problem is not None:
        return _refusal(problem)
    hint = request.query_params.get("login_hint", "").lower()
    people = "".join(
        f"<p><label><input type=radio name=upn value='{html.escape(user.upn)}'"
        f"{' checked' if user.upn.lower() == hint or index == 0 else ''}> "
        f"{html.escape(user.display_name)} ({html.escape(user.upn)})</label></p>"
        for index, user in enumerate(state.tenant.users)
    )
    hidden = "".join(
        f"<input type=hidden name={name} value='{html.escape(value)}'>"
        for name, value in asked.items()
    )
    return _page(
        "<h1>Sign in to the sandbox</h1><p>Choose who you are. (The sandbox keeps no "
        "passwords: it plays Entra ID on this machine.)</p>"
        f"<form method=post><fieldset><legend>Sign in as</legend>{people}</fieldset>{hidden}"
        "<p><button type=submit>Sign in</button></p></form>",
        form_to=_origin(asked["redirect_uri"]),
    )


@router.post("/{tenant}/oauth2/v2.0/authorize", response_model=None)
async def sign_in(
    tenant: str,
    sandbox: State,
    upn: Annotated[str, Form(max_length=320)],
    client_id: Annotated[str, Form(max_length=200)],
    redirect_uri: Annotated[str, Form(max_length=2048)],
    scope: Annotated[str, Form(max_length=2048)],
    code_challenge: Annotated[str, Form(min_length=43, max_length=128)],
    state: Annotated[str, Form(max_length=4096)] = "",
    nonce: Annotated[str, Form(max_length=512)] = "",
    response_mode: Annotated[str, Form(max_length=20)] = "query",
) -> Response:
    """Sign the chosen person in and send them back to the app with a code."""
    problem = _problem(sandbox, tenant, client_id, redirect_uri)
    user = next((u for u in sandbox.tenant.users if u.upn.lower() == upn.strip().lower()), None)
    if problem is not None or user is None:
        return _refusal(problem or "AADSTS50034: the user does not exist.")
    codes = AuthorizationCodes.of(sandbox)
    code = codes.issue(
        AuthorizationCode(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=scope,
            upn=user.upn,
            code_challenge=code_challenge,
            nonce=nonce or None,
            expires_at=time.monotonic() + CODE_LIFETIME_SECONDS,
        )
    )
    info = json.dumps({"uid": user_id_for(user.upn), "utid": sandbox.tenant.tenant_id}).encode()
    answer = urlencode(
        {
            "code": code,
            "state": state,
            "client_info": base64.urlsafe_b64encode(info).decode().rstrip("="),
        }
    )
    separator = "#" if response_mode == "fragment" else ("&" if "?" in redirect_uri else "?")
    return RedirectResponse(f"{redirect_uri}{separator}{answer}", status_code=303)
