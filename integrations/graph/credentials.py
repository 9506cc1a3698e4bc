"""Credentials for Graph: Entra ID's in a real tenant, the sandbox's token endpoint locally.

Both are async ``get_token(*scopes)`` credentials handed to the same
``AzureIdentityAuthenticationProvider``, so the request path is the same everywhere.
``azure.identity.aio.ClientSecretCredential`` refuses a plain-HTTP authority, which is why the
sandbox needs this small client-credentials credential of its own.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

import httpx
from azure.core.credentials import AccessToken

_REFRESH_MARGIN_SECONDS = 300


class SandboxClientCredential:
    """OAuth 2.0 client credentials against the sandbox's token endpoint, with caching."""

    def __init__(
        self, sandbox_url: str, tenant_id: str, client_id: str, client_secret: str
    ) -> None:
        self._token_url = f"{sandbox_url.rstrip('/')}/{tenant_id}/oauth2/v2.0/token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._cached: AccessToken | None = None
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(10.0))

    async def get_token(self, *scopes: str, **_kwargs: Any) -> AccessToken:
        """Return a bearer token for the scopes, fetching a new one shortly before expiry."""
        if self._cached and self._cached.expires_on - _REFRESH_MARGIN_SECONDS > time.time():
            return self._cached
        response = await self._http.post(
            self._token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "scope": " ".join(scopes) or "https://graph.microsoft.com/.default",
            },
        )
        payload = response.json()
        if response.status_code != 200:
            raise PermissionError(
                f"the sandbox refused a token: {payload.get('error_description', payload)}"
            )
        self._cached = AccessToken(
            str(payload["access_token"]), int(time.time()) + int(payload["expires_in"])
        )
        return self._cached

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def __aenter__(self) -> SandboxClientCredential:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
