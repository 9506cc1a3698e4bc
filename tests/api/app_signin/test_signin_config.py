"""What the sign-in page is told: MSAL.js's settings for a real tenant and for the sandbox."""

from __future__ import annotations

import json

from accord.settings import AccordSettings
from accord.wiring.app_signin import app_signin_config
from api.app_signin import signin_page
from api.config import AppSignInConfig
from sandbox.tenant import DEMO_CLIENT_ID, TenantSeed

API_APP = "6a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
TENANT = "72f988bf-0000-4000-8000-000000000001"
DEMO_TENANT_ID = TenantSeed.model_fields["tenant_id"].default


def test_a_real_tenant_signs_in_as_the_api_registration_for_its_scope() -> None:
    settings = AccordSettings(
        public_url="https://accord.contoso.com",
        graph_base_url="https://graph.microsoft.com/v1.0",
        graph_tenant_id=TENANT,
        addin_client_id=API_APP,
    )
    config = app_signin_config(settings)
    page = signin_page(config, settings.public_url)

    assert config == AppSignInConfig(
        authority=f"https://login.microsoftonline.com/{TENANT}",
        client_id=API_APP,
        scope=f"api://accord.contoso.com/{API_APP}/access_as_user",
    )
    assert not config.local
    # MSAL.js fetches Entra ID's own documents: nothing inline, no extra Teams origin.
    assert page.authority_metadata == ""
    assert json.loads(page.teams_origins) == []
    assert page.authority == f"https://login.microsoftonline.com/{TENANT}"
    assert page.redirect_uri == "https://accord.contoso.com/app/signin"
    assert page.connect == ("https://login.microsoftonline.com",)


def test_without_an_api_registration_only_teams_sso_is_offered() -> None:
    settings = AccordSettings(
        public_url="https://accord.contoso.com",
        graph_base_url="https://graph.microsoft.com/v1.0",
        graph_tenant_id=TENANT,
    )
    assert signin_page(app_signin_config(settings), settings.public_url).client_id == ""


def test_locally_msal_gets_the_sandboxs_endpoints_inline_under_an_https_authority() -> None:
    settings = AccordSettings(public_url="http://127.0.0.1:8000", sandbox_port=5001)
    config = app_signin_config(settings)
    page = signin_page(config, settings.public_url)

    sandbox = f"http://127.0.0.1:5001/{DEMO_TENANT_ID}"
    assert config == AppSignInConfig(
        authority=sandbox, client_id=DEMO_CLIENT_ID, scope="api://accord/access_as_user"
    )
    assert config.local
    # MSAL.js accepts only an https authority; every endpoint it calls is the plain-http one.
    assert page.authority == f"https://127.0.0.1:5001/{DEMO_TENANT_ID}"
    assert page.known_authority == "127.0.0.1:5001"
    metadata = json.loads(page.authority_metadata)
    assert metadata["authorization_endpoint"] == f"{sandbox}/oauth2/v2.0/authorize"
    assert metadata["token_endpoint"] == f"{sandbox}/oauth2/v2.0/token"
    assert json.loads(page.teams_origins) == ["http://127.0.0.1:5001"]
    assert page.connect == ("http://127.0.0.1:5001",)
