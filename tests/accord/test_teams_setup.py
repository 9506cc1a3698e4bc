"""Teams' configuration: off without an app id; the sandbox's or Bot Framework's trust."""

from __future__ import annotations

from accord.settings import AccordSettings
from accord.wiring.teams import teams_parts
from domain.preferences import Channel
from integrations.teams.auth import PRODUCTION_ISSUER, PRODUCTION_OPENID_METADATA
from integrations.teams.connector import PRODUCTION_TOKEN_URL

BOT = "0b07acc0-0000-4000-8000-00000000b07a"


def test_teams_is_off_without_an_app_id() -> None:
    assert teams_parts(AccordSettings()) is None


def test_against_the_sandbox_the_bot_trusts_the_sandboxs_bot_connector() -> None:
    parts = teams_parts(AccordSettings(teams_app_id=BOT, sandbox_port=5999))
    assert parts is not None
    assert parts.auth.app_id == BOT
    assert parts.auth.issuers == ("http://127.0.0.1:5999/botframework",)
    assert parts.auth.openid_metadata_url.startswith("http://127.0.0.1:5999/botframework/")
    assert parts.credentials.token_url.startswith("http://127.0.0.1:5999/botframework.com/")
    assert parts.default_channel is Channel.EMAIL


def test_against_a_real_tenant_the_bot_trusts_bot_framework() -> None:
    parts = teams_parts(
        AccordSettings(
            teams_app_id=BOT,
            teams_app_secret="s3cret",
            teams_default_channel="both",
            graph_base_url="https://graph.microsoft.com/v1.0",
        )
    )
    assert parts is not None
    assert parts.auth.issuers == (PRODUCTION_ISSUER,)
    assert parts.auth.openid_metadata_url == PRODUCTION_OPENID_METADATA
    assert parts.credentials.token_url == PRODUCTION_TOKEN_URL
    assert parts.credentials.secret.get_secret_value() == "s3cret"
    assert parts.default_channel is Channel.BOTH
