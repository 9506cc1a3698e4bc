"""Entra ID's side, as far as Accord needs it: the client-credentials token endpoint and keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import JSONResponse

from sandbox.auth import GRAPH_AUDIENCE, TOKEN_LIFETIME
from sandbox.http import state_of
from sandbox.state import SandboxState
from sandbox.tenant import GRAPH_APP_ROLES

router = APIRouter(tags=["identity"])
State = Annotated[SandboxState, Depends(state_of)]


def _oauth_error(error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=400)


@router.post("/{tenant}/oauth2/v2.0/token")
async def token(
    tenant: str,
    state: State,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str, Form()],
    scope: Annotated[str, Form()] = f"{GRAPH_AUDIENCE}/.default",
    client_secret: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """Issue an app-only token for Graph (OAuth 2.0 client credentials).

    The sandbox checks that the app is registered in its tenant and that a secret was sent;
    it does not compare secrets, so no secret needs to live in a tenant file.
    """
    if tenant not in {state.tenant.tenant_id, state.tenant.domain, "organizations"}:
        return _oauth_error("invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
    if grant_type != "client_credentials":
        return _oauth_error("unsupported_grant_type", "AADSTS70003: only client_credentials.")
    if not any(app.client_id == client_id for app in state.tenant.apps):
        return _oauth_error(
            "unauthorized_client",
            f"AADSTS700016: Application with identifier '{client_id}' was not found.",
        )
    if not client_secret:
        return _oauth_error("invalid_client", "AADSTS7000215: Invalid client secret provided.")
    if not scope.endswith("/.default"):
        return _oauth_error("invalid_scope", "AADSTS1002012: scope must end with /.default.")
    access_token = state.tokens.issue(
        subject=client_id,
        audience=GRAPH_AUDIENCE,
        claims={"appid": client_id, "roles": list(GRAPH_APP_ROLES)},
    )
    return JSONResponse(
        {
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "ext_expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "access_token": access_token,
        }
    )


@router.get("/{tenant}/discovery/v2.0/keys")
async def keys(tenant: str, state: State) -> dict[str, Any]:
    """Publish the signing keys, as Entra ID's JWKS endpoint does."""
    return state.tokens.jwks()


@router.get("/{tenant}/v2.0/.well-known/openid-configuration")
async def openid_configuration(tenant: str, state: State) -> dict[str, Any]:
    """Publish the issuer and key location, as Entra ID's discovery document does."""
    return {
        "issuer": state.tokens.issuer,
        "jwks_uri": f"{state.public_url}/{state.tenant.tenant_id}/discovery/v2.0/keys",
        "token_endpoint": f"{state.public_url}/{state.tenant.tenant_id}/oauth2/v2.0/token",
        "id_token_signing_alg_values_supported": ["RS256"],
    }
