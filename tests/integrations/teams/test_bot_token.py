"""The bot's token through MSAL: single-tenant from the bot's tenant, with a secret or a
certificate, against the sandbox's token endpoint (which verifies the client assertion)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from integrations.teams.connector import (
    PRODUCTION_TOKEN_URL,
    BotCredentials,
    BotTokenProvider,
    TeamsUnavailableError,
    single_tenant_token_url,
)
from sandbox.botconnector.service import BotConnectorService
from sandbox.server import SandboxServer, free_port
from sandbox.tenant import DEMO_CLIENT_ID, AppSeed
from tests.support.certificates import SelfSigned, self_signed
from tests.support.sandbox import round_the_clock_tenant


@pytest.fixture
def registered() -> SelfSigned:
    return self_signed("accord-bot")


@pytest.fixture
def bot_sandbox(tmp_path: Path, registered: SelfSigned) -> Iterator[SandboxServer]:
    # One registration for Graph and the bot: the bot's app id is the tenant app's.
    app = AppSeed(client_id=DEMO_CLIENT_ID, certificates=[registered.certificate_pem])
    tenant = round_the_clock_tenant().model_copy(update={"apps": [app]})
    server = SandboxServer(tmp_path / "sandbox", tenant=tenant).start()
    httpx.put(
        f"{server.url}/_sandbox/teams/bot",
        json={"app_id": DEMO_CLIENT_ID, "endpoint": "http://127.0.0.1:9/api/messages"},
    ).raise_for_status()
    yield server
    server.stop()


def _token_url(sandbox: SandboxServer) -> str:
    assert sandbox.state is not None
    return single_tenant_token_url(sandbox.state.tenant.tenant_id, sandbox.url)


def _accepted_by_the_bot_connector(sandbox: SandboxServer, token: str) -> None:
    assert sandbox.state is not None
    BotConnectorService.of(sandbox.state).check_bot_token(f"Bearer {token}")


def test_a_single_tenant_bot_asks_its_own_tenant() -> None:
    url = single_tenant_token_url("5b1f0c2a-0000-4000-8000-00000000feed")
    assert url == (
        "https://login.microsoftonline.com/5b1f0c2a-0000-4000-8000-00000000feed/oauth2/v2.0/token"
    )
    assert url != PRODUCTION_TOKEN_URL


async def test_a_certificate_gets_the_bot_a_token_the_bot_connector_accepts(
    bot_sandbox: SandboxServer, registered: SelfSigned, tmp_path: Path
) -> None:
    credentials = BotCredentials(
        app_id=DEMO_CLIENT_ID,
        kind="certificate",
        certificate_path=registered.write(tmp_path / "bot.pem"),
        token_url=_token_url(bot_sandbox),
    )
    provider = BotTokenProvider(credentials)
    token = await provider.token()
    _accepted_by_the_bot_connector(bot_sandbox, token)
    # MSAL keeps it: the second ask is answered from its cache.
    assert await provider.token() == token


async def test_a_secret_gets_the_bot_a_token(bot_sandbox: SandboxServer) -> None:
    credentials = BotCredentials(
        app_id=DEMO_CLIENT_ID, secret=SecretStr("any"), token_url=_token_url(bot_sandbox)
    )
    _accepted_by_the_bot_connector(bot_sandbox, await BotTokenProvider(credentials).token())


async def test_an_unregistered_certificate_gets_no_token(
    bot_sandbox: SandboxServer, tmp_path: Path
) -> None:
    credentials = BotCredentials(
        app_id=DEMO_CLIENT_ID,
        kind="certificate",
        certificate_path=self_signed("other").write(tmp_path / "other.pem"),
        token_url=_token_url(bot_sandbox),
    )
    with pytest.raises(TeamsUnavailableError, match="invalid_client"):
        await BotTokenProvider(credentials).token()


async def test_no_token_endpoint_is_unavailable_not_a_crash() -> None:
    credentials = BotCredentials(
        app_id=DEMO_CLIENT_ID,
        secret=SecretStr("any"),
        token_url=single_tenant_token_url("t", f"http://127.0.0.1:{free_port()}"),
    )
    with pytest.raises(TeamsUnavailableError):
        await BotTokenProvider(credentials).token()
