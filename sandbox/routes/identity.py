"""Entra ID's side, as far as Accord needs it: token endpoint, device-code sign-in and keys.

Apps get app-only tokens for Graph (client credentials). People get delegated tokens for
Accord's API through the device-code flow (what ``accord login`` uses against Entra ID; the
person approves at ``/devicelogin``) or, for tests and scripts, the resource-owner password
grant. Like the client secret, the password is required but not compared: the sandbox is a
local tool and keeps no passwords.
"""

from __future__ import annotations

import base64
import html
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse

from sandbox.auth import (
    CLIENT_ASSERTION_TYPE,
    DEVICE_CODE_INTERVAL,
    DEVICE_CODE_LIFETIME,
    GRAPH_AUDIENCE,
    TOKEN_LIFETIME,
    AssertionRejected,
    audience_of,
    verify_client_assertion,
)
from sandbox.authorize import AuthorizationCodes, CodeRefused
from sandbox.botconnector.service import BOT_API_AUDIENCE, BotConnectorService, ConnectorError
from sandbox.http import state_of
from sandbox.routes import signin
from sandbox.state import SandboxState
from sandbox.tenant import GRAPH_APP_ROLES, UserSeed, user_id_for

router = APIRouter(tags=["identity"])
# The browser's sign-in page and the token endpoint's CORS preflight (MSAL.js).
router.include_router(signin.router)
State = Annotated[SandboxState, Depends(state_of)]
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _oauth_error(error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=400)


def _known_tenant(state: SandboxState, tenant: str) -> bool:
    return tenant in {state.tenant.tenant_id, state.tenant.domain, "organizations"}


def _known_app(state: SandboxState, client_id: str) -> bool:
    # The bot registered with the sandbox (as with Azure Bot Service) is an app of the tenant:
    # a single-tenant bot asks the tenant's endpoint for its token.
    bot = BotConnectorService.of(state).bot()
    return any(app.client_id == client_id for app in state.tenant.apps) or (
        bot is not None and bot["app_id"] == client_id
    )


def _client_refusal(
    state: SandboxState,
    tenant: str,
    client_id: str,
    client_secret: str | None,
    client_assertion: str | None,
    client_assertion_type: str | None,
) -> JSONResponse | None:
    """Authenticate a confidential client: a secret, or a signed or federated assertion."""
    if client_assertion is None:
        if client_secret:
            return None
        return _oauth_error("invalid_client", "AADSTS7000215: Invalid client secret provided.")
    if client_assertion_type != CLIENT_ASSERTION_TYPE:
        return _oauth_error(
            "invalid_client",
            f"AADSTS700003: client_assertion_type must be {CLIENT_ASSERTION_TYPE}.",
        )
    app = next((app for app in state.tenant.apps if app.client_id == client_id), None)
    if app is None:
        return _oauth_error(
            "invalid_client", f"AADSTS700027: application '{client_id}' has no certificates."
        )
    try:
        verify_client_assertion(
            client_assertion,
            client_id=client_id,
            token_path=f"/{tenant}/oauth2/v2.0/token",
            certificates=app.certificates,
            federated=[
                (record.issuer, record.subject, record.signing_key)
                for record in app.federated_credentials
            ],
        )
    except AssertionRejected as exc:
        return _oauth_error("invalid_client", str(exc))
    return None


def _bot_token(state: SandboxState, client_id: str) -> JSONResponse:
    # A single-tenant bot asks its own tenant's endpoint for the Bot Connector's audience.
    try:
        token = BotConnectorService.of(state).issue_bot_token(client_id, "authenticated")
    except ConnectorError as exc:
        return _oauth_error(exc.code, exc.message)
    return _token_response(token)


def _user(state: SandboxState, upn: str) -> UserSeed | None:
    wanted = upn.strip().lower()
    return next((user for user in state.tenant.users if user.upn.lower() == wanted), None)


def _token_response(access_token: str, scope: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        "ext_expires_in": int(TOKEN_LIFETIME.total_seconds()),
        "access_token": access_token,
    }
    if scope is not None:
        body["scope"] = scope
    return JSONResponse(body)


def _user_token(
    state: SandboxState, user: UserSeed, client_id: str, scope: str, nonce: str | None = None
) -> JSONResponse:
    audience = audience_of(scope)
    if audience is None:
        return _oauth_error("invalid_scope", "AADSTS70011: ask for a scope of an API.")
    access_token = state.tokens.issue_for_user(
        upn=user.upn,
        display_name=user.display_name,
        audience=audience,
        client_id=client_id,
        # App roles belong to Accord's API; Graph tokens carry none of them.
        roles=[] if audience == GRAPH_AUDIENCE else user.app_roles,
    )
    response = _token_response(access_token, scope)
    if "openid" in scope.split():
        response = _with_sign_in(state, response, user, client_id, nonce)
    return response


