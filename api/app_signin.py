"""What the web app's sign-in page needs to get a token: MSAL.js's settings and Teams' origins.

The page (``app/signin.html`` with ``/app/static/signin.js``) signs in one of two ways: inside
Teams, Outlook or the Microsoft 365 app (the tab's address carries ``?host=teams`` and the page
is framed) with Teams single sign-on, and in a browser with MSAL.js's redirect flow. Either way
it posts the access token to ``POST /app/session``.

Locally the sandbox plays Entra ID over plain http, which MSAL.js refuses for an authority. So
the page gives MSAL.js the sandbox's address under https as its authority, names it a known
authority (no instance discovery) and hands it the sandbox's endpoints inline (no discovery
document fetched): every request MSAL.js then makes goes to those plain-http endpoints. The
same page with a real tenant fetches nothing of this and uses Entra ID's own documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from api.config import AppSignInConfig


@dataclass(frozen=True)
class SignInPage:
    """The sign-in page's settings, as its ``data-`` attributes carry them."""

    client_id: str
    authority: str
    known_authority: str
    scope: str
    redirect_uri: str
    authority_metadata: str
    teams_origins: str
    connect: tuple[str, ...]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def signin_page(config: AppSignInConfig, public_url: str) -> SignInPage:
    """Return the sign-in page's settings for this deployment.

    Args:
        config: the deployment's sign-in configuration.
        public_url: where people reach Accord (the redirect URI is under it).

    Returns:
        The settings, and the origins the page's scripts call (for its CSP).
    """
    authority = config.authority.rstrip("/")
    parts = urlsplit(authority)
    metadata = ""
    teams_origins: list[str] = []
    if config.local:
        # Endpoints inline, so MSAL.js never asks the https alias for anything.
        metadata = json.dumps(
            {
                "issuer": f"{authority}/v2.0",
                "authorization_endpoint": f"{authority}/oauth2/v2.0/authorize",
                "token_endpoint": f"{authority}/oauth2/v2.0/token",
                "jwks_uri": f"{authority}/discovery/v2.0/keys",
                "end_session_endpoint": f"{authority}/oauth2/v2.0/logout",
                "response_modes_supported": ["query", "fragment", "form_post"],
            }
        )
        # The sandbox's Teams view frames the tab from the sandbox's own origin.
        teams_origins.append(_origin(authority))
        authority = urlunsplit(parts._replace(scheme="https"))
    return SignInPage(
        client_id=config.client_id or "",
        authority=authority,
        known_authority=parts.netloc,
        scope=config.scope,
        redirect_uri=f"{public_url.rstrip('/')}/app/signin",
        authority_metadata=metadata,
        teams_origins=json.dumps(teams_origins),
        connect=(_origin(config.authority),),
    )
