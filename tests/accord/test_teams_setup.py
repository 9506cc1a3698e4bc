"""Teams' configuration: off without an app id; the sandbox's or Bot Framework's trust."""

from __future__ import annotations

from pathlib import Path

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
    # Single-tenant: the sandbox tenant's own token endpoint, not botframework.com's.
    assert parts.credentials.token_url == (
        "http://127.0.0.1:5999/00000000-0000-4000-8000-00000000acc0/oauth2/v2.0/token"
    )
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
    assert parts.credentials.secret is not None
    assert parts.credentials.secret.get_secret_value() == "s3cret"
    assert parts.default_channel is Channel.BOTH


def test_against_a_real_tenant_the_bot_is_single_tenant_and_shares_graphs_credential(
    tmp_path: Path,
) -> None:
    certificate = tmp_path / "app.pem"
    parts = teams_parts(
        AccordSettings(
            teams_app_id=BOT,
            graph_base_url="https://graph.microsoft.com/v1.0",
            graph_tenant_id="5b1f0c2a-0000-4000-8000-00000000feed",
            graph_credential="certificate",
            graph_client_certificate_path=certificate,
        )
    )
    assert parts is not None
    assert parts.credentials.token_url == (
        "https://login.microsoftonline.com/5b1f0c2a-0000-4000-8000-00000000feed/oauth2/v2.0/token"
    )
    assert parts.credentials.kind == "certificate"
    assert parts.credentials.certificate_path == certificate
