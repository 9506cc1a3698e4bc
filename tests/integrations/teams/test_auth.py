"""The bot's token validation, on keys served from memory (the sandbox tests cover HTTP)."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from integrations.teams.auth import BotAuthConfig, BotTokenValidator, InvalidBotToken

APP_ID = "bot-app"
ISSUER = "https://api.botframework.test"
SERVICE_URL = "https://smba.example/teams/"
METADATA = "https://login.example/v1/.well-known/openidconfiguration"


class KeyServer:
    """OpenID metadata and a JWKS, counting how often the keys are fetched."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {"k1": _key()}
        self.endorsements: list[str] | None = ["msteams"]
        self.fetches = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url == METADATA:
            return httpx.Response(200, json={"jwks_uri": "https://login.example/keys"})
        self.fetches += 1
        entries: list[dict[str, Any]] = []
        for kid, key in self.keys.items():
            entry = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            entry["kid"] = kid
            if self.endorsements is not None:
                entry["endorsements"] = self.endorsements
            entries.append(entry)
        return httpx.Response(200, json={"keys": entries})


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(key: rsa.RSAPrivateKey, kid: str, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceUrl": SERVICE_URL, "exp": now + 600, **changes}
    return "Bearer " + jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def keys() -> KeyServer:
    return KeyServer()


@pytest.fixture
async def validator(keys: KeyServer) -> Any:
    clock = {"now": 1_000_000.0}
    async with httpx.AsyncClient(transport=httpx.MockTransport(keys.handle)) as http:
        checker = BotTokenValidator(
            BotAuthConfig(app_id=APP_ID, openid_metadata_url=METADATA, issuers=(ISSUER,)),
            http,
            clock=lambda: clock["now"],
        )
        checker.test_clock = clock  # type: ignore[attr-defined]
        yield checker


async def test_a_valid_token_passes_and_keys_are_cached(
    validator: BotTokenValidator, keys: KeyServer
) -> None:
    for _ in range(3):
        claims = await validator.validate(
            _token(keys.keys["k1"], "k1"), service_url=SERVICE_URL, channel_id="msteams"
        )
        assert claims["aud"] == APP_ID
    assert keys.fetches == 1


async def test_a_new_key_is_fetched_but_unknown_key_ids_cannot_hammer_the_endpoint(
    validator: BotTokenValidator, keys: KeyServer
) -> None:
    await validator.validate(
        _token(keys.keys["k1"], "k1"), service_url=SERVICE_URL, channel_id="msteams"
    )
    with pytest.raises(InvalidBotToken, match="unknown signing key"):
        await validator.validate(
            _token(_key(), "k9"), service_url=SERVICE_URL, channel_id="msteams"
        )
    with pytest.raises(InvalidBotToken):
        await validator.validate(
            _token(_key(), "k8"), service_url=SERVICE_URL, channel_id="msteams"
        )
    assert keys.fetches == 1, "refreshed at most once a minute"
    keys.keys["k2"] = _key()
    validator.test_clock["now"] += 120  # type: ignore[attr-defined]
    await validator.validate(
        _token(keys.keys["k2"], "k2"), service_url=SERVICE_URL, channel_id="msteams"
    )
    assert keys.fetches == 2


async def test_a_key_not_endorsed_for_the_channel_is_refused(
    validator: BotTokenValidator, keys: KeyServer
) -> None:
    keys.endorsements = ["webchat"]
    with pytest.raises(InvalidBotToken, match="endorsed"):
        await validator.validate(
            _token(keys.keys["k1"], "k1"), service_url=SERVICE_URL, channel_id="msteams"
        )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "other-bot"}, "audience"),
        ({"iss": "https://issuer.invalid"}, "issuer"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"serviceUrl": "https://elsewhere.example/"}, "serviceUrl"),
    ],
)
async def test_wrong_claims_are_refused(
    validator: BotTokenValidator, keys: KeyServer, changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidBotToken, match=reason):
        await validator.validate(
            _token(keys.keys["k1"], "k1", **changes), service_url=SERVICE_URL, channel_id="msteams"
        )


async def test_a_service_url_differing_only_by_case_or_trailing_slash_matches(
    validator: BotTokenValidator, keys: KeyServer
) -> None:
    await validator.validate(
        _token(keys.keys["k1"], "k1"),
        service_url=SERVICE_URL.upper().rstrip("/"),
        channel_id="msteams",
    )


async def test_keys_that_cannot_be_fetched_refuse_the_token(keys: KeyServer) -> None:
    def broken(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    async with httpx.AsyncClient(transport=httpx.MockTransport(broken)) as http:
        validator = BotTokenValidator(
            BotAuthConfig(app_id=APP_ID, openid_metadata_url=METADATA, issuers=(ISSUER,)), http
        )
        with pytest.raises(InvalidBotToken, match="unavailable"):
            await validator.validate(
                _token(keys.keys["k1"], "k1"), service_url=SERVICE_URL, channel_id="msteams"
            )
