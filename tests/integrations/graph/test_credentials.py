"""Graph's credentials: each kind chosen by settings, and the certificate and workload identity
paths against the sandbox's token endpoint, which verifies client assertions as Entra ID does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity.aio import (
    CertificateCredential,
    ClientSecretCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)
from pydantic import SecretStr

from accord.settings import AccordSettings
from accord.wiring.connections import GraphSetupError, app_credential
from integrations.entra.local_http import https_alias, local_http_transport
from integrations.graph.client import GRAPH_SCOPE
from integrations.graph.credentials import (
    CredentialConfigError,
    EntraCredentialConfig,
    entra_credential,
)
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID, AppSeed, FederatedCredentialSeed
from tests.support.certificates import (
    SelfSigned,
    public_key_pem,
    self_signed,
    service_account_token,
)
from tests.support.sandbox import round_the_clock_tenant

TENANT = "00000000-0000-4000-8000-00000000acc0"
ISSUER = "https://oidc.aks.example/issuer-1/"
SUBJECT = "system:serviceaccount:accord:accord-worker"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("secret", ClientSecretCredential),
        ("certificate", CertificateCredential),
        ("workload_identity", WorkloadIdentityCredential),
        ("managed_identity", ManagedIdentityCredential),
    ],
)
async def test_the_settings_choose_azure_identitys_credential(
    kind: str, expected: type, tmp_path: Path
) -> None:
    settings = AccordSettings(
        graph_base_url="https://graph.microsoft.com/v1.0",
        graph_credential=kind,
        graph_tenant_id=TENANT,
        graph_client_id=DEMO_CLIENT_ID,
        graph_client_secret=SecretStr("a-secret"),
        graph_client_certificate_path=self_signed().write(tmp_path / "app.pem"),
        graph_federated_token_file=tmp_path / "token",
    )
    credential = app_credential(settings)
    try:
        assert isinstance(credential, expected)
    finally:
        await credential.close()


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        ("secret", "ACCORD_GRAPH_CLIENT_SECRET"),
        ("certificate", "ACCORD_GRAPH_CLIENT_CERTIFICATE_PATH"),
        ("workload_identity", "ACCORD_GRAPH_CLIENT_ID"),
    ],
)
def test_a_credential_missing_a_part_names_the_variable(kind: str, missing: str) -> None:
    settings = AccordSettings(
        graph_base_url="https://graph.microsoft.com/v1.0",
        graph_credential=kind,
        graph_tenant_id=TENANT,
        graph_client_id=None if kind == "workload_identity" else DEMO_CLIENT_ID,
    )
    with pytest.raises(GraphSetupError, match=missing):
        app_credential(settings)


def test_managed_identity_needs_nothing_but_may_name_a_user_assigned_identity() -> None:
    config = EntraCredentialConfig(kind="managed_identity")
    assert isinstance(entra_credential(config), ManagedIdentityCredential)
    with pytest.raises(CredentialConfigError, match="client_secret"):
        entra_credential(EntraCredentialConfig(kind="secret", tenant_id=TENANT, client_id="x"))


# --- against the sandbox's token endpoint --------------------------------------------------


@pytest.fixture
def registered() -> SelfSigned:
    return self_signed("accord-graph")


@pytest.fixture
def issuer_key() -> SelfSigned:
    return self_signed("aks-oidc-issuer")


@pytest.fixture
def credential_sandbox(
    tmp_path: Path, registered: SelfSigned, issuer_key: SelfSigned
) -> Iterator[SandboxServer]:
    tenant = round_the_clock_tenant()
    app = AppSeed(
        client_id=DEMO_CLIENT_ID,
        certificates=[registered.certificate_pem],
        federated_credentials=[
            FederatedCredentialSeed(
                issuer=ISSUER, subject=SUBJECT, signing_key=public_key_pem(issuer_key)
            )
        ],
    )
    server = SandboxServer(
        tmp_path / "sandbox", tenant=tenant.model_copy(update={"apps": [app]})
    ).start()
    yield server
    server.stop()


def _settings(sandbox: SandboxServer, **values: object) -> AccordSettings:
    assert sandbox.state is not None
    return AccordSettings(
        graph_base_url=sandbox.graph_url,
        graph_tenant_id=sandbox.state.tenant.tenant_id,
        graph_client_id=DEMO_CLIENT_ID,
        graph_authority=https_alias(sandbox.url),
        **values,  # type: ignore[arg-type] # the settings each test chooses
    )


async def _graph_claims(sandbox: SandboxServer, settings: AccordSettings) -> dict[str, object]:
    credential = app_credential(settings, transport=local_http_transport(sandbox.url))
    try:
        token = await credential.get_token(GRAPH_SCOPE)
    finally:
        await credential.close()
    assert sandbox.state is not None
    return sandbox.state.tokens.verify_graph_token(f"Bearer {token.token}")


async def test_a_registered_certificate_gets_a_graph_token(
    credential_sandbox: SandboxServer, registered: SelfSigned, tmp_path: Path
) -> None:
    settings = _settings(
        credential_sandbox,
        graph_credential="certificate",
        graph_client_certificate_path=registered.write(tmp_path / "app.pem"),
    )
    claims = await _graph_claims(credential_sandbox, settings)
    assert claims["appid"] == DEMO_CLIENT_ID


async def test_a_certificate_the_app_does_not_have_is_refused(
    credential_sandbox: SandboxServer, tmp_path: Path
) -> None:
    settings = _settings(
        credential_sandbox,
        graph_credential="certificate",
        graph_client_certificate_path=self_signed("someone-else").write(tmp_path / "other.pem"),
    )
    with pytest.raises(ClientAuthenticationError, match="AADSTS700027"):
        await _graph_claims(credential_sandbox, settings)


async def test_workload_identity_exchanges_the_service_account_token(
    credential_sandbox: SandboxServer, issuer_key: SelfSigned, tmp_path: Path
) -> None:
    token_file = tmp_path / "azure-identity-token"
    token_file.write_text(
        service_account_token(
            issuer_key, issuer=ISSUER, subject=SUBJECT, audience="api://AzureADTokenExchange"
        ),
        encoding="utf-8",
    )
    settings = _settings(
        credential_sandbox,
        graph_credential="workload_identity",
        graph_federated_token_file=token_file,
    )
    claims = await _graph_claims(credential_sandbox, settings)
    assert claims["appid"] == DEMO_CLIENT_ID


async def test_a_service_account_the_app_does_not_trust_is_refused(
    credential_sandbox: SandboxServer, issuer_key: SelfSigned, tmp_path: Path
) -> None:
    token_file = tmp_path / "azure-identity-token"
    token_file.write_text(
        service_account_token(
            issuer_key,
            issuer=ISSUER,
            subject="system:serviceaccount:other:other",
            audience="api://AzureADTokenExchange",
        ),
        encoding="utf-8",
    )
    settings = _settings(
        credential_sandbox,
        graph_credential="workload_identity",
        graph_federated_token_file=token_file,
    )
    with pytest.raises(ClientAuthenticationError, match="AADSTS70021"):
        await _graph_claims(credential_sandbox, settings)
