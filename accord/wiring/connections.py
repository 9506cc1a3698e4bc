"""Connections the worker and the API share: Graph for a real tenant or for the sandbox.

The sandbox is a development tool that production installs lack; it is loaded only when
Graph points at it (``ACCORD_GRAPH_BASE_URL`` unset).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from azure.core.credentials_async import AsyncTokenCredential
from msgraph.graph_service_client import GraphServiceClient

from accord.settings import AccordSettings
from accord.wiring.sandbox import SandboxMissingError, load_sandbox
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import (
    CredentialConfigError,
    EntraCredentialConfig,
    SandboxClientCredential,
    entra_credential,
)
from integrations.graph.pacing import MailboxPacer

# The sandbox checks that a secret is sent, not what it is (see sandbox.routes.identity).
_SANDBOX_CLIENT_SECRET = "accord-local-sandbox"  # noqa: S105 - not a secret, see above


class GraphSetupError(Exception):
    """Graph is configured only in part; the message names what is missing."""


def sandbox_url(settings: AccordSettings) -> str:
    """Return the local sandbox's base URL from the settings."""
    return f"http://{settings.sandbox_host}:{settings.sandbox_port}"


def _sandbox_ids(settings: AccordSettings) -> tuple[str, str]:
    tenant_id, client_id = settings.graph_tenant_id, settings.graph_client_id
    if tenant_id and client_id and settings.sandbox_tenant_file is None:
        return tenant_id, client_id
    try:
        tenant = load_sandbox("tenant")
    except SandboxMissingError:
        raise GraphSetupError(
            "ACCORD_GRAPH_BASE_URL is not set, so Accord would use the local sandbox, a "
            "development tool this installation does not have: set ACCORD_GRAPH_BASE_URL, "
            "ACCORD_GRAPH_TENANT_ID, ACCORD_GRAPH_CLIENT_ID and ACCORD_GRAPH_CLIENT_SECRET"
        ) from None
    if settings.sandbox_tenant_file is not None:
        try:
            seed = tenant.load_tenant_file(settings.sandbox_tenant_file)
        except tenant.TenantError as exc:
            raise GraphSetupError(f"ACCORD_SANDBOX_TENANT_FILE: {exc}") from None
        tenant_id = tenant_id or seed.tenant_id
        client_id = client_id or (seed.apps[0].client_id if seed.apps else None)
    return (
        tenant_id or tenant.TenantSeed.model_fields["tenant_id"].default,
        client_id or tenant.DEMO_CLIENT_ID,
    )


_VARIABLES = {
    "tenant_id": "ACCORD_GRAPH_TENANT_ID",
    "client_id": "ACCORD_GRAPH_CLIENT_ID",
    "client_secret": "ACCORD_GRAPH_CLIENT_SECRET",
    "certificate_path": "ACCORD_GRAPH_CLIENT_CERTIFICATE_PATH",
}


def entra_config(settings: AccordSettings) -> EntraCredentialConfig:
    """Return how Accord's app authenticates to Entra ID, from the ``graph_*`` settings."""
    secret = settings.graph_client_secret
    password = settings.graph_client_certificate_password
    return EntraCredentialConfig(
        kind=settings.graph_credential,
        tenant_id=settings.graph_tenant_id,
        client_id=settings.graph_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        certificate_path=settings.graph_client_certificate_path,
        certificate_password=password.get_secret_value() if password else None,
        federated_token_file=settings.graph_federated_token_file,
        authority=settings.graph_authority,
    )


def app_credential(settings: AccordSettings, **options: object) -> AsyncTokenCredential:
    """Return the credential of Accord's app in a real tenant, as ``graph_credential`` says.

    Args:
        settings: Accord's settings (``graph_*``).
        **options: passed to azure-identity's credential (tests pass a ``transport``).

    Returns:
        azure-identity's async credential; the caller closes it.

    Raises:
        GraphSetupError: naming the variables the chosen credential still needs.
    """
    try:
        return entra_credential(entra_config(settings), **options)
    except CredentialConfigError as exc:
        names = [variable for field, variable in _VARIABLES.items() if field in str(exc)]
        raise GraphSetupError(
            f"ACCORD_GRAPH_BASE_URL is set and ACCORD_GRAPH_CREDENTIAL is "
            f"{settings.graph_credential}, so {', '.join(names)} must be set too"
        ) from None


def sandbox_ids(settings: AccordSettings) -> tuple[str, str]:
    """Return the sandbox's ``(tenant id, app client id)`` the settings point at.

    Raises:
        GraphSetupError: when the sandbox's tenant file cannot be read, or the sandbox is
            needed and not installed.
    """
    return _sandbox_ids(settings)


@asynccontextmanager
async def graph_client(
    settings: AccordSettings, pacer: MailboxPacer | None = None
) -> AsyncIterator[GraphServiceClient]:
    """Yield a Graph client for the configured tenant, or for the sandbox when none is.

    A real tenant (``graph_base_url`` set) needs ``graph_tenant_id``, ``graph_client_id``
    and ``graph_client_secret``. The sandbox is asked as the app of its tenant: the one in
    ``sandbox_tenant_file`` when set, else the demo tenant (``graph_*_id`` override both).

    Args:
        settings: Accord's settings.
        pacer: the worker's mailbox pacer, which then holds a slot for each request.

    Yields:
        The Graph client; its credential is closed on exit.

    Raises:
        GraphSetupError: when a real tenant is configured without all three credentials, or
            the sandbox's tenant file cannot be read, or the sandbox is not installed.
    """
    credential = graph_credential(settings)
    try:
        yield build_graph_client(GraphConnection(graph_url(settings), credential, pacer=pacer))
    finally:
        await credential.close()


def graph_url(settings: AccordSettings) -> str:
    """Return Graph's service root: ``graph_base_url``, or the sandbox's."""
    return settings.graph_base_url or f"{sandbox_url(settings)}/v1.0"


def graph_credential(settings: AccordSettings) -> SandboxClientCredential | AsyncTokenCredential:
    """Return the app's credential for Graph (``accord doctor`` asks it for a token too).

    The caller closes it (``await credential.close()``).

    Raises:
        GraphSetupError: as :func:`graph_client`.
    """
    if settings.graph_base_url is None:
        return SandboxClientCredential(
            sandbox_url(settings), *_sandbox_ids(settings), _SANDBOX_CLIENT_SECRET
        )
    return app_credential(settings)