def _with_sign_in(
    state: SandboxState,
    response: JSONResponse,
    user: UserSeed,
    client_id: str,
    nonce: str | None = None,
) -> JSONResponse:
    # As Entra ID answers a sign-in (openid): an ID token, and client_info, from which MSAL
    # makes the account it finds the cached token under.
    object_id = user_id_for(user.upn)
    body = json.loads(bytes(response.body))
    body["id_token"] = state.tokens.issue(
        subject=object_id,
        audience=client_id,
        claims={
            "oid": object_id,
            "preferred_username": user.upn,
            "name": user.display_name,
            "ver": "2.0",
            # The browser's sign-in checks that the ID token answers its own request.
            **({"nonce": nonce} if nonce else {}),
        },
    )
    info = json.dumps({"uid": object_id, "utid": state.tenant.tenant_id}).encode()
    body["client_info"] = base64.urlsafe_b64encode(info).decode().rstrip("=")
    return JSONResponse(body)


def _granted_roles(state: SandboxState) -> list[str]:
    # The admin may have left some out (a misconfiguration `accord doctor` reports).
    missing = set(state.config.missing_app_roles)
    return [role for role in GRAPH_APP_ROLES if role not in missing]


@router.post("/{tenant}/oauth2/v2.0/token")
async def token(
    tenant: str,
    state: State,
    request: Request,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str, Form()],
    scope: Annotated[str, Form()] = f"{GRAPH_AUDIENCE}/.default",
    client_secret: Annotated[str | None, Form()] = None,
    username: Annotated[str | None, Form()] = None,
    password: Annotated[str | None, Form()] = None,
    device_code: Annotated[str | None, Form()] = None,
    client_assertion: Annotated[str | None, Form()] = None,
    client_assertion_type: Annotated[str | None, Form()] = None,
    code: Annotated[str | None, Form()] = None,
    redirect_uri: Annotated[str | None, Form()] = None,
    code_verifier: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """Issue a token: app-only (client credentials) or for a person (device code, password).

    The sandbox checks that the app is registered in its tenant and that it authenticated:
    a secret is required but not compared, so no secret needs to live in a tenant file; a
    client assertion is verified against the app's registered certificates or federated
    credentials, as Entra ID does. App-only tokens are for Graph, or for the Bot Connector
    (scope ``https://api.botframework.com/.default``: a single-tenant bot).
    """
    if not _known_tenant(state, tenant):
        return _oauth_error("invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
    if not _known_app(state, client_id):
        return _oauth_error(
            "unauthorized_client",
            f"AADSTS700016: Application with identifier '{client_id}' was not found.",
        )
    if grant_type == "password":
        user = _user(state, username or "")
        if user is None or not password:
            return _oauth_error("invalid_grant", "AADSTS50126: Invalid username or password.")
        return _user_token(state, user, client_id, scope)
    if grant_type == DEVICE_CODE_GRANT:
        return _redeem_device_code(state, client_id, device_code or "")
    if grant_type == "authorization_code":
        # From a browser (MSAL.js): the page's own origin may read the answer.
        answer = _redeem_code(state, client_id, code, redirect_uri, code_verifier)
        answer.headers.update(signin.cors_headers(request))
        return answer
    if grant_type != "client_credentials":
        return _oauth_error("unsupported_grant_type", "AADSTS70003: unsupported grant type.")
    refusal = _client_refusal(
        state, tenant, client_id, client_secret, client_assertion, client_assertion_type
    )
    if refusal is not None:
        return refusal
    if not scope.endswith("/.default"):
        return _oauth_error("invalid_scope", "AADSTS1002012: scope must end with /.default.")
    if audience_of(scope) == BOT_API_AUDIENCE:
        return _bot_token(state, client_id)
    access_token = state.tokens.issue(
        subject=client_id,
        audience=GRAPH_AUDIENCE,
        claims={"appid": client_id, "roles": _granted_roles(state)},
    )
    return _token_response(access_token)


def _redeem_code(
    state: SandboxState,
    client_id: str,
    code: str | None,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> JSONResponse:
    if not code or not redirect_uri or not code_verifier:
        return _oauth_error(
            "invalid_request", "AADSTS900144: code, redirect_uri and code_verifier are required."
        )
    try:
        grant = AuthorizationCodes.of(state).redeem(
            code, client_id=client_id, redirect_uri=redirect_uri, code_verifier=code_verifier
        )
    except CodeRefused as exc:
        return _oauth_error("invalid_grant", str(exc))
    user = _user(state, grant.upn)
    if user is None:
        return _oauth_error("invalid_grant", "AADSTS50034: the user does not exist.")
    return _user_token(state, user, client_id, grant.scope, grant.nonce)


def _redeem_device_code(state: SandboxState, client_id: str, device_code: str) -> JSONResponse:
    pending = state.tokens.device_codes.get(device_code)
    if pending is None or pending.client_id != client_id or pending.redeemed:
        return _oauth_error("expired_token", "AADSTS70019: the device code has expired.")
    if pending.approved_upn is None:
        return _oauth_error("authorization_pending", "AADSTS70016: the user has not signed in.")
    user = _user(state, pending.approved_upn)
    if user is None:
        return _oauth_error("invalid_grant", "AADSTS50034: the user does not exist.")
    pending.redeemed = True
    return _user_token(state, user, client_id, pending.scope)


@router.post("/{tenant}/oauth2/v2.0/devicecode")
async def devicecode(
    tenant: str,
    state: State,
    client_id: Annotated[str, Form()],
    scope: Annotated[str, Form()],
) -> JSONResponse:
    """Start a device-code sign-in (RFC 8628), as Entra ID's endpoint does."""
    if not _known_tenant(state, tenant):
        return _oauth_error("invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
    if not _known_app(state, client_id):
        return _oauth_error(
            "unauthorized_client",
            f"AADSTS700016: Application with identifier '{client_id}' was not found.",
        )
    if audience_of(scope) is None:
        return _oauth_error("invalid_scope", "AADSTS70011: ask for a scope of an API.")
    code = state.tokens.device_codes.start(client_id, scope)
    verification_uri = f"{state.public_url}/devicelogin"
    return JSONResponse(
        {
            "device_code": code.device_code,
            "user_code": code.user_code,
            "verification_uri": verification_uri,
            "expires_in": int(DEVICE_CODE_LIFETIME.total_seconds()),
            "interval": DEVICE_CODE_INTERVAL,
            "message": f"To sign in, open {verification_uri} and enter the code "
            f"{code.user_code} to authenticate.",
        }
    )


def _device_login_page(state: SandboxState, note: str = "") -> HTMLResponse:
    people = "".join(
        f'<option value="{html.escape(user.upn)}">{html.escape(user.display_name)} '
        f"({html.escape(user.upn)})</option>"
        for user in state.tenant.users
    )
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Sign in</title></head>"
        "<body><h1>Sign in to the sandbox</h1>"
        f"<p>{html.escape(note)}</p>"
        '<form method=post action="/devicelogin">'
        "<label>Code <input name=user_code required autocomplete=off></label> "
        f"<label>As <select name=upn>{people}</select></label> "
        "<button type=submit>Sign in</button></form></body></html>"
    )


@router.get("/devicelogin", response_class=HTMLResponse)
async def device_login(state: State) -> HTMLResponse:
    """The page where a person enters the code a device shows (no password: a local tool)."""
    return _device_login_page(state)


@router.post("/devicelogin", response_class=HTMLResponse)
async def approve_device_login(
    state: State,
    user_code: Annotated[str, Form(max_length=64)],
    upn: Annotated[str, Form(max_length=320)],
) -> HTMLResponse:
    """Approve a device's sign-in as the chosen person."""
    user = _user(state, upn)
    if user is None or not state.tokens.device_codes.approve(user_code, user.upn):
        return _device_login_page(state, "That code is not valid or has expired.")
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Signed in</title></head>"
        f"<body><p>Signed in as {html.escape(user.display_name)}. You can close this page."
        "</p></body></html>"
    )


@router.get("/{tenant}/discovery/v2.0/keys")
async def keys(tenant: str, state: State) -> dict[str, Any]:
    """Publish the signing keys, as Entra ID's JWKS endpoint does."""
    return state.tokens.jwks()


def _public_base(state: SandboxState, request: Request) -> str:
    # Behind a TLS-terminating proxy (how MSAL, which insists on https, reaches the sandbox:
    # integrations.entra.local_http), endpoints are published under the name the client used.
    proto = request.headers.get("x-forwarded-proto")
    host = request.headers.get("x-forwarded-host")
    return f"{proto}://{host}" if proto and host else state.public_url


@router.get("/{tenant}/v2.0/.well-known/openid-configuration")
async def openid_configuration(tenant: str, state: State, request: Request) -> dict[str, Any]:
    """Publish the issuer and endpoints, as Entra ID's discovery document does."""
    # Under the tenant asked for: the Bot Framework's multi-tenant "botframework.com" too.
    base = f"{_public_base(state, request)}/{tenant}"
    return {
        "issuer": state.tokens.issuer,
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "id_token_signing_alg_values_supported": ["RS256"],
    }
