"""Connections the worker and the API share: Graph for a real tenant or for the sandbox.

The sandbox is a development tool that production installs lack; it is loaded only when
Graph points at it (``ACCORD_GRAPH_BASE_URL`` unset).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from azure.identity.aio import ClientSecretCredential
from msgraph.graph_service_client import GraphServiceClient

from accord.settings import AccordSettings
from accord.wiring.sandbox import SandboxMissingError, load_sandbox
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
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
    credential: SandboxClientCredential | ClientSecretCredential
    if settings.graph_base_url is None:
        base_url = f"{sandbox_url(settings)}/v1.0"
        credential = SandboxClientCredential(
            sandbox_url(settings), *_sandbox_ids(settings), _SANDBOX_CLIENT_SECRET
        )
    else:
        base_url = settings.graph_base_url
        tenant_id, client_id = settings.graph_tenant_id, settings.graph_client_id
        secret = settings.graph_client_secret
        if not (tenant_id and client_id and secret):
            raise GraphSetupError(
                "ACCORD_GRAPH_BASE_URL is set, so ACCORD_GRAPH_TENANT_ID, "
                "ACCORD_GRAPH_CLIENT_ID and ACCORD_GRAPH_CLIENT_SECRET are needed too"
            )
        credential = ClientSecretCredential(tenant_id, client_id, secret.get_secret_value())
    try:
        yield build_graph_client(GraphConnection(base_url, credential, pacer=pacer))
    finally:
        await credential.close()
