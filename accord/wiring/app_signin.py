"""The web app's sign-in from the settings: authority, browser client and scope (docs/app.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

from accord.settings import AccordSettings
from accord.wiring.auth import authority_of
from accord.wiring.connections import sandbox_ids
from api.config import AppSignInConfig

SCOPE_NAME = "access_as_user"


def app_signin_config(settings: AccordSettings) -> AppSignInConfig:
    """Return how the sign-in page gets a token for Accord's API.

    With a real tenant, MSAL.js signs in as Accord's API registration
    (``ACCORD_ADDIN_CLIENT_ID``, the same one Office and Teams single sign-on ask tokens for)
    and asks for ``<Application ID URI>/access_as_user``; without that id only Teams single
    sign-on is offered. Locally it signs in at the sandbox as the sandbox tenant's app, for
    the sandbox's API audience.

    Args:
        settings: Accord's settings.

    Returns:
        The sign-in page's configuration.
    """
    authority, _tenant_id = authority_of(settings)
    if urlsplit(authority).scheme == "http":
        client_id = settings.auth_cli_client_id or sandbox_ids(settings)[1]
        return AppSignInConfig(
            authority=authority,
            client_id=client_id,
            scope=f"{settings.auth_audience}/{SCOPE_NAME}",
        )
    api_app = settings.addin_client_id
    if api_app is None:
        return AppSignInConfig(authority=authority)
    host = urlsplit(settings.public_url).hostname or "localhost"
    resource = settings.addin_resource or f"api://{host}/{api_app}"
    return AppSignInConfig(authority=authority, client_id=api_app, scope=f"{resource}/{SCOPE_NAME}")
