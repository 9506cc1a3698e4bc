"""Where the keys that sign access tokens come from.

Entra ID publishes an OpenID Connect discovery document per tenant; it names the issuer and
the ``jwks_uri`` whose keys sign the tenant's tokens. Keys rotate, so an unknown key id makes
the key set fetch the keys again (at most once per ``refresh_interval``, so a flood of tokens
with made-up key ids cannot turn into a flood of requests to the identity provider).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import structlog
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

log = structlog.get_logger("accord.entra")

METADATA_PATH = "/v2.0/.well-known/openid-configuration"


class KeysUnavailableError(Exception):
    """The identity provider's metadata or keys could not be fetched."""


class SigningKeys(Protocol):
    """The issuer tokens must name, and the keys that may sign them."""

    async def issuer(self) -> str:
        """Return the issuer (``iss``) tokens must carry.

        Raises:
            KeysUnavailableError: when the identity provider cannot be asked.
        """
        ...

    async def key(self, key_id: str) -> PyJWK | None:
        """Return the key with this id, or ``None`` when the provider publishes no such key.

        Raises:
            KeysUnavailableError: when the identity provider cannot be asked.
        """
        ...


def metadata_url(authority: str) -> str:
    """Return the OpenID discovery document's URL for an authority.

    Args:
        authority: e.g. ``https://login.microsoftonline.com/<tenant id>``.

    Returns:
        The ``.../v2.0/.well-known/openid-configuration`` URL.
    """
    return authority.rstrip("/") + METADATA_PATH


def _keys_by_id(jwks: dict[str, Any]) -> dict[str, PyJWK]:
    keys: dict[str, PyJWK] = {}
    try:
        key_set = PyJWKSet.from_dict(jwks)
    except (PyJWKSetError, PyJWKError) as exc:
        raise KeysUnavailableError("the published key set is not usable") from exc
    for key in key_set.keys:
        if key.key_id:
            keys[key.key_id] = key
    return keys


class StaticSigningKeys:
    """Keys given up front (a JWKS document), for offline use and tests."""

    def __init__(self, issuer: str, jwks: dict[str, Any]) -> None:
        self._issuer = issuer
        self._keys = _keys_by_id(jwks)

    async def issuer(self) -> str:
        """Return the issuer."""
        return self._issuer

    async def key(self, key_id: str) -> PyJWK | None:
        """Return the key with this id, if given."""
        return self._keys.get(key_id)


class OpenIdSigningKeys:
    """Keys from an OpenID Connect discovery document, cached and refreshed on an unknown id."""

    def __init__(
        self,
        metadata_url: str,
        *,
        max_age: float = 24 * 3600,
        refresh_interval: float = 60.0,
        timeout: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._metadata_url = metadata_url
        self._max_age = max_age
        self._refresh_interval = refresh_interval
        self._timeout = timeout
        self._monotonic = monotonic
        self._transport = transport
        self._issuer: str | None = None
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def issuer(self) -> str:
        """Return the issuer the discovery document names."""
        if self._issuer is None or self._stale():
            await self._refresh(force=False)
        assert self._issuer is not None  # noqa: S101 - _refresh sets it or raises
        return self._issuer

    async def key(self, key_id: str) -> PyJWK | None:
        """Return the key with this id, fetching the keys again when it is unknown."""
        if self._stale():
            await self._refresh(force=False)
        if key_id not in self._keys:
            await self._refresh(force=True)
        return self._keys.get(key_id)

    def _stale(self) -> bool:
        return self._fetched_at is None or self._monotonic() - self._fetched_at > self._max_age

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            now = self._monotonic()
            if self._fetched_at is not None:
                age = now - self._fetched_at
                # Another request refreshed while this one waited, or one did so too recently.
                if age < self._refresh_interval or (not force and age <= self._max_age):
                    return
            try:
                # Fetched rarely (start, rotation, once a day), so a client per fetch is fine.
                async with httpx.AsyncClient(
                    timeout=self._timeout, transport=self._transport
                ) as http:
                    metadata = await self._get_json(http, self._metadata_url)
                    issuer, jwks_uri = metadata.get("issuer"), metadata.get("jwks_uri")
                    if not isinstance(issuer, str) or not isinstance(jwks_uri, str):
                        raise KeysUnavailableError("the discovery document lacks issuer/jwks_uri")
                    keys = _keys_by_id(await self._get_json(http, jwks_uri))
            except KeysUnavailableError:
                log.warning("signing_keys_unavailable", metadata_url=self._metadata_url)
                raise
            self._issuer, self._keys, self._fetched_at = issuer, keys, now
            log.info("signing_keys_fetched", key_count=len(keys))

    @staticmethod
    async def _get_json(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
        try:
            response = await http.get(url)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise KeysUnavailableError(f"cannot fetch {url}") from exc
        if not isinstance(body, dict):
            raise KeysUnavailableError(f"{url} did not answer with a JSON object")
        return body
