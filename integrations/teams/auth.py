"""Validating the token on every activity the Bot Connector sends to Accord's bot.

The same code path serves production and the sandbox; only configuration differs: where the
OpenID metadata lives (``https://login.botframework.com/v1/.well-known/openidconfiguration``
in production), which issuers are trusted (``https://api.botframework.com``) and the bot's app
id (the audience). There is no switch that turns validation off.

Checks, as the Bot Framework's authentication spec asks: a ``Bearer`` RS256 token signed by a
key published at the metadata's ``jwks_uri`` (refreshed when an unknown key id appears, at
most once a minute, so forged key ids cannot make Accord hammer the key endpoint), a trusted
issuer, the bot's app id as audience, not expired (five minutes of clock skew, as the spec
allows), the key endorsed for the activity's channel when the key lists endorsements, and the
token's ``serviceUrl`` claim equal to the activity's ``serviceUrl`` (so a replayed token
cannot redirect Accord's replies, and its own bot token, elsewhere).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import jwt
from jwt.algorithms import RSAAlgorithm
from pydantic import BaseModel, ConfigDict, Field

PRODUCTION_OPENID_METADATA = "https://login.botframework.com/v1/.well-known/openidconfiguration"
PRODUCTION_ISSUER = "https://api.botframework.com"
CLOCK_SKEW_SECONDS = 300
KEY_CACHE_SECONDS = 24 * 3600
_MIN_REFRESH_SECONDS = 60


class BotAuthConfig(BaseModel):
    """What the bot trusts."""

    model_config = ConfigDict(frozen=True)

    app_id: str = Field(min_length=1, description="The bot's Microsoft App ID: the audience.")
    openid_metadata_url: str = PRODUCTION_OPENID_METADATA
    issuers: tuple[str, ...] = (PRODUCTION_ISSUER,)


class InvalidBotToken(Exception):  # noqa: N818 - names what the caller sees: an invalid token
    """The activity's token is missing or not valid; ``reason`` is for logs (no token data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Key(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    public_key: Any
    endorsements: tuple[str, ...] | None


def _same_url(first: str, second: str) -> bool:
    return first.rstrip("/").lower() == second.rstrip("/").lower()


class BotTokenValidator:
    """Validates incoming activities' tokens against the configured OpenID metadata.

    Args:
        config: the app id, metadata URL and trusted issuers.
        http: the client that fetches the metadata and keys.
        clock: seconds since the epoch (for the key cache and expiry).
    """

    def __init__(
        self,
        config: BotAuthConfig,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._http = http
        self._clock = clock
        self._keys: dict[str, _Key] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    @property
    def app_id(self) -> str:
        """The bot's app id."""
        return self._config.app_id

    async def validate(
        self, authorization: str | None, *, service_url: str | None, channel_id: str | None
    ) -> dict[str, Any]:
        """Validate one activity's ``Authorization`` header.

        Args:
            authorization: the header's value.
            service_url: the activity's ``serviceUrl``.
            channel_id: the activity's ``channelId`` (checked against key endorsements).

        Returns:
            The token's claims.

        Raises:
            InvalidBotToken: when anything about the token is wrong.
        """
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidBotToken("no bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidBotToken("malformed token") from None
        if header.get("alg") != "RS256":
            raise InvalidBotToken("unexpected algorithm")
        key = await self._key(str(header.get("kid") or ""))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public_key,
                algorithms=["RS256"],
                audience=self._config.app_id,
                issuer=list(self._config.issuers),
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidBotToken("expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidBotToken("wrong audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidBotToken("untrusted issuer") from None
        except jwt.PyJWTError:
            raise InvalidBotToken("bad signature or claims") from None
        if key.endorsements is not None and (channel_id or "") not in key.endorsements:
            raise InvalidBotToken("key not endorsed for the channel")
        claimed_url = claims.get("serviceUrl") or claims.get("serviceurl")
        if not isinstance(claimed_url, str) or service_url is None:
            raise InvalidBotToken("no serviceUrl claim")
        if not _same_url(claimed_url, service_url):
            raise InvalidBotToken("serviceUrl does not match the token")
        return claims

    async def _key(self, kid: str) -> _Key:
        if not kid:
            raise InvalidBotToken("no key id")
        async with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at > KEY_CACHE_SECONDS
            unknown = kid not in self._keys
            may_refresh = self._fetched_at is None or now - self._fetched_at > _MIN_REFRESH_SECONDS
            if stale or (unknown and may_refresh):
                await self._refresh()
        found = self._keys.get(kid)
        if found is None:
            raise InvalidBotToken("unknown signing key")
        return found

    async def _refresh(self) -> None:
        try:
            metadata = (await self._http.get(self._config.openid_metadata_url)).raise_for_status()
            jwks_uri = metadata.json()["jwks_uri"]
            document = (await self._http.get(jwks_uri)).raise_for_status().json()
        except (httpx.HTTPError, KeyError, ValueError, TypeError):
            # Keys already known keep working; a token needing new ones is refused this time.
            raise InvalidBotToken("signing keys unavailable") from None
        self._keys = dict(_parse_keys(document.get("keys", [])))
        self._fetched_at = self._clock()


def _parse_keys(entries: Sequence[Any]) -> list[tuple[str, _Key]]:
    keys: list[tuple[str, _Key]] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not entry.get("kid"):
            continue
        endorsements = entry.get("endorsements")
        keys.append(
            (
                str(entry["kid"]),
                _Key(
                    public_key=RSAAlgorithm.from_jwk(json.dumps(entry)),
                    endorsements=tuple(endorsements) if isinstance(endorsements, list) else None,
                ),
            )
        )
    return keys
